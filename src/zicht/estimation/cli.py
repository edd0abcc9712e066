"""Command line: ``python -m zicht.estimation estimate FILE.csv [options]``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections.abc import Sequence
from typing import NoReturn

from .api import METHODS, NoEstimateError, estimate
from .data import CaptureHistories, DataError, read_strata_csv
from .dga import dga
from .heterogeneity import HETEROGENEITY_METHODS
from .lcmcr import lcmcr
from .recommend import DISAGREE_FACTOR, recommended
from .results import DeclinedResult
from .sensitivity import REGISTRY, sensitivity
from .strata import estimate_strata, recommended_strata

DESCRIPTION = """\
Multiple systems estimation: estimate how many people are on none of the lists.

FILE.csv has one 0/1 column per list and a 'count' column (one row per capture pattern;
missing patterns count as zero, repeated patterns are summed). Without a 'count' column each
row is one person. With --strata, a column names the stratum of each row.
"""

EPILOG = """\
examples:
  python -m zicht.estimation estimate UKdat_5.csv
  python -m zicht.estimation estimate UKdat_5.csv --method stepwise
  python -m zicht.estimation estimate UKdat_5.csv --method all
  python -m zicht.estimation estimate UKdat_5.csv --ci bootstrap --nboot 1000 --seed 1
  python -m zicht.estimation estimate UKdat_5.csv --method fixed --terms LA:NG,NG:GP --json
  python -m zicht.estimation estimate cases.csv --strata region --json
  python -m zicht.estimation sensitivity UKdat_5.csv --seed 1
"""


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit status 2
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 2:
        raise argparse.ArgumentTypeError(f"must be at least 2, got {text}")
    return value


BAYES_METHODS = ("lcmcr", "dga")


def _count(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {text}")
        return value

    return parse


def _run_bayes(args: argparse.Namespace) -> int:
    """``--method lcmcr`` / ``dga``: posterior median and 95% credible interval of N."""
    hist = CaptureHistories.from_csv(args.file)
    if args.method == "lcmcr":
        result = lcmcr(
            hist,
            burnin=args.burnin,
            samples=args.samples,
            thinning=args.thinning,
            chains=args.chains,
            seed=args.seed,
            progress=_Progress("lcmcr sweeps", not args.quiet),
        )
    else:
        result = dga(hist, seed=args.seed)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(result.summary())
    return 0 if result.estimate is not None else 1  # a decline is reported, exit status 1


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="python -m zicht.estimation",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_ArgumentParser)
    p = sub.add_parser(
        "estimate",
        help="estimate the population size from a CSV file",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE.csv", help="capture-pattern table or individual records")
    p.add_argument(
        "--method",
        choices=["recommended", *METHODS, *BAYES_METHODS],
        default=None,
        help="recommended (default): the median of the stepwise, AIC-averaged and LCMCR "
        "estimates with the envelope of their intervals, or no estimate with the reason "
        f"(AIC average and LCMCR disagreeing by more than a factor {DISAGREE_FACTOR:g}, two "
        "lists, too few people, no overlap, ...; exit status 1); or one method: stepwise "
        "selection of two-list terms (Chan, Silverman & Vincent 2019; the default with --ci "
        "profile/bootstrap), main effects only, a fixed model given by --terms, the best of "
        "all models by AIC (at most 6 lists; also prints every method side by side, as "
        "--sensitivity), a heterogeneity model (mh-*/mth-*: catchability shared across lists, "
        "Darroch et al. 1993, Rcapture's Mh/Mth; --terms may add two-list terms), a two-list "
        "estimator (exactly 2 lists), or a Bayesian method: "
        "lcmcr (latent classes, Manrique-Vallier 2016) or dga (averaging over decomposable "
        "graphs of 3-5 lists, Madigan & York 1997)",
    )
    p.add_argument(
        "--terms",
        default=None,
        help="two-list terms of the fixed or heterogeneity model, comma-separated, e.g. "
        "A:B,C:D (column names)",
    )
    p.add_argument(
        "--theta",
        type=float,
        default=None,
        help="parameter of the Poisson (default 2) and gamma (default 3.5) heterogeneity forms",
    )
    p.add_argument(
        "--pthresh",
        type=_probability,
        default=0.02,
        help="p-value threshold for adding a term in stepwise selection (default 0.02)",
    )
    p.add_argument(
        "--criterion",
        choices=["aic", "bic"],
        default="aic",
        help="ranking criterion for --method all (default aic)",
    )
    p.add_argument(
        "--ci",
        choices=["quick", "profile", "bootstrap"],
        default="quick",
        help="95%% interval of one method: quick (normal on the log of the hidden count; "
        "default), profile likelihood, or BCa bootstrap repeating the model selection in every "
        "replicate (with --strata, every stratum's own interval too). Without --method, "
        "profile and bootstrap give the stepwise estimate",
    )
    p.add_argument(
        "--level", type=_probability, default=0.95, help="interval coverage (default 0.95)"
    )
    p.add_argument(
        "--nboot",
        type=_positive_int,
        default=1000,
        help="bootstrap replicates for --ci bootstrap and for the total over strata (default 1000)",
    )
    p.add_argument(
        "--seed",
        type=_seed,
        default=None,
        help="random seed for the bootstrap and the Bayesian methods (0 or more; the "
        "recommended estimate uses 0 when none is given, so it is reproducible)",
    )
    p.add_argument(
        "--strata",
        metavar="COLUMN",
        default=None,
        help="estimate each stratum given by this column, and the total: with the recommended "
        "estimate the sum of the strata (and of their interval limits), declining when a "
        "stratum declines; with one method the sum with a bootstrap interval",
    )
    p.add_argument(
        "--sensitivity",
        action="store_true",
        help="also print the sensitivity table (every method side by side, and the stepwise "
        "estimate at thresholds 0.001-0.2); see the sensitivity command",
    )
    bayes = p.add_argument_group("Bayesian methods (--method lcmcr / dga)")
    bayes.add_argument(
        "--chains", type=_count(1), default=1, help="lcmcr: independent chains (default 1)"
    )
    bayes.add_argument(
        "--samples", type=_count(2), default=1000, help="lcmcr: draws kept per chain (default 1000)"
    )
    bayes.add_argument(
        "--burnin", type=_count(0), default=10_000, help="lcmcr: burn-in sweeps (default 10000)"
    )
    bayes.add_argument(
        "--thinning", type=_count(1), default=10, help="lcmcr: sweeps per kept draw (default 10)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument("--quiet", action="store_true", help="no progress messages on stderr")
    s = sub.add_parser(
        "sensitivity",
        help="every method side by side: stepwise, best BIC, model averages, heterogeneity "
        "models, LCMCR and dga",
        description="Run every registered method on one file and print their estimates and "
        "intervals in one table, with the stepwise estimate at thresholds 0.001-0.2. A method "
        "that gives no estimate is listed with its reason.",
    )
    s.add_argument("file", metavar="FILE.csv", help="capture-pattern table or individual records")
    s.add_argument(
        "--methods",
        default=None,
        help="comma-separated subset of: " + ", ".join(REGISTRY) + " (default: all)",
    )
    s.add_argument(
        "--level", type=_probability, default=0.95, help="interval coverage (default 0.95)"
    )
    s.add_argument("--seed", type=_seed, default=None, help="random seed for the Bayesian methods")
    s.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    return parser


class _Progress:
    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled
        self.start = time.monotonic()
        self.last = -1.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.5:
            return
        self.last = now
        end = "\n" if done >= total else "\r"
        sys.stderr.write(f"{self.label}: {done}/{total} ({now - self.start:.1f} s){end}")
        sys.stderr.flush()


def _run_recommended_strata(args: argparse.Namespace) -> int:
    """The recommended estimate per stratum; a declined total exits with status 1."""
    strata = read_strata_csv(args.file, args.strata)
    res = recommended_strata(
        strata,
        seed=0 if args.seed is None else args.seed,
        level=args.level,
        progress=_Progress("lcmcr sweeps", not args.quiet),
    )
    if args.json:
        print(json.dumps(res.to_dict(), indent=2))
    else:
        print(res.summary_text())
    return 1 if res.declined else 0


def _run_recommended(args: argparse.Namespace) -> int:
    """The recommended estimate; a decline prints the reason and exits with status 1."""
    if args.strata:
        return _run_recommended_strata(args)
    hist = CaptureHistories.from_csv(args.file)
    result = recommended(
        hist,
        seed=0 if args.seed is None else args.seed,
        level=args.level,
        progress=_Progress("lcmcr sweeps", not args.quiet),
    )
    sens = sensitivity(hist, seed=args.seed, level=args.level) if args.sensitivity else None
    if args.json:
        out = result.to_dict()
        if sens is not None:
            out["sensitivity"] = sens.to_dict()
        print(json.dumps(out, indent=2))
    else:
        print(result.summary_text())
        if sens is not None:
            print()
            print(sens.summary_text())
    return 1 if result.declined else 0


def _run(args: argparse.Namespace) -> int:
    if args.method == "recommended":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # data warnings are reported in the result
            return _run_recommended(args)
    if args.method in BAYES_METHODS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # data warnings are reported in the result
            return _run_bayes(args)
    label = "bootstrap" if args.ci == "bootstrap" or args.strata else "all models"
    long_run = args.ci == "bootstrap" or args.method == "all" or args.strata is not None
    progress = _Progress(label, long_run and not args.quiet)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # data warnings are reported in the result
        if args.strata:
            strata = read_strata_csv(args.file, args.strata)
            res = estimate_strata(
                strata,
                args.method,
                criterion=args.criterion,
                ci=args.ci,
                level=args.level,
                nboot=args.nboot,
                seed=args.seed,
                progress=progress,
                **({"terms": args.terms} if args.terms else {}),
                **({"theta": args.theta} if args.theta is not None else {}),
                **({"pthresh": args.pthresh} if args.method == "stepwise" else {}),
            )
            if args.json:
                out = res.to_dict()
                out["method"] = args.method
                out["model_terms"] = None
                print(json.dumps(out, indent=2))
            else:
                print(res.summary_text())
            return 0
        hist = CaptureHistories.from_csv(args.file)
        try:
            result = estimate(
                hist,
                args.method,
                terms=args.terms,
                pthresh=args.pthresh,
                ci=args.ci,
                level=args.level,
                nboot=args.nboot,
                seed=args.seed,
                criterion=args.criterion,
                theta=args.theta,
                progress=progress,
            )
        except NoEstimateError as exc:
            if not args.json:
                raise
            declined = DeclinedResult(
                args.method, hist.observed, str(exc), hist.warnings, args.level, args.ci
            )
            print(json.dumps(declined.to_dict(), indent=2))
            return 1
        sens = sensitivity(hist, seed=args.seed, level=args.level) if args.sensitivity else None
    if args.json:
        out = result.to_dict()
        if sens is not None:
            out["sensitivity"] = sens.to_dict()
        print(json.dumps(out, indent=2))
    else:
        print(result.summary().as_text())
        if sens is not None:
            print()
            print(sens.summary_text())
    return 0


def _run_sensitivity(args: argparse.Namespace) -> int:
    methods = None
    if args.methods:
        methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # data warnings are reported in the rows
        hist = CaptureHistories.from_csv(args.file)
        sens = sensitivity(hist, methods, level=args.level, seed=args.seed)
    if args.json:
        print(json.dumps(sens.to_dict(), indent=2))
    else:
        print(sens.summary_text())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command not in ("estimate", "sensitivity"):
        parser.print_help(sys.stderr)
        return 2
    if args.command == "sensitivity":
        return _guarded(_run_sensitivity, args)
    _default_method(args)
    _refuse_conflicting_options(parser, args)
    return _guarded(_run, args)


def _default_method(args: argparse.Namespace) -> None:
    """Fill in ``--method`` when it was left out, and what ``--method all`` implies."""
    if args.method is None and args.ci != "quick":
        # the recommended interval is an envelope of methods: a bootstrap or profile interval
        # belongs to one model, the stepwise one; said on stderr, not silently
        args.method = "stepwise"
        if not args.quiet:
            sys.stderr.write(f"note: --ci {args.ci} gives the stepwise estimate\n")
    if args.method is None:
        args.method = "recommended"
    if args.method == "all":
        args.sensitivity = True  # the best model, and how far every method disagrees


def _refuse_conflicting_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Stop with a usage error (status 2) when options do not fit the method."""
    if args.method == "recommended" and args.ci != "quick":
        parser.error(
            "the recommended estimate's interval is the envelope of its methods; for --ci "
            f"{args.ci} give a method, e.g. --method stepwise"
        )
    if args.method == "recommended" and args.strata and args.sensitivity:
        parser.error("--sensitivity is not available per stratum; leave out --strata")
    if args.terms and args.method != "fixed" and args.method not in HETEROGENEITY_METHODS:
        parser.error("--terms needs --method fixed or a heterogeneity model (mh-*, mth-*)")
    if args.theta is not None and args.method not in HETEROGENEITY_METHODS:
        parser.error("--theta needs a heterogeneity model (mh-poisson, mth-gamma, ...)")
    if args.method == "fixed" and not args.terms:
        parser.error("--method fixed needs --terms, e.g. --terms A:B,C:D")
    if args.method in BAYES_METHODS and (args.strata or args.sensitivity):
        parser.error(f"--method {args.method} takes neither --strata nor --sensitivity")


def _guarded(run, args: argparse.Namespace) -> int:
    """Run a command; errors become one line on stderr and a non-zero status."""
    try:
        return run(args)
    except (DataError, NoEstimateError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. head)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:  # noqa: BLE001 - the CLI promises one line, never a traceback
        sys.stderr.write(f"error: unexpected failure ({type(exc).__name__}: {exc})\n")
        return 1
