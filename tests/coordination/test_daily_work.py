"""Issue 11, coordinators' daily work: nothing buried, nothing lost."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.coordination import services
from zicht.coordination.assessment import proposal_reasons
from zicht.coordination.constants import FileStatus, MeasureKind, MeasureStatus, Question
from zicht.coordination.models import CoordinationFile
from zicht.portal.attention import items_for

pytestmark = pytest.mark.django_db


# --- the assessment -------------------------------------------------------------------------


def _assess(client, file, **answers):
    file.refresh_from_db()
    data = {"version": file.version, **{k: "on" for k, v in answers.items() if v}}
    return client.post(reverse("coordination:file_assess", args=[file.pk]), data)


def test_an_assessment_saved_twice_keeps_its_note_and_answers(screened_file, coordinator, login):
    client = login(coordinator)
    file = screened_file
    response = client.post(
        reverse("coordination:file_assess", args=[file.pk]),
        {"version": file.version, "intimidation": "on", "note": "Broer wordt ook benaderd."},
    )
    assert response.status_code == 302
    form = client.get(reverse("coordination:file_detail", args=[file.pk])).context[
        "assessment_form"
    ]
    assert form["note"].value() == "Broer wordt ook benaderd."
    assert form["intimidation"].value() is True

    # Saving the form again as shown keeps the note and the answers.
    file.refresh_from_db()
    data = {"version": file.version, "note": form["note"].value()}
    data.update({q.value: "on" for q in Question if form[q.value].value()})
    assert client.post(reverse("coordination:file_assess", args=[file.pk]), data).status_code == 302
    file.assessment.refresh_from_db()
    assert file.assessment.note == "Broer wordt ook benaderd."
    assert file.assessment.answers["intimidation"] is True


def test_each_proposed_measure_says_which_answer_led_to_it(screened_file, coordinator, login):
    client = login(coordinator)
    _assess(client, screened_file, needs_interpreter=True, intimidation=True)
    page = client.get(reverse("coordination:file_detail", args=[screened_file.pk]))
    rows = {m.kind: reasons for m, reasons, _form, _actions in page.context["measures"]}
    assert [str(r) for r in rows[MeasureKind.INTERPRETER]] == [
        str(Question.NEEDS_INTERPRETER.label)
    ]
    assert str(Question.INTIMIDATION.label) in [str(r) for r in rows[MeasureKind.CONTACT_BAN]]
    assert "measure-reason" in page.content.decode()


def test_a_guardian_is_explained_by_the_parents_and_the_age():
    reasons = proposal_reasons({"no_parental_protection": True, "minor": True})
    assert reasons[MeasureKind.GUARDIAN] == [Question.NO_PARENTAL_PROTECTION, Question.MINOR]
    assert MeasureKind.GUARDIAN not in proposal_reasons({"no_parental_protection": True})


# --- the inbox ------------------------------------------------------------------------------


def _inbox(client, **params):
    return client.get(reverse("coordination:inbox"), params)


def test_an_urgent_referral_comes_before_routine_ones_with_earlier_deadlines(
    professional, coordinator, make_signal, refer, login
):
    routine = [
        refer(professional, make_signal(professional, given=f"Kind{i}", surname="Jansen")).file
        for i in range(3)
    ]
    CoordinationFile.objects.filter(pk__in=[f.pk for f in routine]).update(
        screening_deadline=timezone.localdate() - dt.timedelta(days=3)
    )
    acute = refer(
        professional, make_signal(professional, given="Noor", surname="Bakker"), urgency="acute"
    ).file
    urgent = refer(
        professional, make_signal(professional, given="Sem", surname="Visser"), urgency="urgent"
    ).file
    rows = _inbox(login(coordinator)).context["rows"]
    assert [r.file.pk for r in rows[:2]] == [acute.pk, urgent.pk]
    assert {r.file.pk for r in rows[2:]} == {f.pk for f in routine}


def test_every_inbox_row_names_the_young_person_age_municipality_referrer_and_date(
    professional, coordinator, make_signal, refer, login
):
    file = refer(
        professional, make_signal(professional, given="Sanne", surname="van der Berg", age=15)
    ).file
    response = _inbox(login(coordinator))
    row = response.context["rows"][0]
    assert row.name == "Sanne van der Berg" and row.age == 15
    assert row.referring_organisation == professional.organisation.name
    assert row.referred_on.date() == timezone.localdate()
    html = response.content.decode()
    assert "Sanne van der Berg" in html and "Rotterdam" in html
    assert professional.organisation.name in html
    event = AuditEvent.objects.filter(action="coordination.inbox_viewed").latest("seq")
    assert event.details["files"] == [file.pk] and event.details["identities_shown"] == 1
    assert "Sanne" not in str(event.details)


def test_an_anonymous_notification_shows_no_name(make_member, coordinator, make_signal, login):
    from zicht.coordination import services as s

    pro = make_member(role=Role.PROFESSIONAL)
    s.referral_create(
        membership=pro,
        signal=make_signal(pro, given="Lotte", surname="Smit", age=20),
        reason="Zorgen over uitbuiting.",
        urgency="normal",
        consent_young_person="refused",
        consent_parents="not_applicable",
    )
    html = _inbox(login(coordinator)).content.decode()
    assert "Lotte" not in html


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.ANALYST, Role.COUNSELLOR])
def test_no_one_but_a_coordinator_sees_the_inbox_names(
    role, professional, make_member, make_signal, refer, login
):
    refer(professional, make_signal(professional, given="Sanne", surname="van der Berg"))
    other = make_member(role=role)
    response = _inbox(login(other))
    assert response.status_code == 403 and "Sanne" not in response.content.decode()
    response = login(other).post(reverse("coordination:inbox_search"), {"q": "Sanne"})
    assert response.status_code == 403


def test_a_provider_sees_no_name_in_the_care_inbox(
    screened_file, coordinator, provider, shelter, login
):
    from zicht.coordination import services as s

    s.care_referral_create(
        membership=coordinator, file=screened_file, provider=shelter, care_type="shelter"
    )
    html = login(provider).get(reverse("coordination:care_inbox")).content.decode()
    assert screened_file.reference in html and "Mohamed" not in html


def _search(client, text):
    return client.post(reverse("coordination:inbox_search"), {"q": text}, follow=True)


def test_the_inbox_is_searched_by_name_with_a_typo_and_the_name_stays_out_of_urls(
    professional, make_member, coordinator, make_signal, refer, login
):
    sanne = refer(
        professional, make_signal(professional, given="Sanne", surname="van der Berg")
    ).file
    teacher = make_member(role=Role.PROFESSIONAL)
    daan = refer(teacher, make_signal(teacher, given="Daan", surname="de Vries")).file
    client = login(coordinator)
    response = _search(client, "Sane Berg")
    assert [r.file.pk for r in response.context["rows"]] == [sanne.pk]
    assert all("Sane" not in url for url, _status in response.redirect_chain)
    # Another referring organisation's tokens use another key: found all the same.
    assert [r.file.pk for r in _search(client, "daan de vries").context["rows"]] == [daan.pk]
    # The search is held across pages and views until cleared.
    assert [r.file.pk for r in _inbox(client, view="awaiting").context["rows"]] == [daan.pk]
    response = client.post(reverse("coordination:inbox_search"), {"clear": "1"}, follow=True)
    assert len(response.context["rows"]) == 2
    assert not AuditEvent.objects.filter(details__icontains="Daan").exists()


def test_the_inbox_is_searched_by_file_and_signal_number(
    professional, coordinator, make_signal, refer, login
):
    signal = make_signal(professional, given="Sanne", surname="van der Berg")
    sanne = refer(professional, signal).file
    other = refer(professional, make_signal(professional, given="Daan", surname="Vos")).file
    client = login(coordinator)
    rows = _search(client, sanne.reference.lower()).context["rows"]
    assert [r.file.pk for r in rows] == [sanne.pk]
    rows = _search(client, signal.reference).context["rows"]
    assert [r.file.pk for r in rows] == [sanne.pk]
    assert other.pk not in [r.file.pk for r in rows]
    assert _search(client, "ZC-1900-000000").context["rows"] == []


def test_an_empty_search_is_refused_with_a_message(referred_file, coordinator, login):
    response = login(coordinator).post(reverse("coordination:inbox_search"), {"q": "   "})
    assert response.status_code == 400
    assert "Typ een naam, een dossiernummer of een signaalnummer." in response.content.decode()
    assert referred_file.reference in response.content.decode()


@pytest.mark.parametrize(
    ("view", "expected"),
    [("overdue", {"late"}), ("awaiting", {"late", "new"}), ("open", {"late", "new", "care"})],
)
def test_the_home_page_counts_link_to_the_view_they_count(
    view, expected, professional, coordinator, make_signal, refer, login
):
    files = {
        name: refer(professional, make_signal(professional, given=name, surname="Test")).file
        for name in ("late", "new", "care")
    }
    CoordinationFile.objects.filter(pk=files["late"].pk).update(
        screening_deadline=dt.date(2020, 1, 6)
    )
    CoordinationFile.objects.filter(pk=files["care"].pk).update(status=FileStatus.SUPPORT)
    client = login(coordinator)
    shown = {
        name
        for name, f in files.items()
        if f.pk in [r.file.pk for r in _inbox(client, view=view).context["rows"]]
    }
    assert shown == expected
    links = [item.url for item in items_for(membership=coordinator)]
    assert f"{reverse('coordination:inbox')}?view=overdue" in links
    assert f"{reverse('coordination:inbox')}?view=awaiting" in links
    assert f"{reverse('coordination:inbox')}?view=unassigned" in links


# --- navigation -------------------------------------------------------------------------------


def test_care_providers_and_coordinators_reach_their_inbox_from_the_navigation(
    provider, coordinator, professional, login
):
    care = reverse("coordination:care_inbox")
    inbox = reverse("coordination:inbox")
    # Any page, not only the home page: here the provider's referral list.
    html = login(provider).get(reverse("coordination:my_referrals")).content.decode()
    nav = html[html.index('class="main-nav"') : html.index("</nav>")]
    assert f'href="{care}"' in nav and "Zorgverwijzingen" in nav and inbox not in nav
    html = login(coordinator).get(reverse("coordination:inbox")).content.decode()
    nav = html[html.index('class="main-nav"') : html.index("</nav>")]
    assert f'href="{inbox}"' in nav and care not in nav
    html = login(professional).get(reverse("portal:home")).content.decode()
    nav = html[html.index('class="main-nav"') : html.index("</nav>")]
    assert care not in nav and inbox not in nav


# --- closing with open work --------------------------------------------------------------------


@pytest.fixture
def file_with_open_work(screened_file, coordinator):
    services.assessment_complete(
        membership=coordinator, file=screened_file, answers={"needs_interpreter": True}
    )
    task = services.task_create(
        membership=coordinator,
        file=screened_file,
        title="Bel de school terug",
        due_date=timezone.localdate() + dt.timedelta(days=7),
    )
    screened_file.refresh_from_db()
    return screened_file, screened_file.measures.get(), task


def _close(client, file, **data):
    file.refresh_from_db()
    payload = {"version": file.version, "outcome": "safe_supported", **data}
    return client.post(reverse("coordination:file_close", args=[file.pk]), payload)


def test_a_file_with_open_work_does_not_close_without_a_decision_per_item(
    file_with_open_work, coordinator, login
):
    file, measure, task = file_with_open_work
    client = login(coordinator)
    page = client.get(reverse("coordination:file_detail", args=[file.pk])).content.decode()
    assert "2 zaken staan nog open" in page and "Bel de school terug" in page
    response = _close(client, file)
    assert response.status_code == 400
    file.refresh_from_db()
    assert file.status == FileStatus.SUPPORT and file.closed_at is None
    # Dropping needs a reason; nothing is written while one is missing.
    response = _close(
        client, file, **{f"measure_{measure.pk}": "drop", f"task_{task.pk}": "carry_over"}
    )
    assert response.status_code == 400 and "Zeg waarom" in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PROPOSED and measure.closure_decision == ""


def test_closing_decides_each_open_item_in_one_step_with_timeline_and_audit(
    file_with_open_work, coordinator, login
):
    file, measure, task = file_with_open_work
    response = _close(
        login(coordinator),
        file,
        **{
            f"measure_{measure.pk}": "drop",
            f"measure_{measure.pk}_reason": "Spreekt inmiddels goed Nederlands.",
            f"task_{task.pk}": "carry_over",
        },
    )
    assert response.status_code == 302
    file.refresh_from_db()
    measure.refresh_from_db()
    task.refresh_from_db()
    assert file.status == FileStatus.CLOSED
    assert measure.status == MeasureStatus.REJECTED
    assert measure.closure_reason == "Spreekt inmiddels goed Nederlands."
    assert task.closure_decision == "carry_over" and task.done_at is None
    events = list(file.timeline.values_list("event", flat=True))
    assert "measure_drop" in events and "task_carry_over" in events
    assert events.index("task_carry_over") < events.index("closed")
    decided = AuditEvent.objects.filter(action="coordination.open_item_decided_at_closing")
    assert sorted(e.details["item"] for e in decided) == [
        f"measure_{measure.pk}",
        f"task_{task.pk}",
    ]
    page = login(coordinator).get(reverse("coordination:file_detail", args=[file.pk]))
    assert "Doorgezet naar opvolging" in page.content.decode()


def test_the_service_refuses_an_undecided_item_and_writes_nothing(file_with_open_work, coordinator):
    from django.core.exceptions import ValidationError

    file, measure, task = file_with_open_work
    with pytest.raises(ValidationError) as exc:
        services.file_close(
            membership=coordinator,
            file=file,
            outcome="safe_supported",
            decisions={f"measure_{measure.pk}": ("carry_over", "")},
        )
    assert f"task_{task.pk}" in exc.value.message_dict
    file.refresh_from_db()
    measure.refresh_from_db()
    assert file.status == FileStatus.SUPPORT and measure.closure_decision == ""
    assert not file.timeline.filter(event__endswith="carry_over").exists()


def test_a_file_without_open_work_closes_as_before(screened_file, coordinator, login):
    services.assessment_complete(membership=coordinator, file=screened_file, answers={})
    assert _close(login(coordinator), screened_file).status_code == 302
    screened_file.refresh_from_db()
    assert screened_file.status == FileStatus.CLOSED


# --- the file page ----------------------------------------------------------------------------


def test_every_id_on_a_busy_file_page_is_unique(screened_file, coordinator, login):
    """Several forms share the file page (one per measure, close, task...): a repeated id
    would send a label or a screen reader to the wrong field."""
    import collections
    import re

    services.assessment_complete(
        membership=coordinator,
        file=screened_file,
        answers={"needs_interpreter": True, "intimidation": True},
    )
    services.task_create(
        membership=coordinator,
        file=screened_file,
        title="Bel terug",
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    client = login(coordinator)
    for url in (
        reverse("coordination:file_detail", args=[screened_file.pk]),
        reverse("coordination:inbox"),
    ):
        html = client.get(url).content.decode()
        ids = collections.Counter(re.findall(r'\sid="([^"]+)"', html))
        assert len(ids) >= 5 and [i for i, n in ids.items() if n > 1] == []


# --- the owner picker -------------------------------------------------------------------------


def test_the_owner_picker_lists_police_prosecutor_and_the_files_municipality_first(
    screened_file, coordinator, professional, login
):
    from tests.factories import OrganisationFactory
    from zicht.accounts.constants import OrganisationType
    from zicht.accounts.models import Municipality

    elsewhere = Municipality.objects.exclude(code="GM0599").first()
    for name, kind, town in (
        ("Aa-school", OrganisationType.SCHOOL, None),
        ("Gemeente Rotterdam", OrganisationType.MUNICIPALITY, None),
        ("Gemeente Elders", OrganisationType.MUNICIPALITY, elsewhere),
        ("Openbaar Ministerie", OrganisationType.PUBLIC_PROSECUTION, None),
    ):
        OrganisationFactory(name=name, type=kind, **({"municipality": town} if town else {}))
    services.assessment_complete(
        membership=coordinator, file=screened_file, answers={"needs_interpreter": True}
    )
    client = login(coordinator)
    page = client.get(reverse("coordination:file_detail", args=[screened_file.pk]))
    _m, _r, form, _a = page.context["measures"][0]
    groups = list(form.fields["owner"].choices)
    likely = [label for _pk, label in groups[1][1]]
    assert likely[-1].startswith("Gemeente Rotterdam")
    assert likely.index(f"{professional.organisation.name} (Politie)") < likely.index(
        "Openbaar Ministerie (Openbaar Ministerie)"
    )
    assert not any(label.startswith(("Gemeente Elders", "Aa-school")) for label in likely)
    assert "Waarschijnlijke eigenaren" in page.content.decode()
    # Any organisation can still be chosen.
    school = OrganisationFactory._meta.model.objects.get(name="Aa-school")
    measure = screened_file.measures.get()
    screened_file.refresh_from_db()
    response = client.post(
        reverse("coordination:measure_decide", args=[screened_file.pk, measure.pk]),
        {"version": screened_file.version, "action": "accept", "owner": school.pk},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.owner == school
