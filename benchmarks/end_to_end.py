"""End-to-end truth test: simulate -> record through the real services (intake, person index
with pseudonyms) -> build the overlap -> estimate; compare with the known truth.

Runs on a throw-away SQLite database. Prints one row per scenario and seed, and the same
estimate with perfect linkage (the true person ids) to show what linkage errors cost.

    .venv/bin/python benchmarks/end_to_end.py --population 1500 --seeds 1 2 --markdown OUT.md
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SCENARIOS = ["independent", "positive_dependence", "age_heterogeneity", "noise_low", "noise_high"]


def setup_django(var_dir: str) -> None:
    os.environ["ZICHT_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "zicht.conf.settings"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run(scenario_name: str, population: int, seed: int) -> dict:
    import datetime as dt

    from django.db import connection

    from zicht.estimation import CaptureHistories, estimate, recommended
    from zicht.insight.estimates import hidden_number
    from zicht.insight.selectors import Scope, capture_table, dataset
    from zicht.intake.demo import demo_signals_ensure
    from zicht.intake.models import Signal
    from zicht.simulation import get_scenario, simulate

    # Fresh tables for each run.
    with connection.cursor() as c:
        for table in (
            "linkage_notification",
            "linkage_match",
            "linkage_exacttoken",
            "linkage_blocktoken",
            "linkage_indexentry",
            "intake_signalrevision",
            "intake_signalidentity",
            "intake_signal",
            "insight_estimatecache",
        ):
            c.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
    today = dt.date.today()
    scenario = get_scenario(scenario_name).replace(
        population=population,
        start=today - dt.timedelta(days=720),
        end=today - dt.timedelta(days=1),
    )
    t0 = time.perf_counter()
    n = demo_signals_ensure(
        population=population, seed=seed, scenario=scenario, stdout=open(os.devnull, "w")
    )
    t_submit = time.perf_counter() - t0
    data = dataset(scope=Scope(None, "benchmark"))
    linked = hidden_number(data)
    linked_lists, linked_table = capture_table(data)
    linked_rec = recommended(
        CaptureHistories.from_patterns(
            list(linked_table), list(linked_table.values()), linked_lists
        ),
        seed=seed,
    )
    # Perfect linkage: the simulation's truth.
    result = simulate(scenario, seed=seed)
    type_of = {"anonymous_help": "other"}
    by_person: dict = {}
    for s in result.signals:
        by_person.setdefault(result.truth[s.signal_id], set()).add(
            type_of.get(s.source_type, s.source_type)
        )
    lists = sorted({t for v in by_person.values() for t in v})
    from collections import Counter

    table = Counter(tuple(int(t in v) for t in lists) for v in by_person.values())
    perfect_h = CaptureHistories.from_patterns(list(table), list(table.values()), lists)
    perfect = estimate(perfect_h)
    perfect_rec = recommended(perfect_h, seed=seed)
    truth = result.population

    def rec(r) -> dict:
        if r.declined:
            return {"estimate": None, "ci": None, "covered": None, "reason": r.reason}
        covered = bool(r.ci[0] <= truth <= r.ci[1])
        return {"estimate": r.estimate, "ci": r.ci, "covered": covered, "reason": None}

    return {
        "scenario": scenario_name,
        "seed": seed,
        "truth": truth,
        "signals": n,
        "detected": result.detected,
        "linked_persons": linked.observed,
        "estimate": linked.estimate,
        "ci": linked.ci,
        "reliable": linked.reliable,
        "covered": bool(linked.reliable and linked.ci[0] <= truth <= linked.ci[1]),
        "perfect_estimate": float(perfect.estimate),
        "perfect_ci": tuple(map(float, perfect.ci)),
        "perfect_covered": bool(perfect.ci[0] <= truth <= perfect.ci[1]),
        "recommended": rec(linked_rec),
        "perfect_recommended": rec(perfect_rec),
        "submit_s": t_submit,
        "signals_in_db": Signal.objects.count(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--population", type=int, default=1500)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--scenarios", nargs="+", default=SCENARIOS)
    parser.add_argument("--markdown", help="write a markdown section to this file")
    parser.add_argument(
        "--link",
        choices=["strong", "possible"],
        default="strong",
        help="which unconfirmed matches statistics treat as one person (ZICHT_STATISTICS_LINK)",
    )
    args = parser.parse_args(argv)
    os.environ["ZICHT_STATISTICS_LINK"] = args.link
    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        rows = []
        for name in args.scenarios:
            for seed in args.seeds:
                row = run(name, args.population, seed)
                rows.append(row)
                print(
                    f"{name:20s} seed={seed} truth={row['truth']} detected={row['detected']} "
                    f"linked={row['linked_persons']} estimate={row['estimate'] and round(row['estimate'])} "
                    f"ci={row['ci'] and tuple(round(x) for x in row['ci'])} covered={row['covered']} | "
                    f"perfect={round(row['perfect_estimate'])} ci={tuple(round(x) for x in row['perfect_ci'])} "
                    f"covered={row['perfect_covered']} | submit {row['submit_s']:.0f} s for {row['signals']} signals"
                    f" | recommended {row['recommended']} perfect {row['perfect_recommended']}",
                    flush=True,
                )
    covered = sum(r["covered"] for r in rows)
    perfect_covered = sum(r["perfect_covered"] for r in rows)
    print(
        f"coverage through the platform: {covered}/{len(rows)}; with perfect linkage: {perfect_covered}/{len(rows)}"
    )

    def rec_cell(r: dict) -> str:
        if r["estimate"] is None:
            return f"declines ({r['reason']})"
        lo, hi = r["ci"]
        return f"{r['estimate']:.0f} ({lo:.0f}–{hi:.0f}) {'yes' if r['covered'] else 'no'}"

    def covered_or_declined(key: str) -> int:
        return sum(r[key]["covered"] is not False for r in rows)

    print(
        "recommended, covered or declined: through the platform "
        f"{covered_or_declined('recommended')}/{len(rows)}; with perfect linkage "
        f"{covered_or_declined('perfect_recommended')}/{len(rows)}"
    )
    if args.markdown:
        rec_lines = [
            "",
            "The recommended estimate (`zicht.estimation.recommended`, seed = the run's seed) on "
            "the same linked and perfectly linked data:",
            "",
            "| scenario | seed | truth | recommended after linkage (95%), covers | "
            "recommended with perfect linkage, covers |",
            "|---|---|---:|---|---|",
        ]
        for r in rows:
            rec_lines.append(
                f"| {r['scenario']} | {r['seed']} | {r['truth']} | {rec_cell(r['recommended'])} "
                f"| {rec_cell(r['perfect_recommended'])} |"
            )
        rec_lines += [
            "",
            "Recommended, covered or declined: through the platform "
            f"{covered_or_declined('recommended')}/{len(rows)}; with perfect linkage "
            f"{covered_or_declined('perfect_recommended')}/{len(rows)}.",
            "",
        ]
        lines = [
            "## End to end (simulate → platform → estimate)",
            "",
            f"`.venv/bin/python benchmarks/end_to_end.py --population {args.population} --seeds {' '.join(map(str, args.seeds))} --link {args.link}`",
            "",
            "| scenario | seed | truth | detected | persons after linkage | estimate (95% CI) | covers | perfect linkage (95% CI) | covers |",
            "|---|---|---:|---:|---:|---|---|---|---|",
        ]
        for r in rows:
            est = (
                f"{r['estimate']:.0f} ({r['ci'][0]:.0f}–{r['ci'][1]:.0f})"
                if r["reliable"]
                else "no estimate"
            )
            lines.append(
                f"| {r['scenario']} | {r['seed']} | {r['truth']} | {r['detected']} | {r['linked_persons']} | {est} | "
                f"{'yes' if r['covered'] else 'no'} | {r['perfect_estimate']:.0f} ({r['perfect_ci'][0]:.0f}–{r['perfect_ci'][1]:.0f}) | "
                f"{'yes' if r['perfect_covered'] else 'no'} |"
            )
        lines += [
            "",
            f"Coverage through the platform: {covered}/{len(rows)}; with perfect linkage: {perfect_covered}/{len(rows)}.",
            "",
        ]
        Path(args.markdown).write_text("\n".join(lines + rec_lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
