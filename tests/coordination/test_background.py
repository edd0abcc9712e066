"""Reminders before the deadline, retention (anonymisation) and management indicators."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from zicht.accounts.constants import Role
from zicht.coordination import indicators, services, tasks
from zicht.coordination.models import CoordinationFile, Referral, TimelineEntry
from zicht.coordination.workdays import add_working_days

pytestmark = pytest.mark.django_db


def test_reminder_task_before_the_deadline(
    referred_file, coordinator, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    before = add_working_days(today, 3)
    CoordinationFile.objects.filter(pk=referred_file.pk).update(screening_deadline=before)
    assert services.screening_reminders_send(today=today) == 0
    CoordinationFile.objects.filter(pk=referred_file.pk).update(
        screening_deadline=add_working_days(today, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.screening_reminders_task.enqueue().return_value == 1
    assert mail.outbox and mail.outbox[-1].to == [coordinator.user.email]
    assert referred_file.reference in mail.outbox[-1].body
    # Once a day only.
    assert services.screening_reminders_send(today=today) == 0
    assert TimelineEntry.objects.filter(event="reminder_sent").count() == 1


def test_screened_files_get_no_reminder(screened_file):
    CoordinationFile.objects.update(screening_deadline=timezone.localdate())
    assert services.screening_reminders_send() == 0


def _close_long_ago(file, coordinator, years=6, decisions=None):
    services.file_close(
        membership=coordinator,
        file=file,
        outcome="safe_supported",
        note="Notitie",
        decisions=decisions,
    )
    CoordinationFile.objects.filter(pk=file.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=365 * years)
    )


def test_anonymisation_after_the_retention_period(screened_file, coordinator, settings):
    task = services.task_create(
        membership=coordinator,
        file=screened_file,
        title="Bel Mohamed",
        due_date=dt.date(2030, 1, 1),
    )
    # An open task needs a decision at closing; its reason is free text, purged too.
    _close_long_ago(
        screened_file,
        coordinator,
        decisions={f"task_{task.pk}": ("drop", "Mohamed is verhuisd")},
    )
    out = StringIO()
    call_command("coordination_purge", "--dry-run", stdout=out)
    assert "1 file(s) would be anonymised" in out.getvalue()
    assert CoordinationFile.objects.get().anonymised_at is None
    assert tasks.anonymise_closed_files_task.enqueue().return_value == 1
    file = CoordinationFile.objects.get()
    assert file.anonymised_at and file.screening_reasons == "" and file.closure_note == ""
    referral = Referral.objects.get()
    assert referral.signal_id is None and referral.reason == ""
    assert not file.timeline.exclude(note="").exists()
    assert file.tasks.get().title == "" and file.tasks.get().closure_reason == ""
    # The remainder still counts.
    assert file.status == "closed" and file.screening_decision == "possible_victim"
    out = StringIO()
    call_command("coordination_purge", stdout=out)
    assert "0 file(s) anonymised" in out.getvalue()


def test_retention_is_configurable(screened_file, coordinator, settings):
    _close_long_ago(screened_file, coordinator, years=3)
    assert services.files_anonymise(dry_run=True) == 0
    settings.ZICHT_COORDINATION_RETENTION_YEARS = 2
    assert services.files_anonymise() == 1


def test_indicators(screened_file, coordinator, provider, make_member, make_signal, refer):
    services.assessment_complete(
        membership=coordinator, file=screened_file, answers={"needs_interpreter": True}
    )
    measure = screened_file.measures.get()
    services.measure_decide(
        membership=coordinator, measure=measure, action="accept", owner=coordinator.organisation
    )
    care = services.care_referral_create(
        membership=coordinator,
        file=screened_file,
        provider=provider.organisation,
        care_type="regular_shelter",
    )
    services.care_referral_act(membership=provider, care_referral=care, action="accept")
    services.care_referral_act(membership=provider, care_referral=care, action="place")
    adult = make_member(role=Role.PROFESSIONAL)
    refer(adult, make_signal(adult, age=25), consent_young_person="refused")
    _close_long_ago(screened_file, coordinator)
    services.files_anonymise()  # anonymised files still count

    analyst = make_member(role=Role.ANALYST)
    [row] = indicators.screening_indicators(membership=analyst)
    assert row.group == "police" and row.screened == 1 and row.within_deadline == 1
    assert row.share_within_deadline == 1.0 and row.median_working_days == 0
    assert indicators.measures_taken(membership=analyst) == {"police": {"interpreter": 1}}
    success = indicators.care_referral_success(membership=analyst, by="municipality")
    assert success["GM0599"]["placed"] == 1 and success["GM0599"]["success_rate"] == 1.0
    counts = indicators.referral_counts(membership=analyst)
    assert counts["police"] == {"referral": 1, "anonymous": 1}
    with pytest.raises(PermissionDenied):
        indicators.screening_indicators(membership=make_member(role=Role.PROFESSIONAL))


def test_audit_chain_verifies_after_a_whole_path(screened_file, coordinator, provider):
    from zicht.audit import selectors as audit_selectors

    services.assessment_complete(membership=coordinator, file=screened_file, answers={})
    care = services.care_referral_create(
        membership=coordinator,
        file=screened_file,
        provider=provider.organisation,
        care_type="youth_care",
    )
    services.care_referral_act(membership=provider, care_referral=care, action="accept")
    services.file_close(membership=coordinator, file=screened_file, outcome="safe_supported")
    checked, problem = audit_selectors.verify_chain()
    assert problem is None and checked > 5
