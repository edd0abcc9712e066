"""A class session as a teacher and twenty pupils live it: the teacher confirms an
e-mail link, pupils join with the code alone, the counts stay hidden below five answers,
the teacher moves the class on, and after closing only monthly counts remain."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from zicht.lessons.class_views import PUPIL_COOKIE
from zicht.lessons.models import ClassChoiceCount, ClassSession, LessonChoiceMonth, LessonMonth

pytestmark = pytest.mark.django_db

LESSON = "pakketje-en-bankpas"


@pytest.fixture
def teacher(client, django_capture_on_commit_callbacks):
    """A teacher who asked for a link, got it by e-mail and started the class."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/lessen/klas/starten/", {"email": "Juf@School.example", "lesson": LESSON}
        )
    assert response.status_code == 200
    assert "juf@school.example" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["juf@school.example"]
    link = re.search(r"http://testserver(/lessen/klas/starten/\S+/)", message.body).group(1)
    page = client.get(link)
    assert "Start de klas" in page.content.decode()
    assert not ClassSession.objects.exists(), "opening the link alone starts nothing"
    response = client.post(link)
    assert response.status_code == 302
    client.link = link
    client.class_url = response["Location"]
    client.class_session = ClassSession.objects.get()
    return client


def join(code: str) -> Client:
    pupil = Client()
    response = pupil.post("/lessen/klas/", {"code": code.lower()})
    assert response.status_code == 302, response.content.decode()[:500]
    return pupil


def answer(pupil: Client, step: str, choice: str):
    return pupil.post("/lessen/klas/spelen/", {"step": step, "choice": choice})


def counts(teacher) -> str:
    return teacher.get(f"{teacher.class_url}tellingen/").content.decode()


def test_a_class_from_start_to_closing(teacher):
    session = teacher.class_session
    board = teacher.get(teacher.class_url).content.decode()
    assert session.join_code in board
    assert "<svg" in board and 'class="segno"' in board  # the QR code, inline
    assert "Ik heb een klusje voor je." in board

    pupils = [join(session.join_code) for _ in range(20)]
    session.refresh_from_db()
    assert session.pupils_joined == 20
    page = pupils[0].get("/lessen/klas/spelen/").content.decode()
    assert "Wat voor klusje?" in page and 'name="choice" value="wat"' in page

    for pupil in pupils[:4]:
        answer(pupil, "hoi", "wat")
    hidden = counts(teacher)
    assert "4 leerlingen hebben geantwoord" in hidden
    assert 'data-testid="count-' not in hidden

    answer(pupils[4], "hoi", "nee")
    shown = counts(teacher)
    assert re.search(r'data-testid="count-wat">4<', shown)
    assert re.search(r'data-testid="count-nee">1<', shown)

    # A device answers a step once; a forged or stale answer changes nothing.
    answer(pupils[0], "hoi", "nee")
    answer(pupils[5], "klusje", "oke")
    answer(pupils[6], "hoi", "bestaat-niet")
    assert re.search(r'data-testid="count-nee">1<', counts(teacher))
    assert "Je antwoord is binnen" in pupils[0].get("/lessen/klas/spelen/").content.decode()

    for pupil in pupils[7:]:
        answer(pupil, "hoi", "wat")
    assert re.search(r'data-testid="count-wat">17<', counts(teacher))

    # The teacher moves the class on; the pupils' pages notice and show the new part.
    status = pupils[1].get("/lessen/klas/status/?stap=hoi")
    assert status.status_code == 204
    assert teacher.post(f"{teacher.class_url}verder/", {"to": "nergens"}).status_code == 400
    teacher.post(f"{teacher.class_url}verder/", {"to": "klusje"})
    assert pupils[1].get("/lessen/klas/status/?stap=hoi")["HX-Refresh"] == "true"
    assert (
        "Je bewaart een pakketje voor mij."
        in pupils[1].get("/lessen/klas/spelen/").content.decode()
    )
    answer(pupils[1], "klusje", "oke")

    # Closing keeps only the monthly counts: no class, no per-class or per-pupil row.
    closed = teacher.post(f"{teacher.class_url}sluiten/")
    assert "De klas is gesloten" in closed.content.decode()
    assert not ClassSession.objects.exists()
    assert not ClassChoiceCount.objects.exists()
    month = timezone.localdate().replace(day=1)
    assert LessonMonth.objects.get().pupils == 20
    assert set(LessonChoiceMonth.objects.values_list("month", "step", "choice", "count")) == {
        (month, "hoi", "wat", 17),
        (month, "hoi", "nee", 1),
        (month, "klusje", "oke", 1),
    }
    ended = pupils[2].get("/lessen/klas/spelen/")
    assert "De les is afgelopen" in ended.content.decode()
    assert ended.cookies[PUPIL_COOKIE].value == ""  # the cookie is deleted
    assert teacher.get(teacher.class_url).status_code == 404
    assert join_fails(session.join_code)


def join_fails(code: str) -> bool:
    response = Client().post("/lessen/klas/", {"code": code})
    return response.status_code == 400 and "Er is geen klas met deze code" in (
        response.content.decode()
    )


def test_the_pupil_cookie_holds_no_name_and_nothing_else_is_stored(teacher):
    pupil = join(teacher.class_session.join_code)
    assert set(pupil.cookies) == {PUPIL_COOKIE}
    value = pupil.cookies[PUPIL_COOKIE].value
    assert value.startswith('{"c":') and '"a":[]' in value  # class id and answered steps
    assert ClassSession.objects.get().pupils_joined == 1


def test_a_link_starts_one_class_and_only_its_browser_is_the_teacher(teacher):
    assert teacher.post(teacher.link).status_code == 400
    assert ClassSession.objects.count() == 1
    stranger = Client()
    assert stranger.get(teacher.class_url).status_code == 404
    assert stranger.post(f"{teacher.class_url}sluiten/").status_code == 404
    assert ClassSession.objects.exists()


def test_a_wrong_or_bogus_code_or_link_is_refused_clearly(client):
    assert join_fails("ZZZZZZ")
    response = client.get("/lessen/klas/starten/bogus-token/")
    assert response.status_code == 400
    assert "Deze link werkt niet" in response.content.decode()
    response = client.post("/lessen/klas/starten/", {"email": "geen-adres", "lesson": LESSON})
    assert response.status_code == 400 and not mail.outbox


def test_forgotten_classes_are_closed_after_their_time(teacher):
    join(teacher.class_session.join_code)
    ClassSession.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("close_class_sessions")
    assert not ClassSession.objects.exists()
    assert LessonMonth.objects.get().pupils == 1


def test_a_member_of_a_school_starts_a_class_without_the_e_mail_link(client, make_member):
    from tests.conftest import verified_client
    from tests.factories import OrganisationFactory
    from zicht.accounts.constants import OrganisationType

    school = OrganisationFactory(name="Het Baken", type=OrganisationType.SCHOOL)
    verified_client(client, make_member(organisation=school).user)
    assert "Start nu als Het Baken" in client.get("/lessen/klas/starten/").content.decode()
    response = client.post("/lessen/klas/starten/school/", {"lesson": LESSON})
    assert response.status_code == 302
    board = client.get(response["Location"]).content.decode()
    assert ClassSession.objects.get().join_code in board
    assert not mail.outbox
    assert client.post("/lessen/klas/starten/school/", {"lesson": "x"}).status_code == 400


def test_a_member_of_another_organisation_cannot_start_without_the_link(client, make_member):
    from tests.conftest import verified_client

    verified_client(client, make_member().user)  # the police
    assert "Start nu als" not in client.get("/lessen/klas/starten/").content.decode()
    assert client.post("/lessen/klas/starten/school/", {"lesson": LESSON}).status_code == 403
    assert not ClassSession.objects.exists()


def test_analysts_see_the_monthly_counts_with_small_cells_suppressed(client, make_member):
    from tests.conftest import verified_client
    from zicht.accounts.constants import Role

    month = timezone.localdate().replace(day=1)
    LessonMonth.objects.create(lesson_slug=LESSON, month=month, sessions=12, pupils=260)
    for step, choice, count in [
        ("hoi", "wat", 25),
        ("hoi", "nee", 12),
        ("klusje", "oke", 3),
        ("klusje", "wat-erin", 30),
    ]:
        LessonChoiceMonth.objects.create(
            lesson_slug=LESSON,
            lesson_version=1,
            month=month,
            step=step,
            choice=choice,
            count=count,
        )
    verified_client(client, make_member(role=Role.ANALYST).user)
    page = client.get("/inzicht/lessen/").content.decode()
    assert re.search(r'data-testid="eval-hoi-wat">25<', page)
    assert re.search(r'data-testid="eval-hoi-nee">12<', page)
    # 3 is a small cell; with the total published, 30 would give it away: hidden too.
    assert re.search(r'data-testid="eval-klusje-oke">&lt;10<', page)
    assert re.search(r'data-testid="eval-klusje-wat-erin">x<', page)
    assert '<td class="n">12</td><td class="n">260</td>' in page
    # The insight dashboard has a section with the classes per lesson, linking here.
    board = client.get("/inzicht/").content.decode()
    assert re.search(rf'data-testid="lesson-classes-{LESSON}">12<', board)
    assert 'href="/inzicht/lessen/"' in board
    # The old address is gone (it is no lesson either).
    assert client.get("/lessen/evaluatie/").status_code == 404


def test_an_organisations_admin_does_not_see_the_lessons_evaluation(client, make_member):
    from tests.conftest import verified_client
    from zicht.accounts.constants import Role

    verified_client(client, make_member(role=Role.ORG_ADMIN).user)
    assert client.get("/inzicht/lessen/").status_code == 403
    assert 'id="s-lessons"' not in client.get("/inzicht/").content.decode()


def _join(client, code):
    return client.post("/lessen/klas/", {"code": code})


def test_a_guessing_browser_is_refused_while_a_pupil_with_the_code_joins(teacher):
    from zicht.lessons.class_views import JOIN_COOKIE, JOIN_FAILURES_PER_BROWSER

    code = ClassSession.objects.get().join_code
    guesser = Client()
    for _ in range(JOIN_FAILURES_PER_BROWSER):
        response = _join(guesser, "AAAAAA")
        assert response.status_code == 400
        assert "Er is geen klas met deze code" in response.content.decode()
    # The sixth try is refused before the code is looked at, even the right code.
    refused = _join(guesser, code)
    assert refused.status_code == 429
    assert "Te veel verkeerde codes" in refused.content.decode()
    assert PUPIL_COOKIE not in refused.cookies
    # Only a random id in a signed cookie identifies the browser; no address is kept.
    assert JOIN_COOKIE in guesser.cookies
    from zicht.core.models import RateCounter

    assert not RateCounter.objects.filter(key__contains="127.0.0.1").exists()
    # A pupil in another browser joins with the right code.
    pupil = Client()
    assert _join(pupil, code).status_code == 302
    assert ClassSession.objects.get().pupils_joined == 1


def test_a_script_that_drops_its_cookies_meets_the_global_bound(teacher, monkeypatch):
    from zicht.lessons import class_views

    monkeypatch.setattr(class_views, "JOIN_FAILURES_PER_MINUTE", 8)
    code = ClassSession.objects.get().join_code
    statuses = [_join(Client(), f"BBBBB{c}").status_code for c in "CDFGHJKLMN"]
    assert statuses == [400] * 8 + [429] * 2
    # Refused for the rest of the minute, right code or not; a minute later a pupil joins.
    assert _join(Client(), code).status_code == 429
    later = timezone.now() + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _join(Client(), code).status_code == 302
