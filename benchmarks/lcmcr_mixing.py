"""How well LCMCR's chains mix on the reference data sets, and what R's single run is worth.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/lcmcr_mixing.py [DATA_DIR] [--seeds 40]
        [--long UKdat_5,HIV_Rome] [--chains 16] [--draws 50000] [--drop 100000]

Two experiments, both with LCMCR's settings (K = 10, a = b = 0.25, thinning 10):

1. *R's procedure, repeated*: ``--seeds`` single chains with R's run length (burn-in 10,000,
   1,000 draws), as R's reference was made. How often does one such run meet issue 12's goal
   against R's figures (median within 5%, interval ends within 10%), and where do R's figures
   fall among the runs? If R's figures are a typical outcome of our sampler run R's way, the
   two samplers agree as far as a single run can tell.
2. *The posterior itself*: for the data sets in ``--long``, ``--chains`` chains of ``--draws``
   draws each (``draws * 10`` sweeps after the 10,000 burn-in). Pooled quantiles with and
   without the first ``--drop`` sweeps of every chain (the transient from LCMCR's starting
   point), the spread between chains, split R-hat and ESS.

It prints Markdown for ``benchmarks/RESULTS.md`` and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from zicht.estimation import CaptureHistories, lcmcr  # noqa: E402
from zicht.estimation.bayes import effective_sample_size, split_rhat  # noqa: E402


def _within_goal(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    rel = np.abs(got - want) / want
    return (rel[..., 0] <= 0.05) & (rel[..., 1] <= 0.10) & (rel[..., 2] <= 0.10)


def _fmt(q) -> str:
    return f"{q[0]:,.0f} ({q[1]:,.0f}-{q[2]:,.0f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(REPO / "tests" / "estimation" / "data"))
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--long", default="UKdat_5,HIV_Rome")
    parser.add_argument("--chains", type=int, default=16)
    parser.add_argument("--draws", type=int, default=50_000)
    parser.add_argument("--drop", type=int, default=100_000)
    args = parser.parse_args(argv)
    data = Path(args.data)
    ref = json.loads((data / "reference_bayes.json").read_text(encoding="utf-8"))["data"]
    load_before = os.getloadavg()
    out = [
        f"Single runs with R's settings ({args.seeds} seeds, seeds 1000-{999 + args.seeds}): "
        "how many meet the goal against R's figures, and the 5th/50th/95th percentile of each "
        "figure over the runs (R's figure, percentile rank among the runs).",
        "",
        "| data set | R's LCMCR | runs meeting the goal | median | 2.5% end | 97.5% end |",
        "|---|---|---:|---|---|---|",
    ]
    for name in sorted(ref):
        h = CaptureHistories.from_csv(data / f"{name}.csv")
        r = ref[name]["lcmcr"]
        want = np.array([r["median"], *r["q025_q975"]])
        runs = []
        for s in range(args.seeds):
            res = lcmcr(h, seed=1000 + s)
            runs.append([res.estimate, *res.ci])
        runs = np.array(runs)
        cells = []
        for i in range(3):
            q = np.quantile(runs[:, i], [0.05, 0.5, 0.95])
            rank = 100.0 * (runs[:, i] < want[i]).mean()
            cells.append(f"{q[1]:,.0f} ({q[0]:,.0f}-{q[2]:,.0f}); R {want[i]:,.0f} at {rank:.0f}%")
        met = int(_within_goal(runs, want).sum())
        out.append(f"| {name} | {_fmt(want)} | {met} of {args.seeds} | " + " | ".join(cells) + " |")
        print(out[-1], flush=True)
    out += [
        "",
        f"Long runs: {args.chains} chains of {args.draws:,} draws ({args.draws * 10:,} sweeps after "
        f"the 10,000 burn-in; seed 2026); pooled quantiles of all draws and without the first "
        f"{args.drop:,} sweeps of each chain, the range of the chains' own 2.5% and 97.5% ends "
        "(after the drop), split R-hat and ESS.",
        "",
        "| data set | R's LCMCR | all draws | after the drop | vs R (after the drop) "
        "| chains' 2.5% ends | chains' 97.5% ends | R-hat / ESS (all; after) | seconds |",
        "|---|---|---|---|---|---|---|---|---:|",
    ]
    for name in [n for n in args.long.split(",") if n]:
        h = CaptureHistories.from_csv(data / f"{name}.csv")
        r = ref[name]["lcmcr"]
        want = np.array([r["median"], *r["q025_q975"]])
        t0 = time.perf_counter()
        res = lcmcr(h, chains=args.chains, samples=args.draws, seed=2026)
        seconds = time.perf_counter() - t0
        d = res.samples.reshape(args.chains, args.draws)
        kept = d[:, args.drop // 10 :]
        q_all = np.quantile(d, [0.5, 0.025, 0.975])
        q_kept = np.quantile(kept, [0.5, 0.025, 0.975])
        rel = (q_kept - want) / want * 100
        lo = np.quantile(kept, 0.025, axis=1)
        hi = np.quantile(kept, 0.975, axis=1)
        out.append(
            f"| {name} | {_fmt(want)} | {_fmt(q_all)} | {_fmt(q_kept)} "
            f"| {rel[0]:+.1f}% / {rel[1]:+.1f}% / {rel[2]:+.1f}% "
            f"| {lo.min():,.0f}-{lo.max():,.0f} | {hi.min():,.0f}-{hi.max():,.0f} "
            f"| {split_rhat(d):.3f} / {effective_sample_size(d):.0f}; "
            f"{split_rhat(kept):.3f} / {effective_sample_size(kept):.0f} | {seconds:.0f} |"
        )
        print(out[-1], flush=True)
    load_after = os.getloadavg()
    out += ["", f"1-minute load average {load_before[0]:.1f} before, {load_after[0]:.1f} after."]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
