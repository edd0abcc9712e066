"""Merging two files of one person into one.

The only action that changes two files at once: it locks both in a fixed order (by
primary key), so that two coordinators merging the same pair cannot deadlock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zicht.audit.catalogue import AuditAction
from zicht.coordination import workflow
from zicht.coordination.constants import AWAITING_SCREENING
from zicht.coordination.models import CoordinationFile
from zicht.coordination.services.files import raise_urgency
from zicht.coordination.services.guards import require_coordinator, require_open
from zicht.coordination.services.locking import lock_file, save_file
from zicht.coordination.services.trail import audit_event, step
from zicht.linkage import selectors as linkage_selectors

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership


def _same_person(file: CoordinationFile, other: CoordinationFile) -> bool:
    own = set(file.referrals.exclude(signal_id=None).values_list("signal_id", flat=True))
    theirs = set(other.referrals.exclude(signal_id=None).values_list("signal_id", flat=True))
    return any(linkage_selectors.confirmed_same_person(signal_id=s) & theirs for s in own if s)


def file_merge(
    *,
    membership: Membership | None,
    file: CoordinationFile,
    duplicate: CoordinationFile,
    expected_version: int | str | None = None,
) -> CoordinationFile:
    """Move the referrals of ``duplicate`` (still awaiting screening) into ``file``.

    Used when a match between the two files' signals is confirmed after both were
    referred: one person, one file. The duplicate keeps its timeline and points to
    the file it was merged into.
    """
    require_coordinator(membership, action="merge", object_id=file.pk)
    if duplicate.pk == file.pk:
        raise ValidationError(_("A file cannot be merged with itself."))
    with transaction.atomic():
        first, second = sorted((file, duplicate), key=lambda f: f.pk)  # lock in pk order
        locked = {
            first.pk: lock_file(first, expected_version if first.pk == file.pk else None),
            second.pk: lock_file(second, expected_version if second.pk == file.pk else None),
        }
        file, duplicate = locked[file.pk], locked[duplicate.pk]
        require_open(file, _("Merge into an open file."))
        if not _same_person(file, duplicate):
            raise ValidationError(
                _("These files are not about the same person according to the person index.")
            )
        duplicate.status = workflow.target(workflow.FILE, "merge", duplicate.status)
        duplicate.merged_into = file
        save_file(duplicate, "status", "merged_into")
        moved = duplicate.referrals.update(file=file)
        fields = raise_urgency(file, duplicate.urgency)
        if (
            file.status in AWAITING_SCREENING
            and duplicate.screening_deadline < file.screening_deadline
        ):
            file.screening_deadline = duplicate.screening_deadline
            fields.append("screening_deadline")
        save_file(file, *fields)
        details = {"file": file.reference, "other": duplicate.reference, "referrals": moved}
        step(file, membership=membership, event="merged_in", details=details)
        step(duplicate, membership=membership, event="merged_away", details=details)
        audit_event(
            AuditAction.COORDINATION_FILE_MERGED,
            membership=membership,
            object_id=file.pk,
            duplicate=duplicate.pk,
            referrals=moved,
        )
    return file
