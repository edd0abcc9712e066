"""Known-truth summaries of a simulation, computed from the truth (not from linkage)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, overload

from .catalogue import SOURCE_TYPES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .model import Person, SimulationResult

Pattern = tuple[int, ...]


def capture_pattern(person: Person) -> Pattern:
    """The person's 0/1 capture pattern over :data:`SOURCE_TYPES` (1 = at least one signal)."""
    return tuple(int(s in person.detected_by) for s in SOURCE_TYPES)


@overload
def capture_histories(
    result: SimulationResult, *, include_unobserved: bool = False, by: None = None
) -> dict[Pattern, int]: ...


@overload
def capture_histories(
    result: SimulationResult,
    *,
    include_unobserved: bool = False,
    by: str | Callable[[Person], object],
) -> dict[object, dict[Pattern, int]]: ...


def capture_histories(
    result: SimulationResult,
    *,
    include_unobserved: bool = False,
    by: str | Callable[[Person], object] | None = None,
) -> dict[Pattern, int] | dict[object, dict[Pattern, int]]:
    """True capture-history table: counts of each 0/1 pattern over :data:`SOURCE_TYPES`.

    Patterns are tuples of seven 0/1 ints in the order of ``SOURCE_TYPES``. Only patterns
    that occur are present, sorted. The all-zero pattern (persons no source detected) is
    left out unless ``include_unobserved`` (then the counts sum to the population).

    ``by`` stratifies: the name of a :class:`Person` attribute (e.g. ``"municipality"``,
    ``"age"``, ``"sex"``) or a function of a person; the result is then
    ``{stratum: {pattern: count}}`` with strata sorted.
    """
    zero = (0,) * len(SOURCE_TYPES)

    def table(people: list[Person]) -> dict[Pattern, int]:
        c = Counter(capture_pattern(p) for p in people)
        if not include_unobserved:
            c.pop(zero, None)
        return dict(sorted(c.items()))

    if by is None:
        return table(result.people)
    key = by if callable(by) else (lambda p: getattr(p, by))
    groups: dict[object, list[Person]] = {}
    for p in result.people:
        groups.setdefault(key(p), []).append(p)
    return {k: table(groups[k]) for k in sorted(groups, key=str)}


def capture_histories_frame(
    result: SimulationResult, *, include_unobserved: bool = False
) -> pd.DataFrame:
    """The capture-history table as a DataFrame: one 0/1 column per source type + ``count``.

    This is the pattern-table layout that ``zicht.estimation`` reads.
    """
    import pandas as pd  # noqa: PLC0415 - pandas only for DataFrame output

    hist = capture_histories(result, include_unobserved=include_unobserved)
    rows = [(*pattern, count) for pattern, count in hist.items()]
    return pd.DataFrame(rows, columns=[*SOURCE_TYPES, "count"])


def pairwise_odds_ratio(result: SimulationResult, a: str, b: str) -> float:
    """Odds ratio of detection by source types ``a`` and ``b`` over the whole population.

    > 1: positive dependence, < 1: negative, about 1: independent (0.5 added to each cell).
    """
    n = Counter((a in p.detected_by, b in p.detected_by) for p in result.people)
    n11, n10, n01, n00 = (
        n[(True, True)] + 0.5,
        n[(True, False)] + 0.5,
        n[(False, True)] + 0.5,
        n[(False, False)] + 0.5,
    )
    return (n11 * n00) / (n10 * n01)


def lincoln_petersen(result: SimulationResult, a: str, b: str) -> float:
    """Lincoln–Petersen estimate n_a * n_b / m_ab from the true captures of two source types."""
    na = sum(1 for p in result.people if a in p.detected_by)
    nb = sum(1 for p in result.people if b in p.detected_by)
    m = sum(1 for p in result.people if a in p.detected_by and b in p.detected_by)
    if m == 0:
        return float("inf")
    return na * nb / m
