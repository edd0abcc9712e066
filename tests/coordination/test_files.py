"""Screening, inbox, assignment, assessment and measures, care, tasks, closure, timeline."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.coordination import selectors, services
from zicht.coordination.constants import CareStatus, FileStatus, MeasureStatus
from zicht.coordination.models import CoordinationFile, Measure
from zicht.coordination.workdays import add_working_days

pytestmark = pytest.mark.django_db


def test_deadline_is_five_working_days_by_default(referred_file):
    today = timezone.localdate()
    assert referred_file.opened_on == today
    assert referred_file.screening_deadline == add_working_days(today, 5)


def test_deadline_is_configurable(settings, professional, make_signal, refer):
    settings.ZICHT_SCREENING_WORKING_DAYS = 2
    file = refer(professional, make_signal(professional)).file
    assert file.screening_deadline == add_working_days(timezone.localdate(), 2)


def test_screening_records_decision_reasons_and_audit(referred_file, coordinator, login):
    client = login(coordinator)
    response = client.post(
        reverse("coordination:file_screen", args=[referred_file.pk]),
        {"decision": "possible_victim", "reasons": "Drie indicatoren.", "version": 1},
    )
    assert response.status_code == 302
    file = CoordinationFile.objects.get()
    assert file.status == FileStatus.ASSESSMENT
    assert file.screening_reasons == "Drie indicatoren."
    assert file.screened_by == coordinator.user and file.assigned_to == coordinator.user
    event = AuditEvent.objects.get(action="coordination.file_screened")
    assert event.details["within_deadline"] is True
    assert "Drie" not in str(event.details)


def test_reasons_are_required(referred_file, coordinator):
    with pytest.raises(ValidationError):
        services.file_screen(
            membership=coordinator, file=referred_file, decision="not_victim", reasons=""
        )


def test_more_information_then_decision(referred_file, coordinator):
    file = services.file_screen(
        membership=coordinator, file=referred_file, decision="more_information", reasons="?"
    )
    assert file.status == FileStatus.MORE_INFORMATION and file.screened_on is None
    file = services.file_screen(
        membership=coordinator, file=file, decision="not_victim", reasons="Geen aanwijzingen."
    )
    assert file.status == FileStatus.NOT_VICTIM


def test_inbox_sorted_by_deadline_with_overdue_highlighted(
    professional, make_signal, refer, coordinator, login
):
    late = refer(professional, make_signal(professional, given="Anna", surname="Jansen")).file
    soon = refer(professional, make_signal(professional, given="Piet", surname="Bakker")).file
    CoordinationFile.objects.filter(pk=late.pk).update(
        screening_deadline=timezone.localdate() - dt.timedelta(days=3)
    )
    rows = selectors.inbox(membership=coordinator)
    assert [r.file.pk for r in rows] == [late.pk, soon.pk]
    assert rows[0].overdue and not rows[1].overdue
    page = login(coordinator).get(reverse("coordination:inbox")).content.decode()
    assert page.index(late.reference) < page.index(soon.reference)
    assert 'class="overdue"' in page


def test_inbox_filters(referred_file, coordinator, other_coordinator):
    assert len(selectors.inbox(membership=coordinator, view="unassigned")) == 1
    services.file_assign(membership=coordinator, file=referred_file, coordinator=other_coordinator)
    assert selectors.inbox(membership=coordinator, view="unassigned") == []
    assert selectors.inbox(membership=coordinator, view="mine") == []
    assert len(selectors.inbox(membership=other_coordinator, view="mine")) == 1


def test_assignment_only_to_coordinators(referred_file, coordinator, professional):
    with pytest.raises(ValidationError):
        services.file_assign(membership=coordinator, file=referred_file, coordinator=professional)


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.ANALYST, Role.ORG_ADMIN, Role.COUNSELLOR])
def test_only_coordinators_see_the_inbox_and_files(role, make_member, referred_file, login):
    member = make_member(role=role)
    client = login(member)
    assert client.get(reverse("coordination:inbox")).status_code == 403
    assert (
        client.get(reverse("coordination:file_detail", args=[referred_file.pk])).status_code == 403
    )
    response = client.post(
        reverse("coordination:file_screen", args=[referred_file.pk]),
        {"decision": "not_victim", "reasons": "x", "version": 1},
    )
    assert response.status_code == 403
    assert CoordinationFile.objects.get().status == FileStatus.SCREENING
    assert AuditEvent.objects.filter(action="coordination.access_denied").exists()


def test_coordinator_role_in_another_organisation_type_is_not_a_coordinator(
    make_member, referred_file
):
    from tests.factories import OrganisationFactory

    impostor = make_member(role=Role.COORDINATOR, organisation=OrganisationFactory())  # police
    with pytest.raises(PermissionDenied):
        selectors.inbox(membership=impostor)
    with pytest.raises(PermissionDenied):
        services.file_screen(
            membership=impostor, file=referred_file, decision="not_victim", reasons="x"
        )


def test_file_page_shows_identity_and_audits_the_read(referred_file, coordinator, login):
    page = login(coordinator).get(reverse("coordination:file_detail", args=[referred_file.pk]))
    assert page.status_code == 200
    assert "El Amrani" in page.content.decode()
    event = AuditEvent.objects.get(action="coordination.file_viewed")
    assert event.details == {"identities_shown": 1}


def test_assessment_proposes_measures_and_coordinator_decides(
    screened_file, coordinator, centre, shelter, login
):
    client = login(coordinator)
    response = client.post(
        reverse("coordination:file_assess", args=[screened_file.pk]),
        {"version": screened_file.version, "intimidation": "on", "needs_interpreter": "on"},
    )
    assert response.status_code == 302
    file = CoordinationFile.objects.get()
    assert file.status == FileStatus.SUPPORT
    kinds = set(file.measures.values_list("kind", flat=True))
    assert {"shield_data", "report_under_number", "interpreter", "contact_ban"} <= kinds
    assert "guardian" not in kinds
    interpreter = file.measures.get(kind="interpreter")
    response = client.post(
        reverse("coordination:measure_decide", args=[file.pk, interpreter.pk]),
        {
            "version": file.version,
            "action": "accept",
            "owner": centre.pk,
            "start_date": "2026-01-05",
        },
    )
    assert response.status_code == 302
    interpreter.refresh_from_db()
    assert interpreter.status == MeasureStatus.ACCEPTED and interpreter.owner == centre
    assert interpreter.start_date == dt.date(2026, 1, 5)
    number = file.measures.get(kind="report_under_number")
    file.refresh_from_db()
    services.measure_decide(
        membership=coordinator, measure=number, action="reject", expected_version=file.version
    )
    number.refresh_from_db()
    assert number.status == MeasureStatus.REJECTED
    added = services.measure_add(
        membership=coordinator, file=file, kind="area_ban", owner=shelter, end_date=None
    )
    assert added.status == MeasureStatus.ACCEPTED
    services.measure_decide(membership=coordinator, measure=added, action="start")
    services.measure_decide(membership=coordinator, measure=added, action="end")
    added.refresh_from_db()
    assert added.status == MeasureStatus.ENDED and added.end_date == timezone.localdate()


def test_accepting_a_measure_needs_an_owner(screened_file, coordinator):
    services.assessment_complete(
        membership=coordinator, file=screened_file, answers={"needs_interpreter": True}
    )
    measure = Measure.objects.get(kind="interpreter")
    with pytest.raises(ValidationError):
        services.measure_decide(membership=coordinator, measure=measure, action="accept")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PROPOSED


def test_guardian_is_proposed_for_minors_only():
    from zicht.coordination.assessment import propose_measures

    assert "guardian" in propose_measures({"minor": True, "no_parental_protection": True})
    assert "guardian" not in propose_measures({"no_parental_protection": True})
    assert "report_under_number" not in propose_measures(
        {"intimidation": True, "offender_knows_victim": True}
    )
    assert propose_measures({}) == []


def test_care_referral_path_and_provider_scope(
    screened_file, coordinator, provider, make_member, login
):
    care = services.care_referral_create(
        membership=coordinator,
        file=screened_file,
        provider=provider.organisation,
        care_type="categorical_shelter",
    )
    # Another shelter cannot act on it: refused, audit-logged, nothing changed.
    from tests.factories import OrganisationFactory

    other_shelter = make_member(
        role=Role.PROFESSIONAL, organisation=OrganisationFactory(type="shelter")
    )
    response = login(other_shelter).post(
        reverse("coordination:care_referral_act", args=[care.pk, "accept"]), {"version": 1}
    )
    assert response.status_code == 403
    assert "andere organisatie" in response.content.decode() or "another organisation" in (
        response.content.decode()
    )
    care.refresh_from_db()
    assert care.status == CareStatus.REQUESTED
    assert AuditEvent.objects.filter(action="coordination.care_referral_denied").exists()
    assert (
        login(other_shelter)
        .get(reverse("coordination:care_inbox"))
        .content.decode()
        .count(screened_file.reference)
        == 0
    )
    # The provider sees and acts on its own referral.
    client = login(provider)
    assert (
        screened_file.reference in client.get(reverse("coordination:care_inbox")).content.decode()
    )
    for action, status in (("accept", "accepted"), ("place", "placed"), ("end", "ended")):
        care.refresh_from_db()
        response = client.post(
            reverse("coordination:care_referral_act", args=[care.pk, action]),
            {"version": care.version},
        )
        assert response.status_code == 302
        care.refresh_from_db()
        assert care.status == status
    assert care.accepted_at and care.placed_at and care.ended_at
    actions = AuditEvent.objects.filter(action__startswith="coordination.care_referral_")
    assert {"coordination.care_referral_accepted", "coordination.care_referral_placed"} <= set(
        actions.values_list("action", flat=True)
    )


def test_refusal_needs_a_reason(screened_file, coordinator, provider):
    care = services.care_referral_create(
        membership=coordinator,
        file=screened_file,
        provider=provider.organisation,
        care_type="youth_care",
    )
    with pytest.raises(ValidationError):
        services.care_referral_act(membership=provider, care_referral=care, action="refuse")
    services.care_referral_act(
        membership=provider, care_referral=care, action="refuse", reason="Vol."
    )
    care.refresh_from_db()
    assert care.status == CareStatus.REFUSED and care.refusal_reason == "Vol."


def test_coordinator_cannot_act_as_provider(screened_file, coordinator, provider):
    care = services.care_referral_create(
        membership=coordinator,
        file=screened_file,
        provider=provider.organisation,
        care_type="youth_care",
    )
    with pytest.raises(PermissionDenied):
        services.care_referral_act(membership=coordinator, care_referral=care, action="accept")


def test_care_only_to_providers(screened_file, coordinator, professional):
    with pytest.raises(ValidationError):
        services.care_referral_create(
            membership=coordinator,
            file=screened_file,
            provider=professional.organisation,
            care_type="youth_care",
        )


def test_tasks_closure_reopening_and_timeline(screened_file, coordinator, professional, login):
    client = login(coordinator)
    client.post(
        reverse("coordination:task_create", args=[screened_file.pk]),
        {"title": "Bel de mentor", "due_date": "2030-01-10"},
    )
    task = screened_file.tasks.get()
    assert task.due_date == dt.date(2030, 1, 10)
    client.post(reverse("coordination:task_done", args=[screened_file.pk, task.pk]))
    task.refresh_from_db()
    assert task.done_at is not None
    file = CoordinationFile.objects.get()
    response = client.post(
        reverse("coordination:file_close", args=[file.pk]),
        {"outcome": "safe_supported", "note": "", "version": file.version},
    )
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.status == FileStatus.CLOSED and file.closure_outcome == "safe_supported"
    client.post(
        reverse("coordination:file_reopen", args=[file.pk]),
        {"reason": "Nieuwe signalen.", "version": file.version},
    )
    file.refresh_from_db()
    assert file.status == FileStatus.SCREENING and file.closed_at is None
    events = list(file.timeline.values_list("event", flat=True))
    assert events == [
        "file_opened",
        "referral_received",
        "screened",
        "task_created",
        "task_done",
        "closed",
        "reopened",
    ]
    page = client.get(reverse("coordination:file_detail", args=[file.pk])).content.decode()
    assert "Bel de mentor" in page


def test_new_referral_reopens_a_closed_file_of_the_same_person(
    screened_file, coordinator, make_member, make_signal, refer
):
    from zicht.linkage.models import Match

    services.file_close(membership=coordinator, file=screened_file, outcome="moved")
    other = make_member(role=Role.PROFESSIONAL)
    signal = make_signal(other)
    Match.objects.filter(signal_b_id=signal.pk).update(status="confirmed")
    referral = refer(other, signal)
    assert referral.file_id == screened_file.pk
    screened_file.refresh_from_db()
    assert screened_file.status == FileStatus.SCREENING


def test_notifications_after_commit_without_personal_data(
    professional, make_signal, refer, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file = refer(professional, make_signal(professional)).file
    assert [m.to for m in mail.outbox] == [[coordinator.user.email]]
    with django_capture_on_commit_callbacks(execute=True):
        services.file_screen(
            membership=coordinator, file=file, decision="possible_victim", reasons="Redenen"
        )
    assert mail.outbox[-1].to == [professional.user.email]
    for message in mail.outbox:
        assert "Amrani" not in message.body and "Redenen" not in message.body
        assert file.reference in message.body
