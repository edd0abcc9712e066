"""The one catalogue of audit events and the words for each: :class:`AuditAction`.

``zicht.audit.services.record`` takes a member of :class:`AuditAction`, never a string,
and each member is declared with its code, the group it belongs to (for the "kind of
event" filter) and one sentence, an English source string with a Dutch translation, with
named placeholders: ``actor`` (the person's display name), ``object`` (the object's
reference, such as a signal reference or a file number, or its number when it has none)
and, for a few events, ``from``/``to`` (role labels). The audit log page, its export and
anything else that puts an event into words reads it from here. A member cannot be
declared without a sentence; ``tests/audit/test_catalogue.py`` fails for a sentence
without a Dutch translation or a ``record()`` call that passes a string, and mypy for an
action that is not a member.

Sentences never use ``details`` beyond the few keys named above: details hold ids and
codes, and reading them into words must not become a way to show identity plaintext.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zicht.accounts.constants import Role

if TYPE_CHECKING:
    from zicht.audit.models import AuditEvent

__all__ = [
    "EVENTS",
    "AuditAction",
    "EventGroup",
    "action_choices",
    "codes_in",
    "describe",
    "names_for",
    "register_references",
    "references_for",
]


class EventGroup(models.TextChoices):
    LOGIN = "login", _("Login and two-step verification")
    MEMBERS = "members", _("Members and organisations")
    SIGNALS = "signals", _("Signals")
    MATCHES = "matches", _("Matches")
    COORDINATION = "coordination", _("Coordination")
    HELP = "help", _("Help conversations")
    INSIGHT = "insight", _("Insight and lessons")
    API = "api", _("API")
    AUDIT = "audit", _("Audit log")
    ADMIN = "admin", _("System administration")
    REFUSED = "refused", _("Refused access")


class AuditAction(StrEnum):
    """Every kind of audit event, with its words: the code stored in ``AuditEvent.action``,
    the group it is filtered under and the sentence that reads it to a person.

    ``zicht.audit.services.record`` takes only members of this enum, so an event cannot be
    recorded without words, and a reader of the code gets from an event to its sentence in
    one hop. The values are the codes stored since the first release: never change one
    (stored events and their hashes keep it); add a member instead.
    """

    _value_: str
    group: EventGroup
    sentence: Promise

    def __new__(cls, code: str, group: EventGroup, sentence: Promise) -> AuditAction:
        member = str.__new__(cls, code)
        member._value_ = code
        member.group = group
        member.sentence = sentence
        return member

    AUTH_LOGIN = "auth.login", EventGroup.LOGIN, _("%(actor)s logged in")
    AUTH_LOGOUT = "auth.logout", EventGroup.LOGIN, _("%(actor)s logged out")
    AUTH_LOGIN_FAILED = "auth.login_failed", EventGroup.LOGIN, _("Failed login for %(actor)s")
    AUTH_LOCKED_OUT = (
        "auth.locked_out",
        EventGroup.LOGIN,
        _("%(actor)s was locked out after too many failed logins"),
    )
    AUTH_LOGIN_REFUSED_NO_MEMBERSHIP = (
        "auth.login_refused_no_membership",
        EventGroup.LOGIN,
        _("Login refused for %(actor)s: no active membership"),
    )
    AUTH_OTP_FAILED = (
        "auth.otp_failed",
        EventGroup.LOGIN,
        _("%(actor)s entered a wrong two-step verification code"),
    )
    AUTH_BACKUP_TOKEN_FAILED = (
        "auth.backup_token_failed",
        EventGroup.LOGIN,
        _("%(actor)s entered a wrong backup code"),
    )
    AUTH_TWO_FACTOR_ENROLLED = (
        "auth.two_factor_enrolled",
        EventGroup.LOGIN,
        _("%(actor)s set up two-step verification"),
    )
    AUTH_TWO_FACTOR_REMOVED = (
        "auth.two_factor_removed",
        EventGroup.LOGIN,
        _("%(actor)s removed two-step verification"),
    )
    AUTH_BACKUP_CODES_GENERATED = (
        "auth.backup_codes_generated",
        EventGroup.LOGIN,
        _("%(actor)s generated new backup codes"),
    )
    AUTH_REAUTHENTICATED = (
        "auth.reauthenticated",
        EventGroup.LOGIN,
        _("%(actor)s confirmed their password"),
    )
    AUTH_REAUTHENTICATION_FAILED = (
        "auth.reauthentication_failed",
        EventGroup.LOGIN,
        _("%(actor)s entered a wrong password to confirm"),
    )

    ACCOUNTS_MEMBER_ADDED = (
        "accounts.member_added",
        EventGroup.MEMBERS,
        _("%(actor)s added member %(object)s"),
    )
    ACCOUNTS_MEMBER_INVITED = (
        "accounts.member_invited",
        EventGroup.MEMBERS,
        _("%(actor)s invited member %(object)s"),
    )
    ACCOUNTS_MEMBER_DEACTIVATED = (
        "accounts.member_deactivated",
        EventGroup.MEMBERS,
        _("%(actor)s deactivated member %(object)s"),
    )
    ACCOUNTS_MEMBER_REACTIVATED = (
        "accounts.member_reactivated",
        EventGroup.MEMBERS,
        _("%(actor)s reactivated member %(object)s"),
    )
    ACCOUNTS_ROLE_CHANGED = (
        "accounts.role_changed",
        EventGroup.MEMBERS,
        _("%(actor)s changed the role of member %(object)s from %(from)s to %(to)s"),
    )
    ACCOUNTS_INVITATION_RESENT = (
        "accounts.invitation_resent",
        EventGroup.MEMBERS,
        _("%(actor)s resent the invitation of %(object)s"),
    )
    ACCOUNTS_INVITATION_WITHDRAWN = (
        "accounts.invitation_withdrawn",
        EventGroup.MEMBERS,
        _("%(actor)s withdrew the invitation of %(object)s"),
    )
    ACCOUNTS_INVITATION_ACCEPTED = (
        "accounts.invitation_accepted",
        EventGroup.MEMBERS,
        _("%(actor)s accepted an invitation"),
    )
    ACCOUNTS_INVITATION_DECLINED = (
        "accounts.invitation_declined",
        EventGroup.MEMBERS,
        _("%(actor)s declined an invitation"),
    )
    ACCOUNTS_ORGANISATION_CREATED = (
        "accounts.organisation_created",
        EventGroup.MEMBERS,
        _("%(actor)s created organisation %(object)s"),
    )
    ACCOUNTS_ORGANISATION_SELECTED = (
        "accounts.organisation_selected",
        EventGroup.MEMBERS,
        _("%(actor)s switched to this organisation"),
    )

    INTAKE_SIGNAL_CREATED = (
        "intake.signal_created",
        EventGroup.SIGNALS,
        _("%(actor)s recorded signal %(object)s"),
    )
    INTAKE_SIGNAL_EDITED = (
        "intake.signal_edited",
        EventGroup.SIGNALS,
        _("%(actor)s edited signal %(object)s"),
    )
    INTAKE_SIGNAL_VIEWED = (
        "intake.signal_viewed",
        EventGroup.SIGNALS,
        _("%(actor)s viewed signal %(object)s"),
    )
    INTAKE_SIGNAL_LIST_VIEWED = (
        "intake.signal_list_viewed",
        EventGroup.SIGNALS,
        _("%(actor)s viewed the list of signals"),
    )
    INTAKE_SIGNAL_WITHDRAWN = (
        "intake.signal_withdrawn",
        EventGroup.SIGNALS,
        _("%(actor)s withdrew signal %(object)s"),
    )
    INTAKE_SIGNAL_PURGED = (
        "intake.signal_purged",
        EventGroup.SIGNALS,
        _("Signal %(object)s was deleted after its retention period"),
    )

    LINKAGE_MATCH_FOUND = (
        "linkage.match_found",
        EventGroup.MATCHES,
        _("A match was found for signal %(object)s"),
    )
    LINKAGE_MATCH_CONFIRMED = (
        "linkage.match_confirmed",
        EventGroup.MATCHES,
        _("%(actor)s confirmed match %(object)s"),
    )
    LINKAGE_MATCH_REJECTED = (
        "linkage.match_rejected",
        EventGroup.MATCHES,
        _("%(actor)s rejected match %(object)s"),
    )
    LINKAGE_MATCH_DECISION_UNDONE = (
        "linkage.match_decision_undone",
        EventGroup.MATCHES,
        _("%(actor)s undid the decision on match %(object)s"),
    )
    LINKAGE_MATCH_VIEWED = (
        "linkage.match_viewed",
        EventGroup.MATCHES,
        _("%(actor)s opened match %(object)s"),
    )
    LINKAGE_KEY_ROTATED = (
        "linkage.key_rotated",
        EventGroup.MATCHES,
        _("%(actor)s rotated the pseudonymisation key"),
    )
    LINKAGE_INDEX_REENCODED = (
        "linkage.index_reencoded",
        EventGroup.MATCHES,
        _("%(actor)s re-encoded a batch of the person index with zicht-pprl-2"),
    )

    COORDINATION_REFERRAL_CREATED = (
        "coordination.referral_created",
        EventGroup.COORDINATION,
        _("%(actor)s referred signal %(object)s"),
    )
    COORDINATION_ANONYMOUS_NOTIFICATION = (
        "coordination.anonymous_notification",
        EventGroup.COORDINATION,
        _("%(actor)s sent an anonymous notification to the coordination centre"),
    )
    COORDINATION_FILE_VIEWED = (
        "coordination.file_viewed",
        EventGroup.COORDINATION,
        _("%(actor)s viewed file %(object)s"),
    )
    COORDINATION_FILE_ASSIGNED = (
        "coordination.file_assigned",
        EventGroup.COORDINATION,
        _("%(actor)s assigned file %(object)s"),
    )
    COORDINATION_FILE_SCREENED = (
        "coordination.file_screened",
        EventGroup.COORDINATION,
        _("%(actor)s screened file %(object)s"),
    )
    COORDINATION_ASSESSMENT_COMPLETED = (
        "coordination.assessment_completed",
        EventGroup.COORDINATION,
        _("%(actor)s completed the individual assessment of file %(object)s"),
    )
    COORDINATION_CARE_REFERRAL_REQUESTED = (
        "coordination.care_referral_requested",
        EventGroup.COORDINATION,
        _("%(actor)s referred file %(object)s to care"),
    )
    COORDINATION_CARE_REFERRAL_ACCEPTED = (
        "coordination.care_referral_accepted",
        EventGroup.COORDINATION,
        _("%(actor)s accepted care referral %(object)s"),
    )
    COORDINATION_CARE_REFERRAL_REFUSED = (
        "coordination.care_referral_refused",
        EventGroup.COORDINATION,
        _("%(actor)s refused care referral %(object)s"),
    )
    COORDINATION_CARE_REFERRAL_PLACED = (
        "coordination.care_referral_placed",
        EventGroup.COORDINATION,
        _("%(actor)s placed the young person of care referral %(object)s"),
    )
    COORDINATION_CARE_REFERRAL_ENDED = (
        "coordination.care_referral_ended",
        EventGroup.COORDINATION,
        _("%(actor)s ended the care of care referral %(object)s"),
    )
    COORDINATION_MEASURE_ADDED = (
        "coordination.measure_added",
        EventGroup.COORDINATION,
        _("%(actor)s added measure %(object)s"),
    )
    COORDINATION_MEASURE_ACCEPT = (
        "coordination.measure_accept",
        EventGroup.COORDINATION,
        _("%(actor)s accepted measure %(object)s"),
    )
    COORDINATION_MEASURE_REJECT = (
        "coordination.measure_reject",
        EventGroup.COORDINATION,
        _("%(actor)s rejected measure %(object)s"),
    )
    COORDINATION_MEASURE_START = (
        "coordination.measure_start",
        EventGroup.COORDINATION,
        _("%(actor)s marked measure %(object)s as in place"),
    )
    COORDINATION_MEASURE_END = (
        "coordination.measure_end",
        EventGroup.COORDINATION,
        _("%(actor)s ended measure %(object)s"),
    )
    COORDINATION_FILE_CLOSED = (
        "coordination.file_closed",
        EventGroup.COORDINATION,
        _("%(actor)s closed file %(object)s"),
    )
    COORDINATION_OPEN_ITEM_DECIDED_AT_CLOSING = (
        "coordination.open_item_decided_at_closing",
        EventGroup.COORDINATION,
        _("%(actor)s decided an open measure or task when closing file %(object)s"),
    )
    COORDINATION_INBOX_VIEWED = (
        "coordination.inbox_viewed",
        EventGroup.COORDINATION,
        _("%(actor)s viewed a page of the coordination inbox"),
    )
    COORDINATION_ANNUAL_REPORT_VIEWED = (
        "coordination.annual_report_viewed",
        EventGroup.COORDINATION,
        _("%(actor)s viewed the annual figures of possible victims"),
    )
    COORDINATION_HTCDS_EXPORTED = (
        "coordination.htcds_exported",
        EventGroup.COORDINATION,
        _("%(actor)s exported the register of possible victims (HTCDS)"),
    )
    COORDINATION_FILE_REOPENED = (
        "coordination.file_reopened",
        EventGroup.COORDINATION,
        _("%(actor)s reopened file %(object)s"),
    )
    COORDINATION_FILE_MERGED = (
        "coordination.file_merged",
        EventGroup.COORDINATION,
        _("%(actor)s merged file %(object)s"),
    )
    COORDINATION_FILE_ANONYMISED = (
        "coordination.file_anonymised",
        EventGroup.COORDINATION,
        _("File %(object)s was anonymised after its retention period"),
    )
    COORDINATION_TASK_CREATED = (
        "coordination.task_created",
        EventGroup.COORDINATION,
        _("%(actor)s added a task to file %(object)s"),
    )
    COORDINATION_TASK_COMPLETED = (
        "coordination.task_completed",
        EventGroup.COORDINATION,
        _("%(actor)s completed a task of file %(object)s"),
    )
    COORDINATION_REMINDER_SENT = (
        "coordination.reminder_sent",
        EventGroup.COORDINATION,
        _("A deadline reminder was sent for file %(object)s"),
    )

    HELP_CONVERSATION_STARTED = (
        "help.conversation_started",
        EventGroup.HELP,
        _("An anonymous conversation was started"),
    )
    HELP_VISITOR_MESSAGE = (
        "help.visitor_message",
        EventGroup.HELP,
        _("The visitor wrote in conversation %(object)s"),
    )
    HELP_COUNSELLOR_REPLY = (
        "help.counsellor_reply",
        EventGroup.HELP,
        _("%(actor)s replied in conversation %(object)s"),
    )
    HELP_CONVERSATION_VIEWED = (
        "help.conversation_viewed",
        EventGroup.HELP,
        _("%(actor)s read conversation %(object)s"),
    )
    HELP_CONVERSATION_CLOSED = (
        "help.conversation_closed",
        EventGroup.HELP,
        _("%(actor)s closed conversation %(object)s"),
    )
    HELP_CONVERSATION_ROUTED = (
        "help.conversation_routed",
        EventGroup.HELP,
        _("%(actor)s passed on conversation %(object)s"),
    )
    HELP_CONVERSATION_DELETED_BY_VISITOR = (
        "help.conversation_deleted_by_visitor",
        EventGroup.HELP,
        _("The visitor deleted conversation %(object)s"),
    )
    HELP_CONVERSATION_PURGED = (
        "help.conversation_purged",
        EventGroup.HELP,
        _("Conversation %(object)s was deleted after its retention period"),
    )
    HELP_CONSENT_REQUESTED = (
        "help.consent_requested",
        EventGroup.HELP,
        _("%(actor)s asked consent to hand over conversation %(object)s"),
    )
    HELP_CONSENT_GIVEN = (
        "help.consent_given",
        EventGroup.HELP,
        _("The visitor gave consent in conversation %(object)s"),
    )
    HELP_CONSENT_DECLINED = (
        "help.consent_declined",
        EventGroup.HELP,
        _("The visitor declined consent in conversation %(object)s"),
    )
    HELP_HANDED_OVER = (
        "help.handed_over",
        EventGroup.HELP,
        _("%(actor)s handed over conversation %(object)s"),
    )
    HELP_HANDOVER_TAKEN_UP = (
        "help.handover_taken_up",
        EventGroup.HELP,
        _("%(actor)s took up the handover of %(object)s"),
    )
    HELP_HANDOVERS_VIEWED = (
        "help.handovers_viewed",
        EventGroup.HELP,
        _("%(actor)s viewed the handovers"),
    )
    HELP_INBOX_VIEWED = (
        "help.inbox_viewed",
        EventGroup.HELP,
        _("%(actor)s viewed the conversation inbox"),
    )
    HELP_RESUME_PROOF_REQUIRED = (
        "help.resume_proof_required",
        EventGroup.HELP,
        _("A visitor was asked for proof to resume conversation %(object)s"),
    )

    INSIGHT_DASHBOARD_VIEWED = (
        "insight.dashboard_viewed",
        EventGroup.INSIGHT,
        _("%(actor)s viewed the insight dashboard"),
    )
    INSIGHT_EXPORTED = (
        "insight.exported",
        EventGroup.INSIGHT,
        _("%(actor)s exported an insight table"),
    )
    INSIGHT_PUBLIC_RELEASE_CREATED = (
        "insight.public_release_created",
        EventGroup.INSIGHT,
        _("%(actor)s published the public statistics of a year"),
    )
    INSIGHT_LESSONS_VIEWED = (
        "insight.lessons_viewed",
        EventGroup.INSIGHT,
        _("%(actor)s viewed the lessons' evaluation"),
    )
    MONITOR_VIEWED = (
        "monitor.viewed",
        EventGroup.INSIGHT,
        _("%(actor)s viewed the municipal monitor"),
    )
    MONITOR_REPORT_VIEWED = (
        "monitor.report_viewed",
        EventGroup.INSIGHT,
        _("%(actor)s viewed a quarterly report of the monitor"),
    )
    MONITOR_PROGRAMME_VIEWED = (
        "monitor.programme_viewed",
        EventGroup.INSIGHT,
        _("%(actor)s viewed the programme view of the monitor"),
    )
    MONITOR_EXPORTED = (
        "monitor.exported",
        EventGroup.INSIGHT,
        _("%(actor)s exported a report of the monitor"),
    )
    MONITOR_AREA_SAVED = (
        "monitor.area_saved",
        EventGroup.INSIGHT,
        _("%(actor)s saved an area of the monitor"),
    )
    MONITOR_AREA_DELETED = (
        "monitor.area_deleted",
        EventGroup.INSIGHT,
        _("%(actor)s deleted an area of the monitor"),
    )
    MONITOR_TARGET_SAVED = (
        "monitor.target_saved",
        EventGroup.INSIGHT,
        _("%(actor)s saved a target of the monitor"),
    )
    MONITOR_TARGET_DELETED = (
        "monitor.target_deleted",
        EventGroup.INSIGHT,
        _("%(actor)s deleted a target of the monitor"),
    )
    MONITOR_NEIGHBOURHOODS_IMPORTED = (
        "monitor.neighbourhoods_imported",
        EventGroup.INSIGHT,
        _("The CBS neighbourhoods were imported"),
    )
    MONITOR_POPULATION_IMPORTED = (
        "monitor.population_imported",
        EventGroup.INSIGHT,
        _("The population figures were imported"),
    )

    API_KEY_CREATED = "api.key_created", EventGroup.API, _("%(actor)s created API key %(object)s")
    API_KEY_REVOKED = "api.key_revoked", EventGroup.API, _("%(actor)s revoked API key %(object)s")
    API_SIGNAL_CREATED = (
        "api.signal_created",
        EventGroup.API,
        _("%(actor)s recorded signal %(object)s through the API"),
    )
    API_SIGNAL_LIST = (
        "api.signal_list",
        EventGroup.API,
        _("%(actor)s listed signals through the API"),
    )
    API_SIGNAL_WITHDRAWN = (
        "api.signal_withdrawn",
        EventGroup.API,
        _("%(actor)s withdrew signal %(object)s through the API"),
    )
    API_MATCH_LIST = "api.match_list", EventGroup.API, _("%(actor)s listed matches through the API")
    API_MATCH_VIEWED = (
        "api.match_viewed",
        EventGroup.API,
        _("%(actor)s viewed match %(object)s through the API"),
    )
    API_MATCH_CONFIRMED = (
        "api.match_confirmed",
        EventGroup.API,
        _("%(actor)s confirmed match %(object)s through the API"),
    )
    API_MATCH_REJECTED = (
        "api.match_rejected",
        EventGroup.API,
        _("%(actor)s rejected match %(object)s through the API"),
    )
    API_REQUEST_REPLAYED = (
        "api.request_replayed",
        EventGroup.API,
        _("A repeated API request of %(actor)s was answered once"),
    )

    AUDIT_EXPORTED = "audit.exported", EventGroup.AUDIT, _("%(actor)s exported the audit log")

    ADMIN_OBJECT_ADDED = (
        "admin.object_added",
        EventGroup.ADMIN,
        _("%(actor)s added %(object)s in the system administration"),
    )
    ADMIN_OBJECT_CHANGED = (
        "admin.object_changed",
        EventGroup.ADMIN,
        _("%(actor)s changed %(object)s in the system administration"),
    )
    ADMIN_OBJECT_DELETED = (
        "admin.object_deleted",
        EventGroup.ADMIN,
        _("%(actor)s deleted %(object)s in the system administration"),
    )
    SECURITY_FIELD_KEY_ROTATED = (
        "security.field_key_rotated",
        EventGroup.ADMIN,
        _("The encrypted fields were re-encrypted under the current key"),
    )
    SYSTEM_STALE_TASKS_REQUEUED = (
        "system.stale_tasks_requeued",
        EventGroup.ADMIN,
        _("Background tasks left running by a stopped worker were queued again or failed"),
    )

    ACCOUNTS_INVITATION_DENIED = (
        "accounts.invitation_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused an invitation"),
    )
    ACCOUNTS_INVITATION_NOT_FOUND = (
        "accounts.invitation_not_found",
        EventGroup.REFUSED,
        _("%(actor)s asked for an unknown invitation"),
    )
    ACCOUNTS_MEMBER_ADMIN_DENIED = (
        "accounts.member_admin_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused member administration"),
    )
    ACCOUNTS_MEMBER_INVITE_DENIED = (
        "accounts.member_invite_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused inviting a member"),
    )
    ACCOUNTS_MEMBER_NOT_FOUND = (
        "accounts.member_not_found",
        EventGroup.REFUSED,
        _("%(actor)s asked for an unknown member"),
    )
    ACCOUNTS_DEACTIVATION_DENIED = (
        "accounts.deactivation_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused deactivating a member"),
    )
    ACCOUNTS_ROLE_CHANGE_DENIED = (
        "accounts.role_change_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused changing a role"),
    )
    API_KEY_ADMIN_DENIED = (
        "api.key_admin_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused API key administration"),
    )
    API_KEY_NOT_FOUND = (
        "api.key_not_found",
        EventGroup.REFUSED,
        _("%(actor)s asked for an unknown API key"),
    )
    API_SCOPE_DENIED = (
        "api.scope_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused an API request outside the key's scope"),
    )
    AUDIT_BROWSE_DENIED = (
        "audit.browse_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused the audit log"),
    )
    COORDINATION_ACCESS_DENIED = (
        "coordination.access_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused access to coordination"),
    )
    COORDINATION_CARE_REFERRAL_DENIED = (
        "coordination.care_referral_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused a care referral"),
    )
    COORDINATION_HANDOVER_DENIED = (
        "coordination.handover_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused a handover"),
    )
    COORDINATION_REFERRAL_DENIED = (
        "coordination.referral_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused a referral"),
    )
    COORDINATION_REFERRAL_NOT_FOUND = (
        "coordination.referral_not_found",
        EventGroup.REFUSED,
        _("%(actor)s asked for an unknown referral"),
    )
    COORDINATION_SIGNAL_NOT_FOUND = (
        "coordination.signal_not_found",
        EventGroup.REFUSED,
        _("%(actor)s asked to refer an unknown signal"),
    )
    COORDINATION_STALE_EDIT_REFUSED = (
        "coordination.stale_edit_refused",
        EventGroup.REFUSED,
        _("An out-of-date change of %(actor)s to file %(object)s was refused"),
    )
    HELP_ACCESS_DENIED = (
        "help.access_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused access to help conversations"),
    )
    INSIGHT_ACCESS_DENIED = (
        "insight.access_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused access to insight"),
    )
    INTAKE_ACCESS_DENIED = (
        "intake.access_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused access to signals"),
    )
    INTAKE_SIGNAL_NOT_FOUND = (
        "intake.signal_not_found",
        EventGroup.REFUSED,
        _("%(actor)s asked for an unknown signal"),
    )
    LESSONS_ACCESS_DENIED = (
        "lessons.access_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused access to lessons"),
    )
    LINKAGE_ACCESS_DENIED = (
        "linkage.access_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused access to matches"),
    )
    MONITOR_ACCESS_DENIED = (
        "monitor.access_denied",
        EventGroup.REFUSED,
        _("%(actor)s was refused access to the monitor"),
    )
    LINKAGE_MATCH_NOT_FOUND = (
        "linkage.match_not_found",
        EventGroup.REFUSED,
        _("%(actor)s asked for an unknown match"),
    )
    SECURITY_CSRF_FAILURE = (
        "security.csrf_failure",
        EventGroup.REFUSED,
        _("A form of %(actor)s was refused: the page had expired"),
    )


# The stored code -> its kind, for events read back from the database.
EVENTS: dict[str, AuditAction] = {action.value: action for action in AuditAction}

_UNKNOWN = _("%(actor)s: event %(code)s")

# object_type -> function(ids, organisation_id) -> {id: reference}; filled by the apps that
# own the objects (in their AppConfig.ready), so audit never imports the apps above it.
Resolver = Callable[[list[str], "int | None"], dict[str, str]]
_REFERENCES: dict[str, Resolver] = {}


def register_references(object_type: str, resolver: Resolver) -> None:
    """Let the app owning ``object_type`` name its objects in the audit log. The resolver
    gets object ids (strings) and the reader's organisation (``None``: the system
    administrator) and returns references or staff names, never a young person's identity,
    and only of objects that organisation may know."""
    _REFERENCES[object_type] = resolver


def references_for(events: Iterable, *, organisation_id: int | None) -> dict[tuple[str, str], str]:
    """The references of the objects of ``events``, one lookup per object type."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.object_type in _REFERENCES and event.object_id:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    found = {}
    for object_type, ids in wanted.items():
        resolved = _REFERENCES[object_type](sorted(ids), organisation_id)
        for object_id, reference in resolved.items():
            found[(object_type, str(object_id))] = reference
    return found


def names_for(user_ids: Iterable, *, organisation_id: int | None) -> dict[str, str]:
    """Display names of the people behind ``user_ids`` (through the accounts app)."""
    resolver = _REFERENCES.get("user")
    ids = sorted({str(i) for i in user_ids})
    return resolver(ids, organisation_id) if resolver and ids else {}


class _Words(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "…"


def _role_label(value: Any) -> str:
    try:
        return str(Role(value).label).lower()
    except ValueError:
        return str(value or "—")


def describe(event: AuditEvent, *, actor_name: str = "", reference: str = "") -> str:
    """The sentence for one event, in the active language."""
    kind = EVENTS.get(event.action)
    details = event.details if isinstance(event.details, dict) else {}
    words = _Words(
        actor=actor_name or event.actor_label or gettext("someone unknown"),
        object=reference or (f"#{event.object_id}" if event.object_id else "—"),
        code=event.action,
    )
    if event.action == AuditAction.ACCOUNTS_ROLE_CHANGED:
        words["from"] = _role_label(details.get("from"))
        words["to"] = _role_label(details.get("to"))
    sentence = str(kind.sentence if kind else _UNKNOWN) % words
    return sentence[:1].upper() + sentence[1:]


def action_choices() -> list[tuple[EventGroup, list[tuple[str, str]]]]:
    """The kinds of event by group, for a choice list: (group, [(code, label)])."""
    groups: dict[EventGroup, list[tuple[str, str]]] = {}
    for action in AuditAction:
        label = str(action.sentence) % _Words(actor=gettext("someone"), object="…", code="")
        groups.setdefault(action.group, []).append((action.value, label[:1].upper() + label[1:]))
    return [(group, groups[group]) for group in EventGroup if group in groups]


def codes_in(group: str) -> list[str]:
    """The stored codes of the events in ``group`` (for filtering the log by kind)."""
    return [action.value for action in AuditAction if action.group == group]
