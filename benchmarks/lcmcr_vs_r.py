"""Zicht's LCMCR sampler against R's LCMCR 0.4.14, side by side: speed and run-to-run spread.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/lcmcr_vs_r.py [DATA_DIR] [--names A,B]
        [--repeat 7] [--runs 40] [--fixture tests/estimation/data/reference_lcmcr_runs.json]

Needs ``Rscript`` with the LCMCR package (``apt-get install r-base-core r-base-dev
libgsl-dev``, then ``R CMD INSTALL`` LCMCR 0.4.14's sources). Without it the script says so
and exits with status 0: it is a benchmark, not a test.

Both sides run LCMCR's reference settings (K = 10, a = b = 0.25, 500 warm-up sweeps, burn-in
10,000, 1,000 draws thinned by 10: 20,500 sweeps, one chain) pinned to CPU 0 (``taskset``
semantics through ``os.sched_setaffinity``, inherited by ``Rscript``).

1. *Speed* (``--repeat``): R is timed inside R with ``system.time`` around ``lcmCR`` and
   ``lcmCR_PostSampl`` (user + system seconds), ours with ``time.process_time`` around
   ``lcmcr`` (numba's cache warm, one untimed run first). The runs alternate R, ours, R,
   ours, so that changes in the machine's load hit both sides alike; the 1-minute load
   average is printed before and after.
2. *Agreement* (``--runs``): R's LCMCR with seeds 1..runs and ours with seeds 1..runs, each
   a single chain of R's settings, ours from LCMCR's start (``start="lcmcr"``). Per data set and figure (posterior median, 2.5% and 97.5%
   ends) the two sets of runs are compared with a two-sample Kolmogorov-Smirnov test and a
   Mann-Whitney rank test, and by how often a run meets issue 12's goal (median within 5%,
   ends within 10%) against R's median over its runs: R's own runs give the baseline of
   what R's single run achieves against itself.

``--fixture`` writes R's runs (per seed: median, 2.5% and 97.5% ends) and their medians as
JSON, the source of ``tests/estimation/data/reference_lcmcr_runs.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from zicht.estimation import CaptureHistories, lcmcr  # noqa: E402

DEFAULT_NAMES = ("HIV_Rome", "Kosovo", "UKdat_5", "Western")
FIGURES = ("median", "q025", "q975")
GOAL = (0.05, 0.10, 0.10)

# One R process per call: reads the capture table, expands it to one row per person (as
# LCMCR's documentation does), then times lcmCR + lcmCR_PostSampl per seed.
R_DRIVER = r"""
suppressMessages(library(LCMCR))
args <- commandArgs(TRUE)
d <- read.csv(args[1], check.names = FALSE)
seeds <- as.integer(strsplit(args[2], ",")[[1]])
k <- ncol(d) - 1
ind <- d[rep(seq_len(nrow(d)), d[[k + 1]]), 1:k, drop = FALSE]
df <- as.data.frame(lapply(ind, function(x) factor(x, levels = c(0, 1))))
for (s in seeds) {
  t <- system.time({
    o <- lcmCR(df, tabular = FALSE, in_list_label = "1", not_in_list_label = "0", K = 10,
               a_alpha = 0.25, b_alpha = 0.25, seed = s, buffer_size = 10000,
               thinning = 10, verbose = FALSE)
    N <- lcmCR_PostSampl(o, burnin = 10000, samples = 1000, thinning = 10, output = FALSE)
  })
  q <- quantile(N, c(0.5, 0.025, 0.975))
  cat(sprintf('{"seed": %d, "median": %.4f, "q025": %.4f, "q975": %.4f, "cpu": %.4f}\n',
              s, q[[1]], q[[2]], q[[3]], t[["user.self"]] + t[["sys.self"]]))
}
"""


def r_available() -> str | None:
    """Why R's LCMCR cannot be run here, or None when it can."""
    if shutil.which("Rscript") is None:
        return "Rscript not found (apt-get install r-base-core)"
    probe = subprocess.run(
        ["Rscript", "-e", "suppressMessages(library(LCMCR))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return "R package LCMCR not installed (R CMD INSTALL LCMCR_0.4.14)"
    return None


def run_r(driver: Path, csv: Path, seeds: list[int]) -> list[dict]:
    """R's runs for ``seeds`` on one data set, one dict per seed."""
    done = subprocess.run(
        ["Rscript", str(driver), str(csv), ",".join(map(str, seeds))],
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def run_ours(h: CaptureHistories, seed: int) -> dict:
    t0 = time.process_time()
    res = lcmcr(h, seed=seed, start="lcmcr")
    cpu = time.process_time() - t0
    return {
        "seed": seed,
        "median": res.estimate,
        "q025": res.ci[0],
        "q975": res.ci[1],
        "cpu": cpu,
    }


def load1() -> float:
    return os.getloadavg()[0]


def reproduce_reference(driver: Path, data: Path, names: list[str]) -> list[str]:
    """R with the reference's seed 12345 against ``reference_bayes.json``: the same build?"""
    ref = json.loads((data / "reference_bayes.json").read_text(encoding="utf-8"))["data"]
    out = ["| data set | reference_bayes.json (seed 12345) | this R, seed 12345 |", "|---|---|---|"]
    for name in names:
        r = ref[name]["lcmcr"]
        got = run_r(driver, data / f"{name}.csv", [12345])[0]
        out.append(
            f"| {name} | {r['median']:,.0f} ({r['q025_q975'][0]:,.0f}-{r['q025_q975'][1]:,.0f}) "
            f"| {got['median']:,.1f} ({got['q025']:,.1f}-{got['q975']:,.1f}) |"
        )
    return out


def speed(driver: Path, data: Path, names: list[str], repeat: int) -> list[str]:
    out = [
        "| data set | R: lcmCR + PostSampl, cpu (median / min) | zicht: lcmcr, cpu (median / min)"
        " | R / zicht (medians) | R / zicht (minima) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in names:
        csv = data / f"{name}.csv"
        h = CaptureHistories.from_csv(csv)
        run_ours(h, 0)  # loads the compiled kernels
        r_cpu, z_cpu = [], []
        for i in range(repeat):
            r_cpu.append(run_r(driver, csv, [i + 1])[0]["cpu"])
            z_cpu.append(run_ours(h, i + 1)["cpu"])
        rm, zm = statistics.median(r_cpu), statistics.median(z_cpu)
        out.append(
            f"| {name} | {rm:.3f} / {min(r_cpu):.3f} s | {zm:.3f} / {min(z_cpu):.3f} s "
            f"| {rm / zm:.1f}x | {min(r_cpu) / min(z_cpu):.1f}x |"
        )
        print(out[-1], file=sys.stderr)
    return out


def _rel(got: np.ndarray, want: float) -> np.ndarray:
    return np.abs(got - want) / want


def agreement(driver: Path, data: Path, names: list[str], runs: int) -> tuple[list[str], dict]:
    from scipy import stats

    seeds = list(range(1, runs + 1))
    out = [
        "| data set | figure | R: median of runs (2.5-97.5% of runs) | zicht: median of runs "
        "(2.5-97.5%) | KS p | rank-test p | R runs within goal of R's median | zicht runs "
        "within goal of R's median |",
        "|---|---|---|---|---:|---:|---:|---:|",
    ]
    fixture: dict = {}
    for name in names:
        csv = data / f"{name}.csv"
        h = CaptureHistories.from_csv(csv)
        r_runs = run_r(driver, csv, seeds)
        z_runs = [run_ours(h, s) for s in seeds]
        r = np.array([[x[f] for f in FIGURES] for x in r_runs])
        z = np.array([[x[f] for f in FIGURES] for x in z_runs])
        r_med = np.median(r, axis=0)
        fixture[name] = {
            "median_of_runs": dict(zip(FIGURES, map(float, r_med), strict=True)),
            "runs": [{f: round(x[f], 1) for f in ("seed", *FIGURES)} for x in r_runs],
        }
        for i, fig in enumerate(FIGURES):
            ks = stats.ks_2samp(r[:, i], z[:, i]).pvalue
            mw = stats.mannwhitneyu(r[:, i], z[:, i]).pvalue
            r_ok = int((_rel(r[:, i], r_med[i]) <= GOAL[i]).sum())
            z_ok = int((_rel(z[:, i], r_med[i]) <= GOAL[i]).sum())
            rq = np.percentile(r[:, i], [50, 2.5, 97.5])
            zq = np.percentile(z[:, i], [50, 2.5, 97.5])
            out.append(
                f"| {name} | {fig} | {rq[0]:,.0f} ({rq[1]:,.0f}-{rq[2]:,.0f}) | "
                f"{zq[0]:,.0f} ({zq[1]:,.0f}-{zq[2]:,.0f}) | {ks:.2f} | {mw:.2f} | "
                f"{r_ok} of {runs} | {z_ok} of {runs} |"
            )
            print(out[-1], file=sys.stderr)
        all_r = (_rel(r, r_med) <= np.array(GOAL)).all(axis=1).sum()
        all_z = (_rel(z, r_med) <= np.array(GOAL)).all(axis=1).sum()
        out.append(f"| {name} | all three | | | | | {all_r} of {runs} | {all_z} of {runs} |")
    return out, fixture


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(REPO / "tests" / "estimation" / "data"))
    parser.add_argument("--names", default=",".join(DEFAULT_NAMES))
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per side (0: none)")
    parser.add_argument("--runs", type=int, default=40, help="seeds per side (0: none)")
    parser.add_argument("--fixture", help="write R's runs as JSON to this path")
    args = parser.parse_args(argv)
    why_not = r_available()
    if why_not:
        print(f"skipped: {why_not}")
        return 0
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core, inherited by Rscript
    data = Path(args.data)
    names = [n for n in args.names.split(",") if n]
    with tempfile.TemporaryDirectory() as tmp:
        driver = Path(tmp) / "lcmcr_driver.R"
        driver.write_text(R_DRIVER, encoding="utf-8")
        print(f"load average before: {load1():.2f}")
        t0 = time.perf_counter()
        print("\n".join(reproduce_reference(driver, data, names)))
        if args.repeat:
            print("\n".join(speed(driver, data, names, args.repeat)))
            print(f"load average after speed: {load1():.2f}")
        if args.runs:
            table, fixture = agreement(driver, data, names, args.runs)
            print("\n".join(table))
            if args.fixture:
                payload = {
                    "about": (
                        "R's LCMCR 0.4.14 run as in issue 12 (lcmCR K=10, a_alpha=b_alpha=0.25, "
                        "buffer_size=10000, thinning=10; lcmCR_PostSampl burnin=10000, "
                        f"samples=1000, thinning=10), seeds 1..{args.runs}: per seed the "
                        "posterior median and 2.5%/97.5% quantiles of N (R's quantile type 7), "
                        "and the median of each figure over the seeds. Produced by "
                        "benchmarks/lcmcr_vs_r.py."
                    ),
                    "data": fixture,
                }
                Path(args.fixture).write_text(
                    json.dumps(payload, indent=1) + "\n", encoding="utf-8"
                )
        print(f"load average after: {load1():.2f}; {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
