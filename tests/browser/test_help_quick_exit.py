"""Quick exit by button, Esc and Shift x3: the page is blanked at once, the neutral page
replaces the history entry, and Back does not lead to a help page. Also without JS."""

import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.help.content import load_shipped_help_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _help_content(transactional_db):
    """Transactional tests flush the database, data migrations included: load the content."""
    load_shipped_help_content()


NEUTRAL = "/pannenkoeken/"
SESSION_COOKIES = ("sessionid", "csrftoken")


def arrive(page, heading):
    """The heading is shown, and the page's script has run (the load event comes after
    it): a click before that would be an ordinary link that adds a history entry."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.wait_for_load_state("load")


def browse_help_pages(page):
    """Front page -> help pages -> self-check (a link and a form) -> a content page."""
    page.goto("/")
    page.get_by_role("link", name="Naar de hulppagina's").click()
    arrive(page, "Gebruikt iemand jou?")
    page.get_by_role("link", name="Doe de zelftest").click()
    page.get_by_role("group", name="1.").get_by_label("Ja").check()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Laat mijn advies zien").click()
    arrive(page, "Jouw advies")
    page.get_by_role("link", name="Lees meer voor jongeren").click()
    arrive(page, "Gebruikt iemand jou?")
    assert page.url.endswith("/hulp/jongeren/")


def assert_left_without_help_history(page):
    page.wait_for_url(f"**{NEUTRAL}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pannenkoeken bakken")
    earlier = []
    for _ in range(page.evaluate("history.length") - 1):
        page.go_back()
        page.wait_for_load_state()
        earlier.append(page.url)
    # Back leads to the front page (and the browser's blank start), never to a help page.
    assert earlier and urlsplit(earlier[0]).path == "/", earlier
    assert not [url for url in earlier if "/hulp/" in url], earlier


# Runs after the page's own handlers for the same event (window, bubbling phase), so it
# sees the page exactly as quick exit left it before the browser navigated away.
PROBE = """
for (const type of ["keydown", "click"]) {
  window.addEventListener(type, () => {
    sessionStorage.setItem("probe", JSON.stringify({
      exiting: document.documentElement.classList.contains("help-exiting"),
      text: document.body.textContent,
      title: document.title,
    }));
  });
}
"""


@pytest.mark.parametrize("trigger", ["button", "escape", "shift3"])
def test_quick_exit_blanks_page_and_leaves_no_help_page_in_history(page, trigger):
    browse_help_pages(page)
    page.evaluate(PROBE)
    if trigger == "button":
        page.get_by_test_id("quick-exit").click()
    elif trigger == "escape":
        page.keyboard.press("Escape")
    else:
        for _ in range(3):
            page.keyboard.press("Shift")
    page.wait_for_url(f"**{NEUTRAL}")
    probe = page.evaluate("JSON.parse(sessionStorage.getItem('probe'))")
    assert probe == {"exiting": True, "text": "", "title": ""}
    assert_left_without_help_history(page)


def test_shift_needs_three_presses_in_a_row(page):
    page.goto("/hulp/")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("a")  # typing in between resets the count
    page.keyboard.press("Shift")
    page.wait_for_timeout(200)
    assert page.url.endswith("/hulp/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_quick_exit_button_stays_in_view_on_a_phone_and_works_without_javascript(
    browser, live_server
):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 375, "height": 667}
    )
    page = context.new_page()
    try:
        page.goto("/hulp/professionals/")
        page.mouse.wheel(0, 20000)
        page.wait_for_timeout(100)
        assert page.evaluate("window.scrollY") > 500
        button = page.get_by_test_id("quick-exit")
        expect(button).to_be_in_viewport()
        assert button.get_attribute("href") == NEUTRAL
        button.click()
        page.wait_for_url(f"**{NEUTRAL}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Pannenkoeken bakken")
    finally:
        context.close()


def _in_conversation(page):
    """Come back to a conversation as a visitor: (the session cookie, the case code)."""
    from zicht.help import services

    started = services.conversation_start(
        message="Ik moet van een oudere jongen pakketjes wegbrengen.", language="nl"
    )
    page.goto("/hulp/gesprek/terug/")
    page.get_by_label("Gesprekscode").fill(started.conversation.display_code)
    page.get_by_label("Wachtwoordzin").fill(started.passphrase)
    page.get_by_role("button", name="Open mijn gesprek").click()
    expect(page.get_by_text("pakketjes wegbrengen")).to_be_visible()
    page.wait_for_load_state("load")
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    return cookie


def _asks_for_code_and_passphrase(page):
    expect(page.get_by_role("heading", level=1)).to_have_text("Terug naar je gesprek")
    expect(page.get_by_label("Gesprekscode")).to_be_visible()
    expect(page.get_by_text("pakketjes wegbrengen")).to_have_count(0)


@pytest.mark.parametrize("trigger", ["button", "escape", "shift3"])
def test_quick_exit_ends_the_conversation_so_history_cannot_reopen_it(page, trigger):
    from django.contrib.sessions.models import Session

    cookie = _in_conversation(page)
    if trigger == "button":
        page.get_by_test_id("quick-exit").click()
    elif trigger == "escape":
        # Esc while typing a message: exits at once, the draft is lost (docs/help.md).
        page.get_by_label("Je bericht").fill("Ik wil nog iets vertellen")
        page.get_by_label("Je bericht").press("Escape")
    else:
        for _ in range(3):
            page.keyboard.press("Shift")
    page.wait_for_url(f"**{NEUTRAL}")
    # The beacon ended the session on the server and cleared its cookies. The server
    # deletes the session before its response (with the cleared cookies) reaches the
    # browser, so wait for both.
    deadline = time.monotonic() + 10
    while Session.objects.filter(session_key=cookie["value"]).exists():
        assert time.monotonic() < deadline, "the conversation session was not ended"
        time.sleep(0.05)
    while left := [c["name"] for c in page.context.cookies() if c["name"] in SESSION_COOKIES]:
        assert time.monotonic() < deadline, f"cookies not cleared: {left}"
        time.sleep(0.05)
    # Back in the history does not lead to the conversation...
    page.go_back()
    page.wait_for_load_state()
    assert "/hulp/gesprek/lezen/" not in page.url
    # ...and reopening its address, also with the old cookie put back, asks again.
    page.goto("/hulp/gesprek/lezen/")
    _asks_for_code_and_passphrase(page)
    page.context.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path")}])
    page.goto("/hulp/gesprek/lezen/")
    _asks_for_code_and_passphrase(page)


def test_esc_of_an_input_method_composition_does_not_exit(page):
    """Esc that cancels a composition (Japanese, Chinese input) belongs to the input method."""
    _in_conversation(page)
    page.get_by_label("Je bericht").focus()
    page.evaluate(
        """document.getElementById("id_body").dispatchEvent(new KeyboardEvent("keydown",
        {key: "Escape", isComposing: true, bubbles: true, cancelable: true}))"""
    )
    page.wait_for_timeout(300)
    assert page.url.endswith("/hulp/gesprek/lezen/")
    expect(page.get_by_text("pakketjes wegbrengen")).to_be_visible()
