"""The recommended estimate: one documented rule that combines methods, or declines.

No single multiple-systems estimator is safe on every population. Log-linear models chosen
stepwise are fooled by heterogeneous catchability; heterogeneity models and latent classes
by dependence between lists; the Bayesian latent-class model (LCMCR) sometimes does not
converge. The recommended estimate asks several of them and reports where they agree, and
says so when they do not.

**The rule** (chosen on simulated populations with known size, ``benchmarks/mse_coverage.py``;
figures in ``docs/estimation.md`` and ``benchmarks/RESULTS.md``):

1. Decline with ``two_lists`` when there are fewer than 3 lists, ``too_few`` when fewer than
   :data:`MIN_OBSERVED` people were observed, ``no_overlap`` when no two lists have a case in
   common. With two lists the decline still carries Chapman's estimate as a component that is
   not used: two lists cannot show heterogeneity or dependence, and on the two-list scenarios
   of the coverage grid Chapman's interval covered the truth only where the lists were truly
   independent (see ``docs/estimation.md``), so no interval built on it is honest.
2. Compute the components :data:`COMPONENTS`: the stepwise log-linear model (Chan,
   Silverman & Vincent 2019) with its quick interval; the AIC model average over all
   log-linear and the six heterogeneity models (:mod:`.sensitivity`; Buckland et al. 1997);
   and LCMCR (Manrique-Vallier 2016) with the short run :data:`LCMCR_SETTINGS`. A component
   that declines is left out (and named in the warnings); LCMCR is left out, with a warning,
   when its split R-hat exceeds :data:`RHAT_MAX`. With no component left: ``no_estimate``,
   or ``not_converged`` when LCMCR was the last one and failed its check.
3. With the component estimates :math:`\\hat N_m` and intervals :math:`[l_m, u_m]`, the
   recommended estimate is their median and the interval their envelope
   :math:`[\\min_m l_m, \\max_m u_m]` (the union of the methods' intervals: it covers when
   any method covers).
4. Decline with ``methods_disagree`` when the *spread* - the highest over the lowest
   estimate of the used components other than those in :data:`SPREAD_EXCLUDES` (all used
   components when fewer than two others are left) - exceeds :data:`DISAGREE_FACTOR`, and with
   ``unbounded`` when the envelope has no finite upper limit. The stepwise model is left out
   of the spread because heterogeneous catchability pulls it far below the others while its
   interval still joins the envelope: counting it made small heterogeneous populations
   decline in half the runs, without covering the truth more often.

Declining is a result (:attr:`RecommendedResult.reason`, a :class:`Reason` code, and
:attr:`RecommendedResult.reason_text` in English), never an exception.

References
----------
Buckland, S. T., Burnham, K. P. and Augustin, N. H. (1997). Model selection: an integral part
of inference. *Biometrics* 53, 603-618.

Chan, L., Silverman, B. W. and Vincent, K. (2021). Multiple systems estimation for sparse
capture data. *J. Amer. Statist. Assoc.* 116, 1297-1306.

Manrique-Vallier, D. (2016). Bayesian population size estimation using Dirichlet process
mixtures. *Biometrics* 72, 1246-1254.
"""

from __future__ import annotations

import enum
import math
import warnings as _warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np

from .data import CaptureHistories, as_histories
from .lcmcr import lcmcr
from .results import BaseResult, _fmt, _num
from .twolist import chapman

__all__ = [
    "COMPONENTS",
    "DISAGREE_FACTOR",
    "LCMCR_SETTINGS",
    "MIN_OBSERVED",
    "REASON_TEXT",
    "RHAT_MAX",
    "SPREAD_EXCLUDES",
    "Component",
    "Reason",
    "RecommendedResult",
    "combine",
    "component_results",
    "recommended",
]

COMPONENTS = ("stepwise", "average-aic", "lcmcr")
"""The methods the recommended estimate combines."""

MIN_OBSERVED = 20
"""Fewer observed people than this: decline (``too_few``)."""

DISAGREE_FACTOR = 3.0
"""Largest allowed spread (highest over lowest estimate, see :data:`SPREAD_EXCLUDES`).

Chosen on the training seeds of ``benchmarks/mse_coverage.py``: the smallest factor at which no
scenario declines in more than a quarter of its runs (2.5 declined in half the runs of 300
people on three lists), with the same coverage."""

SPREAD_EXCLUDES = ("stepwise",)
"""Components whose estimate does not count in the spread (their interval does count)."""

RHAT_MAX = 1.1
"""LCMCR is left out when the split R-hat of N over its chains exceeds this."""


class LcmcrRun(TypedDict):
    chains: int
    burnin: int
    samples: int
    thinning: int


LCMCR_SETTINGS: LcmcrRun = {"chains": 2, "burnin": 2_000, "samples": 500, "thinning": 5}
"""The short LCMCR run of the recommended estimate (K = 10 classes, LCMCR's priors)."""


class Reason(enum.StrEnum):
    """Why the recommended estimate declines (codes; :data:`REASON_TEXT` has the words)."""

    TWO_LISTS = "two_lists"
    TOO_FEW = "too_few"
    NO_OVERLAP = "no_overlap"
    METHODS_DISAGREE = "methods_disagree"
    NOT_CONVERGED = "not_converged"
    UNBOUNDED = "unbounded"
    NO_ESTIMATE = "no_estimate"
    STRATA_DECLINED = "strata_declined"


REASON_TEXT: dict[Reason, str] = {
    Reason.TWO_LISTS: "with fewer than three lists, heterogeneity and dependence between the "
    "lists cannot be checked, and a two-list estimate is then often far off (too low when some "
    "people are easier to see than others); use one knowingly (--method chapman)",
    Reason.TOO_FEW: f"fewer than {MIN_OBSERVED} people were observed, too few for any estimate",
    Reason.NO_OVERLAP: "no two lists have anyone in common, so nothing links the lists",
    Reason.METHODS_DISAGREE: "the methods disagree by more than a factor of "
    f"{DISAGREE_FACTOR:g}, so the data do not support one number",
    Reason.NOT_CONVERGED: "the latent-class sampler did not converge and no other method gave "
    "an estimate",
    Reason.UNBOUNDED: "the interval has no finite upper limit: the data cannot rule out a very "
    "large hidden population",
    Reason.NO_ESTIMATE: "none of the methods gave an estimate for these data",
    Reason.STRATA_DECLINED: "at least one stratum has no reliable estimate, so neither has "
    "the total (a sum without those strata would look complete and be too low)",
}


@dataclass(frozen=True)
class Component:
    """One method's part in the recommended estimate (``used`` False when left out)."""

    method: str
    estimate: float | None
    ci: tuple[float, float] | None
    used: bool
    note: str = ""
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "estimate": _num(self.estimate),
            "ci": None if self.ci is None else [_num(self.ci[0]), _num(self.ci[1])],
            "used": self.used,
            "note": self.note,
            **({"diagnostics": self.diagnostics} if self.diagnostics else {}),
        }


@dataclass(frozen=True)
class RecommendedResult(BaseResult):
    """The recommended estimate (see the module docstring for the rule).

    ``estimate`` and ``ci`` are None when it declines; then ``reason`` is a :class:`Reason`
    code and ``reason_text`` says it in words.
    """

    estimate: float | None
    ci: tuple[float, float] | None
    observed: int
    components: tuple[Component, ...] = ()
    warnings: tuple[str, ...] = ()
    reason: str | None = None
    reason_text: str | None = None
    ci_level: float = 0.95
    ci_method: str = "envelope"
    method: str = "recommended"
    spread: float | None = None

    @property
    def hidden(self) -> float | None:
        return None if self.estimate is None else self.estimate - self.observed

    def to_dict(self) -> dict[str, Any]:
        out = self._base_dict()
        out["hidden"] = _num(self.hidden)
        if self.reason is not None:
            out["reason_text"] = self.reason_text
        out["spread"] = _num(self.spread)
        out["components"] = [c.to_dict() for c in self.components]
        return out

    def summary_text(self) -> str:
        pct = round(100 * self.ci_level)
        lines = [f"Recommended estimate ({self.observed:,} observed)", "=" * 60]
        if self.estimate is None or self.ci is None:
            lines.append(f"No reliable estimate ({self.reason}): {self.reason_text}")
        else:
            lo, hi = self.ci
            lines.append(f"Estimated total   {_fmt(self.estimate)}")
            lines.append(f"{pct}% interval      {_fmt(lo)} - {_fmt(hi)} (envelope of the methods)")
        if self.components:
            lines += ["-" * 60, f"{'method':<14}{'estimate':>10}  {f'{pct}% interval':>21}  note"]
        for c in self.components:
            est = _fmt(c.estimate) if c.estimate is not None else "-"
            ci = f"{_fmt(c.ci[0])} - {_fmt(c.ci[1])}" if c.ci is not None else ""
            note = ("" if c.used else "left out: ") + c.note
            lines.append(f"{c.method:<14}{est:>10}  {ci:>21}  {note}".rstrip())
        if self.spread is not None:
            lines.append(
                f"highest / lowest estimate: {self.spread:.2f} (declines above {DISAGREE_FACTOR:g})"
            )
        if self.warnings:
            lines += ["-" * 60, "Warnings:"] + [f"  * {w}" for w in self.warnings]
        return "\n".join(lines)


def _declined(
    observed: int,
    reason: Reason,
    components: Sequence[Component] = (),
    warnings: Sequence[str] = (),
    level: float = 0.95,
    spread: float | None = None,
) -> RecommendedResult:
    return RecommendedResult(
        estimate=None,
        ci=None,
        observed=observed,
        components=tuple(components),
        warnings=tuple(warnings),
        reason=reason.value,
        reason_text=REASON_TEXT[reason],
        ci_level=level,
        spread=spread,
    )


def _prechecks(h: CaptureHistories) -> Reason | None:
    if h.k < 3:
        return Reason.TWO_LISTS
    if h.observed < MIN_OBSERVED:
        return Reason.TOO_FEW
    if all(h.overlap(i, j) == 0 for i in range(h.k) for j in range(i + 1, h.k)):
        return Reason.NO_OVERLAP
    return None


def component_results(
    h: CaptureHistories,
    *,
    seed: int | None = 0,
    level: float = 0.95,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Component, ...]:
    """Run the methods of :data:`COMPONENTS` on ``h`` (a method that declines is marked)."""
    from .api import NoEstimateError, estimate  # noqa: PLC0415 - api imports this module (cycle)
    from .sensitivity import AveragedResult, averaged, model_set  # noqa: PLC0415 - sensitivity imports api, which imports this (cycle)

    out: list[Component] = []
    try:
        r = estimate(h, "stepwise", level=level)
        out.append(Component("stepwise", r.estimate, r.ci, True, ", ".join(r.model_terms)))
    except NoEstimateError as exc:
        out.append(Component("stepwise", None, None, False, str(exc)))
    a = averaged(model_set(h), "aic", level)
    if not isinstance(a, AveragedResult):
        out.append(Component("average-aic", None, None, False, str(a.reason)))
    else:
        top = a.models[0]
        out.append(
            Component("average-aic", a.estimate, a.ci, True, f"top: {top[0]} (w {top[1]:.2f})")
        )
    b = lcmcr(h, seed=seed, progress=progress, **LCMCR_SETTINGS)
    diag: dict[str, Any] = {k: b.diagnostics[k] for k in ("rhat", "ess") if k in b.diagnostics}
    if b.estimate is None:
        out.append(Component("lcmcr", None, None, False, str(b.reason), diag))
    else:
        ci = b.conf_int(level=level)
        rhat = diag.get("rhat", math.nan)
        if not rhat <= RHAT_MAX:
            note = f"not converged: R-hat {rhat:.2f} > {RHAT_MAX:g}"
            out.append(Component("lcmcr", b.estimate, ci, False, note, diag))
        else:
            note = f"R-hat {rhat:.2f}, ESS {diag.get('ess', math.nan):.0f}"
            out.append(Component("lcmcr", b.estimate, ci, True, note, diag))
    return tuple(out)


def _spread(used: Sequence[Component], excludes: Sequence[str] = SPREAD_EXCLUDES) -> float:
    """Highest over lowest estimate of the used components, without ``excludes`` while at
    least two others are left."""
    counted = [c.estimate for c in used if c.method not in excludes]
    if len(counted) < 2:
        counted = [c.estimate for c in used]
    values = [float(v) for v in counted if v is not None]
    return max(values) / min(values)


def _two_list_component(h: CaptureHistories, level: float) -> Component:
    """Chapman's estimate, shown beside a ``two_lists`` decline but never used."""
    n1, n2 = h.list_totals.values()
    r = chapman(n1, n2, h.overlap(0, 1), level)
    note = "with two lists their independence cannot be checked"
    return Component("chapman", r.estimate, r.ci, False, note)


def combine(
    observed: int,
    components: Sequence[Component],
    *,
    factor: float = DISAGREE_FACTOR,
    level: float = 0.95,
    warnings: Sequence[str] = (),
    excludes: Sequence[str] = SPREAD_EXCLUDES,
) -> RecommendedResult:
    """Apply steps 2-4 of the rule to computed components (see the module docstring).

    ``factor`` and ``excludes`` are the library's; the coverage benchmark varies them."""
    warns = list(warnings)
    used = [c for c in components if c.used]
    for c in components:
        if not c.used:
            warns.append(f"{c.method} left out: {c.note}")
    if not used:
        lcmcr_failed = any(c.method == "lcmcr" and c.estimate is not None for c in components)
        reason = Reason.NOT_CONVERGED if lcmcr_failed else Reason.NO_ESTIMATE
        return _declined(observed, reason, components, warns, level)
    est = np.array([c.estimate for c in used], dtype=np.float64)
    spread = _spread(used, excludes)
    if spread > factor:
        return _declined(observed, Reason.METHODS_DISAGREE, components, warns, level, spread)
    intervals = [c.ci for c in used if c.ci is not None]
    if len(intervals) < len(used):  # a used component always has an interval
        return _declined(observed, Reason.NO_ESTIMATE, components, warns, level, spread)
    lo = min(ci[0] for ci in intervals)
    hi = max(ci[1] for ci in intervals)
    if not math.isfinite(hi):
        return _declined(observed, Reason.UNBOUNDED, components, warns, level, spread)
    return RecommendedResult(
        estimate=float(np.median(est)),
        ci=(float(max(lo, observed)), float(hi)),
        observed=observed,
        components=tuple(components),
        warnings=tuple(warns),
        ci_level=level,
        spread=spread,
    )


def recommended(
    data: Any,
    *,
    seed: int | None = 0,
    level: float = 0.95,
    progress: Callable[[int, int], None] | None = None,
) -> RecommendedResult:
    """The recommended estimate of the population size, or a reasoned decline.

    Parameters
    ----------
    data : CaptureHistories, pandas.DataFrame or path
        The capture histories.
    seed : int or None
        Seed of the LCMCR component (default 0, so the same data give the same answer).
    level : float
        Coverage of the component intervals (default 0.95).
    progress : callable, optional
        ``progress(done, total)`` in LCMCR sweeps.

    Returns
    -------
    RecommendedResult
        Never raises for data it can read; a decline has ``reason`` and ``reason_text``.
    """
    h = as_histories(data)
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    reason = _prechecks(h)
    if reason is Reason.TWO_LISTS and h.k == 2 and h.observed > 0:
        comp = _two_list_component(h, level)
        warns = (*h.warnings, "independence of the two lists cannot be checked")
        return _declined(h.observed, reason, (comp,), warns, level)
    if reason is not None:
        return _declined(h.observed, reason, (), h.warnings, level)
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")  # data warnings travel in h.warnings
        comps = component_results(h, seed=seed, level=level, progress=progress)
    return combine(h.observed, comps, level=level, warnings=h.warnings)
