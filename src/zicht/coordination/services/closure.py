"""Closing a file, and reopening it when a closed case needs attention again.

Reopening shares ``files.reopen`` with a new referral that reaches a closed file, so
both reset the screening in the same way.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.coordination import workflow
from zicht.coordination.constants import ClosureOutcome
from zicht.coordination.limits import LONG_TEXT_MAX_LENGTH, REOPEN_REASON_MAX_LENGTH, check_lengths
from zicht.coordination.services.files import reopen
from zicht.coordination.services.guards import require_coordinator
from zicht.coordination.services.locking import lock_file, save_file
from zicht.coordination.services.trail import audit_event, notify, step


def file_close(*, membership, file, outcome: str, note: str = "", expected_version=None):
    require_coordinator(membership, action="close", object_id=file.pk)
    if outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    note = (note or "").strip()
    check_lengths(note=(note, LONG_TEXT_MAX_LENGTH))
    with transaction.atomic():
        file = lock_file(file, expected_version)
        file.status = workflow.target(workflow.FILE, "close", file.status)
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
        audit_event("file_closed", membership=membership, object_id=file.pk, outcome=outcome)
        notify("status_changed", file, to="referrers")
    return file


def file_reopen(*, membership, file, reason: str, expected_version=None):
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
        audit_event("file_reopened", membership=membership, object_id=file.pk)
        notify("status_changed", file, to="referrers")
    return file
