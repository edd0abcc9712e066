"""Coverage of the estimators on simulated populations with known size.

(Named ``mse_coverage.py``, not ``coverage.py``: a ``coverage.py`` in this folder would shadow
the ``coverage`` package that numba imports, and break every benchmark script here.)

A grid of scenarios (``SCENARIOS``: independent lists, two-class and log-normal
heterogeneity, referral chains (positive dependence), avoidance (negative dependence) and
combinations; 3-6 lists; N = 300-5,000) times seeds. Every replicate runs the components of
the recommended estimate (:func:`zicht.estimation.recommend.component_results`: stepwise,
AIC model average, LCMCR with the short run ``LCMCR_SETTINGS``) and, for comparison,
``mth-darroch``, ``mh-poisson`` and dga (K <= 4 only: dga takes seconds at K = 5).

For each method: **coverage** (the interval covers N, among runs with an estimate),
**covered-or-declined** (share of all runs), **declines** and the **median width / N**. The
recommended rule is evaluated for several disagreement factors on the training seeds; the
holdout seeds are reported for the factor in the library (:data:`DISAGREE_FACTOR`).

    .venv/bin/python benchmarks/mse_coverage.py --train 1 2 3 4 5 --holdout 101 102 103 104 105 \\
        --out benchmarks/results/coverage.json --markdown benchmarks/results/coverage.md
    .venv/bin/python benchmarks/mse_coverage.py --report benchmarks/results/coverage.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zicht.estimation import NoEstimateError, dga, estimate  # noqa: E402
from zicht.estimation.recommend import (  # noqa: E402
    DISAGREE_FACTOR,
    LCMCR_SETTINGS,
    SPREAD_EXCLUDES,
    Component,
    combine,
    component_results,
    recommended,
)
from zicht.estimation.simulate import Population, simulate_histories  # noqa: E402

# name -> (kind, population)
SCENARIOS: dict[str, tuple[str, Population]] = {
    "independent-4": ("independent", Population(1000, (0.2, 0.25, 0.15, 0.3))),
    "independent-5-sparse": ("independent", Population(800, (0.1, 0.12, 0.1, 0.15, 0.1))),
    "two-class-4": (
        "two-class",
        Population(1000, (0.2, 0.25, 0.15, 0.3), ("two-class", 0.2, 6.0)),
    ),
    "two-class-3-small": (
        "two-class",
        Population(300, (0.3, 0.25, 0.35), ("two-class", 0.2, 5.0)),
    ),
    "lognormal-5": (
        "continuous",
        Population(2000, (0.1, 0.15, 0.12, 0.1, 0.15), ("lognormal", 1.0)),
    ),
    "lognormal-3-small": ("continuous", Population(300, (0.3, 0.3, 0.3), ("lognormal", 0.6))),
    "referral-4": (
        "positive",
        Population(1000, (0.2, 0.15, 0.2, 0.15), (), ((0, 1, 3.0), (2, 3, 2.0))),
    ),
    "avoidance-4": ("negative", Population(1000, (0.25, 0.3, 0.2, 0.25), (), ((0, 1, 0.3),))),
    "combined-5": (
        "combined",
        Population(
            3000,
            (0.12, 0.1, 0.15, 0.1, 0.12),
            ("two-class", 0.2, 5.0),
            ((0, 1, 2.5), (2, 3, 0.4)),
        ),
    ),
    "avoidance-lognormal-4": (
        "combined",
        Population(1200, (0.2, 0.2, 0.25, 0.15), ("lognormal", 0.8), ((0, 1, 0.3), (1, 2, 2.5))),
    ),
    "combined-3": (
        "combined",
        Population(1500, (0.2, 0.15, 0.2), ("two-class", 0.2, 4.0), ((0, 1, 2.0),)),
    ),
    "combined-6-large": (
        "combined",
        Population(
            5000,
            (0.08, 0.1, 0.12, 0.08, 0.15, 0.1),
            ("lognormal", 0.8),
            ((0, 1, 2.0), (3, 4, 0.5)),
        ),
    ),
}
# Two lists: the recommended estimate declines (``two_lists``); these scenarios measure whether
# Chapman's estimate could stand in for it (the "chapman" rows).
TWO_LIST_SCENARIOS: dict[str, tuple[str, Population]] = {
    "independent-2": ("independent", Population(1000, (0.3, 0.25))),
    "independent-2-small": ("independent", Population(300, (0.35, 0.3))),
    "two-class-2": ("two-class", Population(1000, (0.3, 0.25), ("two-class", 0.2, 5.0))),
    "lognormal-2": ("continuous", Population(1000, (0.3, 0.3), ("lognormal", 0.6))),
    "referral-2": ("positive", Population(1000, (0.25, 0.2), (), ((0, 1, 2.0),))),
    "avoidance-2": ("negative", Population(1000, (0.3, 0.3), (), ((0, 1, 0.5),))),
    "combined-2": (
        "combined",
        Population(1500, (0.25, 0.2), ("two-class", 0.2, 4.0), ((0, 1, 2.0),)),
    ),
}
ALL_SCENARIOS = {**SCENARIOS, **TWO_LIST_SCENARIOS}
EXTRA = ("mth-darroch", "mh-poisson", "mth-gamma", "dga")
FACTORS = (1.5, 2.0, 2.5, 3.0, 4.0, 6.0, math.inf)


def _comp_dict(c: Component) -> dict:
    return {
        "method": c.method,
        "estimate": c.estimate,
        "ci": None if c.ci is None else [float(c.ci[0]), float(c.ci[1])],
        "used": c.used,
        "note": c.note,
    }


def _comp(d: dict) -> Component:
    return Component(d["method"], d["estimate"], None if d["ci"] is None else tuple(d["ci"]),
                     d["used"], d["note"])  # fmt: skip


def replicate(name: str, pop: Population, seed: int) -> dict:
    h = simulate_histories(pop, seed)
    t0 = time.perf_counter()
    if h.k == 2:  # the rule declines; its result carries Chapman's estimate, unused
        comps = list(recommended(h, seed=seed).components)
    else:
        comps = list(component_results(h, seed=seed))
    t_rec = time.perf_counter() - t0
    extra = []
    if h.k == 2:
        return {
            "scenario": name,
            "seed": seed,
            "truth": pop.n,
            "observed": h.observed,
            "components": [_comp_dict(c) for c in comps],
            "extra": [],
            "seconds_recommended": t_rec,
        }
    for m in EXTRA:
        if m == "dga":
            if h.k > 4:
                continue
            b = dga(h, seed=seed)
            extra.append(Component("dga", b.estimate, b.ci, b.estimate is not None, str(b.reason)))
            continue
        try:
            r = estimate(h, m)
            extra.append(Component(m, r.estimate, r.ci, True))
        except NoEstimateError as exc:
            extra.append(Component(m, None, None, False, str(exc)))
    return {
        "scenario": name,
        "seed": seed,
        "truth": pop.n,
        "observed": h.observed,
        "components": [_comp_dict(c) for c in comps],
        "extra": [_comp_dict(c) for c in extra],
        "seconds_recommended": t_rec,
    }


def _summary(outcomes: list[tuple[float | None, tuple | None, int]]) -> dict:
    """outcomes: (estimate, ci, truth); estimate None = declined."""
    n = len(outcomes)
    est = [(ci, t) for e, ci, t in outcomes if e is not None]
    covered = sum(ci[0] <= t <= ci[1] for ci, t in est)
    widths = sorted((ci[1] - ci[0]) / t for ci, t in est)
    med = widths[len(widths) // 2] if widths else math.nan
    if widths and len(widths) % 2 == 0:
        med = 0.5 * (widths[len(widths) // 2 - 1] + widths[len(widths) // 2])
    return {
        "runs": n,
        "coverage": covered / len(est) if est else math.nan,
        "covered_or_declined": (covered + n - len(est)) / n if n else math.nan,
        "declines": (n - len(est)) / n if n else math.nan,
        "median_width": med,
    }


def method_outcomes(rows: list[dict], method: str) -> list:
    out = []
    for r in rows:
        for c in r["components"] + r["extra"]:
            if c["method"] == method:
                ok = c["estimate"] is not None and c["ci"] is not None
                if method == "lcmcr":
                    ok = ok  # the raw method, whatever its R-hat
                out.append((c["estimate"] if ok else None, c["ci"], r["truth"]))
    return out


# Candidate rules: which components enter the envelope ("unconverged": LCMCR even when its
# R-hat fails the check). The library's rule is "stepwise+average-aic+lcmcr".
VARIANTS = {
    "stepwise+average-aic+lcmcr": ("stepwise", "average-aic", "lcmcr"),
    "average-aic+lcmcr": ("average-aic", "lcmcr"),
    "stepwise+average-aic": ("stepwise", "average-aic"),
    "average-aic": ("average-aic",),
    "stepwise+average-aic+lcmcr, unconverged": ("stepwise", "average-aic", "lcmcr*"),
    "stepwise+average-aic+lcmcr, envelope with mth-gamma": ("stepwise", "average-aic", "lcmcr"),
}
# variants whose envelope also takes in this method's interval (not its estimate)
WIDENED = {"stepwise+average-aic+lcmcr, envelope with mth-gamma": "mth-gamma"}


def _variant(comps: list[dict], members: tuple[str, ...]) -> list[Component]:
    out = []
    for d in comps:
        c = _comp(d)
        if c.method + "*" in members and c.estimate is not None:
            c = Component(c.method, c.estimate, c.ci, True, c.note)
        elif c.method not in members:
            c = Component(c.method, c.estimate, c.ci, False, "not in this rule")
        out.append(c)
    return out


def rule_outcomes(
    rows: list[dict],
    factor: float,
    variant: str = "stepwise+average-aic+lcmcr",
    excludes: tuple[str, ...] = SPREAD_EXCLUDES,
):
    out = []
    for r in rows:
        if r["scenario"] in TWO_LIST_SCENARIOS:  # the library declines with two lists
            out.append((None, None, r["truth"]))
            continue
        comps = _variant(r["components"], VARIANTS[variant])
        res = combine(r["observed"], comps, factor=factor, excludes=excludes)
        ci = res.ci
        if ci is not None and variant in WIDENED:  # another method's interval joins the envelope
            other = [c["ci"] for c in r["extra"] if c["method"] == WIDENED[variant] and c["ci"]]
            if other:
                ci = (min(ci[0], other[0][0]), max(ci[1], other[0][1]))
        out.append((res.estimate, ci, r["truth"]))
    return out


def _fmt(s: dict) -> str:
    return (
        f"{100 * s['covered_or_declined']:.0f}% | {100 * s['coverage']:.0f}% | "
        f"{100 * s['declines']:.0f}% | {s['median_width']:.2f}"
    )


HEADER = [
    "| method | covered or declined | coverage (when estimating) | declines | median width / N |",
    "|---|---:|---:|---:|---:|",
]


GAMMA = "stepwise+average-aic+lcmcr, envelope with mth-gamma"


def _by_scenario(train: list[dict], hold: list[dict], label: str, variant: str | None = None):
    lines = [f"**{label}, factor {DISAGREE_FACTOR:g}, by scenario**: training / holdout seeds", ""]
    lines += [
        "| scenario | kind | covered or declined | declines | median width / N |",
        "|---|---|---:|---:|---:|",
    ]
    for name, (kind, _) in SCENARIOS.items():
        parts = []
        for rows in (train, hold):
            sub = [r for r in rows if r["scenario"] == name]
            args = (sub, DISAGREE_FACTOR) + ((variant,) if variant else ())
            parts.append(_summary(rule_outcomes(*args)) if sub else None)
        if not any(parts):
            continue
        cells = [
            " / ".join("-" if p is None else fmt(p) for p in parts)
            for fmt in (
                lambda p: f"{100 * p['covered_or_declined']:.0f}%",
                lambda p: f"{100 * p['declines']:.0f}%",
                lambda p: f"{p['median_width']:.2f}",
            )
        ]
        lines.append(f"| {name} | {kind} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def _two_list_report(rows: list[dict]) -> list[str]:
    lines = [
        "**Two lists** (the recommended estimate declines with `two_lists`; Chapman's estimate "
        "is shown beside the decline, unused), all seeds",
        "",
        "| scenario | kind | Chapman covers | Chapman median width / N | Chapman median / N "
        "| recommended declines |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, (kind, _) in TWO_LIST_SCENARIOS.items():
        sub = [r for r in rows if r["scenario"] == name]
        if not sub:
            continue
        s = _summary(method_outcomes(sub, "chapman"))
        ratios = sorted(
            c["estimate"] / r["truth"]
            for r in sub
            for c in r["components"]
            if c["method"] == "chapman" and c["estimate"] is not None
        )
        dec = _summary(rule_outcomes(sub, DISAGREE_FACTOR))["declines"]
        lines.append(
            f"| {name} | {kind} | {100 * s['coverage']:.0f}% | {s['median_width']:.2f} | "
            f"{ratios[len(ratios) // 2]:.2f} | {100 * dec:.0f}% |"
        )
    s = _summary(method_outcomes(rows, "chapman"))
    lines += [f"| all two-list runs ({s['runs']}) | | {100 * s['coverage']:.0f}% | "
              f"{s['median_width']:.2f} | | 100% |", ""]  # fmt: skip
    return lines


def report(data: dict) -> str:
    main_rows = [r for r in data["rows"] if r["scenario"] in SCENARIOS]
    two_rows = [r for r in data["rows"] if r["scenario"] in TWO_LIST_SCENARIOS]
    train = [r for r in main_rows if r["seed"] in data["train"]]
    hold = [r for r in main_rows if r["seed"] in data["holdout"]]
    lines = [f"Settings: LCMCR {data['lcmcr']}; {len(SCENARIOS)} scenarios of 3-6 lists, "
             f"{len(TWO_LIST_SCENARIOS)} of two lists.", ""]  # fmt: skip
    methods = ["stepwise", "average-aic", "lcmcr", *EXTRA]
    for label, rows in (("Training seeds", train), ("Holdout seeds", hold)):
        if not rows:
            continue
        lines += [f"**{label}** ({len(rows)} runs, seeds {sorted({r['seed'] for r in rows})})", ""]
        lines += HEADER
        for m in methods:
            oc = method_outcomes(rows, m)
            if oc:
                lines.append(f"| {m} | {_fmt(_summary(oc))} |")
        for f in FACTORS if rows is train else (DISAGREE_FACTOR,):
            lines.append(
                f"| recommended, factor {f:g} | {_fmt(_summary(rule_outcomes(rows, f)))} |"
            )
        lines.append(
            f"| rule before (spread over all components, factor 2.5) | "
            f"{_fmt(_summary(rule_outcomes(rows, 2.5, excludes=())))} |"
        )
        lines.append("")
        if rows is train:
            lines += ["Candidate rules on the training seeds (envelope of the components):", ""]
            lines += [
                HEADER[0].replace("| method |", "| rule | factor |"),
                "|---|---|---:|---:|---:|---:|",
            ]
            for v in VARIANTS:
                for f in (2.0, 2.5, 3.0, 4.0):
                    lines.append(f"| {v} | {f:g} | {_fmt(_summary(rule_outcomes(rows, f, v)))} |")
            lines.append("")
    lines += _by_scenario(train, hold, "Recommended (library rule)")
    lines += _by_scenario(train, hold, GAMMA, GAMMA)
    if two_rows:
        lines += _two_list_report(two_rows)
    secs = sorted(r["seconds_recommended"] for r in main_rows)
    if secs:
        lines += [f"Recommended components per run (3-6 lists): median {secs[len(secs) // 2]:.2f} s, "
                  f"max {secs[-1]:.2f} s (wall clock)."]  # fmt: skip
    if "seconds" in data:
        load = ", ".join(f"{x:.1f}" for x in data["load"])
        lines += ["", f"Total {data['seconds']:.0f} s; load average at the end {load} (2 cores)."]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--train", type=int, nargs="*", default=[1, 2, 3, 4, 5])
    parser.add_argument("--holdout", type=int, nargs="*", default=[101, 102, 103, 104, 105])
    parser.add_argument("--scenarios", nargs="+", default=list(ALL_SCENARIOS))
    parser.add_argument("--out", help="write the per-run results (JSON) here")
    parser.add_argument("--markdown", help="write the tables here")
    parser.add_argument("--report", help="only print the tables of a saved JSON")
    args = parser.parse_args(argv)
    if args.report:
        print(report(json.loads(Path(args.report).read_text())))
        return 0
    warnings.simplefilter("ignore")
    rows = []
    t0 = time.perf_counter()
    for name in args.scenarios:
        _, pop = ALL_SCENARIOS[name]
        for seed in [*args.train, *args.holdout]:
            rows.append(replicate(name, pop, seed))
            r = rows[-1]
            ests = " ".join(
                f"{c['method']}={c['estimate'] and round(c['estimate'])}"
                for c in r["components"] + r["extra"]
            )
            print(f"{name} seed={seed} N={r['truth']} n={r['observed']} {ests}", flush=True)
    data = {
        "train": args.train,
        "holdout": args.holdout,
        "lcmcr": LCMCR_SETTINGS,
        "rows": rows,
        "seconds": time.perf_counter() - t0,
        "load": os.getloadavg(),
    }
    text = report(data)
    print(text)
    if args.out:
        Path(args.out).write_text(json.dumps(data, indent=1))
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
