"""Writes of the coordination app. One durable transaction per action.

Every status change goes through ``workflow.target()`` under a row lock
(``select_for_update``) and a version check, records an audit event and a
timeline entry inside the same transaction, and queues notifications with
``transaction.on_commit``. A decision made on an outdated version of a file
raises ``StaleFileError``: the first decision stands, the second user keeps their
input and sees what changed.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.audit import services as audit
from zicht.coordination import permissions, workflow
from zicht.coordination.assessment import propose_measures
from zicht.coordination.constants import (
    ADULT_AGE,
    AWAITING_SCREENING,
    REMINDER_WORKING_DAYS_DEFAULT,
    RETENTION_YEARS_DEFAULT,
    SCREENING_WORKING_DAYS_DEFAULT,
    CareStatus,
    ClosureOutcome,
    Consent,
    FileStatus,
    MeasureKind,
    MeasureStatus,
    ParentConsent,
    Question,
    ReferralKind,
    ScreeningDecision,
    Urgency,
)
from zicht.coordination.models import (
    Assessment,
    CareReferral,
    CoordinationFile,
    FollowUpTask,
    Measure,
    Referral,
    TimelineEntry,
)
from zicht.coordination.workdays import add_working_days, working_days_between
from zicht.linkage import selectors as linkage_selectors

__all__ = [
    "StaleFileError",
    "screening_working_days",
    "referral_create",
    "file_assign",
    "file_screen",
    "assessment_complete",
    "measure_decide",
    "measure_add",
    "care_referral_create",
    "care_referral_act",
    "task_create",
    "task_complete",
    "file_close",
    "file_reopen",
    "file_merge",
    "files_anonymise",
    "screening_reminders_send",
]

URGENCY_ORDER = [Urgency.NORMAL, Urgency.URGENT, Urgency.ACUTE]


class StaleFileError(ValidationError):
    """Someone else changed the file (or care referral) after this user loaded it."""


def screening_working_days() -> int:
    """ZICHT_SCREENING_WORKING_DAYS: working days for a screening decision (default 5)."""
    return int(getattr(settings, "ZICHT_SCREENING_WORKING_DAYS", SCREENING_WORKING_DAYS_DEFAULT))


def _retention_years() -> int:
    """ZICHT_COORDINATION_RETENTION_YEARS: closed files are anonymised after (default 5)."""
    return int(getattr(settings, "ZICHT_COORDINATION_RETENTION_YEARS", RETENTION_YEARS_DEFAULT))


def _reminder_working_days() -> int:
    """ZICHT_SCREENING_REMINDER_WORKING_DAYS: remind this many working days before (default 1)."""
    return int(
        getattr(settings, "ZICHT_SCREENING_REMINDER_WORKING_DAYS", REMINDER_WORKING_DAYS_DEFAULT)
    )


# --- helpers ---------------------------------------------------------------------------


def _require_coordinator(membership, *, action: str, object_id="") -> None:
    if not permissions.is_coordinator(membership):
        audit.record(
            action="coordination.access_denied",
            actor=getattr(membership, "user", None),
            organisation=getattr(membership, "organisation", None),
            object_type="coordination_file",
            object_id=object_id,
            details={"attempted": action},
        )
        raise PermissionDenied(_("Only coordinators of the coordination centre can do this."))


def _new_reference() -> str:
    year = timezone.now().year
    while True:
        ref = f"ZC-{year}-{secrets.randbelow(10**6):06d}"
        if not CoordinationFile.objects.filter(reference=ref).exists():
            return ref


def _stale_message() -> str:
    return _(
        "Another coordinator changed this file while you were working on it. Your decision "
        "has not been saved; your input is still in the form below. Check the file's "
        "current state and submit again if it still applies."
    )


def _lock(file: CoordinationFile, expected_version: int | None) -> CoordinationFile:
    locked = CoordinationFile.objects.select_for_update().get(pk=file.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise StaleFileError(_stale_message(), code="stale")
    if locked.anonymised_at is not None:
        raise ValidationError(_("This file has been anonymised and cannot be changed."))
    return locked


def _save(file: CoordinationFile, *fields: str) -> None:
    file.version += 1
    file.save(update_fields=[*fields, "version", "updated_at"])


def _step(file, *, membership=None, actor=None, event, details=None, note="", for_referrer=False):
    TimelineEntry.objects.create(
        file=file,
        actor=actor or getattr(membership, "user", None),
        organisation=getattr(membership, "organisation", None),
        event=event,
        details=details or {},
        note=note or "",
        for_referrer=for_referrer,
    )


def _audit(action, *, membership=None, object_type="coordination_file", object_id="", **details):
    audit.record(
        action=f"coordination.{action}",
        actor=getattr(membership, "user", None),
        organisation=getattr(membership, "organisation", None),
        object_type=object_type,
        object_id=object_id,
        details=details,
    )


def _notify(event: str, file: CoordinationFile, *, to: str) -> None:
    """Queue an e-mail after commit. ``to``: "referrers", "coordinators" or "providers:<id>"."""
    from zicht.coordination import tasks

    transaction.on_commit(
        lambda: tasks.send_notification.enqueue(event=event, file_id=file.pk, to=to)
    )


# --- referral --------------------------------------------------------------------------


def referral_create(
    *,
    membership,
    signal,
    reason: str,
    urgency: str,
    consent_young_person: str,
    consent_parents: str,
) -> Referral:
    """Refer a signal to the coordination centre, by its author.

    A minor may be referred without consent. An adult without consent is counted as
    an anonymous notification: no identity, no reason, no file.
    """
    if not permissions.can_refer(membership, signal):
        _audit("referral_denied", membership=membership, object_type="signal", object_id=signal.pk)
        raise PermissionDenied(_("Only the author of a signal can refer it."))
    if signal.status != "active":
        raise ValidationError(_("Only an active signal can be referred."))
    if Referral.objects.filter(signal_id=signal.pk).exists():
        raise ValidationError(_("This signal has already been referred."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you refer.")})
    is_minor = signal.age_at_contact is not None and signal.age_at_contact < ADULT_AGE
    with_identity = is_minor or consent_young_person == Consent.GIVEN
    common = {
        "signal_id": signal.pk,
        "organisation": membership.organisation,
        "referred_by": membership.user,
        "urgency": urgency,
        "consent_young_person": consent_young_person,
        "consent_parents": consent_parents,
        "is_minor": is_minor,
        "municipality": signal.municipality,
        "age_at_referral": signal.age_at_contact,
    }
    with transaction.atomic():
        if not with_identity:
            referral = Referral.objects.create(kind=ReferralKind.ANONYMOUS, reason="", **common)
            _audit(
                "anonymous_notification",
                membership=membership,
                object_type="referral",
                object_id=referral.pk,
                urgency=urgency,
                consent=consent_young_person,
            )
            return referral
        file, joined = _file_for(signal_id=signal.pk, urgency=urgency, signal=signal)
        referral = Referral.objects.create(
            kind=ReferralKind.REFERRAL, file=file, reason=reason, **common
        )
        _steps_received(file, membership=membership, urgency=urgency, note=reason, new=not joined)
        _audit(
            "referral_created",
            membership=membership,
            object_type="referral",
            object_id=referral.pk,
            file=file.pk,
            urgency=urgency,
            consent=consent_young_person,
            consent_parents=consent_parents,
            minor=is_minor,
            joined=joined,
        )
        _notify("referral_received", file, to="coordinators")
    return referral


def _file_open(*, urgency: str, municipality=None, age=None) -> CoordinationFile:
    """A new file, awaiting screening within the configured number of working days."""
    today = timezone.localdate()
    return CoordinationFile.objects.create(
        reference=_new_reference(),
        urgency=urgency,
        opened_on=today,
        screening_deadline=add_working_days(today, screening_working_days()),
        municipality=municipality,
        age_at_referral=age,
    )


def _steps_received(file, *, membership, urgency: str, note: str, new: bool) -> None:
    """Timeline: the file was opened (for a new file) and a referral was received."""
    if new:
        _step(
            file,
            event="file_opened",
            details={"deadline": file.screening_deadline.isoformat()},
            for_referrer=True,
        )
    _step(
        file,
        membership=membership,
        event="referral_received",
        details={"organisation": membership.organisation.name, "urgency": urgency},
        note=note,
    )


def _file_for(*, signal_id, urgency: str, signal) -> tuple[CoordinationFile, bool]:
    """The open file of the same person (confirmed matches), or a new one."""
    same_person = linkage_selectors.confirmed_same_person(signal_id=signal_id)
    existing = (
        Referral.objects.filter(
            signal_id__in=same_person,
            kind=ReferralKind.REFERRAL,
            file__anonymised_at__isnull=True,
        )
        .select_related("file")
        .order_by("-created_at")
        .first()
    )
    today = timezone.localdate()
    if existing is None:
        file = _file_open(
            urgency=urgency, municipality=signal.municipality, age=signal.age_at_contact
        )
        return file, False
    file = _lock(existing.file, None)
    fields = []
    if URGENCY_ORDER.index(urgency) > URGENCY_ORDER.index(file.urgency):
        file.urgency = urgency
        fields.append("urgency")
    if file.status == FileStatus.CLOSED:
        file.status = workflow.target(workflow.FILE, "reopen", file.status)
        _reset_screening(file, today)
        fields += ["status", "screening_decision", "screened_on", "screened_by"]
        fields += ["screening_deadline", "closed_at", "closure_outcome", "reminder_sent_on"]
        _step(file, event="reopened", details={"because": "new_referral"}, for_referrer=True)
    _save(file, *fields)
    return file, True


def _reset_screening(file: CoordinationFile, today: dt.date) -> None:
    file.screening_decision = ""
    file.screened_on = None
    file.screened_by = None
    file.screening_deadline = add_working_days(today, screening_working_days())
    file.reminder_sent_on = None
    file.closed_at = None
    file.closure_outcome = ""


# --- coordinator actions on the file ----------------------------------------------------


def file_assign(*, membership, file, coordinator, expected_version=None) -> CoordinationFile:
    """Assign the file to a coordinator (``None`` to unassign)."""
    _require_coordinator(membership, action="assign", object_id=file.pk)
    if coordinator is not None and not permissions.is_coordinator(coordinator):
        raise ValidationError(_("Files can only be assigned to coordinators."))
    with transaction.atomic():
        file = _lock(file, expected_version)
        file.assigned_to = getattr(coordinator, "user", None)
        _save(file, "assigned_to")
        _step(
            file,
            membership=membership,
            event="assigned",
            details={"to": file.assigned_to.get_full_name() if file.assigned_to else ""},
        )
        _audit(
            "file_assigned",
            membership=membership,
            object_id=file.pk,
            to=getattr(file.assigned_to, "pk", None),
        )
    return file


def file_screen(*, membership, file, decision: str, reasons: str, expected_version=None):
    """Decide the screening: possible victim, not a victim, or more information needed."""
    _require_coordinator(membership, action="screen", object_id=file.pk)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    action = {
        ScreeningDecision.POSSIBLE_VICTIM: "decide_possible_victim",
        ScreeningDecision.NOT_VICTIM: "decide_not_victim",
        ScreeningDecision.MORE_INFORMATION: "decide_more_information",
    }.get(decision)
    if action is None:
        raise ValidationError({"decision": _("Choose a decision.")})
    with transaction.atomic():
        file = _lock(file, expected_version)
        file.status = workflow.target(workflow.FILE, action, file.status)
        today = timezone.localdate()
        file.screening_decision = decision
        file.screening_reasons = reasons
        fields = ["status", "screening_decision", "screening_reasons"]
        if decision != ScreeningDecision.MORE_INFORMATION:
            file.screened_on = today
            file.screened_by = membership.user
            fields += ["screened_on", "screened_by"]
        if file.assigned_to_id is None:
            file.assigned_to = membership.user
            fields.append("assigned_to")
        _save(file, *fields)
        within = today <= file.screening_deadline
        _step(
            file,
            membership=membership,
            event="screened",
            details={"decision": decision, "within_deadline": within},
            note=reasons,
            for_referrer=True,
        )
        _audit(
            "file_screened",
            membership=membership,
            object_id=file.pk,
            decision=decision,
            within_deadline=within,
            working_days=working_days_between(file.opened_on, today),
        )
        _notify("status_changed", file, to="referrers")
    return file


def assessment_complete(
    *, membership, file, answers: dict, note: str = "", expected_version=None
) -> Assessment:
    """Record the questionnaire and add the measures it proposes (status "proposed")."""
    _require_coordinator(membership, action="assess", object_id=file.pk)
    answers = {q.value: bool(answers.get(q.value)) for q in Question}
    with transaction.atomic():
        file = _lock(file, expected_version)
        if file.status == FileStatus.ASSESSMENT:
            file.status = workflow.target(workflow.FILE, "complete_assessment", file.status)
        elif file.status != FileStatus.SUPPORT:
            workflow.target(workflow.FILE, "complete_assessment", file.status)  # raises
        assessment, _created = Assessment.objects.update_or_create(
            file=file,
            defaults={
                "answers": answers,
                "note": (note or "").strip(),
                "completed_at": timezone.now(),
                "completed_by": membership.user,
            },
        )
        existing = set(file.measures.values_list("kind", flat=True))
        proposed = [k for k in propose_measures(answers) if k not in existing]
        Measure.objects.bulk_create(
            [Measure(file=file, kind=k, proposed_by_assessment=True) for k in proposed]
        )
        _save(file, "status")
        _step(
            file,
            membership=membership,
            event="assessment_completed",
            details={"proposed": proposed},
        )
        _step(file, event="support_started", for_referrer=True)
        _audit(
            "assessment_completed",
            membership=membership,
            object_id=file.pk,
            proposed=proposed,
            yes=sorted(k for k, v in answers.items() if v),
        )
        _notify("status_changed", file, to="referrers")
    return assessment


def _check_measure_fields(owner, start_date, end_date) -> None:
    if owner is None:
        raise ValidationError({"owner": _("Choose the organisation that owns the measure.")})
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The end date lies before the start date.")})


def measure_decide(
    *,
    membership,
    measure: Measure,
    action: str,
    owner=None,
    start_date=None,
    end_date=None,
    note: str = "",
    expected_version=None,
) -> Measure:
    """Accept, reject, start or end a measure."""
    _require_coordinator(membership, action=f"measure_{action}", object_id=measure.file_id)
    with transaction.atomic():
        file = _lock(measure.file, expected_version)
        if file.status not in (FileStatus.ASSESSMENT, FileStatus.SUPPORT):
            raise workflow.IllegalTransition(
                _("Measures can only be decided while the file is in assessment or care.")
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
            measure.note = note.strip()
        measure.decided_at = timezone.now()
        measure.save()
        _save(file)
        _step(
            file,
            membership=membership,
            event=f"measure_{action}",
            details={"measure": measure.kind, "owner": measure.owner.name if measure.owner else ""},
        )
        _audit(
            f"measure_{action}",
            membership=membership,
            object_type="measure",
            object_id=measure.pk,
            file=file.pk,
            kind=measure.kind,
        )
    return measure


def measure_add(
    *,
    membership,
    file,
    kind: str,
    owner,
    start_date=None,
    end_date=None,
    note: str = "",
    expected_version=None,
) -> Measure:
    """Add a measure the questionnaire did not propose; it is accepted at once."""
    _require_coordinator(membership, action="measure_add", object_id=file.pk)
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": _("Choose a measure.")})
    _check_measure_fields(owner, start_date, end_date)
    with transaction.atomic():
        file = _lock(file, expected_version)
        if file.status not in (FileStatus.ASSESSMENT, FileStatus.SUPPORT):
            raise workflow.IllegalTransition(
                _("Measures can only be added while the file is in assessment or care.")
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
            note=(note or "").strip(),
            decided_at=timezone.now(),
        )
        _save(file)
        _step(
            file,
            membership=membership,
            event="measure_added",
            details={"measure": kind, "owner": owner.name},
        )
        _audit(
            "measure_added",
            membership=membership,
            object_type="measure",
            object_id=measure.pk,
            file=file.pk,
            kind=kind,
        )
    return measure


# --- care referrals ----------------------------------------------------------------------


def care_referral_create(
    *, membership, file, provider, care_type: str, note: str = "", expected_version=None
) -> CareReferral:
    _require_coordinator(membership, action="care_referral_create", object_id=file.pk)
    if provider is None or provider.type not in permissions.PROVIDER_TYPES:
        raise ValidationError({"provider": _("Choose a shelter or youth-care organisation.")})
    with transaction.atomic():
        file = _lock(file, expected_version)
        if file.status not in (FileStatus.ASSESSMENT, FileStatus.SUPPORT):
            raise workflow.IllegalTransition(
                _("Care can only be requested for a possible victim whose file is open.")
            )
        if file.care_referrals.filter(
            provider=provider, status__in=(CareStatus.REQUESTED, CareStatus.ACCEPTED)
        ).exists():
            raise ValidationError(
                {"provider": _("There is already an open care referral to this provider.")}
            )
        care = CareReferral.objects.create(
            file=file,
            provider=provider,
            care_type=care_type,
            note=(note or "").strip(),
            requested_by=membership.user,
        )
        _save(file)
        _step(
            file,
            membership=membership,
            event="care_requested",
            details={"provider": provider.name, "care_type": care_type},
            for_referrer=True,
        )
        _audit(
            "care_referral_requested",
            membership=membership,
            object_type="care_referral",
            object_id=care.pk,
            file=file.pk,
            provider=provider.pk,
            care_type=care_type,
        )
        _notify("care_requested", file, to=f"provider:{provider.pk}")
        _notify("status_changed", file, to="referrers")
    return care


def care_referral_act(
    *, membership, care_referral: CareReferral, action: str, reason: str = "", expected_version=None
) -> CareReferral:
    """A provider accepts, refuses, places or ends a care referral to their organisation."""
    if not permissions.can_act_on_care_referral(membership, care_referral):
        _audit(
            "care_referral_denied",
            membership=membership,
            object_type="care_referral",
            object_id=care_referral.pk,
            attempted=action,
        )
        raise PermissionDenied(
            _(
                "This care referral is addressed to another organisation. Only that "
                "organisation can act on it. Nothing has been changed; the attempt has "
                "been recorded."
            )
        )
    reason = (reason or "").strip()
    if action == "refuse" and not reason:
        raise ValidationError({"reason": _("Say why you refuse.")})
    with transaction.atomic():
        care = CareReferral.objects.select_for_update().get(pk=care_referral.pk)
        if expected_version is not None and care.version != int(expected_version):
            raise StaleFileError(
                _("Someone else changed this care referral just now. Check its status."),
                code="stale",
            )
        care.status = workflow.target(workflow.CARE, action, care.status)
        stamp = {"accept": "accepted_at", "refuse": "refused_at", "place": "placed_at"}.get(
            action, "ended_at"
        )
        setattr(care, stamp, timezone.now())
        if action == "refuse":
            care.refusal_reason = reason
        care.version += 1
        care.save()
        file = CoordinationFile.objects.select_for_update().get(pk=care.file_id)
        _save(file)
        _step(
            file,
            membership=membership,
            event=f"care_{care.status}",
            details={"provider": care.provider.name, "care_type": care.care_type},
            note=reason,
            for_referrer=True,
        )
        _audit(
            f"care_referral_{care.status}",
            membership=membership,
            object_type="care_referral",
            object_id=care.pk,
            file=file.pk,
        )
        _notify(f"care_{care.status}", file, to="coordinators")
        _notify("status_changed", file, to="referrers")
    return care


# --- follow-up and closure -------------------------------------------------------------------


def task_create(*, membership, file, title: str, due_date, assigned_to=None) -> FollowUpTask:
    _require_coordinator(membership, action="task_create", object_id=file.pk)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Describe the task.")})
    with transaction.atomic():
        file = _lock(file, None)
        if file.status in (FileStatus.CLOSED, FileStatus.MERGED):
            raise workflow.IllegalTransition(_("A closed file has no new tasks."))
        task = FollowUpTask.objects.create(
            file=file, title=title, due_date=due_date, assigned_to=assigned_to or membership.user
        )
        _save(file)
        _step(
            file,
            membership=membership,
            event="task_created",
            details={"due": due_date.isoformat()},
            note=title,
        )
        _audit("task_created", membership=membership, object_id=file.pk, task=task.pk)
    return task


def task_complete(*, membership, task: FollowUpTask) -> FollowUpTask:
    _require_coordinator(membership, action="task_complete", object_id=task.file_id)
    with transaction.atomic():
        file = _lock(task.file, None)
        task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
        if task.done_at is not None:
            raise ValidationError(_("This task is already done."))
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        _save(file)
        _step(file, membership=membership, event="task_done", note=task.title)
        _audit("task_completed", membership=membership, object_id=file.pk, task=task.pk)
    return task


def file_close(*, membership, file, outcome: str, note: str = "", expected_version=None):
    _require_coordinator(membership, action="close", object_id=file.pk)
    if outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    with transaction.atomic():
        file = _lock(file, expected_version)
        file.status = workflow.target(workflow.FILE, "close", file.status)
        file.closure_outcome = outcome
        file.closure_note = (note or "").strip()
        file.closed_at = timezone.now()
        _save(file, "status", "closure_outcome", "closure_note", "closed_at")
        _step(
            file,
            membership=membership,
            event="closed",
            details={"outcome": outcome},
            note=file.closure_note,
            for_referrer=True,
        )
        _audit("file_closed", membership=membership, object_id=file.pk, outcome=outcome)
        _notify("status_changed", file, to="referrers")
    return file


def file_reopen(*, membership, file, reason: str, expected_version=None):
    """Reopen a closed file: it is screened again, with a new deadline."""
    _require_coordinator(membership, action="reopen", object_id=file.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the file is reopened.")})
    with transaction.atomic():
        file = _lock(file, expected_version)
        file.status = workflow.target(workflow.FILE, "reopen", file.status)
        _reset_screening(file, timezone.localdate())
        _save(
            file,
            "status",
            "screening_decision",
            "screened_on",
            "screened_by",
            "screening_deadline",
            "reminder_sent_on",
            "closed_at",
            "closure_outcome",
        )
        _step(file, membership=membership, event="reopened", note=reason, for_referrer=True)
        _audit("file_reopened", membership=membership, object_id=file.pk)
        _notify("status_changed", file, to="referrers")
    return file


def _same_person(file: CoordinationFile, other: CoordinationFile) -> bool:
    own = set(file.referrals.exclude(signal_id=None).values_list("signal_id", flat=True))
    theirs = set(other.referrals.exclude(signal_id=None).values_list("signal_id", flat=True))
    return any(linkage_selectors.confirmed_same_person(signal_id=s) & theirs for s in own)


def file_merge(*, membership, file, duplicate, expected_version=None) -> CoordinationFile:
    """Move the referrals of ``duplicate`` (still awaiting screening) into ``file``.

    Used when a match between the two files' signals is confirmed after both were
    referred: one person, one file. The duplicate keeps its timeline and points to
    the file it was merged into.
    """
    _require_coordinator(membership, action="merge", object_id=file.pk)
    if duplicate.pk == file.pk:
        raise ValidationError(_("A file cannot be merged with itself."))
    with transaction.atomic():
        first, second = sorted((file, duplicate), key=lambda f: f.pk)  # lock in pk order
        locked = {
            first.pk: _lock(first, expected_version if first.pk == file.pk else None),
            second.pk: _lock(second, expected_version if second.pk == file.pk else None),
        }
        file, duplicate = locked[file.pk], locked[duplicate.pk]
        if file.status in (FileStatus.CLOSED, FileStatus.MERGED):
            raise workflow.IllegalTransition(_("Merge into an open file."))
        if not _same_person(file, duplicate):
            raise ValidationError(
                _("These files are not about the same person according to the person index.")
            )
        duplicate.status = workflow.target(workflow.FILE, "merge", duplicate.status)
        duplicate.merged_into = file
        _save(duplicate, "status", "merged_into")
        moved = duplicate.referrals.update(file=file)
        fields = []
        if URGENCY_ORDER.index(duplicate.urgency) > URGENCY_ORDER.index(file.urgency):
            file.urgency = duplicate.urgency
            fields.append("urgency")
        if (
            file.status in AWAITING_SCREENING
            and duplicate.screening_deadline < file.screening_deadline
        ):
            file.screening_deadline = duplicate.screening_deadline
            fields.append("screening_deadline")
        _save(file, *fields)
        details = {"file": file.reference, "other": duplicate.reference, "referrals": moved}
        _step(file, membership=membership, event="merged_in", details=details)
        _step(duplicate, membership=membership, event="merged_away", details=details)
        _audit(
            "file_merged",
            membership=membership,
            object_id=file.pk,
            duplicate=duplicate.pk,
            referrals=moved,
        )
    return file


# --- background work ------------------------------------------------------------------------


def screening_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind coordinators of files whose screening deadline is near or passed (once a day)."""
    today = today or timezone.localdate()
    horizon = add_working_days(today, _reminder_working_days())
    due = CoordinationFile.objects.filter(
        status__in=AWAITING_SCREENING, screening_deadline__lte=horizon
    ).exclude(reminder_sent_on=today)
    count = 0
    for file_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            file = CoordinationFile.objects.select_for_update().get(pk=file_id)
            file.reminder_sent_on = today
            file.save(update_fields=["reminder_sent_on"])
            _step(file, event="reminder_sent", details={"deadline": str(file.screening_deadline)})
            _audit("reminder_sent", object_id=file.pk, deadline=file.screening_deadline)
            _notify("deadline_near", file, to="coordinators")
        count += 1
    return count


def files_anonymise(*, now=None, dry_run: bool = False) -> int:
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
            file.referrals.update(reason="", signal_id=None, referred_by=None)
            Assessment.objects.filter(file=file).update(note="", completed_by=None)
            file.measures.update(note="")
            file.care_referrals.update(note="", refusal_reason="", requested_by=None)
            file.tasks.update(title="", assigned_to=None)
            for entry in file.timeline.all():
                entry.note = ""
                entry.actor = None
                entry.details = {k: v for k, v in entry.details.items() if k != "to"}
                entry.save(update_fields=["note", "actor", "details"])
            _step(file, event="anonymised")
            _audit("file_anonymised", object_id=file.pk, years=years)
    return len(ids)


# --- hand-over from the help pages ------------------------------------------------------


def referral_from_conversation(
    *, membership, conversation_code: str, urgency: str = Urgency.NORMAL
) -> Referral:
    """A counsellor hands an anonymous help conversation over to the coordination centre.

    Called by ``zicht.help`` only after the person's consent is recorded in the
    conversation. The new file carries no identity: the coordination centre continues
    through the conversation (its case code), where the person can choose to say more.
    Runs inside the caller's transaction.
    """
    from zicht.accounts.constants import Role

    if membership is None or not membership.is_active or membership.role != Role.COUNSELLOR:
        _audit("handover_denied", membership=membership, object_type="help.conversation")
        raise PermissionDenied
    file = _file_open(urgency=urgency)
    referral = Referral.objects.create(
        kind=ReferralKind.REFERRAL,
        file=file,
        signal_id=None,
        organisation=membership.organisation,
        referred_by=membership.user,
        reason=_("Anonymous conversation %(code)s on the help pages; consent recorded there.")
        % {"code": conversation_code},
        urgency=urgency,
        consent_young_person=Consent.GIVEN,
        consent_parents=ParentConsent.NOT_ASKED,
        is_minor=False,
        municipality=None,
        age_at_referral=None,
    )
    _steps_received(file, membership=membership, urgency=urgency, note=referral.reason, new=True)
    _audit(
        "referral_created",
        membership=membership,
        object_type="referral",
        object_id=referral.pk,
        file=file.pk,
        source="help_conversation",
    )
    _notify("referral_received", file, to="coordinators")
    return referral
