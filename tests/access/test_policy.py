"""The access policy is complete and points at real code (issue 19): every URL of the
project has an action, every action's object rule names a function that exists, and
every refusal event has words in the audit catalogue."""

import importlib

import pytest

from tests.test_access_matrix import _skipped, project_patterns
from zicht.access.policy import ACTIONS, API_ENDPOINTS, COMMANDS, VIEWS, Audience, Scope, allows
from zicht.audit.catalogue import AuditAction


def _resolve(dotted: str):
    module, _, name = dotted.rpartition(".")
    for cut in range(len(dotted.split(".")), 0, -1):
        parts = dotted.split(".")
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            obj = getattr(obj, attribute)
        return obj
    raise ImportError(f"{dotted}: no module {module}")


def test_every_url_has_an_action_and_every_action_is_used():
    keys = {p.key for p in project_patterns() if _skipped(p) in (None, _PUBLIC_HELP)}
    missing = sorted(keys - set(VIEWS))
    assert not missing, f"give these views an action in zicht/access/policy.py VIEWS: {missing}"
    stale = sorted(set(VIEWS) - keys)
    assert not stale, f"no such URL any more, remove it from VIEWS: {stale}"
    unknown = sorted({code for code in VIEWS.values() if code not in ACTIONS})
    assert not unknown, unknown
    unused = set(ACTIONS) - set(VIEWS.values()) - set(COMMANDS.values())
    assert not unused, f"actions no view or command uses: {sorted(unused)}"


_PUBLIC_HELP = "public help page for anonymous visitors"


@pytest.mark.parametrize("code", sorted(ACTIONS))
def test_every_object_rule_names_real_code(code):
    rule = ACTIONS[code]
    if rule.object_check:
        assert callable(_resolve(rule.object_check)), rule.object_check
    if rule.audience in (Audience.ROLES, Audience.STAFF, Audience.API_KEY):
        assert rule.denied_event, f"{code}: a refusal must be audit-logged"
        assert rule.objects, f"{code}: say which objects, in words"
    if rule.denied_event:
        # A member of the catalogue, and so an event with words.
        assert isinstance(rule.denied_event, AuditAction), rule.denied_event
    if rule.audience is Audience.ROLES:
        assert rule.who, code


def test_api_key_actions_and_only_those_name_a_scope():
    for code, rule in ACTIONS.items():
        if rule.audience is Audience.API_KEY:
            assert rule.scope in set(Scope), f"{code}: say which scope the key needs"
        else:
            assert not rule.scope, f"{code}: only API-key actions have a scope"
    assert {ACTIONS[code].audience for code in API_ENDPOINTS.values()} == {Audience.API_KEY}


def test_every_command_is_a_real_command():
    from django.core.management import get_commands

    assert set(COMMANDS) <= set(get_commands())


class _Org:
    def __init__(self, type, is_active=True):
        self.type, self.is_active = type, is_active


class _Membership:
    def __init__(self, role, org_type, *, active=True, org_active=True):
        self.role, self.is_active = role, active
        self.organisation = _Org(org_type, org_active)


@pytest.mark.parametrize(
    ("code", "membership", "allowed"),
    [
        ("signal.record", _Membership("professional", "police"), True),
        ("signal.record", _Membership("professional", "police", active=False), False),
        ("signal.record", _Membership("professional", "police", org_active=False), False),
        ("signal.record", _Membership("coordinator", "coordination_centre"), False),
        ("file.coordinate", _Membership("coordinator", "coordination_centre"), True),
        # A role an organisation of this kind cannot give opens nothing.
        ("file.coordinate", _Membership("coordinator", "police"), False),
        ("conversation.counsel", _Membership("counsellor", "police"), False),
        ("conversation.counsel", _Membership("counsellor", "health_care"), True),
        ("care_referral.act", _Membership("org_admin", "shelter"), True),
        ("care_referral.act", _Membership("org_admin", "police"), False),
        ("monitor.view", _Membership("org_admin", "municipality"), True),
        ("monitor.view", _Membership("org_admin", "police"), False),
        ("monitor.configure", _Membership("analyst", "other"), False),
        ("lessons.class_school", _Membership("professional", "school"), True),
        ("lessons.class_school", _Membership("professional", "police"), False),
        ("lessons.preview", _Membership("org_admin", "other"), False),
        ("api.signals_read", _Membership("org_admin", "other"), False),
        ("account.self", None, True),
        ("signal.record", None, False),
    ],
)
def test_allows(code, membership, allowed):
    assert allows(code, membership) is allowed
