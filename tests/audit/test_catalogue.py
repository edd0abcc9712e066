"""Every audit event has words, and every event recorded is one of the catalogue's.

``zicht.audit.catalogue.AuditAction`` is the one list of audit events: each member is
declared with its group and its sentence. These tests fail when a sentence lacks its
Dutch translation, when code hands an audit action over as a string instead of a member
(mypy fails on the same call in the checked modules; these scans cover every module), and
when ``record`` is given a code outside the catalogue."""

import ast
import pathlib

import pytest
from django.utils import translation

from zicht.audit import catalogue, services
from zicht.audit.catalogue import EVENTS, AuditAction
from zicht.audit.models import AuditEvent

SRC = pathlib.Path(catalogue.__file__).resolve().parents[1]
CATALOGUE = pathlib.Path(catalogue.__file__).resolve()


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts and path.resolve() != CATALOGUE:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _is_audit_action(annotation) -> bool:
    """``AuditAction``, ``AuditAction | None`` or the same as a string annotation."""
    if annotation is None:
        return False
    return "AuditAction" in ast.unparse(annotation)


def action_parameters() -> dict[str, list[tuple[int | None, str]]]:
    """Every function (and dataclass) in src/zicht that takes an audit action: its name ->
    [(position or None for keyword-only, parameter name)]. ``record`` is one of them."""
    found: dict[str, list[tuple[int | None, str]]] = {}
    for _path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                params = node.args.posonlyargs + node.args.args
                for index, arg in enumerate(params):
                    if _is_audit_action(arg.annotation):
                        found.setdefault(node.name, []).append((index, arg.arg))
                for arg in node.args.kwonlyargs:
                    if _is_audit_action(arg.annotation):
                        found.setdefault(node.name, []).append((None, arg.arg))
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.AnnAssign) and _is_audit_action(item.annotation):
                        found.setdefault(node.name, []).append((None, item.target.id))
    return found


def typed_fields() -> set[str]:
    """Attributes declared as an audit action (``Action.denied_event``)."""
    return {
        item.target.id
        for _path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        for item in node.body
        if isinstance(item, ast.AnnAssign) and _is_audit_action(item.annotation)
    }


def _is_member(node, fields: set[str]) -> bool:
    """``AuditAction.X``, either of two members, a variable (a helper's own parameter,
    typed and checked by mypy), an attribute declared as an audit action or a stored code
    looked up in ``EVENTS``."""
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id == "AuditAction":
            return True
        return node.attr in fields
    if isinstance(node, ast.IfExp):
        return _is_member(node.body, fields) and _is_member(node.orelse, fields)
    if isinstance(node, ast.Name):
        return node.id not in {"None"}
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name) and node.value.id == "EVENTS"
    return False


def action_arguments():
    """(where, the argument's source) of every call that hands over an audit action."""
    takers = action_parameters()
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            for index, keyword in takers.get(name, []):
                given = {k.arg: k.value for k in node.keywords if k.arg}
                if keyword in given:
                    value = given[keyword]
                elif index is not None and index < len(node.args):
                    value = node.args[index]
                else:
                    continue  # the default, or passed on with **kwargs
                yield f"{path.relative_to(SRC)}:{node.lineno}", value


def test_the_scan_finds_record_and_the_helpers_that_pass_an_action_on():
    takers = action_parameters()
    assert {"record", "audit_event", "access_denied_record", "Action"} <= set(takers)
    calls = list(action_arguments())
    assert len(calls) > 150  # every call of record and of the helpers above


def test_every_recorded_action_is_a_member_of_the_catalogue():
    fields = typed_fields()
    assert fields == {"denied_event"}
    strays = [
        f"{where}: {ast.unparse(value)}"
        for where, value in action_arguments()
        if not _is_member(value, fields)
    ]
    assert not strays, (
        f"audit actions must be AuditAction members (zicht.audit.catalogue), not strings: {strays}"
    )


def test_no_stored_code_is_written_out_as_a_string():
    """Comparing or filtering with ``"intake.signal_viewed"`` instead of the member would
    be a second place an event is named: only the catalogue spells out the codes."""
    spelled = [
        f"{path.relative_to(SRC)}:{node.lineno}: {node.value}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in EVENTS
    ]
    assert not spelled, spelled


@pytest.mark.django_db
def test_record_refuses_a_code_outside_the_catalogue_and_writes_nothing():
    with pytest.raises(ValueError, match="not an audit action"):
        services.record(action="intake.signal_peeked")  # type: ignore[arg-type]
    assert not AuditEvent.objects.exists()
    services.record(action="intake.signal_viewed")  # type: ignore[arg-type]
    assert AuditEvent.objects.get().action == "intake.signal_viewed"


def test_the_members_keep_the_stored_codes():
    assert AuditAction.INTAKE_SIGNAL_VIEWED == "intake.signal_viewed"
    assert EVENTS["auth.login"] is AuditAction.AUTH_LOGIN
    assert len(EVENTS) == len(AuditAction)


@pytest.mark.parametrize("action", list(AuditAction), ids=str)
def test_every_event_has_a_group_and_a_dutch_sentence(action):
    assert action.group in catalogue.EventGroup
    with translation.override("en"):
        english = str(action.sentence)
    with translation.override("nl"):
        dutch = str(action.sentence)
    assert dutch != english, f"{action}: no Dutch translation of {english!r}"


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
