"""Speed of the Bayesian estimators (LCMCR sampler, dga) on the reference data sets.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/bayes_speed.py [DATA_DIR] [--repeat 5]
        [--markdown benchmarks/results/bayes_speed.md]

For every data set of ``reference_bayes.json`` in DATA_DIR (default: the copies in
``tests/estimation/data``) it times ``lcmcr`` with LCMCR's reference settings (500 warm-up
sweeps, burn-in 10,000, 1,000 samples thinned by 10: 20,500 sweeps, one chain, one core;
median of --repeat runs after one untimed run that loads the compiled kernel) and one ``dga``
call. It prints the machine load (``os.getloadavg()``) before and after, so that a figure
from a busy machine can be told from a quiet one.

R's LCMCR is timed side by side with ours by ``benchmarks/lcmcr_vs_r.py`` (it needs R).
The fresh-process rows time the command line as a user runs it: ``--method stepwise`` on
UKdat (goal: well under 0.5 s) and ``--method lcmcr`` on UKdat_5 (goal: under 3 s).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from zicht.estimation import CaptureHistories, dga, lcmcr  # noqa: E402


def uniform_draw_ns(draws: int = 5_000_000) -> float:
    """Nanoseconds per uniform draw of numba's generator: a load gauge.

    The sampler has its own generator since 2026-12-03 (``_lcmcr_kernels``); the gauge stays
    numba's Mersenne Twister so that its figures compare with the earlier runs.

    The same loop measured 7.1 ns at load average 1.8 and 14.5 ns at 8 on this machine kind
    (2026-12-03), so it shows how far other jobs inflate the sampler's figures.
    """
    from numba import njit

    @njit
    def loop(n):
        s = 0.0
        for _ in range(n):
            s += np.random.random()
        return s

    loop(10)
    t0 = time.perf_counter()
    loop(draws)
    return (time.perf_counter() - t0) / draws * 1e9


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system of the child) seconds of one command."""
    before = os.times()
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = os.times()
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def compile_and_cli(data: Path) -> dict[str, tuple[float, float]]:
    """Cold compile (warm_up into an empty cache), then the CLI on UKdat_5 from that cache."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "PYTHONPATH": str(REPO / "src")}
        py = sys.executable
        warm = [py, "-c", "from zicht.estimation.lcmcr import warm_up; warm_up()"]
        cli = [py, "-m", "zicht.estimation", "estimate", str(data / "UKdat_5.csv"),
               "--method", "lcmcr", "--json", "--seed", "1"]  # fmt: skip
        step = [py, "-m", "zicht.estimation", "estimate", str(data / "UKdat.csv"),
                "--method", "stepwise", "--json"]  # fmt: skip
        return {
            "compile (warm_up, empty cache)": _timed(warm, env),
            "CLI UKdat_5 --method lcmcr --json (cached)": _timed(cli, env),
            "CLI again": _timed(cli, env),
            "CLI UKdat --method stepwise --json": _timed(step, env),
            "CLI stepwise again": _timed(step, env),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(REPO / "tests" / "estimation" / "data"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args(argv)
    data = Path(args.data)
    names = sorted(json.loads((data / "reference_bayes.json").read_text())["data"])
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    load_before = os.getloadavg()
    cold = compile_and_cli(data)
    for what, (wall, cpu) in cold.items():
        print(f"{what}: {wall:.2f} s wall, {cpu:.2f} s cpu", flush=True)
    warm = CaptureHistories.from_csv(data / f"{names[0]}.csv")
    lcmcr(warm, seed=0, burnin=10, samples=2, thinning=1)  # compile or load the kernel
    gauge_before = uniform_draw_ns()
    rows = []
    for name in names:
        h = CaptureHistories.from_csv(data / f"{name}.csv")
        times, cpu = [], []
        res = None
        for r in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            res = lcmcr(h, seed=r + 1)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        t0 = time.perf_counter()
        d = dga(h, seed=1)
        t_dga = time.perf_counter() - t0
        assert res is not None
        rows.append(
            (name, h.k, h.observed, statistics.median(times), min(times),
             statistics.median(cpu), res, t_dga, d)
        )  # fmt: skip
        print(
            f"{name:10s} lcmcr 20,500 sweeps: median {statistics.median(times):.3f} s "
            f"(min {min(times):.3f} s, cpu {statistics.median(cpu):.3f} s)  "
            f"dga: {t_dga:.2f} s",
            flush=True,
        )
    load_after = os.getloadavg()
    gauge_after = uniform_draw_ns()
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (2 cores)")
    print(f"uniform draw: {gauge_before:.1f} ns before, {gauge_after:.1f} ns after (7.1 ns quiet)")
    if args.markdown:
        lines = [
            "## Bayesian estimators: speed",
            "",
            f"Command: `PYTHONPATH=src .venv/bin/python benchmarks/bayes_speed.py "
            f"--repeat {args.repeat} --markdown {args.markdown}`",
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}; one core. 1-minute load average "
            f"{load_before[0]:.2f} before and {load_after[0]:.2f} after the run "
            "(2 means both cores busy with other jobs). Load gauge, one uniform draw of the "
            f"sampler's generator: {gauge_before:.1f} ns before and {gauge_after:.1f} ns after "
            "(7.1 ns measured at load average 1.8).",
            "",
            "| data set | lists | observed | lcmcr 20,500 sweeps (median / min wall, cpu) "
            "| lcmcr median (2.5-97.5%) | dga | dga median (2.5-97.5%) |",
            "|---|---:|---:|---:|---|---:|---|",
        ]
        for name, k, n, med, best, c, res, t_dga, d in rows:
            lines.append(
                f"| {name} | {k} | {n:,} | {med:.3f} / {best:.3f} s, {c:.3f} s "
                f"| {res.estimate:,.0f} ({res.ci[0]:,.0f}-{res.ci[1]:,.0f}) | {t_dga:.2f} s "
                f"| {d.estimate:,.0f} ({d.ci[0]:,.0f}-{d.ci[1]:,.0f}) |"
            )
        lines += ["", "| fresh process | wall | cpu |", "|---|---:|---:|"]
        lines += [f"| {what} | {wall:.2f} s | {cpu:.2f} s |" for what, (wall, cpu) in cold.items()]
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
