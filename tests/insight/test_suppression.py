"""Small-cell suppression cannot be undone by arithmetic on a published table."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from zicht.insight.suppression import PRIMARY, SECONDARY, suppress


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


def test_examples():
    p = suppress({"a": 50, "b": 3, "c": 20})
    assert p.cells == {"a": 50, "b": PRIMARY, "c": SECONDARY} and p.total == 73
    p = suppress({"a": 1, "b": 1})
    assert p.total == SECONDARY
    assert suppress({"a": 12, "b": 0}).cells == {"a": 12, "b": 0}
