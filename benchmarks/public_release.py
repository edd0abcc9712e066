"""Utility of the public statistics release (issue 16): mean relative error per table.

The release's tables (``zicht.insight.public``) are computed directly from the
simulation's output, without the database: every simulated signal of one year is a
record, its person is the simulation's truth (a perfect person index). For each table
the script reports, at the configured budget (epsilon per year, split over four
tables) and the contribution bound C:

* **noise**: mean relative error of the noisy counts against the *bounded* true counts
  (what the mechanism is asked to publish);
* **total**: the same against the *unbounded* true counts (noise plus the bias of
  counting at most C contributions per young person);

averaged over every category with a true count above zero and over ``--repeat`` draws.
Sizes: the demo (population 3,000: about 3,200 signals) and about 100,000 signals. The
machine load (1-minute load average) is printed with the results.

    .venv/bin/python benchmarks/public_release.py --sizes 3000 100000 --repeat 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

YEAR = 2026
FORMS = (
    "drug_transport",
    "drug_dealing",
    "county_lines",
    "money_mule",
    "counterfeit_cashier",
    "fraud",
    "burglary_theft",
    "cannabis_cultivation",
    "violence_on_command",
    "other",
)


def records_for(n_signals: int, seed: int):
    """About ``n_signals`` simulated signals of one year as release records."""
    from zicht.core import ages
    from zicht.insight.public import Record
    from zicht.simulation import get_scenario, simulate

    scenario = get_scenario("default").replace(
        start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 12, 31), population=3000
    )
    result = simulate(scenario, seed=seed)
    while len(result.signals) < n_signals * 0.99:  # scale the population to the size asked
        population = round(scenario.population * n_signals / len(result.signals) * 1.03)
        scenario = scenario.replace(population=population)
        result = simulate(scenario, seed=seed)
    records = [
        Record(
            person=result.truth[s.signal_id],
            date=s.date,
            month=f"{YEAR:04d}-{s.date.month:02d}",
            age_group=ages.age_group((s.date - s.date_of_birth).days // 365),
            forms=tuple(s.forms),
            municipality=s.municipality,
        )
        for s in result.signals
    ]
    return records, list(scenario.municipalities)


def mre(noisy: list[int], true: list[int]) -> float:
    cells = [(n, t) for n, t in zip(noisy, true, strict=True) if t > 0]
    return statistics.mean(abs(n - t) / t for n, t in cells)


def run(n_signals: int, repeat: int, epsilon: float, seed: int) -> list[dict]:
    from zicht.insight import public

    records, municipalities = records_for(n_signals, seed)
    cats = public.categories(year=YEAR, forms=list(FORMS), municipalities=municipalities)
    bounded = public.true_tables(records, cats)
    unbounded = public.true_tables(records, cats, bound=10**9)
    per_table = epsilon / len(public.TABLE_KINDS)
    errors = {k: {"noise": [], "total": []} for k in public.TABLE_KINDS}
    started = time.perf_counter()
    for _ in range(repeat):
        noisy = public.noisy_tables(bounded, epsilon_per_table=per_table)
        for kind in public.TABLE_KINDS:
            errors[kind]["noise"].append(mre(noisy[kind], bounded[kind]))
            errors[kind]["total"].append(mre(noisy[kind], unbounded[kind]))
    seconds = (time.perf_counter() - started) / repeat
    rows = []
    for kind in public.TABLE_KINDS:
        cells = [t for t in unbounded[kind] if t > 0]
        rows.append(
            {
                "signals": len(records),
                "table": kind,
                "cells": len(cells),
                "median_cell": statistics.median(cells),
                "kept": sum(bounded[kind]) / sum(unbounded[kind]),
                "noise": statistics.mean(errors[kind]["noise"]),
                "total": statistics.mean(errors[kind]["total"]),
                "seconds": seconds,
            }
        )
    return rows


def main(argv=None) -> int:
    from zicht.insight.public import CONTRIBUTION_BOUND

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 100000])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--epsilon", type=float, default=1.0, help="budget of the year")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average {load:.1f}. epsilon {args.epsilon} per "
        f"year ({args.epsilon / 4:g} per table), C = {CONTRIBUTION_BOUND}, "
        f"{args.repeat} draws.\n"
    )
    print("| signals | table | cells > 0 | median cell | kept by C | MRE noise | MRE total |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        for r in run(size, args.repeat, args.epsilon, args.seed):
            print(
                f"| {r['signals']:,} | {r['table']} | {r['cells']} | {r['median_cell']:,.0f} "
                f"| {r['kept']:.1%} | {r['noise']:.1%} | {r['total']:.1%} |"
            )
    print(f"\nLoad average after the run: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
