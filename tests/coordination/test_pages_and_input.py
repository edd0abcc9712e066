"""Paged lists (inbox, my referrals, care inbox) and bounds on what a user can type."""

import datetime as dt

import pytest
from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zicht.accounts.selectors import organisation_list
from zicht.coordination import forms, selectors, services
from zicht.coordination.constants import CareStatus, FileStatus, ReferralKind
from zicht.coordination.limits import (
    LONG_TEXT_MAX_LENGTH,
    REOPEN_REASON_MAX_LENGTH,
    TASK_TITLE_MAX_LENGTH,
)
from zicht.coordination.models import CareReferral, CoordinationFile, Measure, Referral

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * (LONG_TEXT_MAX_LENGTH + 1)


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# --- 1. the coordination inbox ----------------------------------------------------------------


@pytest.fixture
def files_in_care(db):
    """510 files in assessment or support, all with an earlier screening deadline than a new one."""
    today = timezone.localdate()
    CoordinationFile.objects.bulk_create(
        CoordinationFile(
            reference=f"ZC-TEST-{i:06d}",
            status=FileStatus.SUPPORT if i % 2 else FileStatus.ASSESSMENT,
            opened_on=today - dt.timedelta(days=60),
            screening_deadline=today - dt.timedelta(days=50),
        )
        for i in range(510)
    )


def test_a_new_referral_is_on_the_first_page_with_more_than_500_files_in_care(
    files_in_care, referred_file, coordinator, login
):
    client = login(coordinator)
    for view in ("open", "unassigned"):
        response = client.get(reverse("coordination:inbox"), {"view": view})
        page = response.content.decode()
        assert response.status_code == 200
        assert referred_file.reference in page
        assert response.context["page"].paginator.count == 511
        assert len(response.context["rows"]) == 50
        assert response.context["rows"][0].file == referred_file
        assert "511 dossiers" in page
        assert f"?view={view}&amp;page=2" in page
    second = client.get(reverse("coordination:inbox"), {"view": "unassigned", "page": 2})
    assert second.context["page"].number == 2
    assert referred_file.reference not in second.content.decode()
    rows = selectors.inbox(membership=coordinator)
    assert len(rows) == 511 and rows[0].file == referred_file and rows[0].sources == 1


def test_the_inbox_counts_sources_without_a_query_per_row(
    files_in_care, referred_file, coordinator
):
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.inbox(membership=coordinator)
    assert len(rows) == 511
    assert len(queries) <= 3
    assert [r.sources for r in rows[:2]] == [1, 0]


def test_closed_files_are_shown_most_recently_closed_first(
    professional, make_signal, refer, coordinator, login
):
    older = refer(professional, make_signal(professional, given="Anna", surname="Jansen")).file
    newer = refer(professional, make_signal(professional, given="Piet", surname="Bakker")).file
    now = timezone.now()
    CoordinationFile.objects.filter(pk=older.pk).update(
        status=FileStatus.CLOSED, closed_at=now - dt.timedelta(days=2)
    )
    CoordinationFile.objects.filter(pk=newer.pk).update(
        status=FileStatus.CLOSED, closed_at=now - dt.timedelta(days=1)
    )
    assert [r.file.pk for r in selectors.inbox(membership=coordinator, view="closed")] == [
        newer.pk,
        older.pk,
    ]
    assert selectors.inbox(membership=coordinator) == []
    response = login(coordinator).get(reverse("coordination:inbox"), {"view": "closed"})
    assert response.context["view"] == "closed"
    page = response.content.decode()
    assert page.index(newer.reference) < page.index(older.reference)


def test_an_unknown_view_or_page_falls_back(referred_file, coordinator, login):
    client = login(coordinator)
    response = client.get(reverse("coordination:inbox"), {"view": "bogus", "page": "abc"})
    assert response.status_code == 200
    assert response.context["view"] == "open"
    assert referred_file.reference in response.content.decode()
    response = client.get(reverse("coordination:inbox"), {"page": 99})
    assert response.status_code == 200 and response.context["page"].number == 1


# --- 2. merging with a malformed form -----------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"duplicate": "DUP", "version": "abc"},
        {"duplicate": "DUP", "version": ""},
        {"duplicate": "DUP"},
        {"duplicate": "abc", "version": "VERSION"},
        {"version": "VERSION"},
        {"duplicate": "99999999999999999999999", "version": "VERSION"},
    ],
)
def test_a_malformed_merge_is_refused_with_a_message(
    data, professional, make_signal, refer, coordinator, login
):
    first = refer(professional, make_signal(professional, given="Anna", surname="Jansen")).file
    second = refer(professional, make_signal(professional, given="Piet", surname="Bakker")).file
    values = {"DUP": str(second.pk), "VERSION": str(first.version)}
    data = {k: values.get(v, v) for k, v in data.items()}
    response = login(coordinator).post(reverse("coordination:file_merge", args=[first.pk]), data)
    assert response.status_code == 302
    assert response.url == reverse("coordination:file_detail", args=[first.pk])
    assert any("niet samengevoegd" in m for m in _messages(response))
    assert CoordinationFile.objects.get(pk=second.pk).status == FileStatus.SCREENING
    assert CoordinationFile.objects.get(pk=first.pk).version == first.version


def test_the_merge_service_refuses_a_version_that_is_no_number(
    professional, make_signal, refer, coordinator
):
    first = refer(professional, make_signal(professional, given="Anna", surname="Jansen")).file
    second = refer(professional, make_signal(professional, given="Piet", surname="Bakker")).file
    with pytest.raises(ValidationError) as exc:
        services.file_merge(
            membership=coordinator, file=first, duplicate=second, expected_version="abc"
        )
    assert exc.value.code == "invalid_version"


def test_merge_form_takes_whole_numbers_only():
    assert forms.MergeForm({"duplicate": "3", "version": "2"}).is_valid()
    form = forms.MergeForm({"duplicate": "3", "version": "abc"})
    assert not form.is_valid() and "version" in form.errors


# --- 3. free text has a maximum length ----------------------------------------------------------


@pytest.mark.parametrize(
    ("form_class", "field", "limit", "kwargs"),
    [
        (forms.ReferralForm, "reason", LONG_TEXT_MAX_LENGTH, {}),
        (forms.ScreeningForm, "reasons", LONG_TEXT_MAX_LENGTH, {}),
        (forms.AssessmentForm, "note", LONG_TEXT_MAX_LENGTH, {}),
        (forms.MeasureAddForm, "note", LONG_TEXT_MAX_LENGTH, {"organisations": None}),
        (forms.CareReferralForm, "note", LONG_TEXT_MAX_LENGTH, {"providers": None}),
        (forms.CareActionForm, "reason", LONG_TEXT_MAX_LENGTH, {}),
        (forms.TaskForm, "title", TASK_TITLE_MAX_LENGTH, {}),
        (forms.CloseForm, "note", LONG_TEXT_MAX_LENGTH, {}),
        (forms.ReopenForm, "reason", REOPEN_REASON_MAX_LENGTH, {}),
    ],
)
def test_every_free_text_field_has_a_maximum_length(form_class, field, limit, kwargs):
    assert form_class(**kwargs).fields[field].max_length == limit
    form = form_class({field: "x" * (limit + 1)}, **kwargs)
    assert not form.is_valid()
    assert any(str(limit) in e for e in form.errors[field])


def test_every_char_field_of_the_forms_is_bounded():
    for form_class in (
        forms.ReferralForm,
        forms.ScreeningForm,
        forms.AssessmentForm,
        forms.MeasureAddForm,
        forms.CareReferralForm,
        forms.CareActionForm,
        forms.TaskForm,
        forms.CloseForm,
        forms.ReopenForm,
    ):
        kwargs = {"organisations": None} if form_class is forms.MeasureAddForm else {}
        if form_class is forms.CareReferralForm:
            kwargs = {"providers": None}
        for name, field in form_class(**kwargs).fields.items():
            if type(field) is django_forms.CharField:
                assert field.max_length, f"{form_class.__name__}.{name}"


def test_too_long_screening_reasons_are_refused_in_the_form(referred_file, coordinator, login):
    response = login(coordinator).post(
        reverse("coordination:file_screen", args=[referred_file.pk]),
        {"decision": "possible_victim", "reasons": "x" * 1_000_000, "version": 1},
    )
    assert response.status_code == 400
    assert "5000" in response.content.decode()
    file = CoordinationFile.objects.get()
    assert file.status == FileStatus.SCREENING and file.screening_reasons == ""


def test_exactly_the_maximum_is_accepted(referred_file, coordinator):
    file = services.file_screen(
        membership=coordinator,
        file=referred_file,
        decision="possible_victim",
        reasons="x" * LONG_TEXT_MAX_LENGTH,
    )
    assert len(file.screening_reasons) == LONG_TEXT_MAX_LENGTH


def test_the_services_refuse_too_long_text_without_a_form(
    screened_file, coordinator, provider, shelter, professional, make_signal, refer
):
    def refused(field, call, limit=LONG_TEXT_MAX_LENGTH, **kwargs):
        with pytest.raises(ValidationError) as exc:
            call(**kwargs)
        assert str(limit) in " ".join(exc.value.message_dict[field]), exc.value

    signal = make_signal(professional, given="Anna", surname="Jansen")
    refused("reason", refer, member=professional, signal=signal, reason=TOO_LONG)
    assert not Referral.objects.filter(signal_id=signal.pk).exists()
    refused(
        "reasons",
        services.file_screen,
        membership=coordinator,
        file=screened_file,
        decision="not_victim",
        reasons=TOO_LONG,
    )
    file = screened_file
    refused(
        "note",
        services.assessment_complete,
        membership=coordinator,
        file=file,
        answers={},
        note=TOO_LONG,
    )
    refused(
        "note",
        services.measure_add,
        membership=coordinator,
        file=file,
        kind="area_ban",
        owner=shelter,
        note=TOO_LONG,
    )
    refused(
        "note",
        services.care_referral_create,
        membership=coordinator,
        file=file,
        provider=shelter,
        care_type="youth_care",
        note=TOO_LONG,
    )
    care = services.care_referral_create(
        membership=coordinator, file=file, provider=shelter, care_type="youth_care"
    )
    refused(
        "reason",
        services.care_referral_act,
        membership=provider,
        care_referral=care,
        action="refuse",
        reason=TOO_LONG,
    )
    refused(
        "title",
        services.task_create,
        limit=TASK_TITLE_MAX_LENGTH,
        membership=coordinator,
        file=file,
        title="x" * (TASK_TITLE_MAX_LENGTH + 1),
        due_date=timezone.localdate(),
    )
    refused(
        "note",
        services.file_close,
        membership=coordinator,
        file=file,
        outcome="safe_supported",
        note=TOO_LONG,
    )
    file = services.file_close(membership=coordinator, file=file, outcome="safe_supported")
    with pytest.raises(ValidationError) as exc:
        services.file_reopen(
            membership=coordinator, file=file, reason="x" * (REOPEN_REASON_MAX_LENGTH + 1)
        )
    assert "reason" in exc.value.message_dict
    file.refresh_from_db()
    assert file.status == FileStatus.CLOSED and file.closure_note == ""
    assert not file.measures.exists() and not file.tasks.exists()
    care.refresh_from_db()
    assert care.status == CareStatus.REQUESTED and care.refusal_reason == ""


def test_a_too_long_refusal_reason_is_explained_in_the_care_inbox(
    screened_file, coordinator, provider, shelter, login
):
    care = services.care_referral_create(
        membership=coordinator, file=screened_file, provider=shelter, care_type="youth_care"
    )
    client = login(provider)
    assert (
        f'maxlength="{LONG_TEXT_MAX_LENGTH}"'
        in client.get(reverse("coordination:care_inbox")).content.decode()
    )
    response = client.post(
        reverse("coordination:care_referral_act", args=[care.pk, "refuse"]),
        {"version": care.version, "reason": TOO_LONG},
    )
    assert response.status_code == 302
    assert any("5000" in m for m in _messages(response))
    care.refresh_from_db()
    assert care.status == CareStatus.REQUESTED


# --- 4. dates of tasks and measures are bounded ------------------------------------------------


@pytest.mark.parametrize("due", ["0001-01-01", "9999-12-31"])
def test_a_task_due_date_far_away_is_refused(due, screened_file, coordinator, login):
    response = login(coordinator).post(
        reverse("coordination:task_create", args=[screened_file.pk]),
        {"title": "Bel de mentor", "due_date": due},
    )
    assert response.status_code == 400
    assert "meer dan 5 jaar" in response.content.decode()
    assert not screened_file.tasks.exists()


def test_a_task_is_not_due_before_the_file_was_opened(screened_file, coordinator):
    opened = screened_file.opened_on
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            membership=coordinator,
            file=screened_file,
            title="Bel de school",
            due_date=opened - dt.timedelta(days=1),
        )
    assert "due_date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            membership=coordinator,
            file=screened_file,
            title="Bel de school",
            due_date=timezone.localdate() + dt.timedelta(days=6 * 366),
        )
    assert "due_date" in exc.value.message_dict
    task = services.task_create(
        membership=coordinator, file=screened_file, title="Bel de school", due_date=opened
    )
    assert task.due_date == opened


def test_measure_dates_far_away_are_refused(screened_file, coordinator, shelter, login):
    services.assessment_complete(
        membership=coordinator, file=screened_file, answers={"needs_interpreter": True}
    )
    file = CoordinationFile.objects.get()
    measure = file.measures.get(kind="interpreter")
    client = login(coordinator)
    response = client.post(
        reverse("coordination:measure_decide", args=[file.pk, measure.pk]),
        {
            "action": "accept",
            "owner": shelter.pk,
            "start_date": "0001-01-01",
            "version": file.version,
        },
    )
    assert response.status_code == 400
    assert "meer dan 5 jaar" in response.content.decode()
    response = client.post(
        reverse("coordination:measure_add", args=[file.pk]),
        {
            "kind": "area_ban",
            "owner": shelter.pk,
            "end_date": "2999-01-01",
            "version": file.version,
        },
    )
    assert response.status_code == 400
    assert not file.measures.filter(kind="area_ban").exists()
    measure.refresh_from_db()
    assert measure.start_date is None
    with pytest.raises(ValidationError) as exc:
        services.measure_decide(
            membership=coordinator,
            measure=measure,
            action="accept",
            owner=shelter,
            start_date=dt.date(1, 1, 1),
        )
    assert "start_date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.measure_add(
            membership=coordinator,
            file=file,
            kind="area_ban",
            owner=shelter,
            end_date=timezone.localdate() + dt.timedelta(days=6 * 366),
        )
    assert "end_date" in exc.value.message_dict
    assert Measure.objects.filter(kind="area_ban").count() == 0


def test_date_fields_accept_dates_within_five_years():
    today = timezone.localdate()
    form = forms.TaskForm({"title": "Bel", "due_date": today + dt.timedelta(days=4 * 365)})
    assert form.is_valid(), form.errors
    form = forms.MeasureDecisionForm(
        {"action": "accept", "version": 1, "start_date": today - dt.timedelta(days=4 * 365)},
        organisations=organisation_list(),
    )
    assert form.is_valid(), form.errors


# --- 5. my referrals and the care inbox are paged -----------------------------------------------


def test_my_referrals_are_paged(professional, login):
    Referral.objects.bulk_create(
        Referral(
            kind=ReferralKind.ANONYMOUS,
            organisation=professional.organisation,
            referred_by=professional.user,
            urgency="normal",
            consent_young_person="refused",
            consent_parents="not_applicable",
            is_minor=False,
        )
        for _ in range(26)
    )
    client = login(professional)
    first = client.get(reverse("coordination:my_referrals"))
    assert first.status_code == 200
    assert len(first.context["referrals"]) == 25
    page = first.content.decode()
    assert "26 verwijzingen" in page and "?page=2" in page
    second = client.get(reverse("coordination:my_referrals"), {"page": 2})
    assert len(second.context["referrals"]) == 1


def test_my_referrals_empty(professional, login):
    response = login(professional).get(reverse("coordination:my_referrals"))
    assert response.status_code == 200
    assert response.context["referrals"] == []
    assert "?page=" not in response.content.decode()


def test_the_care_inbox_is_paged_with_open_referrals_first(
    screened_file, coordinator, provider, shelter, login
):
    open_one = services.care_referral_create(
        membership=coordinator, file=screened_file, provider=shelter, care_type="youth_care"
    )
    CareReferral.objects.filter(pk=open_one.pk).update(
        requested_at=timezone.now() - dt.timedelta(days=30)
    )
    CareReferral.objects.bulk_create(
        CareReferral(
            file=screened_file, provider=shelter, care_type="youth_care", status=CareStatus.ENDED
        )
        for _ in range(30)
    )
    client = login(provider)
    first = client.get(reverse("coordination:care_inbox"))
    assert first.status_code == 200
    rows = first.context["care_referrals"]
    assert len(rows) == 25 and rows[0][0] == open_one
    page = first.content.decode()
    assert "31 zorgverwijzingen" in page and "?page=2" in page
    assert reverse("coordination:care_referral_act", args=[open_one.pk, "accept"]) in page
    second = client.get(reverse("coordination:care_inbox"), {"page": 2})
    assert len(second.context["care_referrals"]) == 6
    assert all(c.status == CareStatus.ENDED for c, _f, _a in second.context["care_referrals"])


def test_an_empty_care_inbox(provider, login):
    response = login(provider).get(reverse("coordination:care_inbox"))
    assert response.status_code == 200
    assert response.context["care_referrals"] == []
    assert "?page=" not in response.content.decode()
