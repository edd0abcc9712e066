"""BCa bootstrap intervals, with the model selection repeated in every replicate.

As in Chan, Silverman & Vincent (2019, Section 3.3) and SparseMSE ``estimatepopulation``:

* replicates are multinomial resamples of the ``n`` observed cases over the observed
  patterns (probabilities ``n_c / n``), and the whole estimation procedure (for example the
  stepwise selection) is run on each;
* bias correction :math:`z_0 = \\Phi^{-1}(\\#\\{\\hat N^*_b < \\hat N\\} / B)`;
* acceleration from the jackknife over cases: removing one case from observed pattern ``c``
  gives :math:`\\hat N_{(c)}`, counted :math:`n_c` times; with
  :math:`d_c = \\bar N_{(\\cdot)} - \\hat N_{(c)}` (weighted mean),
  :math:`\\hat a = \\sum_c n_c d_c^3 / (6 [\\sum_c n_c d_c^2]^{3/2})`;
* the limits are the type-8 quantiles of the replicates at
  :math:`\\Phi(z_0 + (z_0 + z_\\alpha)/(1 - \\hat a (z_0 + z_\\alpha)))`.

References
----------
Chan, L., Silverman, B. W. and Vincent, K. (2019). arXiv:1902.05156.

DiCiccio, T. J. and Efron, B. (1996). Bootstrap confidence intervals. *Statist. Sci.* 11,
189-228.

Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages. *Amer. Statist.*
50, 361-365 (type 8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .fit import use_compiled_kernels

__all__ = ["BootstrapInfo", "bca_limits", "bootstrap_replicates", "jackknife"]

Estimator = Callable[[np.ndarray], float]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BootstrapInfo:
    """Bootstrap details attached to a result."""

    replicates: np.ndarray
    nboot: int
    seed: int | None
    z0: float
    acceleration: float
    n_failed: int

    def __post_init__(self) -> None:
        reps = np.array(self.replicates, dtype=np.float64)
        reps.setflags(write=False)
        object.__setattr__(self, "replicates", reps)


def bootstrap_replicates(
    counts: np.ndarray,
    estimator: Estimator,
    nboot: int = 1000,
    rng: np.random.Generator | int | None = None,
    progress: Progress | None = None,
) -> np.ndarray:
    """Estimates from ``nboot`` multinomial resamples of the observed cases.

    Replicates for which the estimator fails (raises ``ValueError`` or returns a non-finite
    value) are NaN.
    """
    use_compiled_kernels()  # thousands of fits: worth loading the compiled Newton kernel
    counts = np.asarray(counts, dtype=np.int64)
    rng = np.random.default_rng(rng)
    n = int(counts.sum())
    draws = rng.multinomial(n, counts / n, size=nboot)
    cache: dict[bytes, float] = {}
    out = np.empty(nboot)
    step = max(1, nboot // 20)
    for b in range(nboot):
        if progress is not None and b % step == 0:
            progress(b, nboot)
        key = draws[b].tobytes()
        if key not in cache:
            try:
                value = float(estimator(draws[b]))
            except (ValueError, np.linalg.LinAlgError, FloatingPointError):
                value = np.nan
            cache[key] = value if np.isfinite(value) else np.nan
        out[b] = cache[key]
    if progress is not None:
        progress(nboot, nboot)
    return out


def jackknife(counts: np.ndarray, estimator: Estimator) -> tuple[np.ndarray, np.ndarray]:
    """Leave-one-case-out estimates, one per observed pattern, and their weights ``n_c``."""
    counts = np.asarray(counts, dtype=np.int64)
    cells = np.flatnonzero(counts > 0)
    values = np.empty(len(cells))
    for i, c in enumerate(cells):
        reduced = counts.copy()
        reduced[c] -= 1
        try:
            values[i] = float(estimator(reduced))
        except (ValueError, np.linalg.LinAlgError):
            values[i] = np.nan
    return values, counts[cells].astype(np.float64)


def acceleration(values: np.ndarray, weights: np.ndarray) -> float:
    """Jackknife acceleration :math:`\\hat a` (0 when the jackknife values do not vary)."""
    ok = np.isfinite(values)
    v, w = values[ok], weights[ok]
    if w.sum() == 0:
        return 0.0
    d = np.sum(w * v) / np.sum(w) - v
    denom = 6.0 * np.sum(w * d**2) ** 1.5
    return float(np.sum(w * d**3) / denom) if denom > 0 else 0.0


def bca_limits(
    replicates: np.ndarray,
    estimate: float,
    accel: float,
    probs: tuple[float, ...] = (0.025, 0.975),
) -> tuple[np.ndarray, float]:
    """BCa quantiles of the replicates; returns ``(limits, z0)``.

    The share of replicates below the estimate is kept within ``[1/(2B), 1 - 1/(2B)]`` so that
    the bias correction stays finite.
    """
    from scipy.special import ndtr, ndtri  # noqa: PLC0415 - scipy (~0.1 s) only when this runs

    reps = replicates[np.isfinite(replicates)]
    if reps.size == 0:
        raise ValueError("no bootstrap replicate gave an estimate")
    share = float(np.mean(reps < estimate))
    share = min(max(share, 0.5 / reps.size), 1.0 - 0.5 / reps.size)
    z0 = float(ndtri(share))
    za = ndtri(np.asarray(probs))
    za0 = za + z0
    zq = ndtr(z0 + za0 / (1.0 - accel * za0))
    limits = np.quantile(reps, zq, method="median_unbiased")
    return np.asarray(limits, dtype=np.float64), z0
