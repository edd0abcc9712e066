"""Result object and convergence diagnostics of the Bayesian estimators (LCMCR, dga).

:class:`BayesianEstimate` holds the posterior of the population size N: the posterior median
as the point estimate, an equal-tailed credible interval from the posterior quantiles, the
draws themselves (or, for dga, draws from the exact posterior on its grid), and diagnostics.

Diagnostics of a Markov chain Monte Carlo run (Gelman et al. 2013, *Bayesian Data Analysis*,
3rd ed., section 11.4-11.5; Vehtari et al. 2021, *Bayesian Analysis* 16(2)):

* **effective sample size** ``ess = m n / (1 + 2 sum_t rho_t)``, with the autocorrelations
  ``rho_t`` summed in pairs until a pair is negative (Geyer's initial positive sequence),
  combined over the ``m`` chains of length ``n`` as in BDA3 (11.8);
* **R-hat** (split chains): ``sqrt(var+ / W)`` with ``var+ = (n - 1) / n W + B / n``, the
  within-chain variance ``W`` and between-chain variance ``B`` of the chains cut in halves.
  Values above about 1.01-1.05 mean the chains have not forgotten where they started.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .results import BaseResult

__all__ = ["BayesianEstimate", "effective_sample_size", "grid_quantiles", "split_rhat"]


def _autocovariance(x: np.ndarray) -> np.ndarray:
    """Autocovariance of a 1-d series at all lags (FFT, biased estimator as in BDA3)."""
    n = x.shape[0]
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(x - x.mean(), size)
    acov = np.fft.irfft(f * np.conjugate(f), size)[:n]
    return acov / n


def effective_sample_size(chains: np.ndarray) -> float:
    """Effective sample size of draws ``chains`` (shape ``(m, n)`` or ``(n,)``).

    ``ess = m n / tau`` with ``tau = -1 + 2 sum_{t'} (rho_{2t'} + rho_{2t'+1})`` summed while
    the pair sums stay positive (Geyer 1992), and ``rho_t = 1 - (W - mean acov_t) / var+``
    (BDA3 eq. 11.7). A constant series returns its length.
    """
    x = np.atleast_2d(np.asarray(chains, dtype=np.float64))
    m, n = x.shape
    if n < 4:
        return float(m * n)
    acov = np.array([_autocovariance(c) for c in x])
    chain_var = acov[:, 0] * n / (n - 1.0)
    w = chain_var.mean()
    var_plus = w * (n - 1.0) / n
    if m > 1:
        var_plus += x.mean(axis=1).var(ddof=1)
    if var_plus <= 0 or not math.isfinite(var_plus):
        return float(m * n)
    rho = 1.0 - (w - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    tau = -1.0
    t = 0
    while t + 1 < n:
        pair = rho[t] + rho[t + 1]
        if pair < 0:
            break
        tau += 2.0 * pair
        t += 2
    tau = max(tau, 1.0 / math.log10(max(m * n, 10)))
    return float(m * n / tau)


def split_rhat(chains: np.ndarray) -> float:
    """Split-chain potential scale reduction factor R-hat (BDA3 eq. 11.4) of ``(m, n)`` draws."""
    x = np.atleast_2d(np.asarray(chains, dtype=np.float64))
    m, n = x.shape
    half = n // 2
    if half < 2:
        return float("nan")
    parts = np.concatenate([x[:, :half], x[:, n - half :]], axis=0)
    w = parts.var(axis=1, ddof=1).mean()
    b = half * parts.mean(axis=1).var(ddof=1)
    if w <= 0:
        return 1.0 if b <= 0 else float("inf")
    var_plus = (half - 1.0) / half * w + b / half
    return float(math.sqrt(var_plus / w))


def _json(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _json(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_json(v) for v in x]
    if isinstance(x, np.ndarray):
        return [_json(v) for v in x.tolist()]
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        x = float(x)
        if math.isnan(x):
            return None
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    return x


_LABELS = {
    "ess": "Effective sample size (N)",
    "rhat": "R-hat (split chains)",
    "mean_occupied_classes": "Occupied classes (mean)",
    "max_occupied_classes": "Occupied classes (max)",
    "alpha_median": "Concentration alpha (median)",
    "seconds": "Seconds",
    "graphs": "Decomposable graphs averaged",
    "mass_at_n_max": "Posterior mass near the grid end",
    "mode": "Posterior mode",
}

_METHOD_NAMES = {
    "lcmcr": "latent-class model (LCMCR, Manrique-Vallier 2016)",
    "dga": "decomposable graphical model averaging (dga, Madigan & York 1997)",
}


@dataclass(frozen=True)
class BayesianEstimate(BaseResult):
    """Posterior summary of the population size N from a Bayesian estimator (read-only).

    Attributes
    ----------
    method : {"lcmcr", "dga"}
        The estimator.
    n_obs : int
        Cases observed on at least one list.
    estimate : float or None
        Posterior median of N (None when the method declined; see ``reason``).
    ci : tuple of float or None
        Equal-tailed 95% credible interval: the 2.5% and 97.5% posterior quantiles of N.
    ci_method : str
        ``"posterior quantiles"``.
    samples : ndarray
        Posterior draws of N (for dga: independent draws from its exact grid posterior).
        Not in :meth:`to_dict`.
    diagnostics : dict
        LCMCR: ``ess`` (effective sample size of N over all chains), ``rhat`` (split R-hat,
        only with more than one chain), ``mean_occupied_classes``, ``max_occupied_classes``,
        ``alpha_median``, ``seconds``. dga: ``graphs``, ``top_graphs`` (posterior model
        probabilities), ``mass_at_n_max`` (posterior tail mass near the grid end).
    warnings : list of str
        Things to look at (poor mixing, posterior mass at the grid end, ...).
    reason : str or None
        Why no estimate was given (``"lists"``: unsupported number of lists), else None.
    settings : dict
        The settings used (K, priors, burn-in, seed, ...).
    grid, grid_probs : ndarray or None
        dga only: the grid of N and its exact posterior probabilities.
    """

    method: str
    n_obs: int
    estimate: float | None
    ci: tuple[float, float] | None
    ci_method: str = "posterior quantiles"
    samples: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False, compare=False)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    reason: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    grid: np.ndarray | None = field(default=None, repr=False, compare=False)
    grid_probs: np.ndarray | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("samples", "grid", "grid_probs"):
            value = getattr(self, name)
            if value is None:
                continue
            arr = np.asarray(value, dtype=np.float64).copy()
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @property
    def observed(self) -> int:  # type: ignore[override]  # BaseResult's attribute, read-only
        """Cases observed on at least one list (:class:`BaseResult`'s name for ``n_obs``)."""
        return self.n_obs

    @property
    def ci_level(self) -> float:  # type: ignore[override]  # always the 95% quantiles
        """Level of :attr:`ci` (the 2.5% and 97.5% quantiles)."""
        return 0.95

    @property
    def hidden(self) -> float | None:
        """Posterior median of N minus the observed cases."""
        return None if self.estimate is None else self.estimate - self.n_obs

    def conf_int(
        self, method: str | None = None, level: float | None = None
    ) -> tuple[float, float] | None:
        """Equal-tailed credible interval of N at ``level`` (default 0.95) from the posterior,
        with the signature of :meth:`BaseResult.conf_int` (``method``: only the posterior
        quantiles). None when there is no estimate.

        For dga the quantiles come from the exact posterior on its grid of N (``grid`` and
        ``grid_probs``); for LCMCR from the draws (type-7 quantiles, R's default).
        """
        if method not in (None, self.ci_method):
            raise ValueError(f"a Bayesian estimate has only {self.ci_method}, not {method!r}")
        level = self.ci_level if level is None else level
        if not 0 < level < 1:
            raise ValueError(f"level must be between 0 and 1, got {level}")
        alpha = 1.0 - level
        if self.estimate is None:
            return None
        if self.grid is not None and self.grid_probs is not None:
            lo, hi = grid_quantiles(self.grid, self.grid_probs, (alpha / 2, 1 - alpha / 2))
            return (lo, hi)
        if self.samples.size == 0:
            return None
        lo, hi = np.quantile(self.samples, [alpha / 2, 1 - alpha / 2])
        return (float(lo), float(hi))

    def summary(self) -> str:
        """A plain-text table of the estimate, interval, diagnostics and warnings."""
        rows = [
            ("Method", _METHOD_NAMES.get(self.method, self.method)),
            ("Observed", f"{self.n_obs:,}"),
        ]
        if self.estimate is None:
            rows.append(("Estimate", f"none ({self.reason})"))
        else:
            rows.append(("Estimated total (median)", f"{self.estimate:,.0f}"))
            rows.append(("Estimated hidden", f"{self.estimate - self.n_obs:,.0f}"))
            if self.ci is not None:
                rows.append(("95% credible interval", f"{self.ci[0]:,.0f} - {self.ci[1]:,.0f}"))
            rows.append(("Interval", self.ci_method))
        for key, value in self.diagnostics.items():
            if key == "top_graphs":
                continue
            if isinstance(value, float):
                value = f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"
            rows.append((_LABELS.get(key, key.replace("_", " ").capitalize()), str(value)))
        for key, value in self.settings.items():
            rows.append((f"Setting: {key}", str(value)))
        width = max(len(r[0]) for r in rows)
        lines = [f"{a:<{width}}  {b}" for a, b in rows]
        for w in self.warnings:
            lines.append(f"Warning: {w}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (without the draws)."""
        return _json(
            {
                "method": self.method,
                "observed": self.n_obs,
                "estimate": self.estimate,
                "hidden": self.hidden,
                "ci": list(self.ci) if self.ci is not None else None,
                "ci_level": 0.95,
                "ci_method": self.ci_method,
                "diagnostics": self.diagnostics,
                "warnings": list(self.warnings),
                "reason": self.reason,
                "settings": self.settings,
            }
        )


def grid_quantiles(
    grid: np.ndarray, weights: np.ndarray, probs: tuple[float, ...]
) -> tuple[float, ...]:
    """Quantiles of a discrete distribution: the first grid value whose CDF reaches ``p``."""
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    idx = np.searchsorted(cdf, np.asarray(probs) - 1e-12, side="left")
    idx = np.minimum(idx, grid.size - 1)
    return tuple(float(grid[i]) for i in idx)
