"""Small-cell suppression cannot be undone by arithmetic on a published table."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zicht.core.suppression import PRIMARY, SECONDARY, suppress


def consistent_values(published, cap=40):
    """Every assignment of the suppressed cells consistent with what was published."""
    hidden = [label for label, v in published.cells.items() if v in (PRIMARY, SECONDARY)]
    shown = sum(v for v in published.cells.values() if isinstance(v, int))
    domains = [
        range(1, 10) if published.cells[label] == PRIMARY else range(10, cap) for label in hidden
    ]
    solutions = []
    for combo in itertools.product(*domains):
        if published.total == SECONDARY or shown + sum(combo) == published.total:
            solutions.append(dict(zip(hidden, combo, strict=True)))
    return hidden, solutions


def feasible_ranges(published):
    """For each suppressed cell, the lowest and highest value consistent with the table.

    Exact for one sum constraint over integer intervals, so it needs no cap on the values
    (an enumeration with a cap would "derive" cells from the cap rather than the table):
    a primary cell lies in 1..9, a secondary one is at least 10 with no upper bound.
    """
    inf = float("inf")
    bounds = {
        label: (1, 9) if v == PRIMARY else (10, inf)
        for label, v in published.cells.items()
        if v in (PRIMARY, SECONDARY)
    }
    if published.total == SECONDARY:
        return bounds
    rest = published.total - sum(v for v in published.cells.values() if isinstance(v, int))
    low_sum = sum(low for low, _high in bounds.values())
    high_sum = sum(high for _low, high in bounds.values())
    return {
        label: (max(low, rest - (high_sum - high)), min(high, rest - (low_sum - low)))
        for label, (low, high) in bounds.items()
    }


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=5))
def test_no_suppressed_cell_can_be_derived(values):
    counts = {f"c{i}": v for i, v in enumerate(values)}
    published = suppress(counts)
    hidden, solutions = consistent_values(published)
    for label in hidden:
        assert len({s[label] for s in solutions}) >= 2, (counts, published)
    # Nothing between 1 and 9 is ever shown.
    assert not any(isinstance(v, int) and 0 < v < 10 for v in published.cells.values())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=5),
    st.sets(st.integers(min_value=0, max_value=4)),
)
def test_cells_hidden_on_request_cannot_be_derived_either(values, hide):
    """Cells hidden because another column hides their row (tables.suppress_rows) count
    as secondary cells: still nothing hidden can be recovered from the table."""
    counts = {f"c{i}": v for i, v in enumerate(values)}
    published = suppress(counts, hide={f"c{i}" for i in hide})
    for i in hide:
        if counts.get(f"c{i}", 0) > 0:
            assert published.cells[f"c{i}"] in (PRIMARY, SECONDARY)
    for label, (low, high) in feasible_ranges(published).items():
        assert high > low, (label, counts, hide, published)


def test_examples():
    p = suppress({"a": 50, "b": 3, "c": 20})
    assert p.cells == {"a": 50, "b": PRIMARY, "c": SECONDARY} and p.total == 73
    p = suppress({"a": 1, "b": 1})
    assert p.total == SECONDARY
    assert suppress({"a": 12, "b": 0}).cells == {"a": 12, "b": 0}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=3), st.sampled_from(["police", "school"])),
        min_size=1,
        max_size=14,
    )
)
def test_two_exported_tables_cannot_be_differenced(db, rows):
    """Signals per month and per source share the grand total. Whatever one table hides
    cannot be derived from its own cells plus the total the other table publishes."""
    import datetime as dt

    from zicht.insight.selectors import Dataset
    from zicht.insight.tables import tables_for

    signals = [
        {
            "id": i,
            "contact_date": dt.date(2026, month, 1),
            "municipality__name": "Rotterdam",
            "organisation__type": source,
            "forms": [],
            "age_at_contact": 15,
            "indicator_codes": [],
        }
        for i, (month, source) in enumerate(rows)
    ]
    tables = tables_for(Dataset(signals, {i: i for i in range(len(signals))}))
    month, source = tables["month"].published, tables["source"].published
    assert month.total == source.total  # one grand total, shown or hidden in both
    for published in (month, source):
        other_total = (source if published is month else month).total
        combined = type(published)(published.cells, other_total)
        hidden, solutions = consistent_values(combined)
        for label in hidden:
            assert len({s[label] for s in solutions}) >= 2, (rows, published)
