"""Every audit event has words: an action code recorded anywhere without an entry in the
catalogue fails here, before a reader meets a bare code on the audit log page."""

import ast
import pathlib
import re

import pytest
from django.utils import translation

from zicht.audit import catalogue
from zicht.audit.models import AuditEvent

SRC = pathlib.Path(catalogue.__file__).resolve().parents[1]
CODE = re.compile(
    r"^(accounts|admin|api|audit|auth|coordination|help|insight|intake|lessons|linkage|monitor|"
    r"security)"
    r"\.[a-z_]+$"
)
# Strings shaped like an action code that are something else: e-mail purposes, object
# types and session keys.
NOT_ACTIONS_KEYWORDS = {"purpose", "object_type"}
# The access policy's action codes ("insight.view") are not audit events; its refusal
# events are checked against the catalogue by tests/access/test_policy.py.
POLICY = SRC / "access" / "policy.py"
POLICY_CALLS = {"allows", "admitted_as", "require", "record_refusal", "action"}


def recorded_codes() -> dict[str, str]:
    """Every action code in src/zicht: string literals shaped like ``app.event`` (except
    e-mail purposes, object types, session keys and f-string fragments), plus the
    ``coordination.<action>`` codes that ``trail.audit_event("<action>")`` builds."""
    codes: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path == POLICY:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                skip.update(id(v) for v in node.values)
            if isinstance(node, ast.keyword) and node.arg in NOT_ACTIONS_KEYWORDS:
                skip.add(id(node.value))
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id.endswith("_KEY") for t in node.targets
            ):
                skip.add(id(node.value))
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in POLICY_CALLS:
                    skip.update(id(a) for a in node.args)
                if name == "audit_event" and node.args and isinstance(node.args[0], ast.Constant):
                    codes.setdefault(f"coordination.{node.args[0].value}", str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE.match(node.value)
                and id(node) not in skip
            ):
                codes.setdefault(node.value, str(path))
    return codes


def test_the_collector_finds_the_known_kinds_of_call():
    codes = recorded_codes()
    assert "auth.login" in codes  # record(action="auth.login")
    assert "coordination.file_closed" in codes  # trail.audit_event("file_closed")
    assert "admin.object_changed" in codes  # a module constant
    assert "accounts.invitation" not in codes  # an e-mail purpose


def test_every_recorded_event_has_words():
    missing = {
        code: where for code, where in recorded_codes().items() if code not in catalogue.EVENTS
    }
    assert not missing, f"audit events without words in zicht.audit.catalogue: {missing}"


@pytest.mark.parametrize("code", sorted(catalogue.EVENTS))
def test_every_sentence_renders_in_dutch_and_english(code):
    event = AuditEvent(action=code, actor_label="p@example.org", object_id="7", details={})
    for language in ("en", "nl"):
        with translation.override(language):
            text = catalogue.describe(event, actor_name="Priya Pinas", reference="ZS-1")
        assert "%(" not in text and code not in text


def test_a_sentence_names_the_person_the_reference_and_the_roles():
    event = AuditEvent(
        action="accounts.role_changed",
        object_id="3",
        details={"from": "professional", "to": "org_admin"},
    )
    with translation.override("en"):
        assert catalogue.describe(event, actor_name="Priya Pinas", reference="Sam Jansen") == (
            "Priya Pinas changed the role of member Sam Jansen from professional to "
            "organisation administrator"
        )
    viewed = AuditEvent(action="intake.signal_viewed", object_id="12")
    with translation.override("nl"):
        assert (
            catalogue.describe(viewed, actor_name="Priya Pinas", reference="ZS-2026-141294")
            == "Priya Pinas heeft signaal ZS-2026-141294 bekeken"
        )


def test_an_unknown_code_still_reads_without_a_crash():
    event = AuditEvent(action="test.event", object_id="")
    with translation.override("en"):
        assert catalogue.describe(event) == "Someone unknown: event test.event"
