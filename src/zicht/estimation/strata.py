"""Estimates per stratum (region, year, ...) and for their sum.

Each stratum is estimated separately with the same method; the total is the sum of the
stratum estimates. Its interval is a BCa bootstrap interval: every replicate resamples the
cases of each stratum independently (multinomially, as in :mod:`.bootstrap`), repeats the
estimation in each stratum and adds the results; the acceleration comes from the jackknife
over all cases (removing one case from a stratum changes only that stratum's estimate).
With ``ci="bootstrap"`` each stratum's own interval is the BCa interval of its replicates.

The recommended estimate (``method="recommended"``, :func:`recommended_strata`) is computed
in each stratum by its own rule. Its interval is an envelope of methods, not a sampling
distribution, so the total is not bootstrapped: the total is the sum of the stratum
estimates and its interval the sum of the lower and of the upper limits (if every stratum's
interval covers its truth, the sum covers the total; it is conservative). When a stratum
declines, the total declines too (``strata_declined``) and names the stratum and its reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .api import NoEstimateError, estimate
from .bootstrap import (
    BootstrapInfo,
    acceleration,
    bca_limits,
    bootstrap_replicates,
    jackknife,
)
from .data import CaptureHistories
from .recommend import REASON_TEXT, Reason, RecommendedResult, recommended
from .results import BaseResult, EstimateResult, _fmt, _num

__all__ = ["RecommendedStrataResult", "StrataResult", "estimate_strata", "recommended_strata"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class StrataResult(BaseResult):
    """Per-stratum results and the total with its bootstrap interval."""

    strata: Mapping[str, EstimateResult]
    estimate: float
    observed: int
    hidden: float
    ci: tuple[float, float]
    ci_level: float
    ci_method: str
    nboot: int
    seed: int | None
    warnings: tuple[str, ...]
    method: str = "strata"
    reason: None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict: the total and ``strata`` with each stratum's dict."""
        return {
            "method": self.method,
            "observed": self.observed,
            "estimate": self.estimate,
            "hidden": self.hidden,
            "ci": list(self.ci),
            "ci_level": self.ci_level,
            "ci_method": self.ci_method,
            "nboot": self.nboot,
            "seed": self.seed,
            "warnings": list(self.warnings),
            "strata": {k: v.to_dict() for k, v in self.strata.items()},
        }

    def summary_text(self) -> str:
        """A table of the strata and the total."""
        width = max([len("Total"), *(len(k) for k in self.strata)])
        head = f"{'Stratum':<{width}}  {'observed':>9}  {'estimate':>10}  {'interval':>23}  model"
        lines = ["Multiple systems estimation by stratum", head, "-" * len(head)]
        for key, r in self.strata.items():
            lines.append(
                f"{key:<{width}}  {r.observed:>9,}  {r.estimate:>10,.0f}  "
                f"{r.ci[0]:>10,.0f} - {r.ci[1]:>10,.0f}  {', '.join(r.model_terms) or 'main'}"
                f" ({r.ci_method} interval)"
            )
        lines.append("-" * len(head))
        lines.append(
            f"{'Total':<{width}}  {self.observed:>9,}  {self.estimate:>10,.0f}  "
            f"{self.ci[0]:>10,.0f} - {self.ci[1]:>10,.0f}  (BCa bootstrap of the sum, "
            f"{self.nboot} replicates)"
        )
        lines += [f"  * {w}" for w in self.warnings]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary_text()


@dataclass(frozen=True)
class RecommendedStrataResult(BaseResult):
    """The recommended estimate in each stratum, and the total or why it declines.

    ``declined_strata`` maps each stratum without an estimate to its reason code.
    """

    strata: Mapping[str, RecommendedResult]
    estimate: float | None
    ci: tuple[float, float] | None
    observed: int
    ci_level: float
    warnings: tuple[str, ...]
    declined_strata: Mapping[str, str]
    reason: str | None = None
    reason_text: str | None = None
    ci_method: str = "sum of envelopes"
    method: str = "recommended"

    def to_dict(self) -> dict[str, Any]:
        """The total (``reason``/``reason_text`` when it declines) and every stratum's dict."""
        out = self._base_dict()
        out["hidden"] = None if self.estimate is None else _num(self.estimate - self.observed)
        if self.reason is not None:
            out["reason_text"] = self.reason_text
        out["declined_strata"] = dict(self.declined_strata)
        out["strata"] = {k: v.to_dict() for k, v in self.strata.items()}
        return out

    def summary_text(self) -> str:
        """A table of the strata and the total; a declined stratum shows its reason."""
        width = max([len("Total"), *(len(k) for k in self.strata)])
        head = f"{'Stratum':<{width}}  {'observed':>9}  {'estimate':>10}  {'interval':>23}  note"
        lines = ["Recommended estimate by stratum", head, "-" * len(head)]
        for key, r in self.strata.items():
            lines.append(_stratum_line(key, width, r.observed, r.estimate, r.ci, r.reason))
        lines.append("-" * len(head))
        note = "sum of the strata's estimates and of their interval limits"
        lines.append(
            _stratum_line("Total", width, self.observed, self.estimate, self.ci, self.reason, note)
        )
        if self.reason is not None:
            lines.append(f"No reliable total ({self.reason}): {self.reason_text}")
        lines += [f"  * {w}" for w in self.warnings]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary_text()


def _stratum_line(
    key: str,
    width: int,
    observed: int,
    est: float | None,
    ci: tuple[float, float] | None,
    reason: str | None,
    note: str = "",
) -> str:
    if est is None or ci is None:
        return f"{key:<{width}}  {observed:>9,}  {'-':>10}  {'':>23}  no estimate: {reason}"
    interval = f"{_fmt(ci[0]):>10} - {_fmt(ci[1]):>10}"
    return f"{key:<{width}}  {observed:>9,}  {_fmt(est):>10}  {interval}  {note}".rstrip()


def recommended_strata(
    strata: Mapping[str, CaptureHistories],
    *,
    seed: int | None = 0,
    level: float = 0.95,
    progress: Progress | None = None,
) -> RecommendedStrataResult:
    """The recommended estimate in every stratum and their total (see the module docstring).

    Declining is a result: a stratum without an estimate is named in ``declined_strata``
    with its reason, and the total then declines with ``strata_declined``.
    """
    if not strata:
        raise ValueError("no strata")
    results: dict[str, RecommendedResult] = {}
    for key, hist in strata.items():
        results[key] = recommended(hist, seed=seed, level=level, progress=progress)
    observed = int(sum(r.observed for r in results.values()))
    warnings = [f"{k}: {w}" for k, r in results.items() for w in r.warnings]
    declined = {k: str(r.reason) for k, r in results.items() if r.declined}
    if declined:
        named = ", ".join(f"{k} ({why})" for k, why in declined.items())
        text = f"{REASON_TEXT[Reason.STRATA_DECLINED]}; no estimate for: {named}"
        return RecommendedStrataResult(
            results, None, None, observed, level, tuple(warnings), declined,
            reason=Reason.STRATA_DECLINED.value, reason_text=text,
        )  # fmt: skip
    total = float(sum(r.estimate for r in results.values() if r.estimate is not None))
    lo = float(sum(r.ci[0] for r in results.values() if r.ci is not None))
    hi = float(sum(r.ci[1] for r in results.values() if r.ci is not None))
    return RecommendedStrataResult(
        results, total, (lo, hi), observed, level, tuple(warnings), declined
    )


def _with_bootstrap_interval(
    result: EstimateResult,
    reps: np.ndarray,
    jack_values: np.ndarray,
    jack_weights: np.ndarray,
    level: float,
    nboot: int,
    seed: int | None,
) -> EstimateResult:
    """The stratum's result with the BCa interval from its own replicates."""
    accel = acceleration(jack_values, jack_weights)
    limits, z0 = bca_limits(reps, result.estimate, accel, (0.5 - level / 2, 0.5 + level / 2))
    n_failed = int(np.isnan(reps).sum())
    warnings = list(result.warnings)
    if n_failed:
        warnings.append(f"{n_failed} of {nboot} bootstrap replicates gave no estimate")
    return dataclasses.replace(
        result,
        ci=(float(limits[0]), float(limits[1])),
        ci_method="bootstrap",
        bootstrap=BootstrapInfo(reps, nboot, seed, z0, accel, n_failed),
        warnings=tuple(warnings),
    )


def estimate_strata(
    strata: Mapping[str, CaptureHistories],
    method: str = "stepwise",
    *,
    ci: str = "quick",
    level: float = 0.95,
    nboot: int = 1000,
    seed: int | None = None,
    progress: Progress | None = None,
    **kwargs: Any,
) -> StrataResult | RecommendedStrataResult:
    """Estimate each stratum and the total.

    Parameters
    ----------
    strata : mapping of str to CaptureHistories
        For example from :func:`zicht.estimation.read_strata_csv` or
        ``CaptureHistories.from_records(df, stratum="region")``.
    method, ci, level, kwargs
        Passed to :func:`zicht.estimation.estimate` for each stratum (``ci`` is the interval of
        each stratum). With ``ci="bootstrap"`` each stratum's BCa interval is computed from
        the same replicates as the total's. ``method="recommended"`` runs
        :func:`recommended_strata` instead (no ``ci`` other than quick, no model options).
    nboot, seed
        Bootstrap replicates and seed for the interval of the total.

    Raises
    ------
    NoEstimateError
        If a stratum has no estimate (the message names the stratum).
    """
    if not strata:
        raise ValueError("no strata")
    if method == "recommended":
        if ci != "quick" or kwargs:
            raise ValueError(
                "the recommended estimate's interval is the envelope of its methods, so it "
                "takes no --ci or model options; give a method (e.g. stepwise) for those"
            )
        return recommended_strata(strata, seed=0 if seed is None else seed, level=level,
                                  progress=progress)  # fmt: skip
    results: dict[str, EstimateResult] = {}
    # with ci="bootstrap" each stratum's interval comes from the same replicates as the
    # total's (below), not from a second bootstrap and never silently from the quick one
    first_ci = "quick" if ci == "bootstrap" else ci
    for key, hist in strata.items():
        try:
            results[key] = estimate(
                hist, method, ci=first_ci, level=level, nboot=nboot, seed=seed, **kwargs
            )
        except NoEstimateError as exc:
            raise NoEstimateError(f"stratum {key!r}: {exc}") from None
    total = float(sum(r.estimate for r in results.values()))
    observed = int(sum(r.observed for r in results.values()))
    seeds = np.random.SeedSequence(seed).spawn(len(strata))
    reps = np.zeros(nboot)
    jack_values: list[np.ndarray] = []
    jack_weights: list[np.ndarray] = []
    for n, (key, hist) in enumerate(strata.items()):
        one = kwargs.copy()

        def est_of(c: np.ndarray, hist: CaptureHistories = hist, one: dict = one) -> float:
            return estimate(hist.with_counts(c), method, ci="quick", level=level, **one).estimate

        def prog(done: int, tot: int, n: int = n) -> None:
            if progress is not None:
                progress(n * nboot + done, len(strata) * nboot)

        stratum_reps = bootstrap_replicates(
            hist.counts, est_of, nboot, np.random.default_rng(seeds[n]), prog
        )
        reps += stratum_reps
        values, weights = jackknife(hist.counts, est_of)
        jack_values.append(total - results[key].estimate + values)
        jack_weights.append(weights)
        if ci == "bootstrap":
            results[key] = _with_bootstrap_interval(
                results[key], stratum_reps, values, weights, level, nboot, seed
            )
    accel = acceleration(np.concatenate(jack_values), np.concatenate(jack_weights))
    limits, _ = bca_limits(reps, total, accel, (0.5 - level / 2, 0.5 + level / 2))
    warnings = [f"{k}: {w}" for k, r in results.items() for w in r.warnings]
    n_failed = int(np.isnan(reps).sum())
    if n_failed:
        warnings.append(f"{n_failed} of {nboot} bootstrap replicates of the total gave no estimate")
    return StrataResult(
        strata=results,
        estimate=total,
        observed=observed,
        hidden=total - observed,
        ci=(float(limits[0]), float(limits[1])),
        ci_level=level,
        ci_method="bootstrap",
        nboot=nboot,
        seed=seed,
        warnings=tuple(warnings),
    )
