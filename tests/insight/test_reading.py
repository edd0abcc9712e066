"""The dashboard reads as its reader expects: numbers in their language, Excel-ready CSV,
changes beside the current period, honest sums, and a page that stays cheap to draw."""

import csv
import datetime as dt
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.insight.test_dashboard import some_signals  # noqa: F401 (fixture)
from tests.intake.conftest import signal_post
from zicht.accounts.constants import Role
from zicht.core.suppression import suppress
from zicht.insight import charts, tables
from zicht.insight.numbers import number, signed
from zicht.insight.selectors import Dataset
from zicht.insight.tables import Table, table


def test_numbers_have_the_reader_s_separators():
    with translation.override("nl"):
        assert number(2805) == "2.805"
        assert number(2805.4) == "2.805"
        assert number(1.5, 1) == "1,5"
        assert signed(-1234) == "\u22121.234" and signed(12) == "+12"
    with translation.override("en"):
        assert number(2805) == "2,805"
        assert number(1.5, 1) == "1.5"
    assert number("<10") == "<10" and number("x") == "x"  # suppressed cells stay as published


def _table(current: dict, before: dict | None = None) -> Table:
    t = Table("source", "Signals per kind of source", "Source", suppress(current))
    if before is not None:
        t.compare = Table("source", "", "Source", suppress(before))
    return t


def test_the_comparison_period_is_a_column_with_the_change_beside_the_count():
    t = _table(
        {"Politie": 40, "School": 3, "Jeugdzorg": 4, "Zorg": 20},
        {"Politie": 30, "Zorg": 25, "Opvang": 12},
    )
    with translation.override("en"):
        assert t.headers() == [
            "Source",
            "Count",
            "Compared period",
            "Change",
            "Change (%)",
        ]
    rows = {row[0]: row for row in t.body_rows()}
    assert rows["Politie"][1:] == [40, 30, 10, 33.3]
    assert rows["Zorg"][1:] == [20, 25, -5, -20.0]
    assert rows["Opvang"][1:] == [0, 12, -12, -100.0]  # only in the compared period
    # A hidden count never enters a change: 40 - "<10" would reveal it.
    assert t.published.cells["School"] in ("<10", "x")
    assert rows["School"][3:] == ["—", "—"]
    with translation.override("nl"):
        shown = {row[0]: row for row in t.display_rows()}
        assert shown["Politie"][3:] == ["+10", "+33,3"]
        assert shown["Zorg"][3:] == ["\u22125", "\u221220,0"]


def test_a_change_from_zero_has_no_percentage():
    rows = _table({"Politie": 15}, {"Politie": 0}).body_rows()
    assert rows[0][1:] == [15, 0, 15, "—"]


def _signal(groups: list[str]) -> dict:
    return {
        "id": uuid.uuid4(),
        "contact_date": dt.date(2025, 3, 1),
        "municipality__name": "Utrecht",
        "organisation__type": "police",
        "forms": ["drug_transport"],
        "age_at_contact": 15,
        "indicator_codes": [f"{g}.something" for g in groups],
    }


@pytest.mark.django_db
def test_indicator_groups_say_how_many_distinct_signals_are_behind_the_sum():
    rows = [_signal(["school", "money"]) for _ in range(12)]
    data = Dataset(rows, {s["id"]: s["id"] for s in rows})
    t = table(data, "indicator_group")
    assert t.multi_count
    assert t.published.total == 24  # the rows add up to twice the signals ...
    assert t.distinct == 12  # ... that come from twelve signals
    # Three signals without any indicator: shown beside the total, the distinct count
    # would reveal them (15 - 12 = 3), so it is hidden.
    rows += [_signal([]) for _ in range(3)]
    data = Dataset(rows, {s["id"]: s["id"] for s in rows})
    assert table(data, "indicator_group").distinct == "x"


def test_a_chart_with_every_value_hidden_is_not_drawn():
    assert charts.all_suppressed(["<10", "x", 0])
    assert not charts.all_suppressed(["<10", 12])
    svg = charts.bar_chart(["a", "b"], [1200, "<10"], title="T", number=number)
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title>T</title>" in svg


def _csv_rows(response, delimiter):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # byte-order mark: Excel reads the accents right
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_csv_is_split_on_semicolons_for_dutch_readers_and_commas_in_english(
    make_member,
    login,
    some_signals,  # noqa: F811
):
    client = login(make_member(role=Role.ANALYST))
    with translation.override("nl"):
        dutch = client.get(reverse("insight:export", args=["source", "csv"]))
    with translation.override("en"):
        english = client.get(reverse("insight:export", args=["source", "csv"]))
    assert _csv_rows(dutch, ";")[0][:2] == ["Bron", "Signalen"]
    assert _csv_rows(english, ",")[0][:2] == ["Source", "Signals"]


def test_export_names_carry_the_period_and_the_comparison(
    make_member,
    login,
    some_signals,  # noqa: F811
):
    client = login(make_member(role=Role.ANALYST))
    response = client.get(
        reverse("insight:export", args=["age", "csv"]),
        {
            "date_from": "2025-01-01",
            "date_to": "2025-06-30",
            "compare_from": "2024-01-01",
            "compare_to": "2024-06-30",
        },
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="zicht-age-2025-01-01-2025-06-30-vs-2024-01-01-2024-06-30.csv"'
    )
    header = _csv_rows(response, ";")[0]
    assert header[2:5] == ["Vergelijkingsperiode", "Verschil", "Verschil (%)"]


def test_the_dashboard_draws_no_chart_with_matplotlib(
    make_member,
    login,
    some_signals,  # noqa: F811
    monkeypatch,
):
    """Drawing with matplotlib per request made the page take seconds; fail if any
    figure is saved while the dashboard or a chart is served."""
    from matplotlib.figure import Figure

    saved = []
    monkeypatch.setattr(Figure, "savefig", lambda *a, **k: saved.append(a))
    client = login(make_member(role=Role.ANALYST))
    assert client.get(reverse("insight:dashboard")).status_code == 200
    client.get(reverse("insight:chart", args=["source"]))
    assert saved == []


def test_the_number_of_queries_does_not_grow_with_the_data(
    make_member,
    login,
    some_signals,  # noqa: F811
):
    from django.test import Client

    from tests.conftest import verified_client

    client = verified_client(Client(), make_member(role=Role.ANALYST).user)
    client.get(reverse("insight:dashboard"))  # computes and caches the estimate

    def queries() -> int:
        # What this process kept from other tests (bounded, emptied when full) would
        # decide whether a table is read from the shared store: start from the same state.
        tables._KEPT.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("insight:dashboard")).status_code == 200
        return len(captured)

    before = queries()
    for given in ("Ayoub", "Noah", "Finn", "Lucas", "Milan", "Bram"):
        login(make_member(role=Role.PROFESSIONAL)).post(
            reverse("intake:signal_create"), signal_post(given_names=given, surname="Jansen")
        )
    # The first visit after the change counts the signals again (a fixed number of
    # queries, zicht.insight.snapshot); every later one reads the kept count.
    after_change = queries()
    assert queries() == before
    for given in ("Sem", "Liam", "Daan"):
        login(make_member(role=Role.PROFESSIONAL)).post(
            reverse("intake:signal_create"), signal_post(given_names=given, surname="Bakker")
        )
    assert queries() == after_change


def test_a_new_selection_queues_its_estimate_instead_of_waiting_for_it(
    make_member,
    login,
    some_signals,  # noqa: F811
    monkeypatch,
):
    """With the worker's task queue, the first visit with new filters does not fit the
    model in the request: it says the estimate is being computed, and shows it once the
    queued task has run."""
    import zicht.insight.tasks as insight_tasks
    from zicht.insight.models import EstimateCache

    queued = []

    class Queue:
        def enqueue(self, key):
            queued.append(key)

    monkeypatch.setattr(insight_tasks, "refresh_estimate_task", Queue())
    client = login(make_member(role=Role.ANALYST))
    response = client.get(reverse("insight:dashboard"), {"date_from": "2020-01-01"})
    html = response.content.decode()
    assert 'data-testid="estimate-pending"' in html
    assert len(queued) == 1 and not EstimateCache.objects.exists()
    monkeypatch.undo()
    assert insight_tasks.refresh_estimate_task.call(queued[0]) is True
    html = client.get(reverse("insight:dashboard"), {"date_from": "2020-01-01"}).content.decode()
    assert 'data-testid="estimate-pending"' not in html
    assert "Te weinig personen" in html  # three persons: the reason, no number


@pytest.mark.django_db
def test_a_hidden_distinct_count_is_explained_not_shown_as_x():
    from django.template.loader import render_to_string

    rows = [_signal(["school", "money"]) for _ in range(12)] + [_signal([]) for _ in range(3)]
    t = table(Dataset(rows, {s["id"]: s["id"] for s in rows}), "indicator_group")
    with translation.override("nl"):
        html = render_to_string(
            "insight/dashboard.html", {"tables": [t], "scope": None, "query": ""}
        )
    note = html.split('class="help multi-count">')[1].split("</p>")[0]
    assert "tellen op tot 24" in note and "zou verraden" in note
    assert " x " not in note
