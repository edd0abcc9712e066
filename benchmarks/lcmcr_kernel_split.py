"""The numba kernels split into named steps, side by side with the single functions they were.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/lcmcr_kernel_split.py [--before f2eeea2]
        [--repeat 7]

Issue 12 asked for ``_lcmcr_kernels._update`` (one LCMCR sweep) and ``_kernels.fit_many``
(the all-models log-linear fits) to be split into small ``@njit`` helpers a reader can
follow, without losing speed. This script loads both modules as they were at ``--before``
(``git show``) next to the current ones and times them on the same inputs, alternating old
and new, on one core (CPU time of this process):

* ``run_chain`` (20,000 LCMCR sweeps after the 500 warm-up sweeps) on the four reference
  data sets, same seeds on both sides;
* ``fit_many`` over all 32,768 models of UKdat's six lists (the inputs of
  ``selection.all_models``), whose outputs must also be identical.

The LCMCR kernels are not expected to give identical draws: the current one also redraws
n0 above 20 n as LCMCR does (both start from the spread class weights here).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from zicht.estimation import CaptureHistories, selection  # noqa: E402
from zicht.estimation import _kernels as new_kernels  # noqa: E402
from zicht.estimation import _lcmcr_kernels as new_lcmcr  # noqa: E402

DATA = REPO / "tests" / "estimation" / "data"


def load_old(rev: str, path: str, name: str, tmp: Path):
    """The module at ``path`` as of git revision ``rev``, imported as ``name``."""
    text = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{rev}:{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = text.replace("from . import _newton", "from zicht.estimation import _newton")
    # compiled afresh: a disk cache for a module loaded from a temporary file gets confused
    # with the current module's cached kernels of the same names
    text = text.replace("cache=True, ", "").replace("@njit(cache=True)", "@njit")
    file = tmp / f"{name}.py"
    file.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # numba resolves a kernel's globals through sys.modules
    spec.loader.exec_module(module)
    return module


def _chain_seconds(kern, name: str, seed: int, sweeps: int) -> float:
    h = CaptureHistories.from_csv(DATA / f"{name}.csv")
    keep = h.counts > 0
    cells = np.ascontiguousarray(h.patterns[keep], dtype=np.int8)
    freq = np.ascontiguousarray(h.counts[keep], dtype=np.int64)
    n = int(freq.sum())
    m_cells, j_lists = cells.shape
    k_cls = 10
    state = (
        cells,
        freq,
        n,
        np.empty((j_lists, k_cls)),
        np.empty(k_cls),
        np.empty(k_cls),
        np.zeros((m_cells, k_cls), dtype=np.int64),
        np.zeros(k_cls, dtype=np.int64),
        np.zeros(2),
    )
    empty_f, empty_i = np.empty(0), np.empty(0, dtype=np.int64)
    kern.seed_rng(seed)
    if kern is new_lcmcr:
        kern.initialise(*state, 500, False)
    else:
        kern.initialise(*state, 500)
    t0 = time.process_time()
    kern.run_chain(*state, 0.25, 0.25, sweeps, 0, empty_f, empty_f, empty_i)
    return time.process_time() - t0


def _fit_many_inputs() -> tuple:
    """The arguments ``selection.all_models`` passes to ``fit_many`` on UKdat (all models)."""
    h = CaptureHistories.from_csv(DATA / "UKdat.csv")
    calls = []
    real = new_kernels.fit_many

    def record(*args):
        calls.append(args)
        real(*args)

    new_kernels.fit_many = record
    try:
        selection.all_models(h.k, h.counts)
    finally:
        new_kernels.fit_many = real
    xfull, y, lgy, pair_cells, pair_empty, k, masks, tol, maxiter, out, _, _ = calls[0]
    return xfull, y, lgy, pair_cells, pair_empty, k, masks, tol, maxiter, len(out[-1])


def _fit_many_seconds(kern, inputs) -> tuple[float, tuple]:
    xfull, y, lgy, pair_cells, pair_empty, k, masks, tol, maxiter, n_rows = inputs
    npairs = pair_empty.shape[0]
    out = kern.alloc_many(masks.size, xfull.shape[1], npairs)
    t0 = time.process_time()
    kern.fit_many(xfull, y, lgy, pair_cells, pair_empty, k, masks, tol, maxiter, out, 0, masks.size)
    return time.process_time() - t0, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="f2eeea2", help="git revision of the old kernels")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--sweeps", type=int, default=20_000)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        old_lcmcr = load_old(
            args.before, "src/zicht/estimation/_lcmcr_kernels.py", "old_lcmcr_kernels", Path(tmp)
        )
        old_kernels = load_old(
            args.before, "src/zicht/estimation/_kernels.py", "old_kernels", Path(tmp)
        )
        print("| kernel | input | before, cpu (median of runs) | split, cpu | before / split |")
        print("|---|---|---:|---:|---:|")
        for name in ("HIV_Rome", "Kosovo", "UKdat_5", "Western"):
            for kern in (old_lcmcr, new_lcmcr):
                _chain_seconds(kern, name, 0, 10)  # load or compile
            old_s, new_s = [], []
            for r in range(args.repeat):
                old_s.append(_chain_seconds(old_lcmcr, name, r + 1, args.sweeps))
                new_s.append(_chain_seconds(new_lcmcr, name, r + 1, args.sweeps))
            a, b = statistics.median(old_s), statistics.median(new_s)
            print(
                f"| _lcmcr_kernels.run_chain | {name}, {args.sweeps:,} sweeps | {a:.3f} s "
                f"| {b:.3f} s | {a / b:.2f} |"
            )
        inputs = _fit_many_inputs()
        _, old_out = _fit_many_seconds(old_kernels, inputs)
        _, new_out = _fit_many_seconds(new_kernels, inputs)
        same = all(
            np.array_equal(o, n, equal_nan=o.dtype.kind == "f")
            for o, n in zip(old_out, new_out, strict=True)
        )
        old_s, new_s = [], []
        for _ in range(args.repeat):
            old_s.append(_fit_many_seconds(old_kernels, inputs)[0])
            new_s.append(_fit_many_seconds(new_kernels, inputs)[0])
        a, b = statistics.median(old_s), statistics.median(new_s)
        print(
            f"| _kernels.fit_many | UKdat, {inputs[6].size:,} models | {a:.3f} s | {b:.3f} s "
            f"| {a / b:.2f} |"
        )
        print(f"fit_many outputs identical: {same}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
