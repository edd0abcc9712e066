"""The quarterly report (page, CSV, XLSX, command) and the programme view: the same
suppressed figures everywhere, no ranking, nobody sees a person."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from zicht.accounts.constants import Role
from zicht.monitor import services
from zicht.monitor.rates import poisson_interval, rate

pytestmark = pytest.mark.django_db

Q1 = "?year=2026&quarter=1"


@pytest.fixture
def world(rotterdam_admin, neighbourhoods, population, make_signals):
    services.area_save(membership=rotterdam_admin, name="Zuid", codes=["WK059901"])
    make_signals(23, source="school", neighbourhood="BU05990101")
    make_signals(4, source="health_care", neighbourhood="BU05990101")
    # Hidden as well (x): otherwise the area's total would give the 4 back.
    make_signals(12, source="youth_care", neighbourhood="BU05990101")
    make_signals(16, source="police", neighbourhood="BU05990301")
    make_signals(40, source="police", municipality="GM0363")


def _csv_rows(content: bytes) -> list[str]:
    return content.decode("utf-8-sig").splitlines()


def test_csv_and_xlsx_match_the_page_and_are_suppressed(world, rotterdam_admin, login):
    client = login(rotterdam_admin)
    page = client.get(reverse("monitor:report") + Q1).content.decode()
    assert "Zuid" in page and "data-print" in page
    csv = client.get(reverse("monitor:export") + Q1 + "&format=csv")
    assert csv["Content-Disposition"].endswith('GM0599-2026Q1.csv"')
    lines = _csv_rows(csv.content)
    school = next(line for line in lines if line.split(",")[1] in ("School",))
    assert school.split(",")[2] == "23"
    assert any("<10" in line for line in lines)
    youth = next(line for line in lines if line.split(",")[1] in ("Youth care", "Jeugdzorg"))
    assert youth.split(",")[2] == "x"
    assert not any(",4," in line for line in lines)  # the 4 from health care never shows
    assert any(
        line.split(",")[1] in ("Share also known as suspects", "Aandeel ook bekend als verdachte")
        for line in lines
    )
    xlsx = client.get(reverse("monitor:export") + Q1 + "&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row[1] == "School" and row[2] == 23 for row in values)


def test_command_writes_the_same_report(world, tmp_path, rotterdam_admin, login):
    out = tmp_path / "rotterdam.csv"
    call_command(
        "monitor_report",
        "--municipality",
        "GM0599",
        "--year",
        "2026",
        "--quarter",
        "1",
        "--out",
        str(out),
        "--language",
        "en",
    )
    web = login(rotterdam_admin).get("/en/monitor/rapport/export/" + Q1 + "&format=csv")
    assert out.read_bytes() == web.content
    xlsx = tmp_path / "r.xlsx"
    call_command("monitor_report", "--municipality", "gm0599", "--year", "2026", "--out", str(xlsx))
    assert xlsx.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "GM9999", "--year", "2026", "--out", "x.csv"], "GM9999"),
        (["--municipality", "GM0599", "--year", "2026", "--out", "x.pdf"], ".csv or .xlsx"),
    ],
)
def test_command_refuses_bad_input(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError, match=message):
        call_command("monitor_report", *args)
    assert not list(tmp_path.iterdir())


def test_programme_view_side_by_side_without_ranking(world, rotterdam_admin, login, make_member):
    for member in (rotterdam_admin, make_member(role=Role.ANALYST)):
        html = login(member).get(reverse("monitor:programme") + Q1).content.decode()
        panels = html.split('data-testid="multiples"')[1].split("</ul>")[0]
        names = [part.split("<")[0].split(" (")[0] for part in panels.split("<h2>")[1:]]
        assert names == sorted(names)  # alphabetical, never by rate
        assert len(names) == 15
        assert 'name="area"' not in html  # whole municipalities, no area filter
        assert "<svg" in panels and ("per 10.000" in panels or "per 10,000" in panels)
    # Rotterdam: 55 signals on 161,600 young people: 3.4 per 10,000.
    assert "3,4" in html or "3.4" in html


def test_rates_have_exact_poisson_intervals_and_hide_small_counts():
    # Garwood's exact interval for n = 10: 4.795-18.390 (Ulm 1990, table 1).
    low, high = poisson_interval(10)
    assert round(low, 3) == 4.795 and round(high, 3) == 18.390
    assert rate(4, 100_000).rate is None and rate(4, 100_000).count == "<10"
    r = rate(20, 100_000)
    assert r.rate == pytest.approx(2.0) and r.low < 2.0 < r.high
