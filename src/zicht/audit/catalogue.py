"""The one catalogue of audit events and the words for each.

Every action code passed to ``zicht.audit.services.record`` has an entry here: the group
it belongs to (for the "kind of event" filter) and one sentence, an English source string
with a Dutch translation, with named placeholders: ``actor`` (the person's display name),
``object`` (the object's reference, such as a signal reference or a file number, or its
number when it has none) and, for a few events, ``from``/``to`` (role labels). The audit
log page, its export and anything else that puts an event into words reads it from here,
so a new event without words fails ``tests/audit/test_catalogue.py`` instead of showing a
code to a reader.

Sentences never use ``details`` beyond the few keys named above: details hold ids and
codes, and reading them into words must not become a way to show identity plaintext.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "EVENTS",
    "EventGroup",
    "EventKind",
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


@dataclass(frozen=True)
class EventKind:
    code: str
    group: EventGroup
    sentence: Promise


def _kinds(group: EventGroup, entries: dict[str, Promise]) -> dict[str, EventKind]:
    return {code: EventKind(code, group, sentence) for code, sentence in entries.items()}


EVENTS: dict[str, EventKind] = {
    **_kinds(
        EventGroup.LOGIN,
        {
            "auth.login": _("%(actor)s logged in"),
            "auth.logout": _("%(actor)s logged out"),
            "auth.login_failed": _("Failed login for %(actor)s"),
            "auth.locked_out": _("%(actor)s was locked out after too many failed logins"),
            "auth.login_refused_no_membership": _(
                "Login refused for %(actor)s: no active membership"
            ),
            "auth.otp_failed": _("%(actor)s entered a wrong two-step verification code"),
            "auth.backup_token_failed": _("%(actor)s entered a wrong backup code"),
            "auth.two_factor_enrolled": _("%(actor)s set up two-step verification"),
            "auth.two_factor_removed": _("%(actor)s removed two-step verification"),
            "auth.backup_codes_generated": _("%(actor)s generated new backup codes"),
            "auth.reauthenticated": _("%(actor)s confirmed their password"),
            "auth.reauthentication_failed": _("%(actor)s entered a wrong password to confirm"),
        },
    ),
    **_kinds(
        EventGroup.MEMBERS,
        {
            "accounts.member_added": _("%(actor)s added member %(object)s"),
            "accounts.member_invited": _("%(actor)s invited member %(object)s"),
            "accounts.member_deactivated": _("%(actor)s deactivated member %(object)s"),
            "accounts.member_reactivated": _("%(actor)s reactivated member %(object)s"),
            "accounts.role_changed": _(
                "%(actor)s changed the role of member %(object)s from %(from)s to %(to)s"
            ),
            "accounts.invitation_resent": _("%(actor)s resent the invitation of %(object)s"),
            "accounts.invitation_withdrawn": _("%(actor)s withdrew the invitation of %(object)s"),
            "accounts.invitation_accepted": _("%(actor)s accepted an invitation"),
            "accounts.invitation_declined": _("%(actor)s declined an invitation"),
            "accounts.organisation_created": _("%(actor)s created organisation %(object)s"),
            "accounts.organisation_selected": _("%(actor)s switched to this organisation"),
        },
    ),
    **_kinds(
        EventGroup.SIGNALS,
        {
            "intake.signal_created": _("%(actor)s recorded signal %(object)s"),
            "intake.signal_edited": _("%(actor)s edited signal %(object)s"),
            "intake.signal_viewed": _("%(actor)s viewed signal %(object)s"),
            "intake.signal_list_viewed": _("%(actor)s viewed the list of signals"),
            "intake.signal_withdrawn": _("%(actor)s withdrew signal %(object)s"),
            "intake.signal_purged": _("Signal %(object)s was deleted after its retention period"),
        },
    ),
    **_kinds(
        EventGroup.MATCHES,
        {
            "linkage.match_found": _("A match was found for signal %(object)s"),
            "linkage.match_confirmed": _("%(actor)s confirmed match %(object)s"),
            "linkage.match_rejected": _("%(actor)s rejected match %(object)s"),
            "linkage.match_decision_undone": _("%(actor)s undid the decision on match %(object)s"),
            "linkage.match_viewed": _("%(actor)s opened match %(object)s"),
            "linkage.key_rotated": _("%(actor)s rotated the pseudonymisation key"),
            "linkage.index_reencoded": _(
                "%(actor)s re-encoded a batch of the person index with zicht-pprl-2"
            ),
        },
    ),
    **_kinds(
        EventGroup.COORDINATION,
        {
            "coordination.referral_created": _("%(actor)s referred signal %(object)s"),
            "coordination.anonymous_notification": _(
                "%(actor)s sent an anonymous notification to the coordination centre"
            ),
            "coordination.file_viewed": _("%(actor)s viewed file %(object)s"),
            "coordination.file_assigned": _("%(actor)s assigned file %(object)s"),
            "coordination.file_screened": _("%(actor)s screened file %(object)s"),
            "coordination.assessment_completed": _(
                "%(actor)s completed the individual assessment of file %(object)s"
            ),
            "coordination.care_referral_requested": _("%(actor)s referred file %(object)s to care"),
            "coordination.file_closed": _("%(actor)s closed file %(object)s"),
            "coordination.open_item_decided_at_closing": _(
                "%(actor)s decided an open measure or task when closing file %(object)s"
            ),
            "coordination.inbox_viewed": _("%(actor)s viewed a page of the coordination inbox"),
            "coordination.annual_report_viewed": _(
                "%(actor)s viewed the annual figures of possible victims"
            ),
            "coordination.htcds_exported": _(
                "%(actor)s exported the register of possible victims (HTCDS)"
            ),
            "coordination.file_reopened": _("%(actor)s reopened file %(object)s"),
            "coordination.file_merged": _("%(actor)s merged file %(object)s"),
            "coordination.file_anonymised": _(
                "File %(object)s was anonymised after its retention period"
            ),
            "coordination.task_created": _("%(actor)s added a task to file %(object)s"),
            "coordination.task_completed": _("%(actor)s completed a task of file %(object)s"),
            "coordination.reminder_sent": _("A deadline reminder was sent for file %(object)s"),
        },
    ),
    **_kinds(
        EventGroup.HELP,
        {
            "help.conversation_started": _("An anonymous conversation was started"),
            "help.visitor_message": _("The visitor wrote in conversation %(object)s"),
            "help.counsellor_reply": _("%(actor)s replied in conversation %(object)s"),
            "help.conversation_viewed": _("%(actor)s read conversation %(object)s"),
            "help.conversation_closed": _("%(actor)s closed conversation %(object)s"),
            "help.conversation_routed": _("%(actor)s passed on conversation %(object)s"),
            "help.conversation_deleted_by_visitor": _(
                "The visitor deleted conversation %(object)s"
            ),
            "help.conversation_purged": _(
                "Conversation %(object)s was deleted after its retention period"
            ),
            "help.consent_requested": _(
                "%(actor)s asked consent to hand over conversation %(object)s"
            ),
            "help.consent_given": _("The visitor gave consent in conversation %(object)s"),
            "help.consent_declined": _("The visitor declined consent in conversation %(object)s"),
            "help.handed_over": _("%(actor)s handed over conversation %(object)s"),
            "help.handover_taken_up": _("%(actor)s took up the handover of %(object)s"),
            "help.handovers_viewed": _("%(actor)s viewed the handovers"),
            "help.inbox_viewed": _("%(actor)s viewed the conversation inbox"),
            "help.resume_proof_required": _(
                "A visitor was asked for proof to resume conversation %(object)s"
            ),
        },
    ),
    **_kinds(
        EventGroup.INSIGHT,
        {
            "insight.dashboard_viewed": _("%(actor)s viewed the insight dashboard"),
            "insight.exported": _("%(actor)s exported an insight table"),
            "insight.public_release_created": _(
                "%(actor)s published the public statistics of a year"
            ),
            "insight.lessons_viewed": _("%(actor)s viewed the lessons' evaluation"),
            "monitor.viewed": _("%(actor)s viewed the municipal monitor"),
            "monitor.report_viewed": _("%(actor)s viewed a quarterly report of the monitor"),
            "monitor.programme_viewed": _("%(actor)s viewed the programme view of the monitor"),
            "monitor.exported": _("%(actor)s exported a report of the monitor"),
            "monitor.area_saved": _("%(actor)s saved an area of the monitor"),
            "monitor.area_deleted": _("%(actor)s deleted an area of the monitor"),
            "monitor.target_saved": _("%(actor)s saved a target of the monitor"),
            "monitor.target_deleted": _("%(actor)s deleted a target of the monitor"),
            "monitor.neighbourhoods_imported": _("The CBS neighbourhoods were imported"),
            "monitor.population_imported": _("The population figures were imported"),
        },
    ),
    **_kinds(
        EventGroup.API,
        {
            "api.key_created": _("%(actor)s created API key %(object)s"),
            "api.key_revoked": _("%(actor)s revoked API key %(object)s"),
            "api.signal_created": _("%(actor)s recorded signal %(object)s through the API"),
            "api.signal_list": _("%(actor)s listed signals through the API"),
            "api.signal_withdrawn": _("%(actor)s withdrew signal %(object)s through the API"),
            "api.match_list": _("%(actor)s listed matches through the API"),
            "api.match_viewed": _("%(actor)s viewed match %(object)s through the API"),
            "api.match_confirmed": _("%(actor)s confirmed match %(object)s through the API"),
            "api.match_rejected": _("%(actor)s rejected match %(object)s through the API"),
            "api.request_replayed": _("A repeated API request of %(actor)s was answered once"),
        },
    ),
    **_kinds(EventGroup.AUDIT, {"audit.exported": _("%(actor)s exported the audit log")}),
    **_kinds(
        EventGroup.ADMIN,
        {
            "admin.object_added": _("%(actor)s added %(object)s in the system administration"),
            "admin.object_changed": _("%(actor)s changed %(object)s in the system administration"),
            "admin.object_deleted": _("%(actor)s deleted %(object)s in the system administration"),
            "security.field_key_rotated": _(
                "The encrypted fields were re-encrypted under the current key"
            ),
            "system.stale_tasks_requeued": _(
                "Background tasks left running by a stopped worker were queued again or failed"
            ),
        },
    ),
    **_kinds(
        EventGroup.REFUSED,
        {
            "accounts.invitation_denied": _("%(actor)s was refused an invitation"),
            "accounts.invitation_not_found": _("%(actor)s asked for an unknown invitation"),
            "accounts.member_admin_denied": _("%(actor)s was refused member administration"),
            "accounts.member_invite_denied": _("%(actor)s was refused inviting a member"),
            "accounts.member_not_found": _("%(actor)s asked for an unknown member"),
            "accounts.deactivation_denied": _("%(actor)s was refused deactivating a member"),
            "accounts.role_change_denied": _("%(actor)s was refused changing a role"),
            "api.key_admin_denied": _("%(actor)s was refused API key administration"),
            "api.key_not_found": _("%(actor)s asked for an unknown API key"),
            "api.scope_denied": _("%(actor)s was refused an API request outside the key's scope"),
            "audit.browse_denied": _("%(actor)s was refused the audit log"),
            "coordination.access_denied": _("%(actor)s was refused access to coordination"),
            "coordination.care_referral_denied": _("%(actor)s was refused a care referral"),
            "coordination.handover_denied": _("%(actor)s was refused a handover"),
            "coordination.referral_denied": _("%(actor)s was refused a referral"),
            "coordination.referral_not_found": _("%(actor)s asked for an unknown referral"),
            "coordination.signal_not_found": _("%(actor)s asked to refer an unknown signal"),
            "coordination.stale_edit_refused": _(
                "An out-of-date change of %(actor)s to file %(object)s was refused"
            ),
            "help.access_denied": _("%(actor)s was refused access to help conversations"),
            "insight.access_denied": _("%(actor)s was refused access to insight"),
            "intake.access_denied": _("%(actor)s was refused access to signals"),
            "intake.signal_not_found": _("%(actor)s asked for an unknown signal"),
            "lessons.access_denied": _("%(actor)s was refused access to lessons"),
            "linkage.access_denied": _("%(actor)s was refused access to matches"),
            "monitor.access_denied": _("%(actor)s was refused access to the monitor"),
            "linkage.match_not_found": _("%(actor)s asked for an unknown match"),
            "security.csrf_failure": _("A form of %(actor)s was refused: the page had expired"),
        },
    ),
}

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


class _Words(dict):
    def __missing__(self, key):
        return "…"


def _role_label(value) -> str:
    from zicht.accounts.constants import Role

    try:
        return str(Role(value).label).lower()
    except ValueError:
        return str(value or "—")


def describe(event, *, actor_name: str = "", reference: str = "") -> str:
    """The sentence for one event, in the active language."""
    kind = EVENTS.get(event.action)
    details = event.details if isinstance(event.details, dict) else {}
    words = _Words(
        actor=actor_name or event.actor_label or gettext("someone unknown"),
        object=reference or (f"#{event.object_id}" if event.object_id else "—"),
        code=event.action,
    )
    if event.action == "accounts.role_changed":
        words["from"] = _role_label(details.get("from"))
        words["to"] = _role_label(details.get("to"))
    sentence = str(kind.sentence if kind else _UNKNOWN) % words
    return sentence[:1].upper() + sentence[1:]


def action_choices() -> list[tuple[EventGroup, list[tuple[str, str]]]]:
    """The kinds of event by group, for a choice list: (group, [(code, label)])."""
    groups: dict[EventGroup, list[tuple[str, str]]] = {}
    for kind in EVENTS.values():
        label = str(kind.sentence) % _Words(actor=gettext("someone"), object="…", code="")
        groups.setdefault(kind.group, []).append((kind.code, label[:1].upper() + label[1:]))
    return [(group, groups[group]) for group in EventGroup if group in groups]


def codes_in(group: str) -> list[str]:
    return [kind.code for kind in EVENTS.values() if kind.group == group]
