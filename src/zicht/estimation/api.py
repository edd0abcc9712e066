"""High-level entry points: :func:`estimate`, :func:`fit_all_models`, :func:`sensitivity`.

References
----------
Chan, L., Silverman, B. W. and Vincent, K. (2019). Multiple systems estimation for sparse
capture data: inferential challenges when there are nonoverlapping lists. arXiv:1902.05156.

Silverman, B. W. (2014). Modern slavery: an application of multiple systems estimation.
Home Office.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .bootstrap import (
    BootstrapInfo,
    acceleration,
    bca_limits,
    bootstrap_replicates,
    jackknife,
)
from .data import CaptureHistories, as_histories
from .design import pair_index, pair_list
from .dga import dga
from .existence import check_model
from .fit import ModelFit, fit_model
from .heterogeneity import HETEROGENEITY_METHODS, fit_heterogeneity, heterogeneity_design
from .intervals import profile_interval, profile_interval_design, quick_interval
from .lcmcr import lcmcr
from .recommend import recommended
from .results import EstimateResult
from .selection import (
    MAX_LISTS_ALL_MODELS,
    AllModels,
    StepRecord,
    all_models,
    stepwise,
)
from .twolist import chapman, lincoln_petersen

__all__ = [
    "BAYES_METHODS",
    "CI_METHODS",
    "METHODS",
    "NoEstimateError",
    "estimate",
    "fit_all_models",
    "parse_terms",
]

METHODS = (
    "stepwise",
    "main",
    "fixed",
    "all",
    *HETEROGENEITY_METHODS,
    "lincoln-petersen",
    "chapman",
)
CI_METHODS = ("quick", "profile", "bootstrap")

Progress = Callable[[int, int], None]
# Fits the selected log-linear model to a table of counts: the fit and the selection steps.
Selector = Callable[[np.ndarray], tuple[ModelFit, tuple[StepRecord, ...]]]


class NoEstimateError(ValueError):
    """Raised when the data and model give no finite, identifiable estimate (the reason says
    why)."""


def parse_terms(
    terms: str | Sequence[str | tuple[int | str, int | str]] | None, list_names: Sequence[str]
) -> tuple[int, ...]:
    """Turn ``"A:B,C:D"``, ``["A:B"]``, ``[("A", "B")]`` or ``[(0, 1)]`` into pair indices."""
    if terms is None:
        return ()
    if isinstance(terms, str):
        terms = [t for t in (s.strip() for s in terms.split(",")) if t]
    names = list(list_names)
    index = pair_index(len(names))
    out: list[int] = []
    for term in terms:
        parts: list[int | str]
        if isinstance(term, str):
            parts = [p.strip() for p in term.split(":")]
        else:
            parts = list(term)
        if len(parts) != 2:
            raise ValueError(f"a two-list term needs two lists, like 'A:B'; got {term!r}")
        ids = []
        for p in parts:
            if isinstance(p, int | np.integer) and 0 <= int(p) < len(names):
                ids.append(int(p))
            elif str(p) in names:
                ids.append(names.index(str(p)))
            else:
                raise ValueError(f"unknown list {p!r} in term {term!r}; lists are {names}")
        i, j = sorted(ids)
        if i == j:
            raise ValueError(f"a two-list term needs two different lists; got {term!r}")
        if index[(i, j)] not in out:
            out.append(index[(i, j)])
    return tuple(out)


def _term_names(k: int, list_names: Sequence[str]) -> list[str]:
    return [f"{list_names[i]}:{list_names[j]}" for i, j in pair_list(k)]


def fit_all_models(data: Any, progress: Progress | None = None) -> AllModels:
    """Check and fit all ``2**(K(K-1)/2)`` models (``K <= 6``); see :class:`AllModels`."""
    h = as_histories(data)
    if h.k > MAX_LISTS_ALL_MODELS:
        raise ValueError(
            f"fitting all models is limited to {MAX_LISTS_ALL_MODELS} lists; these data have "
            f"{h.k} (2**{h.k * (h.k - 1) // 2} models)"
        )
    return all_models(h.k, h.counts, progress=progress)


def _selector(
    k: int, method: str, pairs: tuple[int, ...], pthresh: float, criterion: str
) -> Selector:
    if method == "stepwise":
        return lambda counts: stepwise(k, counts, pthresh)
    if method == "main":
        return lambda counts: (fit_model(k, counts, ()), ())
    if method == "fixed":
        return lambda counts: (fit_model(k, counts, pairs), ())
    if method == "all":

        def best(counts: np.ndarray) -> tuple[ModelFit, tuple[StepRecord, ...]]:
            am = all_models(k, counts)
            row = am.best(criterion)
            return fit_model(k, counts, am.pairs_of(row)), ()

        return best
    raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


def _two_list(h: CaptureHistories, method: str, level: float) -> EstimateResult:
    if h.k != 2:
        raise ValueError(f"the {method} estimator needs exactly two lists; these data have {h.k}")
    n1, n2 = h.list_totals.values()
    m = h.overlap(0, 1)
    try:
        res = (
            lincoln_petersen(n1, n2, m, level)
            if method == "lincoln-petersen"
            else chapman(n1, n2, m, level)
        )
    except ValueError as exc:
        raise NoEstimateError(str(exc)) from None
    return EstimateResult(
        estimate=res.estimate,
        observed=h.observed,
        hidden=res.estimate - h.observed,
        ci=res.ci,
        ci_level=level,
        ci_method="variance",
        method=method,
        list_names=h.list_names,
        warnings=h.warnings,
        extra={"variance": res.variance},
    )


def _bootstrap_interval(
    counts: np.ndarray,
    est_of: Callable[[np.ndarray], float],
    point: float,
    level: float,
    nboot: int,
    seed: int | None,
    progress: Progress | None,
    warnings: list[str],
) -> tuple[tuple[float, float], BootstrapInfo]:
    """BCa interval with the whole procedure ``est_of`` repeated in every replicate."""
    if nboot < 2:
        raise ValueError("nboot must be at least 2")
    reps = bootstrap_replicates(counts, est_of, nboot, seed, progress)
    jack_values, jack_weights = jackknife(counts, est_of)
    accel = acceleration(jack_values, jack_weights)
    limits, z0 = bca_limits(reps, point, accel, (0.5 - level / 2, 0.5 + level / 2))
    n_failed = int(np.isnan(reps).sum())
    if n_failed:
        warnings.append(f"{n_failed} of {nboot} bootstrap replicates gave no estimate")
    return (float(limits[0]), float(limits[1])), BootstrapInfo(
        reps, nboot, seed, z0, accel, n_failed
    )


def _heterogeneity(
    h: CaptureHistories,
    method: str,
    pairs: tuple[int, ...],
    theta: float | None,
    ci: str,
    level: float,
    nboot: int,
    seed: int | None,
    progress: Progress | None,
) -> EstimateResult:
    """An ``Mh``/``Mth`` heterogeneity model (:mod:`.heterogeneity`) as an EstimateResult."""
    names = _term_names(h.k, h.list_names)
    overlaps = {p: h.overlap(*pair_list(h.k)[p]) for p in pairs}
    empty = [names[p] for p, n in overlaps.items() if n == 0]
    if empty:
        raise NoEstimateError(
            "a two-list term without any overlap cannot be added to a heterogeneity model: "
            + ", ".join(empty)
        )
    hf = fit_heterogeneity(h.k, h.counts, method, theta=theta, pairs=pairs)
    if not hf.check.ok:
        raise NoEstimateError(f"no estimate for the model {hf.name}: {hf.check.reason()}")
    warnings = list(h.warnings)
    if hf.eta_at_zero:
        warnings.append(
            f"the heterogeneity parameter was estimated negative ({hf.eta_unconstrained:.3g}), "
            "which no mixture of catchabilities gives; it is set to 0 (no heterogeneity)"
        )
    if not hf.fit.converged:
        warnings.append("the Newton iterations did not fully converge")
    boot_info = None
    if ci == "quick":
        interval = quick_interval(h.observed, math.log(hf.hidden), hf.se_log_hidden, level)
    elif ci == "profile":
        x, _ = heterogeneity_design(
            h.k, hf.catchability, None if hf.eta_at_zero else hf.form, hf.theta, pairs
        )
        interval = profile_interval_design(x, h.counts, level)
    else:

        def est_of(c: np.ndarray) -> float:
            rep = fit_heterogeneity(h.k, c, method, theta=theta, pairs=pairs)
            if not rep.check.ok:
                raise ValueError(rep.check.reason())
            return rep.estimate

        interval, boot_info = _bootstrap_interval(
            h.counts, est_of, hf.estimate, level, nboot, seed, progress, warnings
        )
    if math.isinf(interval[1]):
        warnings.append("the upper confidence limit is unbounded")
    return EstimateResult(
        estimate=hf.estimate,
        observed=h.observed,
        hidden=hf.hidden,
        ci=interval,
        ci_level=level,
        ci_method=ci,
        method=method,
        list_names=h.list_names,
        model_terms=tuple(names[p] for p in pairs),
        params=hf.fit.beta,
        bse=np.sqrt(np.diag(hf.fit.cov)),
        param_names=hf.param_names(h.list_names),
        llf=hf.fit.loglik,
        aic=hf.aic,
        bic=hf.bic,
        deviance=hf.fit.deviance,
        df_resid=hf.df_resid,
        warnings=tuple(warnings),
        bootstrap=boot_info,
        extra={
            "model": hf.name,
            "heterogeneity": {
                "form": hf.form,
                "theta": hf.theta,
                "catchability": hf.catchability,
                "eta": hf.eta,
                "eta_at_zero": hf.eta_at_zero,
            },
            "stderr": hf.stderr,
        },
    )


def _estimate(
    data: Any,
    method: str = "stepwise",
    *,
    terms: str | Sequence[Any] | None = None,
    pthresh: float = 0.02,
    ci: str = "quick",
    level: float = 0.95,
    nboot: int = 1000,
    seed: int | None = None,
    criterion: str = "aic",
    theta: float | None = None,
    progress: Progress | None = None,
) -> EstimateResult:
    """Estimate the population size from multiple-list data.

    Parameters
    ----------
    data : CaptureHistories, pandas.DataFrame or path
        The capture histories (see :class:`CaptureHistories`).
    method : str
        ``"recommended"``: the recommended estimate (:func:`zicht.estimation.recommended`;
        takes only ``seed``, ``level`` and ``progress``; returns a
        :class:`~zicht.estimation.recommend.RecommendedResult`, which declines with a reason
        rather than raising); ``"lcmcr"``, ``"dga"``: the Bayesian estimators (their own
        options; a :class:`~zicht.estimation.BayesianEstimate`);
        ``"stepwise"`` (default): Chan, Silverman & Vincent's stepwise selection with threshold
        ``pthresh``; ``"main"``: main effects only; ``"fixed"``: main effects plus ``terms``;
        ``"all"``: the best of all models by ``criterion`` (K <= 6); ``"mh-poisson"``,
        ``"mh-darroch"``, ``"mh-gamma"``, ``"mth-poisson"``, ``"mth-darroch"``,
        ``"mth-gamma"``: heterogeneity models (:mod:`zicht.estimation.heterogeneity`, K >= 3),
        optionally with ``terms``; ``"lincoln-petersen"`` and ``"chapman"`` need K = 2 and give
        a variance-based interval.
    terms : str or sequence, optional
        For ``method="fixed"`` and the heterogeneity models: two-list terms such as
        ``"A:B,C:D"`` or ``[("A", "B")]``.
    pthresh : float
        Stepwise threshold (default 0.02).
    ci : {"quick", "profile", "bootstrap"}
        Interval type (see :mod:`zicht.estimation.intervals` and
        :mod:`zicht.estimation.bootstrap`).
    level : float
        Coverage of the interval (default 0.95).
    nboot : int
        Bootstrap replicates (default 1,000).
    seed : int, optional
        Seed of the bootstrap random numbers.
    criterion : {"aic", "bic"}
        Ranking criterion for ``method="all"``.
    theta : float, optional
        Parameter of the Poisson (default 2) and gamma (default 3.5) heterogeneity forms.
    progress : callable, optional
        ``progress(done, total)`` for long runs (bootstrap, all models).

    Returns
    -------
    EstimateResult

    Raises
    ------
    NoEstimateError
        When the chosen model's estimate is infinite or not identifiable.
    """
    h = as_histories(data)
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    if method in ("lincoln-petersen", "chapman"):
        return _two_list(h, method, level)
    pairs = _checked_terms(h, method, terms=terms, ci=ci, criterion=criterion, theta=theta)
    if method in HETEROGENEITY_METHODS:
        return _heterogeneity(h, method, pairs, theta, ci, level, nboot, seed, progress)
    select = _selector(h.k, method, pairs, pthresh, criterion)
    fit, steps, extra = _fit_chosen_model(h, method, select, criterion, progress)
    warnings = list(h.warnings)
    if not fit.fit.converged:
        warnings.append("the Newton iterations did not fully converge")
    interval, boot_info = _loglinear_interval(
        h,
        fit,
        select,
        ci=ci,
        level=level,
        nboot=nboot,
        seed=seed,
        progress=progress,
        warnings=warnings,
    )
    if math.isinf(interval[1]):
        warnings.append("the upper confidence limit is unbounded")
    names = _term_names(h.k, h.list_names)
    if fit.empty_pairs:
        warnings.append(
            "lists with no cases in common in the model: "
            + ", ".join(names[p] for p in fit.empty_pairs)
            + " (their interaction is minus infinity; AIC adds 2 for each)"
        )
    param_names = ["(Intercept)", *h.list_names, *names]
    order = list(fit.pairs) if method == "stepwise" else sorted(fit.pairs)
    return EstimateResult(
        estimate=fit.estimate,
        observed=h.observed,
        hidden=fit.hidden,
        ci=interval,
        ci_level=level,
        ci_method=ci,
        method=method,
        list_names=h.list_names,
        model_terms=tuple(names[p] for p in order),
        params=fit.fit.beta,
        bse=np.sqrt(np.diag(fit.fit.cov)),
        param_names=tuple(param_names[c] for c in fit.cols),
        llf=fit.fit.loglik,
        aic=fit.aic,
        bic=fit.bic,
        deviance=fit.fit.deviance,
        df_resid=fit.df_resid,
        warnings=tuple(warnings),
        empty_overlaps=tuple(names[p] for p in fit.empty_pairs),
        pthresh=pthresh if method == "stepwise" else None,
        steps=tuple((names[s.pair], s.pvalue) for s in steps),
        bootstrap=boot_info,
        extra=extra,
    )


def _checked_terms(
    h: CaptureHistories,
    method: str,
    *,
    terms: str | Sequence[Any] | None,
    ci: str,
    criterion: str,
    theta: float | None,
) -> tuple[int, ...]:
    """Refuse options that do not fit together; return the parsed ``terms`` (pairs).

    Everything is checked before any model is fitted, so a wrong option costs nothing.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if ci not in CI_METHODS:
        raise ValueError(f"unknown interval {ci!r}; choose one of {', '.join(CI_METHODS)}")
    if criterion not in ("aic", "bic"):
        raise ValueError(f"criterion must be 'aic' or 'bic', got {criterion!r}")
    if method == "all" and h.k > MAX_LISTS_ALL_MODELS:
        raise ValueError(
            f"method 'all' is limited to {MAX_LISTS_ALL_MODELS} lists; these data have {h.k}"
        )
    with_terms = method == "fixed" or method in HETEROGENEITY_METHODS
    pairs = parse_terms(terms, h.list_names) if with_terms else ()
    if not with_terms and terms:
        raise ValueError("terms are only used with method='fixed' and the heterogeneity models")
    if theta is not None and method not in HETEROGENEITY_METHODS:
        raise ValueError("theta is only used with the heterogeneity models")
    return pairs


def _fit_chosen_model(
    h: CaptureHistories,
    method: str,
    select: Selector,
    criterion: str,
    progress: Progress | None,
) -> tuple[ModelFit, tuple[StepRecord, ...], dict[str, Any]]:
    """Fit the log-linear model the method chooses: ``(fit, selection steps, extra)``.

    ``method="all"`` fits every model and keeps the best by ``criterion`` (its ranking goes
    into ``extra``); the other methods select with ``select``. A model without a finite,
    identifiable estimate raises :class:`NoEstimateError`.
    """
    extra: dict[str, Any] = {}
    steps: tuple[StepRecord, ...] = ()
    if method == "all":
        am = all_models(h.k, h.counts, progress=progress)
        row = am.best(criterion)
        fit = fit_model(h.k, h.counts, am.pairs_of(row))
        extra["models_checked"] = int(len(am.masks))
        extra["models_admissible"] = int(am.ok.sum())
        extra["ranking"] = am.table(h.list_names, criterion, top=10).to_dict(orient="records")
        extra["criterion"] = criterion
    else:
        fit, steps = select(h.counts)
    status = check_model(h.k, h.counts, fit.pairs)
    if not status.ok:
        names = _term_names(h.k, h.list_names)
        model = ", ".join(names[p] for p in fit.pairs) or "main effects"
        raise NoEstimateError(f"no estimate for the model ({model}): {status.reason()}")
    return fit, steps, extra


def _loglinear_interval(
    h: CaptureHistories,
    fit: ModelFit,
    select: Selector,
    *,
    ci: str,
    level: float,
    nboot: int,
    seed: int | None,
    progress: Progress | None,
    warnings: list[str],
) -> tuple[tuple[float, float], BootstrapInfo | None]:
    """The interval of the fitted model, and the bootstrap details when ``ci="bootstrap"``.

    The bootstrap repeats the whole selection on every resample (``select``), so the
    interval carries the uncertainty of choosing the model too.
    """
    if ci == "quick":
        return quick_interval(h.observed, math.log(fit.hidden), fit.se_log_hidden, level), None
    if ci == "profile":
        return profile_interval(h.k, h.counts, fit.pairs, level), None

    def est_of(c: np.ndarray) -> float:
        return select(c)[0].estimate

    return _bootstrap_interval(
        h.counts, est_of, fit.estimate, level, nboot, seed, progress, warnings
    )


@dataclasses.dataclass(frozen=True)
class _RefitInterval:
    """Recomputes a result's interval with another method or level (picklable)."""

    histories: CaptureHistories
    method: str
    options: tuple[tuple[str, Any], ...]

    def __call__(self, ci: str, level: float) -> tuple[float, float]:
        options = {**dict(self.options), "ci": ci, "level": level}
        return _estimate(self.histories, self.method, **options).ci


BAYES_METHODS = ("lcmcr", "dga")


def _other_method(h: CaptureHistories, method: str, kwargs: dict[str, Any]) -> Any:
    """``method="recommended"``, ``"lcmcr"`` or ``"dga"``: the options these accept."""
    allowed = {"recommended": {"seed", "level", "progress"}, "dga": {"seed"}}.get(
        method, {"seed", "progress", "K", "burnin", "samples", "thinning", "chains"}
    )
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise ValueError(f"method {method!r} does not take {', '.join(unknown)}")
    if method == "recommended":
        return recommended(h, **kwargs)
    if method == "lcmcr":
        return lcmcr(h, **kwargs)
    return dga(h, **kwargs)


@functools.wraps(_estimate)
def estimate(data: Any, method: str = "stepwise", **kwargs: Any) -> EstimateResult:
    h = as_histories(data)
    if method == "recommended" or method in BAYES_METHODS:
        return _other_method(h, method, kwargs)
    result = _estimate(h, method, **kwargs)
    options = tuple((k, v) for k, v in kwargs.items() if k not in ("progress", "ci", "level"))
    return dataclasses.replace(result, refit_ci=_RefitInterval(h, method, options))
