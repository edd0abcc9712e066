"""The analyst's dashboard renders in Chromium, in Dutch and English, without serious axe
violations, and shows no identity."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_signal_match import log_in
from tests.factories import MembershipFactory, OrganisationFactory, TOTPDeviceFactory
from zicht.accounts.constants import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_in_both_languages(browser, live_server, axe_check):
    from zicht.intake.demo import demo_signals_ensure

    demo_signals_ensure(population=150, seed=5)
    analyst = MembershipFactory(
        role=Role.ANALYST, organisation=OrganisationFactory(name="Ministerie Test")
    )
    TOTPDeviceFactory(user=analyst.user)
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        log_in(page, analyst)
        page.goto("/inzicht/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Inzicht: gezien en ongezien")
        expect(page.get_by_role("heading", name="Signalen per soort bron")).to_be_visible()
        assert page.locator("img.chart").count() >= 6
        axe_check(page, "insight dashboard (nl)")
        page.goto("/en/inzicht/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Insight: seen and unseen")
        axe_check(page, "insight dashboard (en)")
        response = page.request.get(live_server.url + "/inzicht/export/source.csv")
        assert response.status == 200
        assert response.text().lstrip("\ufeff").startswith("Bron,Signalen,Jongeren")  # cookie: nl
    finally:
        context.close()
