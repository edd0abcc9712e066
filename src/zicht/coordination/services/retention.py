"""Retention: closed files are anonymised after a number of years.

What identifies or describes a person goes; what the statistics need stays (statuses,
dates, decisions, measure kinds, care types, outcome, municipality and age), so an
anonymised file still counts.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zicht.audit.catalogue import AuditAction
from zicht.coordination.constants import RETENTION_YEARS_DEFAULT, FileStatus
from zicht.coordination.models import Assessment, CoordinationFile
from zicht.coordination.services.trail import audit_event, step


def _retention_years() -> int:
    """ZICHT_COORDINATION_RETENTION_YEARS: closed files are anonymised after (default 5)."""
    return int(getattr(settings, "ZICHT_COORDINATION_RETENTION_YEARS", RETENTION_YEARS_DEFAULT))


def files_anonymise(*, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Anonymise files closed longer than the retention period (default 5 years).

    Removes every free text, the link to the signals and the names in the timeline;
    keeps statuses, dates, decisions, measure kinds, care types, outcome,
    municipality and age, so the anonymised remainder still counts in statistics.
    """
    now = now or timezone.now()
    years = _retention_years()
    try:
        cutoff = now.replace(year=now.year - years)
    except ValueError:  # 29 February
        cutoff = now.replace(year=now.year - years, day=28)
    due = CoordinationFile.objects.filter(
        status=FileStatus.CLOSED, closed_at__lte=cutoff, anonymised_at__isnull=True
    )
    ids = list(due.values_list("pk", flat=True))
    if dry_run:
        return len(ids)
    for file_id in ids:
        with transaction.atomic():
            file = CoordinationFile.objects.select_for_update().get(pk=file_id)
            file.screening_reasons = ""
            file.closure_note = ""
            file.assigned_to = None
            file.anonymised_at = now
            file.version += 1
            file.save()
            file.referrals.update(reason="", signal_id=None, conversation_code="", referred_by=None)
            Assessment.objects.filter(file=file).update(note="", completed_by=None)
            file.measures.update(note="", closure_reason="")
            file.care_referrals.update(note="", refusal_reason="", requested_by=None)
            file.tasks.update(title="", assigned_to=None, closure_reason="")
            for entry in file.timeline.all():
                entry.note = ""
                entry.actor = None
                entry.details = {k: v for k, v in entry.details.items() if k != "to"}
                entry.save(update_fields=["note", "actor", "details"])
            step(file, event="anonymised")
            audit_event(AuditAction.COORDINATION_FILE_ANONYMISED, object_id=file.pk, years=years)
    return len(ids)
