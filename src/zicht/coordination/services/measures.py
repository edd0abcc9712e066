"""The assessment and its measures: what the coordination centre decides to do.

The questionnaire proposes measures; a coordinator accepts, rejects, starts or ends
each, or adds one the questionnaire did not propose. Every decision is recorded the
same way (``_record_measure``), so the timeline and the audit log name the measure
and its owner alike for proposed and added measures.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.audit.catalogue import EVENTS, AuditAction
from zicht.coordination import workflow
from zicht.coordination.assessment import propose_measures
from zicht.coordination.constants import FileStatus, MeasureKind, MeasureStatus, Question
from zicht.coordination.limits import LONG_TEXT_MAX_LENGTH, check_dates, check_lengths
from zicht.coordination.models import Assessment, Measure
from zicht.coordination.services.guards import require_coordinator, require_in_care
from zicht.coordination.services.locking import lock_file, save_file
from zicht.coordination.services.trail import audit_event, notify, step

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership, Organisation
    from zicht.coordination.models import CoordinationFile


def assessment_complete(
    *,
    membership: Membership,
    file: CoordinationFile,
    answers: dict,
    note: str = "",
    expected_version: int | str | None = None,
) -> Assessment:
    """Record the questionnaire and add the measures it proposes (status "proposed")."""
    require_coordinator(membership, action="assess", object_id=file.pk)
    answers = {q.value: bool(answers.get(q.value)) for q in Question}
    note = (note or "").strip()
    check_lengths(note=(note, LONG_TEXT_MAX_LENGTH))
    with transaction.atomic():
        file = lock_file(file, expected_version)
        if file.status == FileStatus.ASSESSMENT:
            file.status = workflow.target(workflow.FILE, "complete_assessment", file.status)
        elif file.status != FileStatus.SUPPORT:
            workflow.target(workflow.FILE, "complete_assessment", file.status)  # raises
        assessment, _created = Assessment.objects.update_or_create(
            file=file,
            defaults={
                "answers": answers,
                "note": note,
                "completed_at": timezone.now(),
                "completed_by": membership.user,
            },
        )
        existing = set(file.measures.values_list("kind", flat=True))
        proposed = [k for k in propose_measures(answers) if k not in existing]
        Measure.objects.bulk_create(
            [Measure(file=file, kind=k, proposed_by_assessment=True) for k in proposed]
        )
        save_file(file, "status")
        step(
            file,
            membership=membership,
            event="assessment_completed",
            details={"proposed": proposed},
        )
        step(file, event="support_started", for_referrer=True)
        audit_event(
            AuditAction.COORDINATION_ASSESSMENT_COMPLETED,
            membership=membership,
            object_id=file.pk,
            proposed=proposed,
            yes=sorted(k for k, v in answers.items() if v),
        )
        notify("status_changed", file, to="referrers")
    return assessment


def _check_measure_fields(
    owner: Organisation | None, start_date: dt.date | None, end_date: dt.date | None
) -> None:
    if owner is None:
        raise ValidationError({"owner": _("Choose the organisation that owns the measure.")})
    check_dates(start_date=start_date, end_date=end_date)
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The end date lies before the start date.")})


def _record_measure(
    measure: Measure, file: CoordinationFile, *, membership: Membership, event: str
) -> None:
    """Raise the file's version; ``event`` for the measure in the timeline and audit log."""
    save_file(file)
    step(
        file,
        membership=membership,
        event=event,
        details={"measure": measure.kind, "owner": measure.owner.name if measure.owner else ""},
    )
    audit_event(
        EVENTS[f"coordination.{event}"],
        membership=membership,
        object_type="measure",
        object_id=measure.pk,
        file=file.pk,
        kind=measure.kind,
    )


def measure_decide(
    *,
    membership: Membership,
    measure: Measure,
    action: str,
    owner: Organisation | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    note: str = "",
    expected_version: int | str | None = None,
) -> Measure:
    """Accept, reject, start or end a measure."""
    require_coordinator(membership, action=f"measure_{action}", object_id=measure.file_id)
    note = (note or "").strip()
    check_lengths(note=(note, LONG_TEXT_MAX_LENGTH))
    with transaction.atomic():
        file = lock_file(measure.file, expected_version)
        require_in_care(
            file, _("Measures can only be decided while the file is in assessment or care.")
        )
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        measure.status = workflow.target(workflow.MEASURE, action, measure.status)
        today = timezone.localdate()
        if action == "accept":
            _check_measure_fields(owner, start_date, end_date)
            measure.owner = owner
            measure.start_date = start_date
            measure.end_date = end_date
        elif action == "start":
            measure.start_date = measure.start_date or today
        elif action == "end":
            measure.end_date = today
        if note:
            measure.note = note
        measure.decided_at = timezone.now()
        measure.save()
        _record_measure(measure, file, membership=membership, event=f"measure_{action}")
    return measure


def measure_add(
    *,
    membership: Membership,
    file: CoordinationFile,
    kind: str,
    owner: Organisation | None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    note: str = "",
    expected_version: int | str | None = None,
) -> Measure:
    """Add a measure the questionnaire did not propose; it is accepted at once."""
    require_coordinator(membership, action="measure_add", object_id=file.pk)
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": _("Choose a measure.")})
    note = (note or "").strip()
    check_lengths(note=(note, LONG_TEXT_MAX_LENGTH))
    _check_measure_fields(owner, start_date, end_date)
    with transaction.atomic():
        file = lock_file(file, expected_version)
        require_in_care(
            file, _("Measures can only be added while the file is in assessment or care.")
        )
        if file.measures.filter(kind=kind).exists():
            raise ValidationError(
                {"kind": _("This measure is already on the file: decide it in the list.")}
            )
        measure = Measure.objects.create(
            file=file,
            kind=kind,
            status=MeasureStatus.ACCEPTED,
            owner=owner,
            start_date=start_date,
            end_date=end_date,
            note=note,
            decided_at=timezone.now(),
        )
        _record_measure(measure, file, membership=membership, event="measure_added")
    return measure
