"""A pupil plays "the package and the bank card" to the end with the keyboard alone,
hears a message read aloud (the browser's own speech synthesis, recorded here instead of
spoken), and every page passes axe (no serious or critical violations) on a phone
(390 px) and a desktop screen. No request leaves the local server."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records what would be spoken instead of speaking it (headless Chromium has no voices).
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = function (u) { window.__spoken.push([u.text, u.lang]); };
}
"""


@pytest.fixture(params=[(390, 800), (1280, 900)], ids=["phone", "desktop"])
def player(request, browser, live_server):
    width, height = request.param
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": width, "height": height}
    )
    context.add_init_script(RECORD_SPEECH)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.requests = []
    context.on("request", lambda r: page.requests.append(r.url))
    page.cookie_setters = []
    context.on(
        "response",
        lambda r: page.cookie_setters.append(r.url) if r.header_value("set-cookie") else None,
    )
    yield page
    context.close()


def focused(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def tab_to(page, text, limit=60, backwards=False):
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if focused(page) == text:
            return
    raise AssertionError(f"could not reach {text!r} with the keyboard")


def test_play_to_the_end_with_the_keyboard_and_read_aloud(player, axe_check):
    page = player
    page.goto("/lessen/")
    axe_check(page, "lesson list")
    tab_to(page, "Het pakketje en de bankpas")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Het pakketje en de bankpas")
    axe_check(page, "lesson start")
    tab_to(page, "Start de les")
    page.keyboard.press("Enter")

    # Messages arrive one by one: Jay is typing, the second message is not there yet.
    expect(page.locator("[data-typing]")).to_have_text("Jay typt…")
    expect(page.get_by_text("Makkelijk geld.", exact=False)).to_be_hidden()
    # When all are in, focus is on the question, so Tab goes straight to the choices.
    expect(page.locator("#choices-heading")).to_be_focused()
    expect(page.get_by_text("Ik heb een klusje voor je. Makkelijk geld.")).to_be_visible()
    axe_check(page, "first step")

    # Read aloud: the button just before the question, reached with Shift+Tab.
    tab_to(page, "Voorlezen", backwards=True)
    page.keyboard.press("Enter")
    assert page.evaluate("window.__spoken") == [
        ["Jay: Ik heb een klusje voor je. Makkelijk geld.", "nl-NL"]
    ]
    # The rest at a fast speed (the setting lives in this tab only).
    page.evaluate("sessionStorage.setItem('zicht-lesson-speed', 'fast')")

    # hoi -> "Wat voor klusje?" (Tab + Enter), klusje -> "Wat zit erin?" (number key 2)
    tab_to(page, "1 Wat voor klusje?")
    page.keyboard.press("Enter")
    expect(page.locator("#choices-heading")).to_be_focused()
    expect(page.locator(".chat-me .chat-text")).to_have_text("Wat voor klusje?")
    page.keyboard.press("2")
    expect(page.locator("#choices-heading")).to_be_focused()
    # wat-erin -> "Nee. Dit voelt niet goed." -> nee -> "Ik vertel het aan Noor."
    for choice in ("2 Nee. Dit voelt niet goed.", "2 Ik vertel het aan Noor."):
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert focused(page) == choice
        page.keyboard.press("Enter")
        expect(page.locator("#choices-heading")).to_be_focused()
    # noor -> "Nee, ik durf niet." -> durf-niet: a "Continue" step, focus on the button.
    page.keyboard.press("2")
    expect(page.get_by_role("link", name="Verder")).to_be_focused()
    page.keyboard.press("Enter")

    ending = page.locator("#ending-heading")
    expect(ending).to_be_focused()
    expect(ending).to_have_text("Dit heet: geldezel")
    expect(page.get_by_text("Het is niet jouw schuld.", exact=False)).to_be_visible()
    expect(
        page.get_by_role("link", name="Stel anoniem een vraag: niemand weet wie je bent")
    ).to_be_visible()
    expect(page.get_by_text("Nu in gevaar? Bel 112.")).to_be_visible()
    axe_check(page, "ending")

    hosts = {urlsplit(u).hostname for u in page.requests if not u.startswith(("data:", "about:"))}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
    assert page.cookie_setters == []
    assert page.context.cookies() == []

    # Quick exit works here as on the help pages.
    page.keyboard.press("Escape")
    page.wait_for_url("**/pannenkoeken/")
