"""Issue 11, "Professionals: find and decide": in Dutch and English, desktop and 390 px.

A professional finds a young person in their own signals by name with a typo and a
particle, sees name, age and municipality, and cannot refer a minor with parental
consent "not applicable (adult)".
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_signal_match import log_in
from tests.factories import MembershipFactory, OrganisationFactory, TOTPDeviceFactory
from zicht.accounts.constants import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

WORDS = {
    "nl": {
        "prefix": "",
        "name": "Naam",
        "search": "Zoeken",
        "clear": "Zoekopdracht wissen",
        "found": "1 signaal gevonden",
        "nothing": "Geen signaal van je organisatie past bij deze zoekopdracht",
        "bsn": "BSN",
        "bad_bsn": "Dit is geen geldig BSN",
        "refer": "Doorverwijzen naar het coördinatiecentrum",
        "reason": "Waarom verwijs je?",
        "young": "Toestemming van de jongere",
        "parents": "Toestemming van de ouders",
        "refused": "Geweigerd",
        "not_applicable": "Niet van toepassing (volwassene)",
        "send": "Verwijzing versturen",
        "minor": "Deze jongere is minderjarig",
    },
    "en": {
        "prefix": "/en",
        "name": "Name",
        "search": "Search",
        "clear": "Clear search",
        "found": "1 signal found",
        "nothing": "No signal of your organisation matches this search",
        "bsn": "BSN",
        "bad_bsn": "This is not a valid BSN",
        "refer": "Refer to the coordination centre",
        "reason": "Why do you refer?",
        "young": "Consent of the young person",
        "parents": "Consent of the parents",
        "refused": "Refused",
        "not_applicable": "Not applicable (adult)",
        "send": "Send referral",
        "minor": "This young person is a minor",
    },
}


def _signal(member, given, surname, *, age=15, bsn=""):
    from zicht.accounts.models import Municipality
    from zicht.intake import services

    today = timezone.localdate()
    signal, _matches = services.signal_create(
        membership=member,
        data={
            "contact_date": today - dt.timedelta(days=1),
            "setting": "school",
            "indicator_codes": ["school.truancy"],
            "forms": ["drug_transport"],
            "account": "Werd na school opgehaald door een oudere jongen.",
            "immediate_danger": False,
        },
        identity={
            "given_names": given,
            "surname": surname,
            "date_of_birth": dt.date(today.year - age, 1, 1),  # turned {age} this year
            "sex": "F",
            "bsn": bsn,
            "municipality": Municipality.objects.get(code="GM0599"),
        },
    )
    return signal


@pytest.fixture
def professional(db):
    member = MembershipFactory(
        role=Role.PROFESSIONAL, organisation=OrganisationFactory(name="Politie Rotterdam-Zuid")
    )
    TOTPDeviceFactory(user=member.user)
    return member


def _page(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_find_a_young_person_by_name_with_a_typo_and_a_particle(
    browser, live_server, axe_check, professional, lang, viewport
):
    w = WORDS[lang]
    sanne = _signal(professional, "Sanne", "van der Berg", bsn="111222333")
    _signal(professional, "Lotte", "Bergers")
    _signal(professional, "Mohamed", "El Amrani")
    other = MembershipFactory(role=Role.PROFESSIONAL)
    _signal(other, "Sanne", "van der Berg")  # another organisation's: never found
    context, page = _page(browser, live_server, viewport)
    try:
        log_in(page, professional)
        page.goto(f"{w['prefix']}/signalen/")
        page.get_by_label(w["name"], exact=True).fill("Sanne van den Berh")
        page.get_by_role("button", name=w["search"], exact=True).click()
        expect(page.get_by_text(w["found"])).to_be_visible()
        row = page.get_by_role("row").filter(has_text=sanne.reference)
        expect(row).to_contain_text("Sanne van der Berg")
        expect(row).to_contain_text("Rotterdam")
        expect(row).to_contain_text("15")
        expect(page.get_by_role("cell", name="Lotte Bergers")).to_have_count(0)
        assert "Berh" not in page.url and "Sanne" not in page.url
        axe_check(page, f"search result ({lang}, {viewport})")

        # Nobody by that name: a clear empty state; a bad BSN: a message on the field.
        page.get_by_label(w["name"], exact=True).fill("Jansen")
        page.get_by_role("button", name=w["search"], exact=True).click()
        expect(page.get_by_text(w["nothing"])).to_be_visible()
        page.get_by_label(w["name"], exact=True).fill("")
        page.get_by_label(w["bsn"], exact=True).fill("123456789")
        page.get_by_role("button", name=w["search"], exact=True).click()
        expect(page.get_by_text(w["bad_bsn"])).to_be_visible()
        page.get_by_label(w["bsn"], exact=True).fill("111222333")
        page.get_by_role("button", name=w["search"], exact=True).click()
        expect(page.get_by_text(w["found"])).to_be_visible()

        page.get_by_role("button", name=w["clear"]).click()
        expect(page.get_by_role("cell", name="Lotte Bergers")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_minor_is_not_referred_with_parental_consent_not_applicable(
    browser, live_server, axe_check, professional, lang, viewport
):
    from zicht.coordination.models import Referral

    w = WORDS[lang]
    signal = _signal(professional, "Sanne", "van der Berg", age=15)
    context, page = _page(browser, live_server, viewport)
    try:
        log_in(page, professional)
        page.goto(f"{w['prefix']}/signalen/{signal.pk}/")
        refer = page.get_by_role("link", name=w["refer"])
        expect(refer).to_have_class("button primary")
        refer.click()
        page.get_by_label(w["reason"]).fill("Wordt opgehaald door oudere jongens.")
        page.get_by_role("group", name=w["young"]).get_by_label(w["refused"]).check()
        page.get_by_role("group", name=w["parents"]).get_by_label(w["not_applicable"]).check()
        page.get_by_role("button", name=w["send"]).click()
        expect(page.get_by_text(w["minor"]).first).to_be_visible()
        assert not Referral.objects.exists()
        axe_check(page, f"refused referral ({lang}, {viewport})")
    finally:
        context.close()
