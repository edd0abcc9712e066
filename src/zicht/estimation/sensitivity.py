"""How much the answer depends on the method: many estimators side by side, from one call.

:func:`sensitivity` runs every method in a registry of named callables on the same data and
collects their estimates and intervals in a :class:`Sensitivity` object, together with the
stepwise estimate at each threshold of :data:`~zicht.estimation.selection.DEFAULT_THRESHOLDS`.
A method that gives no estimate for these data is a row with its reason, never an exception;
a method whose module is not installed is a row marked "not available".

The registry (:data:`REGISTRY`, extended with :func:`register`) holds, in this order:

* ``stepwise``: Chan, Silverman & Vincent's stepwise log-linear model (threshold 0.02) with
  its quick interval;
* ``best-bic``: the model with the smallest BIC in the model set (below), quick interval;
* ``average-aic``, ``average-bic``: model averaging over the model set with Akaike or
  Schwarz weights (below);
* ``mth-darroch``, ``mth-poisson``, ``mth-gamma``, ``mh-darroch``, ``mh-poisson``,
  ``mh-gamma``: the heterogeneity models of :mod:`.heterogeneity`, quick interval;
* ``lcmcr`` and ``dga``: the Bayesian latent-class (Manrique-Vallier 2016) and decomposable
  graphical model averaging (Madigan & York 1997) estimators, imported from
  ``zicht.estimation.lcmcr`` and ``zicht.estimation.dga`` when the row is computed.

**Model set.** For ``K <= 6`` lists: the main effects plus every set of two-list terms
(:func:`~zicht.estimation.selection.all_models`), and the six ``Mh``/``Mth`` heterogeneity
models; models whose estimate is infinite or not identifiable are left out.

**Model averaging** (Buckland, Burnham & Augustin 1997; Burnham & Anderson 2002, sections 4.2
and 4.3). With :math:`\\Delta_m` the AIC (or BIC) of model :math:`m` minus the smallest, the
weights are :math:`w_m = e^{-\\Delta_m/2} / \\sum_l e^{-\\Delta_l/2}`. Averaging is done on the
scale of the log of the hidden number, :math:`\\lambda_m = \\hat\\theta_{0,m}`, where the quick
interval is built:

.. math:: \\bar\\lambda = \\sum_m w_m \\lambda_m, \\qquad
          \\widehat{se}(\\bar\\lambda) = \\sum_m w_m \\sqrt{se_m^2 + (\\lambda_m - \\bar\\lambda)^2},

and the estimate and interval of the total are :math:`n + e^{\\bar\\lambda}` and
:math:`n + e^{\\bar\\lambda \\pm z\\,\\widehat{se}}`. The unconditional standard error adds the
spread between models to each model's own standard error.

References
----------
Buckland, S. T., Burnham, K. P. and Augustin, N. H. (1997). Model selection: an integral part
of inference. *Biometrics* 53, 603-618.

Burnham, K. P. and Anderson, D. R. (2002). *Model Selection and Multimodel Inference*, 2nd ed.
Springer.

Chan, L., Silverman, B. W. and Vincent, K. (2021). *J. Amer. Statist. Assoc.* 116, 1297-1306.

Darroch, J. N., Fienberg, S. E., Glonek, G. F. V. and Junker, B. W. (1993). *J. Amer. Statist.
Assoc.* 88, 1137-1148.
"""

from __future__ import annotations

import importlib
import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .api import NoEstimateError, _term_names, estimate
from .data import CaptureHistories, as_histories
from .existence import check_model
from .heterogeneity import HETEROGENEITY_METHODS, fit_heterogeneity, model_name
from .intervals import quick_interval
from .results import BaseResult, DeclinedResult, _fmt, _num
from .selection import DEFAULT_THRESHOLDS, MAX_LISTS_ALL_MODELS, all_models, stepwise

__all__ = [
    "REGISTRY",
    "AveragedResult",
    "MethodEntry",
    "ModelSet",
    "Sensitivity",
    "ThresholdRow",
    "model_set",
    "register",
    "sensitivity",
]


@dataclass(frozen=True)
class RunContext:
    """What a registered method is called with: the data and the shared settings."""

    histories: CaptureHistories
    level: float = 0.95
    seed: int | None = None
    options: dict[str, Any] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def model_set(self) -> ModelSet:
        """The model set (computed once per call of :func:`sensitivity`)."""
        if "model_set" not in self._cache:
            self._cache["model_set"] = model_set(self.histories)
        return self._cache["model_set"]


Runner = Callable[[RunContext], Any]


@dataclass(frozen=True)
class MethodEntry:
    """One named method of the registry.

    Either ``run`` (called with a :class:`RunContext`) or ``module`` and ``attr``: the callable
    ``module.attr(histories, seed=..., ...)`` is imported when the row is computed, and the row
    is marked "not available" when the module is not installed.
    """

    name: str
    label: str
    run: Runner | None = None
    module: str | None = None
    attr: str | None = None


REGISTRY: dict[str, MethodEntry] = {}


def register(
    name: str,
    run: Runner | None = None,
    *,
    label: str,
    module: str | None = None,
    attr: str | None = None,
) -> MethodEntry:
    """Add (or replace) a method in :data:`REGISTRY`; returns the entry."""
    if (run is None) == (module is None):
        raise ValueError("give either run or module (with attr)")
    entry = MethodEntry(name=name, label=label, run=run, module=module, attr=attr or name)
    REGISTRY[name] = entry
    return entry


# ---------------------------------------------------------------------------- model set
@dataclass(frozen=True)
class ModelSet:
    """The candidate models with their fit criteria (see the module docstring)."""

    names: tuple[str, ...]
    log_hidden: np.ndarray
    se_log_hidden: np.ndarray
    aic: np.ndarray
    bic: np.ndarray
    observed: int
    note: str = ""

    def weights(self, criterion: str) -> np.ndarray:
        """Akaike (``"aic"``) or Schwarz (``"bic"``) weights :math:`w_m`."""
        values = {"aic": self.aic, "bic": self.bic}[criterion]
        delta = values - values.min()
        w = np.exp(-delta / 2.0)
        return w / w.sum()


def model_set(h: CaptureHistories) -> ModelSet:
    """All admissible log-linear models (``K <= 6``) and the six heterogeneity models."""
    names: list[str] = []
    lam: list[float] = []
    se: list[float] = []
    aic: list[float] = []
    bic: list[float] = []
    note = ""
    if h.k <= MAX_LISTS_ALL_MODELS:
        am = all_models(h.k, h.counts)

        terms = _term_names(h.k, h.list_names)
        for r in np.flatnonzero(am.ok):
            names.append(", ".join(terms[p] for p in am.pairs_of(int(r))) or "(main effects)")
            lam.append(math.log(am.hidden[r]))
            se.append(am.se_log_hidden[r])
            aic.append(am.aic[r])
            bic.append(am.bic[r])
    else:
        note = f"log-linear models left out: all-models search needs K <= {MAX_LISTS_ALL_MODELS}"
    if h.k >= 3:
        for method in HETEROGENEITY_METHODS:
            f = fit_heterogeneity(h.k, h.counts, method)
            if f.check.ok and not f.eta_at_zero and f.fit.converged:
                names.append(f.name)
                lam.append(float(f.fit.beta[0]))
                se.append(f.se_log_hidden)
                aic.append(f.aic)
                bic.append(f.bic)
    return ModelSet(
        names=tuple(names),
        log_hidden=np.array(lam),
        se_log_hidden=np.array(se),
        aic=np.array(aic),
        bic=np.array(bic),
        observed=h.observed,
        note=note,
    )


# ---------------------------------------------------------------------------- results
@dataclass(frozen=True)
class AveragedResult(BaseResult):
    """A model-averaged estimate (see the module docstring) with its top models."""

    estimate: float
    ci: tuple[float, float]
    observed: int
    hidden: float
    criterion: str
    models: tuple[tuple[str, float, float], ...]  # (model, weight, estimate), by weight
    n_models: int
    ci_level: float = 0.95
    ci_method: str = "unconditional (model averaging)"
    method: str = "average"
    warnings: tuple[str, ...] = ()
    reason: None = None

    def to_dict(self) -> dict[str, Any]:
        out = self._base_dict()
        out.update(
            hidden=_num(self.hidden),
            criterion=self.criterion,
            n_models=self.n_models,
            top_models=[{"model": m, "weight": w, "estimate": e} for m, w, e in self.models],
        )
        return out


def averaged(
    ms: ModelSet, criterion: str, level: float, top: int = 5
) -> AveragedResult | DeclinedResult:
    """Model averaging over ``ms`` with Akaike or Schwarz weights."""
    method = f"average-{criterion}"
    if not ms.names:
        return DeclinedResult(method, ms.observed, "no model in the set has an estimate")
    w = ms.weights(criterion)
    lam_bar = float(w @ ms.log_hidden)
    se_u = float(w @ np.sqrt(ms.se_log_hidden**2 + (ms.log_hidden - lam_bar) ** 2))
    ci = quick_interval(ms.observed, lam_bar, se_u, level)
    order = np.argsort(-w, kind="stable")[:top]
    return AveragedResult(
        estimate=ms.observed + math.exp(lam_bar),
        ci=ci,
        observed=ms.observed,
        hidden=math.exp(lam_bar),
        criterion=criterion,
        models=tuple(
            (ms.names[i], float(w[i]), ms.observed + math.exp(ms.log_hidden[i])) for i in order
        ),
        n_models=len(ms.names),
        ci_level=level,
        method=method,
        warnings=(ms.note,) if ms.note else (),
    )


def _best_bic(ctx: RunContext) -> BaseResult:
    ms = ctx.model_set()
    if not ms.names:
        return DeclinedResult("best-bic", ms.observed, "no model in the set has an estimate")
    best = ms.names[int(np.argmin(ms.bic))]
    het = {model_name(c, f): m for m, (c, f) in HETEROGENEITY_METHODS.items()}
    if best in het:
        return estimate(ctx.histories, het[best], level=ctx.level)
    terms = None if best == "(main effects)" else best.replace(" ", "")
    method = "main" if terms is None else "fixed"
    return estimate(ctx.histories, method, terms=terms, level=ctx.level)


def _stepwise(ctx: RunContext) -> BaseResult:
    return estimate(ctx.histories, "stepwise", level=ctx.level)


def _heterogeneity_runner(method: str) -> Runner:
    def run(ctx: RunContext) -> BaseResult:
        return estimate(ctx.histories, method, level=ctx.level)

    return run


register("stepwise", _stepwise, label="stepwise log-linear (p < 0.02)")
register("best-bic", _best_bic, label="best model by BIC")
register(
    "average-aic",
    lambda ctx: averaged(ctx.model_set(), "aic", ctx.level),
    label="model average, AIC weights",
)
register(
    "average-bic",
    lambda ctx: averaged(ctx.model_set(), "bic", ctx.level),
    label="model average, BIC weights",
)
for _method, (_c, _f) in HETEROGENEITY_METHODS.items():
    register(_method, _heterogeneity_runner(_method), label=f"heterogeneity {model_name(_c, _f)}")
register("lcmcr", module="zicht.estimation.lcmcr", attr="lcmcr", label="latent classes (LCMCR)")
register("dga", module="zicht.estimation.dga", attr="dga", label="graphical models (dga)")


# ---------------------------------------------------------------------------- the object
@dataclass(frozen=True)
class MethodRow:
    """One method's outcome: ``status`` is ``"ok"``, ``"declined"`` or ``"not available"``."""

    name: str
    label: str
    status: str
    result: Any = None
    note: str = ""

    @property
    def estimate(self) -> float | None:
        return None if self.status != "ok" else float(self.result.estimate)

    @property
    def ci(self) -> tuple[float, float] | None:
        if self.status != "ok":
            return None
        lo, hi = self.result.ci
        return (float(lo), float(hi))

    def to_dict(self) -> dict[str, Any]:
        ok = self.status == "ok"
        warnings = list(getattr(self.result, "warnings", ()) or ())
        return {
            "method": self.name,
            "label": self.label,
            "status": self.status,
            "estimate": _num(self.estimate) if ok else None,
            "ci": [_num(c) for c in self.ci] if ok and self.ci is not None else None,
            "ci_method": getattr(self.result, "ci_method", None) if ok else None,
            "warnings": warnings,
            "note": self.note,
        }


@dataclass(frozen=True)
class ThresholdRow:
    """The stepwise model at one threshold."""

    pthresh: float
    terms: tuple[str, ...]
    estimate: float
    ci: tuple[float, float]
    aic: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "pthresh": self.pthresh,
            "terms": list(self.terms),
            "estimate": self.estimate,
            "ci": list(self.ci),
            "aic": self.aic,
        }


@dataclass(frozen=True)
class Sensitivity:
    """Estimates of several methods and of the stepwise model at several thresholds.

    Attributes
    ----------
    observed : int
    list_names : tuple of str
    level : float
    methods : tuple of MethodRow
        One row per method requested, in registry order.
    thresholds : tuple of ThresholdRow
        Stepwise estimate and quick interval at each threshold.
    """

    observed: int
    list_names: tuple[str, ...]
    level: float
    methods: tuple[MethodRow, ...]
    thresholds: tuple[ThresholdRow, ...]

    def __getitem__(self, name: str) -> MethodRow:
        for row in self.methods:
            if row.name == name:
                return row
        raise KeyError(name)

    @property
    def spread(self) -> tuple[float, float] | None:
        """Smallest and largest estimate over the methods that gave one."""
        values = [
            e for e in (r.estimate for r in self.methods if r.status == "ok") if e is not None
        ]
        return (min(values), max(values)) if values else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable: ``observed``, ``lists``, ``level``, ``methods``, ``thresholds``."""
        return {
            "observed": self.observed,
            "lists": list(self.list_names),
            "level": self.level,
            "methods": [r.to_dict() for r in self.methods],
            "thresholds": [t.to_dict() for t in self.thresholds],
        }

    def table(self):
        """The methods as a pandas DataFrame (one row per method)."""
        import pandas as pd  # noqa: PLC0415 - pandas only for DataFrame output

        rows = []
        for r in self.methods:
            d = r.to_dict()
            ci = d.pop("ci") or [None, None]
            d.pop("warnings")
            rows.append({**d, "ci_low": ci[0], "ci_high": ci[1]})
        return pd.DataFrame(rows)

    def summary_text(self) -> str:
        """A plain-text table of the methods and the thresholds."""
        pct = round(100 * self.level)
        width = max(len(r.label) for r in self.methods) if self.methods else 10
        lines = [
            f"Sensitivity of the estimate to the method ({self.observed:,} observed)",
            f"{'method':<{width}}  {'estimate':>10}  {f'{pct}% interval':>23}  note",
            "-" * (width + 50),
        ]
        for r in self.methods:
            if r.status == "ok" and r.estimate is not None and r.ci is not None:
                lo, hi = r.ci
                lines.append(
                    f"{r.label:<{width}}  {_fmt(r.estimate):>10}  "
                    f"{_fmt(lo):>10} - {_fmt(hi):>10}  {r.note}".rstrip()
                )
            else:
                lines.append(f"{r.label:<{width}}  {'-':>10}  {'-':>23}  {r.status}: {r.note}")
        lines += ["", "Stepwise model by threshold", f"{'p':>7}  {'estimate':>10}  terms"]
        for t in self.thresholds:
            lines.append(
                f"{t.pthresh:>7g}  {_fmt(t.estimate):>10}  {', '.join(t.terms) or '(main)'}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary_text()


def _call_entry(entry: MethodEntry, ctx: RunContext) -> MethodRow:
    run: Runner
    if entry.module is not None and entry.attr is not None:
        try:
            module = importlib.import_module(entry.module)
        except ModuleNotFoundError as exc:
            if exc.name is not None and entry.module.startswith(exc.name):
                return MethodRow(entry.name, entry.label, "not available", note="not available")
            raise
        func = getattr(module, entry.attr)
        params = inspect.signature(func).parameters
        kwargs = {"seed": ctx.seed} if "seed" in params else {}
        kwargs.update({k: v for k, v in ctx.options.get(entry.name, {}).items()})
        run = lambda c: func(c.histories, **kwargs)  # noqa: E731
    elif entry.run is not None:
        run = entry.run
    else:
        raise ValueError(f"method {entry.name!r} has neither a runner nor a module")

    try:
        result = run(ctx)
    except (NoEstimateError, ValueError, np.linalg.LinAlgError) as exc:
        return MethodRow(entry.name, entry.label, "declined", note=str(exc))
    if getattr(result, "estimate", None) is None:
        reason = getattr(result, "reason", None) or "no estimate"
        return MethodRow(entry.name, entry.label, "declined", result=result, note=str(reason))
    note = ""
    het = getattr(result, "extra", {}).get("heterogeneity") if entry.module is None else None
    if het and het["eta_at_zero"]:
        note = "eta estimated negative, set to 0: no heterogeneity"
    if entry.name == "best-bic" or entry.name.startswith("average"):
        models = getattr(result, "models", None)
        if models:
            note = f"top: {models[0][0]} (w {models[0][1]:.2f}) of {result.n_models}"
        else:
            note = ", ".join(getattr(result, "model_terms", ())) or str(
                result.extra.get("model", "(main effects)")
            )
    return MethodRow(entry.name, entry.label, "ok", result=result, note=note)


def sensitivity(
    data: Any,
    methods: Sequence[str] | None = None,
    *,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    level: float = 0.95,
    seed: int | None = None,
    options: dict[str, dict[str, Any]] | None = None,
) -> Sensitivity:
    """Run several estimators on the same data and collect them in one table.

    Parameters
    ----------
    data : CaptureHistories, DataFrame or path
    methods : sequence of str, optional
        Names in :data:`REGISTRY` (default: all, in registry order). ``[]`` gives only the
        threshold table.
    thresholds : sequence of float
        Stepwise thresholds of the threshold table (default 0.001 ... 0.2, eight values).
    level : float
        Coverage of the intervals.
    seed : int, optional
        Passed to the methods that draw random numbers (LCMCR, dga).
    options : dict, optional
        Extra keyword arguments per lazily imported method, e.g.
        ``{"lcmcr": {"samples": 2000}}``.

    Returns
    -------
    Sensitivity
        Never raises for a method that declines: its row has status ``"declined"`` and the
        reason, or ``"not available"`` when its module is not installed.
    """
    h = as_histories(data)
    names = list(REGISTRY) if methods is None else list(methods)
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise ValueError(
            f"unknown method(s) {', '.join(unknown)}; choose from {', '.join(REGISTRY)}"
        )
    ctx = RunContext(h, level=level, seed=seed, options=dict(options or {}))
    rows = tuple(_call_entry(REGISTRY[n], ctx) for n in names)

    terms = _term_names(h.k, h.list_names)
    trows = []
    for p in thresholds:
        fit, steps = stepwise(h.k, h.counts, p)
        if not check_model(h.k, h.counts, fit.pairs).ok:
            continue  # no finite, identifiable estimate at this threshold
        trows.append(
            ThresholdRow(
                pthresh=float(p),
                terms=tuple(terms[s.pair] for s in steps),
                estimate=fit.estimate,
                ci=quick_interval(h.observed, math.log(fit.hidden), fit.se_log_hidden, level),
                aic=fit.aic,
            )
        )
    return Sensitivity(
        observed=h.observed,
        list_names=h.list_names,
        level=level,
        methods=rows,
        thresholds=tuple(trows),
    )
