"""A visitor starts a conversation on a phone, writes the code down, leaves, comes back
and reads the counsellor's answer; the counsellor answers in the inbox."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.conftest import verified_client
from tests.help.content import load_shipped_help_content
from zicht.accounts.constants import Role
from zicht.accounts.models import Municipality
from zicht.audit.models import AuditEvent
from zicht.help.models import Conversation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _help_content(transactional_db):
    """Transactional tests flush the database, data migrations included: load the content."""
    load_shipped_help_content()


PHONE = {"width": 390, "height": 740}


@pytest.fixture(autouse=True)
def _light_proof_of_work(settings):
    settings.ZICHT_HELP_POW_BITS = 10


def test_visitor_starts_leaves_returns_and_reads_reply(
    page, browser, live_server, make_member, axe_check
):
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.get_by_role("link", name="Naar de hulppagina's").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gebruikt iemand jou?")
    page.get_by_role("link", name="Stel anoniem een vraag").first.click()
    page.get_by_role("link", name="Begin een nieuw gesprek").click()
    page.get_by_label("Je vraag of verhaal").fill(
        "Ik moet van een oudere jongen pakketjes wegbrengen."
    )
    page.get_by_role("button", name="Versturen en mijn gesprekscode krijgen").click()

    code = page.get_by_test_id("case-code").inner_text().strip()
    passphrase = page.get_by_test_id("passphrase").inner_text().strip()
    assert len(code) == 9 and code[4] == "-"
    assert len(passphrase.split()) == 5
    expect(page.get_by_text("Dit laten we maar één keer zien")).to_be_visible()

    page.get_by_role("link", name="Ik heb het opgeschreven: naar mijn gesprek").click()
    expect(page.get_by_text("Ik moet van een oudere jongen pakketjes wegbrengen.")).to_be_visible()
    page.get_by_role("button", name="Mijn gesprek nu sluiten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Je hebt je gesprek verlaten")
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]

    # A counsellor answers in the inbox, in a second browser (logged in with two factors).
    Municipality.objects.get_or_create(code="GM0599", defaults={"name": "Rotterdam"})
    counsellor = make_member(role=Role.COUNSELLOR)
    staff = verified_client(Client(), counsellor.user)
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.add_cookies(
        [{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_server.url}]
    )
    inbox = context.new_page()
    inbox.goto("/hulp/gesprekken/")
    expect(inbox.get_by_text("1 gesprek wacht op antwoord.")).to_be_visible()
    inbox.get_by_role("link", name=code).click()
    expect(inbox.get_by_text("Ik moet van een oudere jongen pakketjes wegbrengen.")).to_be_visible()
    inbox.get_by_role("link", name="Dank voor je bericht").click()
    expect(inbox.get_by_label("Je antwoord")).to_contain_text("Dat is een moedige stap.")
    inbox.get_by_label("Je antwoord").fill("Dank je. Je bent niet de schuldige.")
    inbox.get_by_role("button", name="Antwoord versturen").click()
    expect(inbox.get_by_text("Je antwoord is verstuurd.")).to_be_visible()
    axe_check(inbox, "counsellor conversation")
    context.close()
    conversation = Conversation.objects.get(code=code.replace("-", ""))
    assert AuditEvent.objects.filter(
        action="help.conversation_viewed", object_id=str(conversation.pk)
    ).exists()

    page.get_by_role("link", name="Ik heb een gesprekscode").click()
    page.get_by_label("Gesprekscode").fill(code.lower())
    page.get_by_label("Wachtwoordzin").fill(passphrase.upper())
    page.get_by_role("button", name="Open mijn gesprek").click()
    expect(page.get_by_text("Dank je. Je bent niet de schuldige.")).to_be_visible()
    page.get_by_label("Je bericht").fill("Wat moet ik nu doen?")
    page.get_by_role("button", name="Versturen", exact=True).click()
    expect(page.get_by_text("Je bericht is verstuurd.")).to_be_visible()
    assert conversation.messages.count() == 3


def _send_and_wait_for_the_answer(page, button):
    """Click and wait until help.js has written the server's answer into the page (the
    old document's text could otherwise satisfy the next expectation)."""
    page.evaluate("document.documentElement.dataset.old = '1'")
    page.get_by_role("button", name=button).click()
    for _ in range(300):  # wait_for_function would need 'unsafe-eval', which CSP forbids
        if not page.evaluate("!!document.documentElement.dataset.old"):
            break
        page.wait_for_timeout(50)
    page.wait_for_load_state("load")


def test_right_passphrase_gets_in_after_five_wrong_ones_with_the_browsers_work(page):
    """No lockout: after five wrong passphrases the resume form asks the browser for a
    proof-of-work (help.js solves it), and the right passphrase opens the conversation."""
    from zicht.help import services

    started = services.conversation_start(
        message="Ik moet van een oudere jongen pakketjes wegbrengen.", language="nl"
    )
    code = started.conversation.display_code
    page.goto("/hulp/gesprek/terug/")
    for _ in range(5):
        page.get_by_label("Gesprekscode").fill(code)
        page.get_by_label("Wachtwoordzin").fill("appel peer kaas brood melk")
        _send_and_wait_for_the_answer(page, "Open mijn gesprek")
        expect(page.get_by_text("passen niet bij elkaar")).to_be_visible()
    page.get_by_label("Gesprekscode").fill(code)
    page.get_by_label("Wachtwoordzin").fill(started.passphrase)
    _send_and_wait_for_the_answer(page, "Open mijn gesprek")
    expect(page.get_by_text("korte berekening")).to_be_visible()
    assert page.get_by_label("Gesprekscode").input_value() == code  # kept for the person
    page.get_by_label("Wachtwoordzin").fill(started.passphrase)
    page.get_by_role("button", name="Open mijn gesprek").click()
    expect(page.get_by_text("pakketjes wegbrengen")).to_be_visible()
    assert page.url.endswith("/hulp/gesprek/lezen/")
