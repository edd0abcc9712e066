"""Who may do what in Zicht: the access policy, as data.

One :class:`Action` per thing a person can do with a kind of object ("record and read
signals", "coordinate files", ...). It names *who* may do it - a role, limited where it
matters to kinds of organisation - and the *object rule* that narrows it to their own
objects, with the function that checks that rule on the object (one hop to the code).
:data:`VIEWS` gives every URL of the project its action, :data:`API_ENDPOINTS` every
partner-API endpoint (viewset action) its action and with it the API-key :class:`Scope` it
needs, and :data:`COMMANDS` every management command that reads or changes personal data.

The views' gates (:func:`zicht.access.guards.require`), the apps' role predicates
(``coordination.permissions.is_coordinator`` and its siblings), the partner API's scope
check (``zicht.api.permissions.HasRequiredScope``) and the audit event of a refusal all
come from here. ``tests/access/test_policy.py`` fails for a URL without an
action, and ``tests/test_access_matrix.py`` checks this policy against real requests for
every role - so the matrix tests the policy instead of being it.

Plain data and functions: no Django import, so any layer may read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from zicht.accounts.constants import OrganisationType as Org
from zicht.accounts.constants import Role, roles_for
from zicht.audit.catalogue import AuditAction


class Audience(StrEnum):
    """Who can reach an action at all, before roles are looked at."""

    PUBLIC = "public"  # anyone, no login (what they reach is their own by code or cookie)
    MEMBER = "member"  # any logged-in member, enrolled in two-factor or enrolling
    ROLES = "roles"  # members with one of the listed roles (``Action.who``)
    API_KEY = "api_key"  # the partner API: an API key with the endpoint's scope
    STAFF = "staff"  # the platform's own staff (Django's ``is_staff``), never a role


class Scope(StrEnum):
    """What an API key may be given (``OrganisationAPIKey.scopes``); every
    :data:`Audience.API_KEY` action needs one. Their words, for the key form, are in
    ``zicht.api.scopes``."""

    SIGNALS_READ = "signals:read"
    SIGNALS_WRITE = "signals:write"
    MATCHES_READ = "matches:read"
    MATCHES_WRITE = "matches:write"


@dataclass(frozen=True)
class Who:
    """A member with ``role`` in an organisation of one of ``organisation_types`` (any
    kind when empty). ``role`` ``None`` means any role."""

    role: str | None
    organisation_types: frozenset[str] = frozenset()

    def admits(self, membership) -> bool:
        if self.role is not None and membership.role != self.role:
            return False
        organisation_type = membership.organisation.type
        if self.organisation_types and organisation_type not in self.organisation_types:
            return False
        # A role an organisation of this kind cannot give (a counsellor set by mistake in
        # a police organisation) opens nothing.
        return membership.role in roles_for(organisation_type)


@dataclass(frozen=True)
class Action:
    code: str
    audience: Audience
    who: tuple[Who, ...] = ()
    objects: str = ""  # the object rule, in words
    object_check: str = ""  # dotted path of the function that applies the object rule
    denied_event: AuditAction | None = None  # recorded when a member is refused
    scope: str = ""  # API-key actions: the scope (a Scope) the key must hold


def _roles(*roles: str, types: tuple[str, ...] = ()) -> tuple[Who, ...]:
    return tuple(Who(role, frozenset(types)) for role in roles)


PROVIDER_TYPES = (Org.SHELTER, Org.YOUTH_CARE)
COUNSELLING_TYPES = tuple(t for t in Org.values if Role.COUNSELLOR in roles_for(t))

_ACTIONS = (
    # --- open to everyone -------------------------------------------------------------
    Action(
        "site.public",
        Audience.PUBLIC,
        objects="pages without personal data: the front page, health checks, language, "
        "log-in, the API's schema and documentation, the method explanation",
    ),
    Action(
        "help.visit",
        Audience.PUBLIC,
        objects="the visitor's own conversation, reached by its case code and passphrase",
        object_check="zicht.help.services.conversation_resume",
    ),
    Action(
        "lessons.play",
        Audience.PUBLIC,
        objects="published lessons; a class by its join code (a signed pupil cookie), the "
        "teacher's class pages only in the browser that started the class",
        object_check="zicht.lessons.class_views._teacher_session",
        denied_event=AuditAction.LESSONS_ACCESS_DENIED,
    ),
    Action(
        "statistics.public",
        Audience.PUBLIC,
        objects="the yearly noisy public release, nothing else",
    ),
    Action(
        "account.invitation_accept",
        Audience.PUBLIC,
        objects="the invitation whose one-time token is in the link",
        object_check="zicht.accounts.views.invitation_accept",
    ),
    # --- any member, for their own account ---------------------------------------------
    Action(
        "account.self",
        Audience.MEMBER,
        objects="the member's own account, two-factor devices, memberships and the "
        "invitations addressed to this account",
        object_check="zicht.accounts.services.invitation_accept",
        denied_event=AuditAction.ACCOUNTS_INVITATION_DENIED,
    ),
    # --- organisation administrators ---------------------------------------------------
    Action(
        "organisation.members",
        Audience.ROLES,
        _roles(Role.ORG_ADMIN),
        objects="members and invitations of the administrator's own organisation",
        object_check="zicht.accounts.permissions.can_manage_members",
        denied_event=AuditAction.ACCOUNTS_MEMBER_ADMIN_DENIED,
    ),
    Action(
        "audit.browse",
        Audience.ROLES,
        _roles(Role.ORG_ADMIN),
        objects="audit events of the administrator's own organisation",
        object_check="zicht.audit.selectors.audit_event_list",
        denied_event=AuditAction.AUDIT_BROWSE_DENIED,
    ),
    Action(
        "api_key.manage",
        Audience.ROLES,
        _roles(Role.ORG_ADMIN),
        objects="API keys of the administrator's own organisation",
        object_check="zicht.api.selectors.api_key_get",
        denied_event=AuditAction.API_KEY_ADMIN_DENIED,
    ),
    # --- the partner API: a key of an organisation, acting as its contact person --------
    Action(
        "api.signals_read",
        Audience.API_KEY,
        objects="signals of the key's organisation, one with its identity",
        object_check="zicht.intake.selectors.signal_get",
        denied_event=AuditAction.API_SCOPE_DENIED,
        scope=Scope.SIGNALS_READ,
    ),
    Action(
        "api.signals_write",
        Audience.API_KEY,
        objects="new signals of the key's organisation; withdrawing its own signals",
        object_check="zicht.intake.services.signal_withdraw",
        denied_event=AuditAction.API_SCOPE_DENIED,
        scope=Scope.SIGNALS_WRITE,
    ),
    Action(
        "api.matches_read",
        Audience.API_KEY,
        objects="matches on signals of the key's organisation: the other organisation, its "
        "contact person and dates",
        object_check="zicht.linkage.selectors.match_get",
        denied_event=AuditAction.API_SCOPE_DENIED,
        scope=Scope.MATCHES_READ,
    ),
    Action(
        "api.matches_write",
        Audience.API_KEY,
        objects="possible matches on signals of the key's organisation",
        object_check="zicht.linkage.services.match_decide",
        denied_event=AuditAction.API_SCOPE_DENIED,
        scope=Scope.MATCHES_WRITE,
    ),
    # --- professionals -----------------------------------------------------------------
    Action(
        "signal.record",
        Audience.ROLES,
        _roles(Role.PROFESSIONAL),
        objects="signals of the professional's own organisation",
        object_check="zicht.intake.selectors.signal_get",
        denied_event=AuditAction.INTAKE_ACCESS_DENIED,
    ),
    Action(
        "match.review",
        Audience.ROLES,
        _roles(Role.PROFESSIONAL),
        objects="matches on signals of the professional's own organisation",
        object_check="zicht.linkage.selectors.match_get",
        denied_event=AuditAction.LINKAGE_ACCESS_DENIED,
    ),
    Action(
        "referral.make",
        Audience.ROLES,
        _roles(Role.PROFESSIONAL),
        objects="the professional's own signals (the author refers) and their referrals",
        object_check="zicht.coordination.permissions.can_refer",
        denied_event=AuditAction.COORDINATION_ACCESS_DENIED,
    ),
    Action(
        "handover.take_up",
        Audience.ROLES,
        _roles(Role.PROFESSIONAL),
        objects="conversations a counsellor of the professional's own organisation handed "
        "over as a signal",
        object_check="zicht.help.selectors.handover_for_professional",
        denied_event=AuditAction.HELP_ACCESS_DENIED,
    ),
    # --- the coordination centre -------------------------------------------------------
    Action(
        "file.coordinate",
        Audience.ROLES,
        _roles(Role.COORDINATOR, types=(Org.COORDINATION_CENTRE,)),
        objects="every coordination file (the centre is national); the register's figures",
        object_check="zicht.coordination.selectors.file_get",
        denied_event=AuditAction.COORDINATION_ACCESS_DENIED,
    ),
    Action(
        "file.conversation",
        Audience.ROLES,
        _roles(Role.COORDINATOR, types=(Org.COORDINATION_CENTRE,)),
        objects="the help conversation a file was opened from, for the file's assigned "
        "coordinator only",
        object_check="zicht.help.selectors.referral_conversation_for_coordinator",
        denied_event=AuditAction.HELP_ACCESS_DENIED,
    ),
    Action(
        "care_referral.act",
        Audience.ROLES,
        _roles(Role.PROFESSIONAL, Role.ORG_ADMIN, types=PROVIDER_TYPES),
        objects="care referrals to the provider's own organisation",
        object_check="zicht.coordination.permissions.can_act_on_care_referral",
        denied_event=AuditAction.COORDINATION_ACCESS_DENIED,
    ),
    Action(
        "conversation.counsel",
        Audience.ROLES,
        _roles(Role.COUNSELLOR, types=COUNSELLING_TYPES),
        objects="conversations answered by the counsellor's own service: the centre's "
        "unless passed on to the counsellor's organisation",
        object_check="zicht.help.permissions.can_counsel",
        denied_event=AuditAction.HELP_ACCESS_DENIED,
    ),
    # --- figures -------------------------------------------------------------------------
    Action(
        "insight.view",
        Audience.ROLES,
        (Who(Role.ANALYST), Who(Role.ORG_ADMIN)),
        objects="aggregates, suppressed: national for analysts, the own organisation's "
        "signals for its administrator",
        object_check="zicht.insight.views._scope",
        denied_event=AuditAction.INSIGHT_ACCESS_DENIED,
    ),
    Action(
        "insight.lessons",
        Audience.ROLES,
        (Who(Role.ANALYST),),
        objects="the lessons' monthly counts, national and suppressed",
        denied_event=AuditAction.INSIGHT_ACCESS_DENIED,
    ),
    Action(
        "monitor.view",
        Audience.ROLES,
        (Who(Role.ANALYST), Who(Role.ORG_ADMIN, frozenset({Org.MUNICIPALITY}))),
        objects="every municipality for analysts, the own municipality for its administrator",
        object_check="zicht.monitor.permissions.may_view",
        denied_event=AuditAction.MONITOR_ACCESS_DENIED,
    ),
    Action(
        "monitor.configure",
        Audience.ROLES,
        (Who(Role.ORG_ADMIN, frozenset({Org.MUNICIPALITY})),),
        objects="areas and targets of the administrator's own municipality",
        object_check="zicht.monitor.permissions.own_municipality",
        denied_event=AuditAction.MONITOR_ACCESS_DENIED,
    ),
    # --- lessons for staff and schools -------------------------------------------------
    Action(
        "lessons.class_school",
        Audience.ROLES,
        (Who(None, frozenset({Org.SCHOOL})),),
        objects="a new class session, started at once by a member of a school",
        denied_event=AuditAction.LESSONS_ACCESS_DENIED,
    ),
    Action(
        "lessons.preview",
        Audience.STAFF,
        objects="lessons being written in the admin",
        denied_event=AuditAction.LESSONS_ACCESS_DENIED,
    ),
)

ACTIONS: dict[str, Action] = {action.code: action for action in _ACTIONS}

_HELP_PUBLIC = (
    "index selfcheck contacts neutral page conversation_home conversation_start "
    "conversation_resume conversation conversation_send conversation_consent "
    "conversation_leave conversation_left conversation_exit conversation_delete"
).split()


def _each(action: str, prefix: str, names: str) -> dict[str, str]:
    return {f"{prefix}:{name}": action for name in names.split()}


#: Every URL of the project (by URL name; ``namespace:<route>`` for an unnamed one) and
#: its action. Django's admin, static files and the two-factor library's own views are
#: not listed: the admin is staff only, the library's views are replaced by ours.
VIEWS: dict[str, str] = {
    **dict.fromkeys(
        [
            "healthz",
            "readyz",
            "set_language",
            "neutral",
            "portal:home",
            "login",
            "api:schema",
            "api:docs",
        ],
        "site.public",
    ),
    "insight:explanation": "site.public",
    **_each("help.visit", "help", " ".join(_HELP_PUBLIC)),
    **_each(
        "lessons.play",
        "lessons",
        "list detail step guide video video_captions class_start class_join class_play "
        "class_status class_confirm class_teacher class_counts class_advance class_close",
    ),
    **_each("statistics.public", "public_statistics", "list csv"),
    "accounts:invitation_accept": "account.invitation_accept",
    **dict.fromkeys(
        ["two_factor_setup", "two_factor_backup_tokens", "two_factor_disable"], "account.self"
    ),
    **_each(
        "account.self",
        "accounts",
        "logout organisation_select reauthenticate invitation_list invitation_join "
        "invitation_decline",
    ),
    **_each(
        "organisation.members",
        "accounts",
        "member_list member_invite member_role member_active member_invitation_resend "
        "member_invitation_withdraw invitation_resend invitation_withdraw",
    ),
    **_each("audit.browse", "audit", "list export"),
    **_each("api_key.manage", "api", "key_list key_create key_revoke"),
    # A partner-API URL by the action of its first method (GET where it has one); the
    # action of every method of it, with the scope the key needs, is in API_ENDPOINTS.
    **_each("api.signals_read", "api", "signal-list signal-detail"),
    "api:signal-withdraw": "api.signals_write",
    **_each("api.matches_read", "api", "match-list match-detail"),
    **_each("api.matches_write", "api", "match-confirm match-reject"),
    "api:<^v1/>": "site.public",  # an unknown API path: a 404 problem for anyone
    **_each(
        "signal.record",
        "intake",
        "signal_list signal_create signal_search signal_detail signal_edit signal_withdraw",
    ),
    **_each("match.review", "linkage", "match_list match_detail match_undo match_decide"),
    **_each("referral.make", "coordination", "referral_create my_referrals referral_detail"),
    **_each("handover.take_up", "help", "handover_list handover_detail handover_take_up"),
    **_each(
        "file.coordinate",
        "coordination",
        "inbox inbox_search file_detail file_assign file_screen file_assess measure_add "
        "measure_decide care_referral_create task_create task_done file_close file_merge "
        "file_reopen annual_report",
    ),
    "help:coordinator_conversation": "file.conversation",
    **_each("care_referral.act", "coordination", "care_inbox care_referral_act"),
    **_each(
        "conversation.counsel",
        "help",
        "counsellor_inbox counsellor_conversation counsellor_reply counsellor_consent "
        "counsellor_handover counsellor_route counsellor_close",
    ),
    **_each("insight.view", "insight", "dashboard chart export"),
    "insight:lessons": "insight.lessons",
    **_each("monitor.view", "monitor", "overview report export programme"),
    **_each("monitor.configure", "monitor", "areas targets"),
    "lessons:class_start_school": "lessons.class_school",
    **_each("lessons.preview", "lessons", "preview preview_step"),
}

#: Every endpoint of the partner API - ``"<viewset basename>.<viewset action>"``, as
#: Open Zaak's ``required_scopes`` per viewset action - and its action, whose ``scope``
#: the key must hold. An endpoint missing here is refused (fail closed), and
#: ``tests/api/test_keys.py`` fails for a routed endpoint without an entry.
API_ENDPOINTS: dict[str, str] = {
    "signal.list": "api.signals_read",
    "signal.retrieve": "api.signals_read",
    "signal.create": "api.signals_write",
    "signal.withdraw": "api.signals_write",
    "match.list": "api.matches_read",
    "match.retrieve": "api.matches_read",
    "match.confirm": "api.matches_write",
    "match.reject": "api.matches_write",
}

#: Management commands that read or change personal data, and whose rule they apply to
#: the account they are run for (the operator names it: ``--coordinator``, ``--admin``).
COMMANDS: dict[str, str] = {
    "export_htcds": "file.coordinate",
    "create_api_key": "api_key.manage",
}


def action(code: str) -> Action:
    """The action ``code``; a ``KeyError`` names a code that is not in the policy."""
    return ACTIONS[code]


def action_for_view(view_name: str) -> Action | None:
    code = VIEWS.get(view_name)
    return ACTIONS[code] if code else None


def action_for_endpoint(basename: str, viewset_action: str | None) -> Action | None:
    """The action of the partner-API endpoint ``viewset_action`` of the viewset
    ``basename`` (its ``scope`` is what the key needs), or None: refuse."""
    code = API_ENDPOINTS.get(f"{basename}.{viewset_action}")
    return ACTIONS[code] if code else None


def allows(code: str, membership) -> bool:
    """Whether ``membership`` may do action ``code`` at all (before the object rule).

    Public and member-wide actions admit everyone (the accounts middleware asks members to
    log in and enrol); role actions an active membership of an active organisation that
    one of the action's ``Who`` admits; API-key and staff actions no membership (they are
    decided by the key's scopes and Django's staff flag)."""
    rule = ACTIONS[code]
    if rule.audience in (Audience.PUBLIC, Audience.MEMBER):
        return True
    return admitted_as(code, membership) is not None


def admitted_as(code: str, membership) -> Who | None:
    """The ``Who`` of role action ``code`` that admits ``membership`` (the first one), or
    None - for pages whose scope depends on who came in (an analyst sees every
    municipality, a municipality's administrator their own)."""
    rule = ACTIONS[code]
    if rule.audience is not Audience.ROLES:
        return None
    if membership is None or not membership.is_active:
        return None
    if not membership.organisation.is_active:
        return None
    return next((who for who in rule.who if who.admits(membership)), None)
