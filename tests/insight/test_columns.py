"""The dashboard's tables counted over the snapshot's columns (numpy, zicht.insight.
selectors) equal the same tables counted row by row from the signals read now: for the
whole scope, periods, municipalities and the multi-valued breakdowns, small cells hidden
in the same places."""

import datetime as dt

import pytest
from benchmarks.insight import bulk_signals

from zicht.insight import selectors, snapshot, tables
from zicht.intake.constants import JusticeStatus, SignalStatus
from zicht.intake.models import Signal

pytestmark = pytest.mark.django_db

NATIONAL = selectors.Scope(None, "national")


@pytest.fixture
def signals():
    """Some 600 simulated signals, a few of them suspects and a few withdrawn."""
    bulk_signals(600, seed=3)
    ids = list(Signal.objects.order_by("reference").values_list("pk", flat=True))
    Signal.objects.filter(pk__in=ids[::9]).update(justice_status=JusticeStatus.ARRESTED)
    Signal.objects.filter(pk__in=ids[4::31]).update(status=SignalStatus.WITHDRAWN)
    snapshot._LOADED.clear()
    tables._KEPT.clear()
    return ids


def _selections() -> list[dict]:
    dates = sorted(Signal.objects.values_list("contact_date", flat=True))
    first, middle, last = dates[0], dates[len(dates) // 2], dates[-1]
    by_count: dict = {}
    for code in Signal.objects.values_list("municipality_id", flat=True):
        by_count[code] = by_count.get(code, 0) + 1
    big = max(by_count, key=by_count.get)
    small = min(by_count, key=by_count.get)  # mostly cells under ten: suppressed
    return [
        {},
        {"date_from": middle},
        {"date_to": middle},
        {"date_from": first + dt.timedelta(days=30), "date_to": last - dt.timedelta(days=60)},
        {"municipality": big},
        {"municipality": small},
        {"municipality": big, "date_from": middle},
        {"municipality": "GM9999"},  # nobody there
        {"date_from": last + dt.timedelta(days=1)},  # nothing in the period
    ]


def _pair(scratch: selectors.Base, **selection):
    columnar = selectors.dataset(scope=NATIONAL, **selection)
    by_rows = selectors.dataset(scope=NATIONAL, within=scratch, **selection)
    return columnar, by_rows


def test_columnar_counts_equal_row_by_row_counts(signals):
    scratch = selectors.base_from_scratch(scope=NATIONAL)
    hidden_somewhere = False
    for selection in _selections():
        columnar, by_rows = _pair(scratch, **selection)
        assert columnar.selection() is not None, "counted over the columns"
        assert by_rows.selection() is None, "counted row by row"
        assert columnar.size() == len(by_rows.signals), selection
        assert all(type(p) is int for p in columnar.persons())
        assert len(columnar.persons()) == len(by_rows.persons()), selection
        assert len(selectors.suspected_persons(columnar)) == len(
            selectors.suspected_persons(by_rows)
        )
        for key in ("month", "municipality", "source", "form", "age", "indicator_group"):
            assert selectors.counts_by(columnar, key) == selectors.counts_by(by_rows, key), (
                selection,
                key,
            )
            assert selectors.persons_by(columnar, key) == selectors.persons_by(by_rows, key), (
                selection,
                key,
            )
        assert selectors.overlap(columnar) == selectors.overlap(by_rows)
        for kind in tables.TABLE_KINDS:
            mine, theirs = tables.table(columnar, kind), tables.table(by_rows, kind)
            assert mine.published == theirs.published, (selection, kind)
            assert mine.persons == theirs.persons, (selection, kind)
            assert mine.referrals == theirs.referrals, (selection, kind)
            assert mine.victims == theirs.victims, (selection, kind)
            assert mine.distinct == theirs.distinct, (selection, kind)
            hidden_somewhere |= any(not isinstance(v, int) for v in mine.published.cells.values())
        mine = tables._suspects_table(columnar)
        assert (mine.rows, mine.total) == (
            tables._suspects_table(by_rows).rows,
            tables._suspects_table(by_rows).total,
        )
    assert hidden_somewhere, "the selections include small cells, hidden as '<10'"


def test_counts_are_python_integers_and_rows_are_built_only_when_asked(signals):
    data = selectors.dataset(scope=NATIONAL)
    counts = selectors.counts_by(data, "form")
    assert counts and all(type(v) is int for v in counts.values())
    assert all(type(v) is int for v in selectors.persons_by(data, "indicator_group").values())
    assert data._signals is None, "the tables need no row dicts"
    # The code paths that need rows get the same rows as read now.
    scratch = selectors.base_from_scratch(scope=NATIONAL)
    fields = snapshot.FIELDS
    assert sorted(tuple(r[f] for f in fields) for r in data.signals) == sorted(
        (snapshot.signal_key(r["id"]), *(r[f] for f in fields[1:])) for r in scratch.rows
    )


def test_an_older_snapshot_format_is_rebuilt(signals):
    snapshot.rebuild(None)
    stored = snapshot.CountSnapshot.objects.get(key=snapshot.cache_key(None))
    stored.version = "(1," + stored.version.split(",", 1)[1]
    stored.save()
    snapshot._LOADED.clear()
    head = snapshot.head(None)
    assert head.token != stored.token
    assert snapshot.CountSnapshot.objects.get(key=snapshot.cache_key(None)).version.startswith(
        f"({snapshot.FORMAT},"
    )
