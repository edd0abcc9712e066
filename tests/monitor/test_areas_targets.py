"""Areas and targets: the municipal administrator decides them for their own
municipality; the traffic light follows its stated rule."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zicht.monitor import services
from zicht.monitor.models import Area, Target
from zicht.monitor.targets import progress

pytestmark = pytest.mark.django_db


def test_administrator_defines_an_area_from_buurten(rotterdam_admin, login, neighbourhoods):
    client = login(rotterdam_admin)
    page = client.get(reverse("monitor:areas")).content.decode()
    assert "Afrikaanderwijk" in page and "Slotervaart" not in page  # own municipality only
    response = client.post(
        reverse("monitor:areas"), {"name": "Zuid", "codes": ["BU05990101", "BU05990102"]}
    )
    assert response.status_code == 302
    assert Area.objects.get().codes == ["BU05990101", "BU05990102"]


def test_another_municipalitys_buurt_is_refused(rotterdam_admin, neighbourhoods):
    with pytest.raises(ValidationError, match="BU03630101"):
        services.area_save(membership=rotterdam_admin, name="X", codes=["BU03630101"])
    assert not Area.objects.exists()


def test_administrator_sets_targets_and_sees_them(rotterdam_admin, login):
    client = login(rotterdam_admin)
    response = client.post(
        reverse("monitor:targets"),
        {
            "indicator": "signals_school",
            "kind": "change",
            "year": 2026,
            "baseline_year": 2025,
            "value": "25",
        },
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("monitor:targets"),
        {"indicator": "screening", "kind": "change", "year": 2026, "value": "90"},
    )
    assert bad.status_code == 200 and Target.objects.count() == 1
    client.post(
        reverse("monitor:targets"),
        {"indicator": "screening", "kind": "share", "year": 2026, "value": "90"},
    )
    assert Target.objects.count() == 2


def test_change_target_without_earlier_base_year_is_refused(rotterdam_admin):
    with pytest.raises(ValidationError):
        services.target_save(
            membership=rotterdam_admin,
            indicator="signals_school",
            kind="change",
            year=2026,
            value=Decimal(25),
            baseline_year=2026,
        )


def _target(admin, value=25):
    return services.target_save(
        membership=admin,
        indicator="signals_school",
        kind="change",
        year=2026,
        value=Decimal(value),
        baseline_year=2025,
    )


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [(13, 10, "green"), (12, 10, "amber"), (11, 10, "red"), (14, 5, "grey")],
)
def test_traffic_light_follows_the_stated_rule(
    rotterdam_admin, make_signals, neighbourhoods, now, before, expected
):
    make_signals(now, source="school", neighbourhood="BU05990101", day=dt.date(2026, 2, 1))
    make_signals(before, source="school", neighbourhood="BU05990101", day=dt.date(2025, 2, 1))
    # Later in 2025 than "today" in 2026: not part of the same stretch of the base year.
    make_signals(30, source="school", neighbourhood="BU05990101", day=dt.date(2025, 11, 1))
    result = progress(
        target=_target(rotterdam_admin),
        municipality="GM0599",
        codes={"WK059901"},
        today=dt.date(2026, 3, 1),
    )
    assert result.judgement == expected
    if expected == "green":
        assert result.change == "+30%"
    # The trend shows Q1 of both years; 1-9 is never plotted.
    q1 = result.trend[0]
    assert q1[1] == now and q1[2] == (before if before >= 10 else None)


def test_progress_is_on_the_monitor_page(rotterdam_admin, login, make_signals, neighbourhoods):
    services.area_save(membership=rotterdam_admin, name="Zuid", codes=["WK059901"])
    _target(rotterdam_admin)
    make_signals(20, source="school", neighbourhood="BU05990101", day=dt.date(2026, 1, 5))
    html = login(rotterdam_admin).get(reverse("monitor:overview") + "?year=2026").content.decode()
    targets = html.split('data-testid="targets"')[1].split("</table>")[0]
    assert "traffic-" in targets
    assert "green" in html or "amber" in html or "red" in html or "grey" in html
