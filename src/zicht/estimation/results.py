"""Immutable result objects with text, HTML and dict summaries."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from .bootstrap import BootstrapInfo

__all__ = ["BaseResult", "DeclinedResult", "EstimateResult", "Summary"]

_CI_NAMES = {
    "quick": "quick (normal on log scale of the hidden count)",
    "profile": "profile likelihood",
    "bootstrap": "BCa bootstrap",
    "variance": "normal, from the estimator's variance",
}


def _ro(a: Any) -> np.ndarray:
    arr = np.array(a, dtype=np.float64)
    arr.setflags(write=False)
    return arr


def _fmt(x: float, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if math.isinf(x):
        return "infinite"
    return f"{x:,.{digits}f}"


def _num(x: float | None) -> float | None | str:
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


class BaseResult:
    """What every result of :mod:`zicht.estimation` offers (as statsmodels' results classes).

    Subclasses - :class:`EstimateResult` (log-linear, heterogeneity and two-list estimates),
    :class:`DeclinedResult`, :class:`~zicht.estimation.strata.StrataResult`,
    :class:`~zicht.estimation.sensitivity.AveragedResult` - carry ``estimate`` (the population
    total, ``None`` when the method declines), ``ci`` (``None`` likewise), ``ci_level``,
    ``ci_method``, ``method``, ``observed``, ``warnings`` and ``reason`` (why there is no
    estimate; ``None`` when there is one), and implement :meth:`to_dict` and :meth:`summary`.
    """

    estimate: float | None
    ci: tuple[float, float] | None
    ci_level: float
    ci_method: str
    method: str
    observed: int
    warnings: Sequence[str]
    reason: str | None = None

    @property
    def declined(self) -> bool:
        """True when the method gave no estimate (see :attr:`reason`)."""
        return self.reason is not None

    @property
    def interval(self) -> tuple[float, float] | None:
        """The confidence interval computed with the result (same as :attr:`ci`)."""
        return self.ci

    def _recompute_ci(self, method: str, level: float) -> tuple[float, float]:
        raise ValueError(
            f"this {type(self).__name__} has only its {self.ci_method} interval at level "
            f"{self.ci_level:g}; estimate again with ci={method!r}"
        )

    def conf_int(self, method: str | None = None, level: float | None = None):
        """The confidence interval for the total, by ``method`` at ``level``.

        Without arguments (or with the result's own method and level) this is :attr:`ci`.
        Other methods (``"quick"``, ``"profile"``, ``"bootstrap"``) are computed from the
        data and model kept with the result, where the result type can; otherwise a
        ``ValueError`` says which interval is available.
        """
        if self.declined:
            raise ValueError(f"no estimate, so no interval: {self.reason}")
        method = self.ci_method if method is None else method
        level = self.ci_level if level is None else level
        if method == self.ci_method and level == self.ci_level:
            return self.ci
        return self._recompute_ci(method, level)

    def _base_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "method": self.method,
            "observed": self.observed,
            "estimate": None if self.estimate is None else _num(self.estimate),
            "ci": None if self.ci is None else [_num(self.ci[0]), _num(self.ci[1])],
            "ci_level": self.ci_level,
            "ci_method": self.ci_method,
            "warnings": list(self.warnings),
        }
        if self.reason is not None:
            out["reason"] = self.reason
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (infinite values as the strings "inf"/"-inf")."""
        return self._base_dict()

    def summary_text(self) -> str:
        """A short plain-text account."""
        if self.estimate is None or self.ci is None:
            return f"{self.method}: no estimate ({self.reason})"
        lo, hi = self.ci
        return (
            f"{self.method}: {_fmt(self.estimate)} ({round(100 * self.ci_level)}% interval "
            f"{_fmt(lo)} - {_fmt(hi)}, {self.ci_method})"
        )

    def summary(self):
        """A printable summary (``str(result.summary())``)."""
        return _TextSummary(self.summary_text(), self.to_dict())


@dataclass(frozen=True)
class _TextSummary:
    text: str
    data: dict[str, Any]

    def as_text(self) -> str:
        return self.text

    def as_html(self) -> str:
        return f"<pre>{html.escape(self.text)}</pre>"

    def as_dict(self) -> dict[str, Any]:
        return self.data

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class DeclinedResult(BaseResult):
    """A method that gives no estimate for these data, and why (``reason``).

    Declining is an answer, not an error: a sensitivity table or a command-line ``--json``
    shows it as a row with ``estimate`` and ``ci`` null and the reason.
    """

    method: str
    observed: int
    reason: str
    warnings: tuple[str, ...] = ()
    ci_level: float = 0.95
    ci_method: str = "none"
    estimate: None = None
    ci: None = None


@dataclass(frozen=True)
class EstimateResult(BaseResult):
    """Population-size estimate from multiple systems estimation (read-only).

    Attributes
    ----------
    estimate : float
        Estimated total population: observed + hidden.
    observed : int
        Cases on at least one list.
    hidden : float
        Estimated number of cases on no list (the "dark figure"), ``exp(intercept)``.
    ci : tuple of float
        Confidence interval for the total.
    ci_level : float
        Its coverage (0.95 by default).
    ci_method : str
        ``"quick"``, ``"profile"``, ``"bootstrap"`` or ``"variance"`` (two-list estimators).
    method : str
        How the model was chosen: ``"stepwise"``, ``"main"``, ``"fixed"``, ``"all"``,
        ``"lincoln-petersen"`` or ``"chapman"``.
    model_terms : tuple of str
        Two-list terms in the model, ``"A:B"`` with the list names (stepwise: in the order
        added). Includes non-overlapping pairs, listed also in ``empty_overlaps``.
    params, bse : ndarray
        Fitted log-linear parameters and their standard errors, named by ``param_names``
        (``"(Intercept)"``, the lists, ``"A:B"``). Non-overlapping pairs (parameter at minus
        infinity) are not among them.
    llf : float
        Poisson log-likelihood of the fitted cells.
    aic, bic, deviance : float
        ``aic = -2 llf + 2 q`` and ``bic = -2 llf + q log(observed)``, where ``q`` counts the
        fitted parameters plus one per non-overlapping pair in the model (Chan et al. 2019).
    df_resid : int
        Fitted cells minus fitted parameters.
    warnings : tuple of str
        Data and method warnings.
    """

    estimate: float
    observed: int
    hidden: float
    ci: tuple[float, float]
    ci_level: float
    ci_method: str
    method: str
    list_names: tuple[str, ...]
    model_terms: tuple[str, ...] = ()
    params: np.ndarray = field(default_factory=lambda: _ro([]))
    bse: np.ndarray = field(default_factory=lambda: _ro([]))
    param_names: tuple[str, ...] = ()
    llf: float = math.nan
    aic: float = math.nan
    bic: float = math.nan
    deviance: float = math.nan
    df_resid: int = 0
    warnings: tuple[str, ...] = ()
    empty_overlaps: tuple[str, ...] = ()
    pthresh: float | None = None
    steps: tuple[tuple[str, float], ...] = ()
    bootstrap: BootstrapInfo | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    reason: None = None
    # recomputes the interval from the data and settings kept by estimate(); see conf_int()
    refit_ci: Callable[[str, float], tuple[float, float]] | None = field(
        default=None, compare=False, repr=False
    )

    def _recompute_ci(self, method: str, level: float) -> tuple[float, float]:
        if self.refit_ci is None:
            return super()._recompute_ci(method, level)
        return self.refit_ci(method, level)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _ro(self.params))
        object.__setattr__(self, "bse", _ro(self.bse))
        object.__setattr__(self, "ci", (float(self.ci[0]), float(self.ci[1])))
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    # ------------------------------------------------------------------ presentation
    @property
    def params_dict(self) -> dict[str, float]:
        """Parameters by name."""
        return dict(zip(self.param_names, self.params.tolist(), strict=True))

    def explain(self) -> str:
        """One plain-language sentence for non-statisticians."""
        lo, hi = self.ci
        pct = round(100 * self.ci_level)
        hi_text = "an unknown upper limit" if math.isinf(hi) else f"{hi:,.0f}"
        return (
            f"{self.observed:,} people were found on at least one of the {len(self.list_names)} "
            f"lists; the estimate is that about {self.estimate:,.0f} people are in the population "
            f"in total, so around {self.hidden:,.0f} were on none of the lists. With "
            f"{pct}% confidence the total lies between {lo:,.0f} and {hi_text}, provided the "
            "assumptions hold (no one joined or left during the period, records were linked "
            "correctly, and the model fits)."
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (infinite values as the strings "inf"/"-inf")."""
        out: dict[str, Any] = {
            "observed": self.observed,
            "estimate": _num(self.estimate),
            "hidden": _num(self.hidden),
            "ci": [_num(self.ci[0]), _num(self.ci[1])],
            "ci_level": self.ci_level,
            "ci_method": self.ci_method,
            "method": self.method,
            "lists": list(self.list_names),
            "model_terms": list(self.model_terms),
            "empty_overlaps": list(self.empty_overlaps),
            "params": {n: _num(v) for n, v in zip(self.param_names, self.params, strict=True)},
            "bse": {n: _num(v) for n, v in zip(self.param_names, self.bse, strict=True)},
            "llf": _num(self.llf),
            "aic": _num(self.aic),
            "bic": _num(self.bic),
            "deviance": _num(self.deviance),
            "df_resid": self.df_resid,
            "warnings": list(self.warnings),
            "explanation": self.explain(),
        }
        if self.pthresh is not None:
            out["pthresh"] = self.pthresh
        if self.steps:
            out["steps"] = [{"term": t, "pvalue": p} for t, p in self.steps]
        if self.bootstrap is not None:
            b = self.bootstrap
            out["bootstrap"] = {
                "nboot": b.nboot,
                "seed": b.seed,
                "z0": b.z0,
                "acceleration": b.acceleration,
                "failed_replicates": b.n_failed,
            }
        for key, value in self.extra.items():
            out[key] = value
        return out

    def summary(self) -> Summary:
        """A :class:`Summary` that renders as text (``str``), HTML and dict."""
        return Summary(self)

    def __str__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()


@dataclass(frozen=True)
class Summary:
    """Renderings of an :class:`EstimateResult`."""

    result: EstimateResult

    def _rows(self) -> list[tuple[str, str]]:
        r = self.result
        pct = round(100 * r.ci_level)
        rows = [
            ("Lists", ", ".join(r.list_names)),
            ("Observed", _fmt(r.observed)),
            ("Estimated hidden", _fmt(r.hidden)),
            ("Estimated total", _fmt(r.estimate)),
            (f"{pct}% interval", f"{_fmt(r.ci[0])} - {_fmt(r.ci[1])}"),
            ("Interval method", _CI_NAMES.get(r.ci_method, r.ci_method)),
            ("Model selection", r.method + (f" (p < {r.pthresh:g})" if r.pthresh else "")),
            ("Two-list terms", ", ".join(r.model_terms) or "none (main effects only)"),
        ]
        if "heterogeneity" in r.extra:
            het = r.extra["heterogeneity"]
            rows.append(
                (
                    "Heterogeneity",
                    f"{r.extra['model']}: eta {het['eta']:.4g}"
                    + (" (estimated negative, set to 0)" if het["eta_at_zero"] else ""),
                )
            )
        if r.empty_overlaps:
            rows.append(("Non-overlapping pairs", ", ".join(r.empty_overlaps)))
        if not math.isnan(r.aic):
            rows += [
                ("AIC / BIC", f"{r.aic:.2f} / {r.bic:.2f}"),
                ("Deviance (df)", f"{r.deviance:.2f} ({r.df_resid})"),
            ]
        if r.bootstrap is not None:
            b = r.bootstrap
            rows.append(
                (
                    "Bootstrap",
                    f"{b.nboot} replicates, seed {b.seed}, "
                    f"z0 {b.z0:.3f}, a {b.acceleration:.4f}, failed {b.n_failed}",
                )
            )
        return rows

    def as_text(self) -> str:
        r = self.result
        rows = self._rows()
        width = max(len(k) for k, _ in rows)
        lines = ["Multiple systems estimation", "=" * 60]
        lines += [f"{k:<{width}}  {v}" for k, v in rows]
        if r.param_names:
            lines += ["-" * 60, f"{'Parameter':<20}{'estimate':>14}{'std. error':>14}"]
            lines += [
                f"{n:<20}{p:>14.4f}{s:>14.4f}"
                for n, p, s in zip(r.param_names, r.params, r.bse, strict=True)
            ]
        if r.steps:
            lines += ["-" * 60, "Stepwise additions (term, p-value):"]
            lines += [f"  {t:<18}{p:.3g}" for t, p in r.steps]
        if r.warnings:
            lines += ["-" * 60, "Warnings:"] + [f"  * {w}" for w in r.warnings]
        lines += ["-" * 60, r.explain()]
        return "\n".join(lines)

    def as_html(self) -> str:
        r = self.result
        e = html.escape
        body = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in self._rows())
        parts = [f'<table class="mse-summary">{body}</table>']
        if r.param_names:
            prow = "".join(
                f"<tr><td>{e(n)}</td><td>{p:.4f}</td><td>{s:.4f}</td></tr>"
                for n, p, s in zip(r.param_names, r.params, r.bse, strict=True)
            )
            parts.append(
                '<table class="mse-params"><tr><th>Parameter</th><th>Estimate</th>'
                f"<th>Std. error</th></tr>{prow}</table>"
            )
        if r.warnings:
            parts.append("<ul>" + "".join(f"<li>{e(w)}</li>" for w in r.warnings) + "</ul>")
        parts.append(f"<p>{e(r.explain())}</p>")
        return "\n".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return self.result.to_dict()

    def __str__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()
