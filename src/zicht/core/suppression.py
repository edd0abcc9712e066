"""Small-cell suppression for every published count.

Rule (documented in docs/insight.md):

1. *Primary*: a count from 1 to ``k - 1`` (k = 10) is shown as ``"<10"``. Zero is shown.
2. *Secondary*: a table is published with its total. If the suppressed cells of a table
   could be recovered from the total (one suppressed cell; or the residual
   ``total - sum(shown)`` forces every suppressed cell to 1 or to 9), the smallest
   shown non-zero cell is suppressed too (shown as ``"x"``), repeatedly; if no cell is
   left to suppress, the total is suppressed.

The property test in tests/core proves that no suppressed value can be derived
from one published table (cells and total) by arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

K = 10
PRIMARY = "<10"
SECONDARY = "x"


@dataclass(frozen=True)
class Published:
    cells: dict  # label -> int or "<10" or "x"
    total: int | str


def _determined(residual: int, primary: int, secondary: int) -> bool:
    """Whether the published residual pins down every suppressed value."""
    cells = primary + secondary
    if cells == 0:
        return False
    if cells == 1:
        return True
    if secondary == 0:
        return residual in (primary * 1, primary * (K - 1))
    # With secondary cells (>= K, unbounded above) only the lower end can be tight.
    return residual == primary * 1 + secondary * K


def suppress(
    counts: dict, *, k: int = K, total: int | None = None, hide: frozenset | set = frozenset()
) -> Published:
    """Suppress a one-way table of counts with its total.

    ``total`` is for tables whose cells overlap (distinct persons per month: one person in
    two months): it is published instead of the sum, suppressed like a cell (``<10``), and
    the secondary rule is applied as if the cells added up, which is the cautious case.

    ``hide``: labels whose non-zero cell is hidden from the start (``<10`` or ``x``), for
    columns that must hide the same rows (see tables.suppress_rows()).
    """
    if k != K:
        raise ValueError("only k = 10 is supported")
    out: dict = {}
    primary = secondary = 0
    suppressed_sum = 0
    for label, n in counts.items():
        if 0 < n < K:
            out[label] = PRIMARY
            primary += 1
            suppressed_sum += n
        elif n >= K and label in hide:
            out[label] = SECONDARY
            secondary += 1
            suppressed_sum += n
        else:
            out[label] = n
    additive_total = sum(counts.values())
    while _determined(suppressed_sum, primary, secondary):
        shown = sorted(
            (n, label) for label, n in counts.items() if isinstance(out[label], int) and n > 0
        )
        if not shown:
            return Published(out, SECONDARY)
        n, label = shown[0]
        out[label] = SECONDARY
        secondary += 1
        suppressed_sum += n
    if total is None:
        return Published(out, additive_total)
    return Published(out, PRIMARY if 0 < total < K else total)


def display(value) -> str:
    return str(value)
