"""The numba kernels split into named steps, side by side with the single functions they were.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/lcmcr_kernel_split.py [--before f2eeea2]
        [--repeat 7] [--names Kosovo,...]
    PYTHONPATH=src .venv/bin/python benchmarks/lcmcr_kernel_split.py --steps [--repeat 3]

``--steps`` profiles the current sweep step by step instead: it records the inputs of 2,000
consecutive sweeps of a chain past its burn-in and times each step alone on them (CPU
microseconds per sweep), next to a whole 20,000-sweep chain.

Issue 12 asked for ``_lcmcr_kernels._update`` (one LCMCR sweep) and ``_kernels.fit_many``
(the all-models log-linear fits) to be split into small ``@njit`` helpers a reader can
follow, without losing speed. This script loads both modules as they were at ``--before``
(``git show``) next to the current ones and times them on the same inputs, alternating old
and new, on one core (CPU time of this process):

* ``run_chain`` (20,000 LCMCR sweeps after the 500 warm-up sweeps) on the four reference
  data sets, same seeds on both sides;
* ``fit_many`` over all 32,768 models of UKdat's six lists (the inputs of
  ``selection.all_models``), whose outputs must also be identical.

The LCMCR kernels are not expected to give identical draws: the current one has its own
random stream (both start from the spread class weights here). Kernels before the stream
was passed as an argument (``seed_rng``) are called the old way.
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
from numba import njit

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
    if hasattr(kern, "new_rng"):  # the generator's state passed to every kernel
        rng = (kern.new_rng(seed),)
    else:  # numba's global generator
        kern.seed_rng(seed)
        rng = ()
    if kern.initialise.py_func.__code__.co_argcount == len(rng) + 11:
        kern.initialise(*rng, *state, 500, False)
    else:
        kern.initialise(*rng, *state, 500)
    t0 = time.process_time()
    kern.run_chain(*rng, *state, 0.25, 0.25, sweeps, 0, empty_f, empty_f, empty_i)
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


# ---------------------------------------------------------------- one sweep, step by step
def _record_states(name: str, seed: int, states: int) -> tuple:
    """Inputs of every step for ``states`` consecutive sweeps of a chain past its burn-in.

    The steps are then timed one at a time on these inputs, so that each sees what it sees
    inside the chain (the classes the posterior occupies, the counts it moves around).
    """
    h = CaptureHistories.from_csv(DATA / f"{name}.csv")
    keep = h.counts > 0
    cells = np.ascontiguousarray(h.patterns[keep], dtype=np.int8)
    freq = np.ascontiguousarray(h.counts[keep], dtype=np.int64)
    n = int(freq.sum())
    m_cells, j_lists = cells.shape
    k_cls = 10
    lam, log_nu, nu = np.empty((j_lists, k_cls)), np.empty(k_cls), np.empty(k_cls)
    count_mk = np.zeros((m_cells, k_cls), dtype=np.int64)
    count0k = np.zeros(k_cls, dtype=np.int64)
    scal = np.zeros(2)
    state = (cells, freq, n, lam, log_nu, nu, count_mk, count0k, scal)
    rng = new_lcmcr.new_rng(seed)
    new_lcmcr.initialise(rng, *state, 500, True)
    empty_f, empty_i = np.empty(0), np.empty(0, dtype=np.int64)
    new_lcmcr.run_chain(rng, *state, 0.25, 0.25, 10_000, 0, empty_f, empty_f, empty_i)
    rec = {
        "lam": np.empty((states, j_lists, k_cls)),
        "nu": np.empty((states, k_cls)),
        "log_nu": np.empty((states, k_cls)),
        "alpha": np.empty(states),
        "count_k": np.empty((states, k_cls)),
        "caught": np.empty((states, j_lists, k_cls)),
    }
    for i in range(states):
        # the inputs of sweep i + 1: this sweep's parameters and class counts
        new_lcmcr.run_chain(rng, *state, 0.25, 0.25, 1, 0, empty_f, empty_f, empty_i)
        rec["lam"][i], rec["nu"][i], rec["log_nu"][i] = lam, nu, log_nu
        rec["alpha"][i] = scal[0]
        rec["count_k"][i] = count0k + count_mk.sum(axis=0)
        rec["caught"][i] = (cells.T.astype(np.int64) @ count_mk).astype(float)
    return rng, cells, freq, n, rec


# The timers are compiled as the sweep is (without reference counting, see
# ``_lcmcr_kernels._sweeps``), on scratch arrays allocated here.
@njit(_nrt=False)
def _time_patterns(rng, cells, freq, lams, nus, work, out, order, count_mk, reps):
    k_cls = nus.shape[1]
    count_k, caught = work[2], work[4 : 4 + cells.shape[1]]
    for _ in range(reps):
        for r in range(lams.shape[0]):
            new_lcmcr._order_by_weight(nus[r], order)
            for k in range(k_cls):
                count_k[k] = 0.0
                for j in range(caught.shape[0]):
                    caught[j, k] = 0.0
            new_lcmcr._draw_pattern_classes(
                rng, cells, freq, lams[r], nus[r], order, count_mk, count_k, caught, work, out
            )
    return count_mk[0, 0]


@njit(_nrt=False)
def _time_weights_only(cells, lams, misseds, nus, probs, reps):
    acc = 0.0
    for _ in range(reps):
        for r in range(lams.shape[0]):
            for m in range(cells.shape[0]):
                new_lcmcr._pattern_weights(cells, m, lams[r], misseds[r], nus[r], probs)
                acc += probs[0]
    return acc


@njit(_nrt=False)
def _time_capture_probs(rng, caughts, count_ks, lam, reps):
    for _ in range(reps):
        for r in range(caughts.shape[0]):
            new_lcmcr._draw_capture_probs(rng, lam, caughts[r], count_ks[r])
    return lam[0, 0]


@njit(_nrt=False)
def _time_class_weights(rng, count_ks, alphas, log_nu, nu, reps):
    for _ in range(reps):
        for r in range(count_ks.shape[0]):
            new_lcmcr._draw_class_weights(rng, count_ks[r], alphas[r], log_nu, nu)
    return nu[0]


@njit(_nrt=False)
def _time_unobserved(rng, n, lams, nus, work, out, order, count0k, reps):
    acc = 0
    for _ in range(reps):
        for r in range(lams.shape[0]):
            new_lcmcr._order_by_weight(nus[r], order)
            acc += new_lcmcr._draw_unobserved(rng, n, lams[r], nus[r], order, count0k, work, out)[1]
    return acc


@njit(_nrt=False)
def _time_alpha(rng, log_nus, scal, reps):
    for _ in range(reps):
        for r in range(log_nus.shape[0]):
            new_lcmcr._update_alpha(rng, log_nus[r], scal, 0.25, 0.25)
    return scal[0]


def _median_cpu(fn, args: tuple, repeat: int) -> float:
    fn(*args[:-1], 1)  # compile
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn(*args)
        times.append(time.process_time() - t0)
    return statistics.median(times)


def profile_steps(names: list[str], repeat: int, states: int = 2_000, reps: int = 5) -> None:
    """Microseconds per sweep of each step of the current kernel, and of a whole sweep."""
    print("| data set | classes occupied (mean) | 1. pattern classes (of it: weights) "
          "| 2. capture probs | 3. class weights | 4-5. unobserved | 6. alpha "
          "| sum | whole sweep (run_chain) |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        rng, cells, freq, n, rec = _record_states(name, 1, states)
        per = 1e6 / (states * reps)
        k_cls, j_lists = rec["nu"].shape[1], cells.shape[1]
        work = np.empty((4 + 2 * j_lists, k_cls))
        out, order = np.empty(k_cls, dtype=np.int64), np.empty(k_cls, dtype=np.int64)
        count_mk = np.zeros((cells.shape[0], k_cls), dtype=np.int64)
        lam, lams, nus = np.empty((j_lists, k_cls)), rec["lam"], rec["nu"]
        t = {
            "pat": _median_cpu(_time_patterns, (rng, cells, freq, lams, nus, work, out, order, count_mk, reps), repeat),
            "w": _median_cpu(_time_weights_only, (cells, lams, 1.0 - lams, nus, np.empty(k_cls), reps), repeat),
            "lam": _median_cpu(_time_capture_probs, (rng, rec["caught"], rec["count_k"], lam, reps), repeat),
            "nu": _median_cpu(_time_class_weights, (rng, rec["count_k"], rec["alpha"], np.empty(k_cls), np.empty(k_cls), reps), repeat),
            "n0": _median_cpu(_time_unobserved, (rng, n, lams, nus, work, out, order, np.empty(k_cls, dtype=np.int64), reps), repeat),
            "alpha": _median_cpu(_time_alpha, (rng, rec["log_nu"], np.zeros(2), reps), repeat),
        }  # fmt: skip
        whole = statistics.median(
            _chain_seconds(new_lcmcr, name, s + 1, 20_000) for s in range(repeat)
        )
        occ = (rec["count_k"] > 0).sum(axis=1).mean()
        total = t["pat"] + t["lam"] + t["nu"] + t["n0"] + t["alpha"]
        print(
            f"| {name} | {occ:.1f} | {t['pat'] * per:.2f} ({t['w'] * per:.2f}) "
            f"| {t['lam'] * per:.2f} | {t['nu'] * per:.2f} | {t['n0'] * per:.2f} "
            f"| {t['alpha'] * per:.2f} | {total * per:.2f} | {whole / 20_000 * 1e6:.2f} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="f2eeea2", help="git revision of the old kernels")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--sweeps", type=int, default=20_000)
    parser.add_argument(
        "--steps", action="store_true", help="time each step of the current sweep instead"
    )
    parser.add_argument("--names", default="HIV_Rome,Kosovo,UKdat_5,Western")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    names = [n for n in args.names.split(",") if n]
    if args.steps:
        profile_steps(names, args.repeat)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        old_lcmcr = load_old(
            args.before, "src/zicht/estimation/_lcmcr_kernels.py", "old_lcmcr_kernels", Path(tmp)
        )
        old_kernels = load_old(
            args.before, "src/zicht/estimation/_kernels.py", "old_kernels", Path(tmp)
        )
        print("| kernel | input | before, cpu (median of runs) | split, cpu | before / split |")
        print("|---|---|---:|---:|---:|")
        for name in names:
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
