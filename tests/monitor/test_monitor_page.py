"""The municipal monitor page: inside versus outside the area, definitions, suppression,
own municipality only."""

import pytest
from django.urls import reverse
from django.utils import translation

from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.monitor import services
from zicht.monitor.selectors import Period, indicators
from zicht.monitor.tables import TOTAL, suppress_grid

pytestmark = pytest.mark.django_db

Q1 = "?year=2026&quarter=1"


@pytest.fixture
def area(rotterdam_admin, neighbourhoods):
    return services.area_save(
        membership=rotterdam_admin, name="Zuid", codes=["WK059901", "BU05990201"]
    )


def test_signals_are_placed_by_buurt_and_wijk(make_signals, area):
    make_signals(12, source="school", neighbourhood="BU05990102")  # in wijk WK059901
    make_signals(11, source="school", neighbourhood="BU05990201")  # named buurt
    make_signals(10, source="police", neighbourhood="BU05990301")  # Delfshaven: outside
    make_signals(4, source="police")  # no neighbourhood recorded
    make_signals(5, source="police", municipality="GM0363", neighbourhood="BU03630101")
    ind = indicators(municipality="GM0599", codes=set(area.codes), period=Period(2026, 1))
    assert ind.signals == {"area": 23, "elsewhere": 10, "unknown": 4}
    assert ind.by_source["school"] == {"area": 23, "elsewhere": 0, "unknown": 0}


def test_administrator_reads_area_against_elsewhere_with_definitions(
    make_signals, area, rotterdam_admin, login
):
    make_signals(23, source="school", neighbourhood="BU05990101")
    make_signals(12, source="youth_care", neighbourhood="BU05990101")
    make_signals(15, source="police", neighbourhood="BU05990301")
    make_signals(3, source="health_care", neighbourhood="BU05990301")
    response = login(rotterdam_admin).get(reverse("monitor:overview") + Q1)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rotterdam" in html and "Zuid" in html
    table = html.split('data-testid="table-sources"')[1].split("</table>")[0]
    # schools 23 in the area; health care 3 is suppressed, and so is a second cell
    assert "<td>23</td>" in table and "&lt;10" in table
    assert "Young people behind those signals" in html or "Jongeren achter" in html
    assert AuditEvent.objects.filter(action="monitor.viewed").exists()


def test_the_grid_never_lets_a_hidden_cell_be_recomputed():
    grid = suppress_grid(
        {
            "school": {"area": 23, "elsewhere": 0, "unknown": 0},
            "police": {"area": 0, "elsewhere": 15, "unknown": 0},
            "health_care": {"area": 0, "elsewhere": 3, "unknown": 0},
        }
    )
    assert grid["health_care"]["elsewhere"] == "<10"
    # Column "elsewhere" (15 + 3 = 18) would give the 3 back: police or the total is hidden.
    assert "x" in (grid["police"]["elsewhere"], grid[TOTAL]["elsewhere"])
    # Row "health_care" has one cell: its total equals it and is hidden too.
    assert grid["health_care"][TOTAL] in ("<10", "x")


def test_administrator_cannot_look_at_another_municipality(
    amsterdam_admin, login, make_signals, area
):
    client = login(amsterdam_admin)
    assert client.get(reverse("monitor:overview") + "?municipality=GM0599").status_code == 403
    response = client.get(reverse("monitor:overview"))
    assert response.status_code == 200
    assert "Amsterdam" in response.content.decode()
    assert "Zuid" not in response.content.decode()
    assert AuditEvent.objects.filter(action="monitor.access_denied").exists()


def test_analyst_chooses_any_municipality(make_member, login):
    client = login(make_member(role=Role.ANALYST))
    response = client.get(reverse("monitor:overview") + "?municipality=GM0363&year=2026")
    assert response.status_code == 200
    assert "Amsterdam" in response.content.decode()


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.COORDINATOR, Role.ORG_ADMIN])
def test_nobody_else_has_a_monitor(make_member, login, role):
    # ORG_ADMIN here administers a police organisation, not a municipality.
    client = login(make_member(role=role))
    assert client.get(reverse("monitor:overview")).status_code == 403
    assert client.get(reverse("monitor:programme")).status_code == 403


def test_area_estimate_is_declined_with_few_young_people(
    make_signals, area, rotterdam_admin, login
):
    make_signals(12, source="school", neighbourhood="BU05990101")
    html = login(rotterdam_admin).get(reverse("monitor:overview") + Q1).content.decode()
    estimates = html.split('data-testid="estimates"')[1].split("</ul>")[0]
    assert "Too few persons" in estimates or "Te weinig personen" in estimates


def test_the_page_is_in_english_too(rotterdam_admin, login, area):
    response = login(rotterdam_admin).get("/en/monitor/" + Q1)
    assert response.status_code == 200
    assert "In the area" in response.content.decode()


def test_the_page_is_dutch_by_default(rotterdam_admin, login, area):
    html = login(rotterdam_admin).get(reverse("monitor:overview") + Q1).content.decode()
    assert "In het gebied" in html and "Buurt niet vastgelegd" in html


def test_a_small_total_is_suppressed_too(make_signals, area):
    from zicht.monitor.tables import _row

    row = _row("Referrals", {"area": 2, "elsewhere": 4, "unknown": 0}, 6, "", additive=True)
    assert row.values == {"area": "<10", "elsewhere": "<10", "unknown": 0, TOTAL: "<10"}


def test_the_estimate_is_reused_for_a_day(make_signals, area, rotterdam_admin, login):
    from zicht.monitor.models import EstimateCache

    make_signals(12, source="school", neighbourhood="BU05990101")
    client = login(rotterdam_admin)
    client.get(reverse("monitor:overview") + Q1)
    first = dict(EstimateCache.objects.values_list("key", "computed_at"))
    assert len(first) == 2  # the area and the whole municipality
    client.get(reverse("monitor:overview") + Q1)
    assert dict(EstimateCache.objects.values_list("key", "computed_at")) == first


def test_home_page_leads_the_municipal_administrator_to_the_monitor(
    rotterdam_admin, make_member, login
):
    home = login(rotterdam_admin).get(reverse("portal:home")).content.decode()
    assert reverse("monitor:overview") in home and "Monitor Preventie met Gezag" in home
    police_admin = make_member(role=Role.ORG_ADMIN)
    assert (
        reverse("monitor:overview")
        not in login(police_admin).get(reverse("portal:home")).content.decode()
    )


def _mark_suspects(signals, status="suspect"):
    from zicht.intake.models import Signal

    Signal.objects.filter(pk__in=[s.pk for s in signals]).update(justice_status=status)


def test_victim_offender_overlap_counts_young_people_and_hides_small_groups(
    make_signals, area, rotterdam_admin, login
):
    inside = make_signals(30, source="school", neighbourhood="BU05990101")
    _mark_suspects(inside[:10])
    _mark_suspects(inside[10:12], "arrested")
    elsewhere = make_signals(20, source="police", neighbourhood="BU05990301")
    _mark_suspects(elsewhere[:10], "prosecuted")
    _mark_suspects(make_signals(2, source="police"))  # neighbourhood not recorded
    ind = indicators(municipality="GM0599", codes=set(area.codes), period=Period(2026, 1))
    assert ind.suspects == {"area": 12, "elsewhere": 10, "unknown": 2}
    assert ind.suspects_total == 24

    html = login(rotterdam_admin).get(reverse("monitor:overview") + Q1).content.decode()
    assert "staat hier nog niet" not in html  # the old "not there yet" note is gone
    from zicht.monitor.tables import indicators_section

    with translation.override("en"):
        rows = {r.label: r.values for r in indicators_section(ind).rows}
    assert rows["Young people also known as suspects"] == {
        "area": 12,
        "elsewhere": "x",  # else 24 - 12 - 10 would give the 2 back
        "unknown": "<10",
        TOTAL: 24,
    }
    # 12 of 30 in the area; no share over a hidden count
    assert rows["Share also known as suspects"] == {
        "area": "40%",
        "elsewhere": "—",
        "unknown": "—",
        TOTAL: "46%",
    }
    assert "Aandeel ook bekend als verdachte" in html and "40%" in html


def test_overlap_is_hidden_when_those_not_suspected_are_few(make_signals, area):
    from zicht.monitor.tables import indicators_section

    inside = make_signals(14, source="school", neighbourhood="BU05990101")
    _mark_suspects(inside[:11])
    ind = indicators(municipality="GM0599", codes=set(area.codes), period=Period(2026, 1))
    with translation.override("en"):
        rows = {r.label: r.values for r in indicators_section(ind).rows}
    # 14 young people, 11 suspects: publishing 11 would give away the 3 who are not
    assert rows["Young people also known as suspects"]["area"] == "x"
    assert rows["Share also known as suspects"]["area"] == "—"
