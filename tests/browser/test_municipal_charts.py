"""The municipalities' half-year charts in Chromium at 1,280 px and at 390 px: every chart
fits its box, nothing makes the page scroll sideways, and the table beside them fits too.
"""

import pytest

from tests.browser.test_signal_match import log_in
from tests.factories import MembershipFactory, OrganisationFactory, TOTPDeviceFactory
from tests.insight.test_howsure import _stored
from zicht.accounts.constants import OrganisationType, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ("Rotterdam", "Amsterdam", "Súdwest-Fryslân", "Utrecht", "Eindhoven", "Groningen")


def _half_years(seed: int) -> list[dict]:
    """Five half-years, the third of each municipality declined."""
    out = []
    for i, (year, half) in enumerate(((2024, 1), (2024, 2), (2025, 1), (2025, 2), (2026, 1))):
        reliable = i != 2
        estimate = 900.0 + 150 * seed + 40 * i
        out.append(
            {
                "period": f"{year}-H{half}",
                "from": f"{year}-{'01' if half == 1 else '07'}-01",
                "to": f"{year}-{'06-30' if half == 1 else '12-31'}",
                "observed": 300 + i,
                "reliable": reliable,
                "reason_code": "" if reliable else "methods_disagree",
                "estimate": estimate if reliable else None,
                "ci": [estimate * 0.8, estimate * 1.3] if reliable else None,
            }
        )
    return out


# Per chart: how far its drawing sticks out of its box, and its box out of the page.
CHARTS = """() => [...document.querySelectorAll('[data-testid=municipal-charts] .chart-box')]
  .map(box => {
    const svg = box.querySelector('svg');
    return {title: svg.querySelector('title').textContent,
            over: svg.getBoundingClientRect().width - box.clientWidth,
            pageOver: box.getBoundingClientRect().right - document.documentElement.clientWidth,
            height: svg.getBoundingClientRect().height};
  })"""


def test_the_municipal_charts_fit_a_laptop_and_a_phone(browser, live_server):  # noqa: F811
    entry = _stored()
    entry.result["periods"] = _half_years(0)
    entry.result["municipal_periods"] = [
        {
            "municipality": f"GM{i:04d}",
            "name": name,
            "observed": 640,
            "reliable": True,
            "reason_code": "",
            "periods": _half_years(i),
        }
        for i, name in enumerate(NAMES)
    ]
    entry.save()
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
            drawn = page.evaluate(CHARTS)
            assert [c["title"] for c in drawn] == list(NAMES)
            too_wide = [c for c in drawn if c["over"] > 1 or c["pageOver"] > 1]
            assert not too_wide, f"{width}px: {too_wide}"
            # Still readable: scaled down, a chart keeps most of its height.
            assert min(c["height"] for c in drawn) > 120, drawn
            sideways = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert sideways <= 0, f"{width}px: the page scrolls sideways by {sideways}px"
            table = page.evaluate(
                """() => { const t = document.querySelector(
                     '[data-testid=municipal-periods-table]');
                   return t.scrollWidth - t.parentElement.clientWidth; }"""
            )
            assert table <= 0, f"{width}px: the table sticks out by {table}px"
        # On a laptop several charts share a line; on a phone each has its own.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto("/inzicht/")
        tops = page.evaluate(
            """() => [...document.querySelectorAll('[data-testid=municipal-charts] .chart-box')]
                 .map(b => Math.round(b.getBoundingClientRect().top))"""
        )
        assert tops.count(tops[0]) >= 2, tops
    finally:
        context.close()
