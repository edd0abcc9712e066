"""Issue 11: a match decision with its evidence, and its undo - Dutch and English,
desktop and a 390 px phone without sideways scrolling."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_signal_match import log_in, record_signal
from tests.factories import MembershipFactory, OrganisationFactory, TOTPDeviceFactory
from zicht.accounts.constants import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

TEXT = {
    "nl": {
        "prefix": "",
        "waiting": "1 mogelijke match wacht op je beslissing",
        "open": "Bekijk wat overeenkwam en beslis",
        "evidence": ("Voornaam", "Achternaam", "Geboortedatum", "gelijk"),
        "decide": ("Dezelfde persoon", "Match bevestigd."),
        "tick": "Ja, maak mijn beslissing ongedaan",
        "undo": "Beslissing ongedaan maken",
        "undone": "Je beslissing is ongedaan gemaakt.",
        "possible": "Mogelijke match, te bevestigen",
    },
    "en": {
        "prefix": "/en",
        "waiting": "1 possible match waiting for your decision",
        "open": "See what agreed and decide",
        "evidence": ("Given name", "Surname", "Date of birth", "equal"),
        "decide": ("Not the same person", "Marked as not the same person."),
        "tick": "Yes, undo my decision",
        "undo": "Undo decision",
        "undone": "Your decision was undone.",
        "possible": "Possible match, to be confirmed",
    },
}


def assert_fits(page, width, label):
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{label}: {scroll} px wide at {width} px"
    # Nor a table that scrolls sideways inside its wrapper.
    inner = page.evaluate(
        "() => Math.max(0, ...[...document.querySelectorAll('.table-wrap')]"
        ".map(e => e.scrollWidth - e.clientWidth))"
    )
    assert inner <= 0, f"{label}: a table scrolls {inner} px sideways at {width} px"


@pytest.mark.parametrize(("lang", "viewport"), [("nl", PHONE), ("en", DESKTOP)])
def test_decide_with_evidence_and_undo(browser, live_server, axe_check, lang, viewport):
    police = MembershipFactory(
        role=Role.PROFESSIONAL, organisation=OrganisationFactory(name="Politie Rotterdam-Zuid")
    )
    care = MembershipFactory(
        role=Role.PROFESSIONAL,
        organisation=OrganisationFactory(name="Jeugdzorg Rijnmond", youth_care=True),
    )
    for m in (police, care):
        TOTPDeviceFactory(user=m.user)
    t = TEXT[lang]
    ctx_a = browser.new_context(base_url=live_server.url, locale="nl-NL")
    ctx_b = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=viewport)
    a, b = ctx_a.new_page(), ctx_b.new_page()
    a.set_default_timeout(15000)
    b.set_default_timeout(15000)
    try:
        log_in(a, police)
        record_signal(a, given="Mohamed", surname="El Amrani")
        log_in(b, care)
        record_signal(b, given="Mohamed", surname="Elamrani")

        # The list says what its counter counts and fits the screen.
        b.goto(f"{t['prefix']}/matches/")
        expect(b.get_by_test_id("waiting")).to_have_text(t["waiting"])
        assert_fits(b, viewport["width"], "match list")
        axe_check(b, f"match list {lang}")

        # The match page: own young person, the other contact, evidence in words.
        b.get_by_role("link", name=t["open"]).click()
        evidence = b.get_by_test_id("evidence")
        for words in t["evidence"]:
            expect(evidence).to_contain_text(words)
        expect(b.get_by_text("Politie Rotterdam-Zuid")).to_be_visible()
        expect(b.locator("main")).to_contain_text("Mohamed Elamrani")
        assert "El Amrani" not in b.content()  # never the other file
        assert_fits(b, viewport["width"], "match page")
        axe_check(b, f"match page {lang}")

        # Decide, then undo it after confirming.
        button, done = t["decide"]
        b.get_by_role("button", name=button, exact=True).click()
        expect(b.get_by_text(done)).to_be_visible()
        b.get_by_label(t["tick"]).check()
        b.get_by_role("button", name=t["undo"]).click()
        expect(b.get_by_text(t["undone"])).to_be_visible()
        expect(b.get_by_role("heading", level=1)).to_have_text(t["possible"])
        assert_fits(b, viewport["width"], "match page after undo")

        # The other organisation's professional sees no undo for a decision not theirs.
        b.get_by_role("button", name=button, exact=True).click()
        expect(b.get_by_text(done)).to_be_visible()
        a.goto(b.url.replace(live_server.url, ""))
        expect(a.get_by_role("heading", level=1)).to_be_visible()
        expect(a.get_by_role("button", name="Beslissing ongedaan maken")).to_have_count(0)
    finally:
        ctx_a.close()
        ctx_b.close()
