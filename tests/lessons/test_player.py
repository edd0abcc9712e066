"""The lesson player without JavaScript: server-rendered step by step, nothing stored,
no cookie, the quick exit on every page, Dutch and English."""

from __future__ import annotations

import html
import re

import pytest

from zicht.lessons.content import shipped_lessons

pytestmark = pytest.mark.django_db

LESSON = "pakketje-en-bankpas"
LINK = re.compile(r'<a class="(?:choice-button|button primary big)"[^>]*href="([^"]+)"')


def links(response) -> list[str]:
    return [html.unescape(h) for h in LINK.findall(response.content.decode())]


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_list_shows_every_lesson_in_the_language_of_the_page(client, prefix):
    response = client.get(f"{prefix}/lessen/")
    assert response.status_code == 200
    lang = "en" if prefix else "nl"
    for lesson in shipped_lessons().values():
        assert lesson.title[lang] in text(response)


def test_a_pupil_plays_to_an_ending_by_following_the_first_choice(client):
    response = client.get(f"/lessen/{LESSON}/")
    assert "Jay" in text(response) and "Noor" in text(response)
    url = links(response)[0]
    seen = []
    while True:
        response = client.get(url)
        assert response.status_code == 200, url
        seen.append(url)
        assert 'id="quick-exit"' in text(response)
        found = links(response)
        if not found:
            break
        url = found[0]
        assert len(seen) < 30, "no ending reached"
    page = text(response)
    # The ending names the pattern, says it is not the pupil's fault, and points to help.
    assert "Dit heet: geldezel" in page
    assert "Het is niet jouw schuld." in page
    assert 'href="/hulp/"' in page and 'href="/hulp/gesprek/"' in page
    assert "Bel 112" in page
    assert client.cookies == {} or not any(client.cookies.values())


@pytest.mark.parametrize("slug", list(shipped_lessons()))
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_step_of_every_lesson_is_reachable_through_the_pages(client, slug, prefix):
    """Walk every link of every page: the pages reach every step of the lesson."""
    lesson = shipped_lessons()[slug]
    start = f"{prefix}/lessen/{slug}/{lesson.start}/"
    todo, seen = [start], set()
    while todo:
        url = todo.pop()
        path = url.split("?")[0]
        if path in seen:
            continue
        seen.add(path)
        response = client.get(url)
        assert response.status_code == 200, url
        todo += [u for u in links(response) if u.startswith(f"{prefix}/lessen/{slug}/")]
    assert {p.split("/")[-2] for p in seen} == set(lesson.steps)


def test_the_choice_that_led_here_is_shown_back_and_a_forged_one_is_not(client):
    response = client.get(f"/lessen/{LESSON}/klusje/?van=hoi&koos=wat")
    assert '<p class="speaker">Jij</p><p class="chat-text">Wat voor klusje?</p>' in text(response)
    # "nee" from "hoi" leads elsewhere: not shown, and no error.
    response = client.get(f"/lessen/{LESSON}/klusje/?van=hoi&koos=nee")
    assert response.status_code == 200
    assert "chat-me" not in text(response)


def test_a_pause_asks_the_class_and_goes_on(client):
    page = text(client.get(f"/lessen/{LESSON}/pauze-vriend/"))
    assert "Pauze: een vraag voor de klas" in page
    assert "Is Jay een echte vriend? Waarom wel of niet?" in page
    assert f'href="/lessen/{LESSON}/bankpas/"' in page


def test_english_is_complete(client):
    page = text(client.get(f"/en/lessen/{LESSON}/einde-stil/"))
    assert "This is called: money mule" in page
    assert "It is not your fault." in page
    assert "Call 112" in page
    assert 'href="/en/hulp/gesprek/"' in page


def test_nothing_is_stored_and_nothing_cached(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(f"/lessen/{LESSON}/bankpas/")
    assert response.status_code == 200
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url", [f"/lessen/{LESSON}/bestaat-niet/", "/lessen/bestaat-niet/", "/lessen/x/y/"]
)
def test_an_unknown_lesson_or_step_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_pictograms_have_their_name_and_messages_a_read_aloud_button(client):
    page = text(client.get(f"/lessen/{LESSON}/klusje/"))
    assert 'src="/static/lessons/pictograms/package.svg" alt="Pakketje"' in page
    assert page.count("data-read-aloud") == 2
    # The chat is the chat, not a notice of Django's messages framework.
    assert 'class="messages"' not in page


def test_the_shipped_lessons_are_three_for_pupils_and_two_for_professionals():
    audiences = [lesson.audience for lesson in shipped_lessons().values()]
    assert audiences.count("pupils") >= 3 and audiences.count("professionals") >= 2


def test_a_professional_lesson_links_the_indicators_and_ends_at_recording_a_signal(client):
    page = text(client.get("/lessen/zorgen-om-daan/mentor/"))
    assert "Uit de signalenlijst" in page
    assert "<strong>Spijbelen of uitval</strong>" in page
    assert 'href="/hulp/professionals/"' in page
    ending = text(client.get("/lessen/zorgen-om-daan/einde-signaal/"))
    assert 'href="/signalen/nieuw/"' in ending
    assert "Leg een signaal vast in Zicht" in ending
    assert "Het is niet zijn schuld." in ending


@pytest.mark.parametrize("slug", list(shipped_lessons()))
def test_every_lesson_has_a_printable_teachers_guide(client, slug):
    lesson = shipped_lessons()[slug]
    page = text(client.get(f"/lessen/{slug}/handleiding/"))
    assert lesson.guide["aims"]["nl"] in page
    for question in lesson.guide["questions"]:
        assert question["nl"] in page
    for heading in (
        "Achtergrond: criminele uitbuiting",
        "Als een leerling je iets vertelt",
        "De stappen van de Meldcode voor scholen",
    ):
        assert heading in page
    assert "Beloof geen geheimhouding." in page
    english = text(client.get(f"/en/lessen/{slug}/handleiding/"))
    assert lesson.guide["aims"]["en"] in english and "The Meldcode steps for schools" in english
