"""Command line: ``python -m zicht.simulation --population 3000 --seed 7 --out DIR``."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from datetime import date

from .model import simulate
from .municipalities import MUNICIPALITIES, resolve_municipalities
from .output import write
from .scenarios import DEFAULT_SCENARIO, SCENARIOS

PROG = "python -m zicht.simulation"


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _non_negative_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {text!r}")
    return v


def _epilog() -> str:
    lines = ["scenarios:"]
    for name, sc in SCENARIOS.items():
        text = textwrap.fill(
            sc.description, width=78, initial_indent="    ", subsequent_indent="    "
        )
        lines += [f"  {name}", text]
    lines += [
        "",
        "output files (in DIR):",
        "  signals.csv            one row per signal, as a partner would submit it",
        "  truth.csv              signal_id,person_id (the true person of each signal)",
        "  truth.json             population (true size), detected, seed, scenario parameters",
        "  people.csv             the whole hidden population with true identities",
        "  noise.csv              signal_id,noise (identity errors applied to each signal)",
        "  capture_histories.csv  true capture-history table over the 7 source types",
        "  identities.csv         id (= signal_id) + identity columns, the linkage encoder's input",
        "",
        "The same options and seed give byte-identical files.",
    ]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    munis = ", ".join(f"{m.display} ({m.code})" for m in MUNICIPALITIES.values())
    p = _Parser(
        prog=PROG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Generate a synthetic hidden population of exploited young people (ages 8-27),\n"
            "its detection by seven source types, and the signals those sources would\n"
            "submit (with realistic identity noise), together with the known truth."
        ),
        epilog=_epilog(),
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="output directory (created if missing; existing files are overwritten)",
    )
    p.add_argument(
        "--population",
        type=_non_negative_int,
        default=None,
        metavar="N",
        help="true size of the hidden population, detected or not (default: the scenario's, 3000)",
    )
    p.add_argument(
        "--seed",
        type=_non_negative_int,
        default=0,
        metavar="INT",
        help="random seed; the same seed gives byte-identical files (default: 0)",
    )
    p.add_argument(
        "--scenario",
        default=DEFAULT_SCENARIO,
        metavar="NAME",
        help=f"named scenario, see the list below (default: {DEFAULT_SCENARIO})",
    )
    p.add_argument(
        "--start",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="first day of the period in which signals fall, and the reference date for "
        "ages (default: 2025-01-01)",
    )
    p.add_argument(
        "--end",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="last day of the period (default: 2025-12-31)",
    )
    p.add_argument(
        "--municipalities",
        default=None,
        metavar="LIST",
        help="comma-separated municipality names or CBS codes, among the 15 Preventie met "
        f"Gezag municipalities (default: all 15): {munis}; also accepted: Zaandam, "
        "Breda-Noord, 's-Gravenhage, 0599",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.scenario not in SCENARIOS:
            raise _UsageError(
                f"unknown scenario {args.scenario!r}; choose from: {', '.join(SCENARIOS)}"
            )
        scenario = SCENARIOS[args.scenario]
        changes: dict[str, object] = {}
        if args.population is not None:
            changes["population"] = args.population
        if args.start is not None:
            changes["start"] = args.start
        if args.end is not None:
            changes["end"] = args.end
        if args.municipalities is not None:
            changes["municipalities"] = resolve_municipalities(args.municipalities)
        if changes:
            scenario = scenario.replace(**changes)
    except (_UsageError, ValueError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2

    result = simulate(scenario, seed=args.seed)
    try:
        paths = write(result, args.out)
    except OSError as exc:
        print(f"{PROG}: error: cannot write to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(
        f"{len(result.signals)} signals about {result.detected} of {result.population} persons "
        f"(scenario {scenario.name}, seed {args.seed}) written to {paths['signals.csv'].parent}"
    )
    return 0
