"""The hidden number per municipality and half-year as small charts (issue 14): one chart
per municipality with a series, drawn from the stored rows, gaps where a half-year has
no number, the same figures as the table beside it."""

import re

import pytest
from django.urls import reverse

from tests.insight.test_howsure import _no_estimation, _stored_municipal_periods
from zicht.accounts.constants import Role
from zicht.insight import charts
from zicht.insight.numbers import number

pytestmark = pytest.mark.django_db


def test_a_half_year_without_a_number_is_a_gap_not_a_zero():
    svg = charts.interval_series_chart(
        [
            ("2025/1", 1510.4, 1300.0, 1820.6),
            ("2025/2", None, None, None),
            ("2026/1", 800, 700, 950),
        ],
        title="Rotterdam",
        gap="—",
        number=number,
    )
    assert svg.count("<circle") == 2  # one dot per half-year with a number
    assert svg.count(">—</text>") == 1 and ">2025/2</text>" in svg
    assert "<title>Rotterdam</title>" in svg and 'role="img"' in svg
    # The scale starts at 0 and reaches past the highest upper bound.
    ticks = [int(t.replace(".", "")) for t in re.findall(r'font-size="10">([\d.]+)</text>', svg)]
    assert min(ticks) == 0 and max(ticks) >= 1821


def test_the_dashboard_draws_one_chart_per_municipality_with_a_series(make_member, login):
    _stored_municipal_periods()
    client = login(make_member(role=Role.ANALYST))
    first, second, boom = _no_estimation()
    with first, second:
        html = client.get(reverse("insight:dashboard")).content.decode()
    assert boom.call_count == 0
    charts_html = html.split('data-testid="municipal-charts"')[1].split("</figure>")[0]
    drawn = re.findall(r"<svg.*?</svg>", charts_html, re.S)
    # Rotterdam has a series; Groningen (6 young people) has none and no chart.
    assert len(drawn) == 1 and "<title>Rotterdam</title>" in drawn[0]
    assert "Groningen" not in charts_html
    # Its one half-year with a number is one dot; the two declined ones are gaps, their
    # reasons in the table below.
    assert drawn[0].count("<circle") == 1 and drawn[0].count(">—</text>") == 2
    assert "Eén grafiek per gemeente" in charts_html
    table = html.split('data-testid="municipal-periods-table"')[1].split("</table>")[0]
    assert "Te weinig personen" in table


def test_no_chart_for_a_municipality_whose_every_half_year_is_declined(make_member, login):
    from zicht.insight.models import EstimateCache

    _stored_municipal_periods()
    entry = EstimateCache.objects.get()
    rotterdam = entry.result["municipal_periods"][0]
    rotterdam["periods"] = [p for p in rotterdam["periods"] if not p["reliable"]]
    entry.save()
    html = login(make_member(role=Role.ANALYST)).get(reverse("insight:dashboard")).content.decode()
    assert 'data-testid="municipal-charts"' not in html  # no figure without a chart
    assert "Rotterdam" in html.split('data-testid="municipal-periods-table"')[1]
