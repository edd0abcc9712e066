"""The analyst's dashboard renders in Chromium, in Dutch and English, without serious axe
violations, and shows no identity."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_signal_match import log_in
from tests.factories import MembershipFactory, OrganisationFactory, TOTPDeviceFactory
from zicht.accounts.constants import OrganisationType, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_in_both_languages(browser, live_server, axe_check):
    from zicht.intake.demo import demo_signals_ensure

    demo_signals_ensure(population=150, seed=5)
    analyst = MembershipFactory(
        role=Role.ANALYST,
        organisation=OrganisationFactory(name="Ministerie Test", type=OrganisationType.OTHER),
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
        assert page.locator("svg.chart").count() >= 6
        axe_check(page, "insight dashboard (nl)")
        page.goto("/en/inzicht/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Insight: seen and unseen")
        axe_check(page, "insight dashboard (en)")
        response = page.request.get(live_server.url + "/inzicht/export/source.csv")
        assert response.status == 200
        assert response.text().lstrip("\ufeff").startswith("Bron;Signalen;Jongeren")  # cookie: nl
    finally:
        context.close()


# Every table on the page, with how far it sticks out of its box (0 when it fits).
OVERFLOW = """() => [...document.querySelectorAll('.insight .table-wrap')].map(box => {
  const table = box.querySelector('table');
  return {caption: table.caption ? table.caption.textContent : '?',
          over: table.scrollWidth - box.clientWidth,
          pageOver: box.getBoundingClientRect().right - document.documentElement.clientWidth};
})"""


def test_every_table_fits_its_box_on_a_laptop_and_a_phone(browser, live_server):
    """At 1,280 px and at 390 px no table is wider than its box (nothing clipped, nothing
    to scroll sideways), no box runs off the page, and the table of contents jumps."""
    from zicht.intake.demo import demo_signals_ensure

    demo_signals_ensure(population=150, seed=5)
    analyst = MembershipFactory(
        role=Role.ANALYST, organisation=OrganisationFactory(name="Min", type=OrganisationType.OTHER)
    )
    TOTPDeviceFactory(user=analyst.user)
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        log_in(page, analyst)
        for width, height in ((1280, 800), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto("/inzicht/")
            tables = page.evaluate(OVERFLOW)
            assert len(tables) >= 7, tables
            too_wide = [t for t in tables if t["over"] > 0 or t["pageOver"] > 1]
            assert not too_wide, f"{width}px: {too_wide}"
            assert page.locator("svg.chart").count() >= 5  # drawn inline, no image requests
            toc = page.get_by_role("navigation", name="Op deze pagina")
            toc.get_by_role("link", name="Signalen per leeftijdsgroep").click()
            assert page.url.endswith("#s-age")
            expect(
                page.get_by_role("heading", name="Signalen per leeftijdsgroep")
            ).to_be_in_viewport()
        # A comparison period adds three columns; on a laptop they still fit.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto("/inzicht/?compare_from=2000-01-01&compare_to=2000-12-31")
        expect(page.get_by_role("columnheader", name="Verschil (%)").first).to_be_visible()
        too_wide = [t for t in page.evaluate(OVERFLOW) if t["over"] > 0]
        assert not too_wide, too_wide
    finally:
        context.close()
