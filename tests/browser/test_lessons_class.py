"""A teacher starts "the package and the bank card" on the board, twenty pupils join
with the code in their own browser (each its own context, as separate devices; one after
a mistyped code), the class's choices appear live on the board from five answers (one
pupil listens with read-aloud and answers with the keyboard), the teacher moves the class
on and closes it, and afterwards nothing but monthly counts remains. Playing a lesson to
its end with the keyboard and read-aloud is tests/browser/test_lessons_player.py."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from zicht.lessons.models import ClassChoiceCount, ClassSession, LessonChoiceMonth, LessonMonth

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INSTANT = "sessionStorage.setItem('zicht-lesson-speed', 'instant');"
# Records what would be spoken instead of speaking it (headless Chromium has no voices).
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = function (u) { window.__spoken.push([u.text, u.lang]); };
}
"""


def new_page(browser, live_server, **kwargs):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", **kwargs)
    context.add_init_script(INSTANT)
    context.add_init_script(RECORD_SPEECH)
    page = context.new_page()
    page.set_default_timeout(20000)
    return page


def test_a_class_of_twenty_on_the_board(browser, live_server, axe_check):
    board = new_page(browser, live_server, viewport={"width": 1600, "height": 900})
    board.goto("/lessen/pakketje-en-bankpas/")
    board.get_by_role("link", name="Speel deze les met je klas").click()
    board.get_by_label("Je e-mailadres").fill("meester@school.example")
    expect(board.get_by_label("Les")).to_have_value("pakketje-en-bankpas")
    board.get_by_role("button", name="Stuur mij de link").click()
    expect(board.get_by_role("heading", level=1)).to_have_text("Kijk in je e-mail")
    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/lessen/klas/starten/\S+/)", message.body).group(1)
    board.goto(link)
    board.get_by_role("button", name="Start de klas").click()
    code = board.get_by_test_id("join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code)
    expect(board.locator(".qr svg")).to_be_visible()
    axe_check(board, "the board")

    pupils = []
    for i in range(20):
        pupil = new_page(browser, live_server, viewport={"width": 390, "height": 800})
        if i == 0:  # a typo first: told so, and the right code still lets them in
            pupil.goto("/lessen/klas/")
            pupil.get_by_label("Code van het bord").fill("AAAAAA")
            pupil.get_by_role("button", name="Meedoen").click()
            expect(pupil.get_by_text("Er is geen klas met deze code")).to_be_visible()
        pupil.goto(f"/lessen/klas/?code={code}")  # what the QR code opens
        pupil.get_by_role("button", name="Meedoen").click()
        expect(pupil.get_by_text("Ik heb een klusje voor je. Makkelijk geld.")).to_be_visible()
        pupils.append(pupil)
    axe_check(pupils[0], "a pupil in class")
    expect(board.get_by_test_id("class-counts")).to_contain_text("20 apparaten doen mee.")

    for pupil in pupils[:4]:
        pupil.get_by_role("button", name="Wat voor klusje?").click()
        expect(pupil.get_by_test_id("class-wait")).to_contain_text("Je antwoord is binnen.")
    # Live on the board, without reloading it: four answers, no counts yet.
    expect(board.get_by_test_id("counts-hidden")).to_contain_text("4 leerlingen hebben geantwoord")
    # Pupil 5 listens (read-aloud, reached with the keyboard) and answers with key 2.
    listener = pupils[4]
    listener.bring_to_front()  # the active tab, as on the pupil's own phone
    for _ in range(30):
        listener.keyboard.press("Shift+Tab")
        if listener.evaluate("document.activeElement.textContent.trim()") == "Voorlezen":
            break
    listener.keyboard.press("Enter")
    assert listener.evaluate("window.__spoken") == [
        ["Jay: Ik heb een klusje voor je. Makkelijk geld.", "nl-NL"]
    ]
    listener.keyboard.press("2")
    expect(listener.get_by_test_id("class-wait")).to_contain_text("Je antwoord is binnen.")
    expect(board.get_by_test_id("count-wat")).to_have_text("4")
    expect(board.get_by_test_id("count-nee")).to_have_text("1")
    for pupil in pupils[5:]:
        pupil.get_by_role("button", name="Wat voor klusje?").click()
    expect(board.get_by_test_id("count-wat")).to_have_text("19")
    axe_check(board, "the board with counts")

    # The teacher goes on; the pupils' pages follow by themselves.
    board.get_by_role("button", name="Verder met: Wat voor klusje?").click()
    for pupil in (pupils[0], pupils[19]):
        expect(
            pupil.get_by_text("Je bewaart een pakketje voor mij. Eén nacht maar.")
        ).to_be_visible(timeout=30000)

    board.get_by_role("button", name="Sluit de klas").click()
    expect(board.get_by_role("heading", level=1)).to_have_text("De klas is gesloten")
    # Twenty pages poll every 3 s; on a loaded machine a round can take longer.
    expect(pupils[3].get_by_role("heading", level=1)).to_have_text(
        "De les is afgelopen", timeout=30000
    )

    assert not ClassSession.objects.exists() and not ClassChoiceCount.objects.exists()
    assert LessonMonth.objects.get().pupils == 20
    assert sorted(LessonChoiceMonth.objects.values_list("step", "choice", "count")) == [
        ("hoi", "nee", 1),
        ("hoi", "wat", 19),
    ]
    for page in [board, *pupils]:
        page.context.close()
