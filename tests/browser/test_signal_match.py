"""Issue 4, done-means: two professionals, same young person, slightly different spelling."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_two_factor_login import login_password
from tests.factories import MembershipFactory, OrganisationFactory, TOTPDeviceFactory
from zicht.accounts.constants import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, membership):
    from django_otp.oath import totp

    device = membership.user.totpdevice_set.get()
    login_password(page, membership.user.username)
    page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Volgende").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def record_signal(page, *, given, surname):
    page.goto("/signalen/nieuw/")
    page.get_by_label("Voornamen").fill(given)
    page.get_by_label("Achternaam").fill(surname)
    page.get_by_label("Geboortedatum").fill("2010-04-03")
    page.get_by_label("Woongemeente").select_option("GM0599")
    page.get_by_label("Waar zag je dit?").select_option("school")
    page.get_by_label("Spijbelen of uitval").check()
    page.get_by_role("button", name="Signaal vastleggen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signaal ZS-")
    return page.url


def test_two_organisations_find_each_other_without_sharing_files(browser, live_server, axe_check):
    police = MembershipFactory(
        role=Role.PROFESSIONAL, organisation=OrganisationFactory(name="Politie Rotterdam-Zuid")
    )
    care = MembershipFactory(
        role=Role.PROFESSIONAL,
        organisation=OrganisationFactory(name="Jeugdzorg Rijnmond", youth_care=True),
    )
    for m in (police, care):
        TOTPDeviceFactory(user=m.user)

    ctx_a = browser.new_context(base_url=live_server.url)
    ctx_b = browser.new_context(base_url=live_server.url)
    a, b = ctx_a.new_page(), ctx_b.new_page()
    a.set_default_timeout(15000)
    b.set_default_timeout(15000)
    try:
        log_in(a, police)
        police_url = record_signal(a, given="Mohamed", surname="El Amrani")
        axe_check(a, "signal detail")

        log_in(b, care)
        record_signal(b, given="Mohamed", surname="Elamrani")
        expect(b.get_by_text("Mogelijke match, te bevestigen").first).to_be_visible()

        # Both see a possible match naming the other organisation and contact.
        a.goto("/matches/")
        expect(a.get_by_role("cell", name="Jeugdzorg Rijnmond")).to_be_visible()
        expect(a.get_by_text("Mogelijke match, te bevestigen")).to_be_visible()
        axe_check(a, "match list")

        # One confirms; both see the confirmed match with the other's contact.
        b.goto("/matches/")
        b.get_by_role("button", name="Dezelfde persoon", exact=True).click()
        expect(b.get_by_text("Match bevestigd.")).to_be_visible()
        a.goto("/matches/")
        expect(a.get_by_role("cell", name="Match", exact=True)).to_be_visible()
        expect(a.get_by_role("link", name=care.user.email)).to_be_visible()
        assert "Elamrani" not in a.content()

        # Neither can open the other's signal.
        response = b.goto(police_url)
        assert response.status == 404
        assert "El Amrani" not in b.content()
    finally:
        ctx_a.close()
        ctx_b.close()
