"""No function in the covered packages is rated worse than C by radon's cyclomatic
complexity (issue 19: "split into steps a reader can follow"). A package is covered once
its functions were split; add it to COVERED when yours are."""

from __future__ import annotations

from pathlib import Path

import pytest
from radon.complexity import cc_rank, cc_visit

SRC = Path(__file__).resolve().parents[1] / "src" / "zicht"
# Packages (or single modules) under src/zicht whose every function must rate A, B or C.
COVERED = (
    "simulation",
    "conf",
    "coordination/timeline.py",
    "core/logformat.py",
)


def _files(entry: str) -> list[Path]:
    path = SRC / entry
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


@pytest.mark.parametrize("entry", COVERED)
def test_no_function_is_rated_worse_than_c(entry):
    too_complex = [
        f"{path.relative_to(SRC)}:{block.lineno} {block.fullname} "
        f"{cc_rank(block.complexity)} ({block.complexity})"
        for path in _files(entry)
        for block in cc_visit(path.read_text(encoding="utf-8"))
        if cc_rank(block.complexity) not in "ABC"
    ]
    assert too_complex == [], "split these into steps:\n" + "\n".join(too_complex)
