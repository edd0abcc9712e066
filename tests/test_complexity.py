"""No function in ``src/zicht`` is rated worse than C by radon (issue 19).

Cyclomatic complexity counts the independent paths through a function; radon ranks it
A (1-5), B (6-10), C (11-20), D (21-30), E (31-40) or F (41+). A function rated D or worse
has too many paths for a reader to hold at once, so it is split into named steps.

``NOT_YET_SPLIT`` names, as ``module:function``, the functions that are still worse than
C. Each lies in an area other helpers were changing when this test arrived, so it was not
split together with the rest. The list can only shrink: a function that is split must
leave it (``test_the_exemptions_are_still_needed`` fails otherwise), and a new function
worse than C fails ``test_no_function_is_worse_than_c``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from radon.complexity import cc_rank, cc_visit
from radon.visitors import Function

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "zicht"

# The worst rank a function may have.
WORST_ALLOWED = "C"

NOT_YET_SPLIT: frozenset[str] = frozenset()


def _ratings() -> dict[str, tuple[int, str]]:
    """Every function of ``src/zicht`` as ``module:function`` -> (complexity, rank)."""
    ratings = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(SRC).with_suffix("").parts)
        # cc_visit lists functions and methods (``Class.method``) side by side; a nested
        # function's paths are already counted in the function around it.
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if isinstance(block, Function):
                ratings[f"{module}:{block.fullname}"] = (
                    block.complexity,
                    cc_rank(block.complexity),
                )
    return ratings


@pytest.fixture(scope="module")
def ratings():
    return _ratings()


def test_no_function_is_worse_than_c(ratings):
    too_complex = sorted(
        f"{name} is rated {rank} ({complexity})"
        for name, (complexity, rank) in ratings.items()
        if rank > WORST_ALLOWED and name not in NOT_YET_SPLIT
    )
    assert not too_complex, (
        "Split these functions into named steps a reader can follow:\n" + "\n".join(too_complex)
    )


def test_the_exemptions_are_still_needed(ratings):
    stale = sorted(
        name for name in NOT_YET_SPLIT if name not in ratings or ratings[name][1] <= WORST_ALLOWED
    )
    assert not stale, "Remove these from NOT_YET_SPLIT, they are split or gone:\n" + "\n".join(
        stale
    )


def test_the_walk_finds_the_code(ratings):
    """Guard against a walk that silently finds nothing (a moved ``src`` folder)."""
    assert "zicht.estimation.api:estimate" in ratings
    assert len(ratings) > 500
