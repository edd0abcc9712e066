"""Every public help page passes axe (no serious or critical violations), the pages work
with the keyboard alone, and browsing them sends no request beyond the local server and
leaves no IP address or user agent in the database or the logs."""

import logging
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from playwright.sync_api import expect

from tests.help.content import load_shipped_help_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKER_AGENT = "ZichtProbe/1.0 (marker-agent-5e1f)"

CONTENT_PAGES = [
    "/hulp/",
    "/en/hulp/",
    "/hulp/jongeren/",
    "/en/hulp/jongeren/",
    "/hulp/ouders-en-vrienden/",
    "/hulp/professionals/",
    "/hulp/veilig-gebruiken/",
    "/hulp/contact/",
    "/hulp/zelftest/",
    "/hulp/gesprek/",
    "/hulp/gesprek/nieuw/",
    "/hulp/gesprek/terug/",
    "/pannenkoeken/",
]


@pytest.fixture(autouse=True)
def _help_content(transactional_db, settings):
    load_shipped_help_content()
    settings.ZICHT_HELP_POW_BITS = 10


@pytest.fixture
def probe_page(browser, live_server):
    """A phone-sized page with a marked user agent that records every request it makes."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        user_agent=MARKER_AGENT,
        viewport={"width": 390, "height": 800},
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.requests = []
    context.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


@pytest.mark.parametrize("half", [0, 1])
def test_content_pages_pass_axe(probe_page, axe_check, half):
    for path in CONTENT_PAGES[half::2]:
        probe_page.goto(path)
        axe_check(probe_page, path)


def test_self_check_and_conversation_pages_pass_axe_with_the_keyboard_alone(probe_page, axe_check):
    page = probe_page
    page.goto("/hulp/")

    def tab_to(name, limit=40):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == name:
                return
        raise AssertionError(f"could not reach {name!r} with Tab")

    tab_to("Doe de zelftest")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zelftest: gebruikt iemand jou?")
    # First radio of the first question: Space selects "Ja"; Tab goes to the next group.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "radio":
            break
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # question 2
    page.keyboard.press("ArrowRight")  # "Soms"
    tab_to("Laat mijn advies zien")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jouw advies")
    expect(
        page.get_by_text("Ben je nu in gevaar? Bel 112.")
    ).to_be_visible()  # question 2 is serious
    axe_check(page, "self-check result")

    tab_to("Stel anoniem een vraag")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stel anoniem een vraag")
    tab_to("Begin een nieuw gesprek")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Begin een nieuw gesprek")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "TEXTAREA":
            break
    page.keyboard.type("Ik moet steeds dingen wegbrengen voor iemand.")
    tab_to("Versturen en mijn gesprekscode krijgen")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("case-code")).to_be_visible()
    axe_check(page, "case code shown once")
    tab_to("Ik heb het opgeschreven: naar mijn gesprek")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Je gesprek")
    expect(page.get_by_text("Ik moet steeds dingen wegbrengen voor iemand.")).to_be_visible()
    axe_check(page, "conversation")
    page.goto("/hulp/gesprek/verwijderen/")
    axe_check(page, "delete conversation")

    # Keyboard focus is visible on the quick exit.
    page.goto("/hulp/")
    tab_to("Snel weg (verlaat deze website meteen)")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    page.keyboard.press("Escape")
    page.wait_for_url("**/pannenkoeken/")


def test_no_request_leaves_the_local_server_and_no_ip_or_agent_is_kept(probe_page, caplog):
    caplog.set_level(logging.DEBUG)
    page = probe_page
    for path in CONTENT_PAGES:
        page.goto(path)
    page.goto("/hulp/zelftest/")
    page.get_by_role("button", name="Laat mijn advies zien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jouw advies")
    page.goto("/hulp/gesprek/nieuw/")
    page.get_by_label("Je vraag of verhaal").fill("Een vraag.")
    page.get_by_role("button", name="Versturen en mijn gesprekscode krijgen").click()
    expect(page.get_by_test_id("case-code")).to_be_visible()

    hosts = {
        urlsplit(url).hostname for url in page.requests if not url.startswith(("data:", "about:"))
    }
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
    assert len(page.requests) > len(CONTENT_PAGES)

    # Nothing in any table holds the address or the user agent.
    for model in apps.get_models():
        for row in model.objects.all().values_list():
            text = " ".join(str(value) for value in row)
            assert "127.0.0.1" not in text, model
            assert "marker-agent-5e1f" not in text, model
    for record in caplog.records:
        line = record.getMessage() + " " + str(getattr(record, "request", ""))
        assert "127.0.0.1" not in line and "marker-agent" not in line, line
