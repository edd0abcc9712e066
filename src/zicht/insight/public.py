"""The public statistics release (issue 16): yearly tables with differential privacy.

Publishing exact counts by month, age group, form and municipality invites differencing
attacks (subtract two tables that differ by one young person) that small-cell suppression
does not stop. The public tables are therefore computed with a differentially private
mechanism from a maintained library (OpenDP), not with suppression:

* **Unit of privacy: one young person** (a cluster of the person index,
  ``zicht.insight.persons``). Each table counts signals, but a person contributes at most
  ``CONTRIBUTION_BOUND`` (C) increments to it: their first C (signal, category) pairs of
  the year, in date order. Adding or removing one young person therefore changes the
  table's L1 norm by at most C — the sensitivity the noise is calibrated to. A young
  person the person index did not link is counted as two people; the guarantee is per
  linked person.
* **Fixed categories**: every month of the year, every age group, every form of
  exploitation and every active municipality appear, with zero when nobody was seen, so
  *which* categories appear gives nothing away.
* **Integer noise**: OpenDP's geometric (discrete Laplace) mechanism with scale C/ε per
  table; OpenDP's privacy map checks that the table costs at most ε.
* **Post-processing** (costs no privacy): negative noisy counts are shown as 0. A small
  noisy count is mostly noise; no suppression is needed, and none is applied.

The four tables of one release each spend ``epsilon_total / 4`` (basic composition), so a
year's release spends ``ZICHT_PUBLIC_RELEASE_EPSILON`` in total. True counts are computed
in memory only and never stored or shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import opendp.prelude as dp

from zicht.core import ages

__all__ = [
    "CONTRIBUTION_BOUND",
    "TABLE_KINDS",
    "Record",
    "noisy_tables",
    "true_tables",
]

dp.enable_features("contrib")

#: C: at most this many counted increments per young person per table.
CONTRIBUTION_BOUND = 3

#: The tables of a release, in the order they are shown.
TABLE_KINDS = ("month", "age", "form", "municipality")

UNKNOWN = "?"


@dataclass(frozen=True)
class Record:
    """One counted signal of the year: its person and the categories it falls in."""

    person: object
    date: object  # datetime.date: orders a person's signals (their first C count)
    month: str  # "2026-03"
    age_group: str
    forms: tuple[str, ...]
    municipality: str  # CBS code, or "?"


def categories(*, year: int, forms: list[str], municipalities: list[str]) -> dict[str, list[str]]:
    """The fixed categories of every table: the same whatever the data."""
    return {
        "month": [f"{year:04d}-{m:02d}" for m in range(1, 13)],
        "age": [label for _lo, _hi, label in ages.AGE_GROUPS] + [UNKNOWN],
        "form": [*forms, UNKNOWN],
        "municipality": [*municipalities, UNKNOWN],
    }


def _cells(record: Record, kind: str) -> list[str]:
    if kind == "month":
        return [record.month]
    if kind == "age":
        return [record.age_group]
    if kind == "form":
        return list(record.forms) or [UNKNOWN]
    return [record.municipality]


def true_tables(
    records: list[Record], cats: dict[str, list[str]], bound: int = CONTRIBUTION_BOUND
) -> dict[str, list[int]]:
    """The bounded true counts: per table, each person's first ``bound`` increments.

    Only ever held in memory, as the input of :func:`noisy_tables` and of the benchmark.
    """
    ordered = sorted(records, key=lambda r: (str(r.person), r.date))
    tables: dict[str, list[int]] = {}
    for kind in TABLE_KINDS:
        index = {c: i for i, c in enumerate(cats[kind])}
        used: Counter = Counter()
        counts = [0] * len(cats[kind])
        for r in ordered:
            for cell in _cells(r, kind):
                if used[r.person] >= bound:
                    break
                used[r.person] += 1
                counts[index[cell] if cell in index else index[UNKNOWN]] += 1
        tables[kind] = counts
    return tables


def mechanism(*, epsilon: float, bound: int = CONTRIBUTION_BOUND):
    """OpenDP's geometric mechanism on a vector of counts with L1 sensitivity ``bound``.

    Refuses (ValueError) if OpenDP's privacy map says the table would cost more than
    ``epsilon``: the budget is checked by the library, not only by our arithmetic.
    """
    if not epsilon > 0:
        raise ValueError("epsilon must be positive")
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    measurement = dp.m.make_geometric(*space, scale=bound / epsilon)
    if measurement.map(bound) > epsilon * (1 + 1e-9):
        raise ValueError("the mechanism would spend more than its budget")
    return measurement


def noisy_tables(
    true: dict[str, list[int]], *, epsilon_per_table: float, bound: int = CONTRIBUTION_BOUND
) -> dict[str, list[int]]:
    """Noisy counts of every table, clamped at 0 (post-processing)."""
    measurement = mechanism(epsilon=epsilon_per_table, bound=bound)
    return {
        kind: [max(0, int(v)) for v in measurement(list(counts))] for kind, counts in true.items()
    }
