"""Closing a file, and reopening it when a closed case needs attention again.

A file never closes silently with open work: every measure still proposed and every
task still open needs an explicit decision at closing, carry over to follow-up or
drop with a reason, all in the one transaction that closes the file.

Reopening shares ``files.reopen`` with a new referral that reaches a closed file, so
both reset the screening in the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.audit.catalogue import AuditAction
from zicht.coordination import workflow
from zicht.coordination.constants import ClosureDecision, ClosureOutcome
from zicht.coordination.limits import LONG_TEXT_MAX_LENGTH, REOPEN_REASON_MAX_LENGTH, check_lengths
from zicht.coordination.models import Measure
from zicht.coordination.selectors import item_key, open_work
from zicht.coordination.services.files import reopen
from zicht.coordination.services.guards import require_coordinator
from zicht.coordination.services.locking import lock_file, save_file
from zicht.coordination.services.trail import audit_event, notify, step

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership
    from zicht.coordination.models import CoordinationFile, FollowUpTask


def _decide(
    item: Measure | FollowUpTask,
    decision: str,
    reason: str,
    *,
    file: CoordinationFile,
    membership: Membership | None,
) -> None:
    """Carry an open item over, or drop it (a dropped proposal is rejected)."""
    is_measure = isinstance(item, Measure)
    item.closure_decision = decision
    item.closure_reason = reason if decision == ClosureDecision.DROP else ""
    fields = ["closure_decision", "closure_reason"]
    if isinstance(item, Measure) and decision == ClosureDecision.DROP:
        item.status = workflow.target(workflow.MEASURE, "reject", item.status)
        item.decided_at = timezone.now()
        fields += ["status", "decided_at"]
    item.save(update_fields=fields)
    details: dict[str, object] = {"decision": decision}
    if isinstance(item, Measure):
        details["measure"] = item.kind
    else:
        details["task"] = item.pk
    step(
        file,
        membership=membership,
        event=f"{'measure' if is_measure else 'task'}_{decision}",
        details=details,
        note=item.closure_reason,
    )
    audit_event(
        AuditAction.COORDINATION_OPEN_ITEM_DECIDED_AT_CLOSING,
        membership=membership,
        object_id=file.pk,
        item=item_key(item),
        decision=decision,
    )


def _check_decisions(
    open_items: Iterable[Measure | FollowUpTask], decisions: dict
) -> dict[str, tuple[str, str]]:
    """Every open item decided, a reason for every drop; else nothing is written."""
    errors: dict[str, list[str]] = {}
    checked = {}
    for item in open_items:
        key = item_key(item)
        decision, reason = decisions.get(key, ("", ""))
        reason = (reason or "").strip()
        if decision not in ClosureDecision.values:
            errors[key] = [_("Choose: carry over to follow-up, or drop with a reason.")]
        elif decision == ClosureDecision.DROP and not reason:
            errors[f"{key}_reason"] = [_("Say why this is dropped.")]
        else:
            check_lengths(**{f"{key}_reason": (reason, LONG_TEXT_MAX_LENGTH)})
            checked[key] = (decision, reason)
    unknown = set(decisions) - {item_key(i) for i in open_items}
    if unknown:
        errors["__all__"] = [
            _("The open work of this file changed. Reload the file and decide again.")
        ]
    if errors:
        raise ValidationError(errors)
    return checked


def file_close(
    *,
    membership: Membership | None,
    file: CoordinationFile,
    outcome: str,
    note: str = "",
    expected_version: int | str | None = None,
    decisions: dict | None = None,
) -> CoordinationFile:
    """Close the file; ``decisions`` maps each open item's key (``item_key``) to
    (``ClosureDecision``, reason). Refused, with nothing written, while an open item
    is undecided or dropped without a reason."""
    require_coordinator(membership, action="close", object_id=file.pk)
    if outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    note = (note or "").strip()
    check_lengths(note=(note, LONG_TEXT_MAX_LENGTH))
    decisions = decisions or {}
    with transaction.atomic():
        file = lock_file(file, expected_version)
        file.status = workflow.target(workflow.FILE, "close", file.status)
        measures, tasks = open_work(file)
        open_items: list[Measure | FollowUpTask] = [*measures, *tasks]
        checked = _check_decisions(open_items, decisions)
        for item in open_items:
            decision, reason = checked[item_key(item)]
            _decide(item, decision, reason, file=file, membership=membership)
        file.closure_outcome = outcome
        file.closure_note = note
        file.closed_at = timezone.now()
        save_file(file, "status", "closure_outcome", "closure_note", "closed_at")
        step(
            file,
            membership=membership,
            event="closed",
            details={"outcome": outcome},
            note=file.closure_note,
            for_referrer=True,
        )
        audit_event(
            AuditAction.COORDINATION_FILE_CLOSED,
            membership=membership,
            object_id=file.pk,
            outcome=outcome,
        )
        notify("status_changed", file, to="referrers")
    return file


def file_reopen(
    *,
    membership: Membership | None,
    file: CoordinationFile,
    reason: str,
    expected_version: int | str | None = None,
) -> CoordinationFile:
    """Reopen a closed file: it is screened again, with a new deadline."""
    require_coordinator(membership, action="reopen", object_id=file.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the file is reopened.")})
    check_lengths(reason=(reason, REOPEN_REASON_MAX_LENGTH))
    with transaction.atomic():
        file = lock_file(file, expected_version)
        save_file(file, *reopen(file))
        step(file, membership=membership, event="reopened", note=reason, for_referrer=True)
        audit_event(
            AuditAction.COORDINATION_FILE_REOPENED, membership=membership, object_id=file.pk
        )
        notify("status_changed", file, to="referrers")
    return file
