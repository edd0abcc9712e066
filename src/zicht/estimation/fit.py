"""Maximum-likelihood fitting of Poisson log-linear models by damped Newton iterations.

For counts :math:`y_c` with :math:`\\log \\mu_c = x_c^\\top \\beta + o_c` the log-likelihood is
:math:`\\ell(\\beta) = \\sum_c y_c \\log \\mu_c - \\mu_c - \\log y_c!`; its gradient is
:math:`X^\\top (y - \\mu)` and its negative Hessian (the Fisher information, the log link being
canonical) is :math:`X^\\top \\operatorname{diag}(\\mu) X`. Newton steps are halved until the
log-likelihood does not decrease. Fits can be warm-started from a parent model.

References
----------
McCullagh, P. and Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed., Chapman & Hall.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import _newton
from ._special import log_factorial_sum
from .design import full_design, model_layout

__all__ = [
    "PoissonFit",
    "fit_poisson",
    "poisson_deviance",
    "poisson_loglik",
    "use_compiled_kernels",
]

# Plain numpy until something that fits many models asks for the compiled kernel: importing
# numba and loading its cached code costs more than the few fits of one stepwise estimate.
_newton_poisson = _newton.newton_poisson


def use_compiled_kernels() -> None:
    """Switch :func:`fit_poisson` to the numba-compiled Newton kernel (idempotent).

    Called by the bootstrap and the all-models search, which fit thousands of models; a single
    estimate stays with the plain-numpy iterations and never imports numba.
    """
    global _newton_poisson
    from ._kernels import newton_poisson  # noqa: PLC0415 - numba kernels compile/load only when used

    _newton_poisson = newton_poisson


@dataclass(frozen=True)
class PoissonFit:
    """Result of :func:`fit_poisson`."""

    beta: np.ndarray
    cov: np.ndarray
    mu: np.ndarray
    y: np.ndarray
    converged: bool
    n_iter: int

    @cached_property
    def loglik(self) -> float:
        """Poisson log-likelihood at the estimates."""
        return poisson_loglik(self.y, self.mu)

    @cached_property
    def deviance(self) -> float:
        """Poisson deviance at the estimates."""
        return poisson_deviance(self.y, self.mu)


def poisson_loglik(y: np.ndarray, mu: np.ndarray) -> float:
    """:math:`\\sum_c y_c \\log \\mu_c - \\mu_c - \\log y_c!` (with 0 log 0 = 0)."""
    pos = y > 0
    return float(np.sum(y[pos] * np.log(mu[pos])) - mu.sum() - log_factorial_sum(y))


def poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """:math:`2 \\sum_c [y_c \\log(y_c/\\mu_c) - (y_c - \\mu_c)]`."""
    pos = y > 0
    return float(2.0 * (np.sum(y[pos] * np.log(y[pos] / mu[pos])) - np.sum(y - mu)))


def start_values(x: np.ndarray, y: np.ndarray, offset: np.ndarray | None = None) -> np.ndarray:
    """Weighted least-squares start on ``log(y + 0.5)`` (as in glm's initialisation)."""
    mu0 = y + 0.5
    eta = np.log(mu0) - (0.0 if offset is None else offset)
    w = np.sqrt(mu0)
    beta, *_ = np.linalg.lstsq(x * w[:, None], eta * w, rcond=None)
    return beta


def fit_poisson(
    x: np.ndarray,
    y: np.ndarray,
    beta0: np.ndarray | None = None,
    offset: np.ndarray | None = None,
    *,
    tol: float = 1e-13,
    maxiter: int = 100,
) -> PoissonFit:
    """Fit a Poisson log-linear model by maximum likelihood.

    Parameters
    ----------
    x : ndarray, shape (n, p)
        Full-rank design matrix.
    y : ndarray, shape (n,)
        Counts.
    beta0 : ndarray, optional
        Starting values (for example the parent model's estimates, zero for new terms).
    offset : ndarray, optional
        Known offset added to the linear predictor.
    tol : float
        Convergence tolerance on the Newton decrement.
    maxiter : int
        Maximum number of Newton iterations.

    Returns
    -------
    PoissonFit
        Estimates, their covariance (inverse Fisher information), fitted means, log-likelihood,
        deviance and convergence information.
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    off = np.zeros(len(y)) if offset is None else np.ascontiguousarray(offset, dtype=np.float64)
    if beta0 is None:
        beta0 = start_values(x, y, offset)
    beta, cov, mu, n_iter, ok = _newton_poisson(
        x, y, off, np.ascontiguousarray(beta0, dtype=np.float64), tol, maxiter
    )
    return PoissonFit(
        beta=beta,
        cov=cov,
        mu=mu,
        y=y,
        converged=bool(ok),
        n_iter=int(n_iter),
    )


@dataclass(frozen=True)
class ModelFit:
    """A fitted capture-recapture log-linear model (internal building block of results).

    Attributes
    ----------
    pairs : tuple of int
        Two-list terms in the model (indices into :func:`design.pair_list`), including those
        with no observed overlap.
    empty_pairs : tuple of int
        Pairs in the model with no observed overlap (parameter at minus infinity).
    n_empty_terms : int
        Number of model terms (pairs or, in bootstrap replicates, lists) with zero sufficient
        statistic.
    cols : ndarray of int
        Fitted columns of :func:`design.full_design`.
    cells : ndarray of bool
        Cells used in the fit.
    fit : PoissonFit
        The Poisson fit on those cells and columns.
    hidden : float
        ``exp(intercept)``, the estimated number on no list.
    se_log_hidden : float
        Standard error of the intercept.
    aic, bic : float
        ``-2 loglik + 2 q`` and ``-2 loglik + q log(n_obs)``, with ``q`` the number of fitted
        parameters plus the number of empty terms (Chan et al. 2019 add 2 to the AIC per
        non-overlapping pair).
    """

    pairs: tuple[int, ...]
    empty_pairs: tuple[int, ...]
    n_empty_terms: int
    cols: np.ndarray
    cells: np.ndarray
    fit: PoissonFit
    observed: int

    @property
    def hidden(self) -> float:
        return float(np.exp(self.fit.beta[0]))

    @property
    def estimate(self) -> float:
        return self.observed + self.hidden

    @property
    def se_log_hidden(self) -> float:
        return float(np.sqrt(self.fit.cov[0, 0]))

    @property
    def n_params(self) -> int:
        return len(self.cols) + self.n_empty_terms

    @property
    def aic(self) -> float:
        return -2.0 * self.fit.loglik + 2.0 * self.n_params

    @property
    def bic(self) -> float:
        return -2.0 * self.fit.loglik + np.log(max(self.observed, 1)) * self.n_params

    @property
    def df_resid(self) -> int:
        return int(self.cells.sum()) - len(self.cols)

    def full_beta(self, n_cols: int) -> np.ndarray:
        """Estimates placed in a vector over every design column (0 where not fitted)."""
        out = np.zeros(n_cols)
        out[self.cols] = self.fit.beta
        return out


def fit_model(
    k: int,
    counts: np.ndarray,
    pairs: tuple[int, ...] | list[int],
    beta_start: np.ndarray | None = None,
) -> ModelFit:
    """Fit the main effects plus the given two-list terms to the observable cells.

    Parameters
    ----------
    k : int
        Number of lists.
    counts : ndarray
        Counts of the ``2**k - 1`` observable cells.
    pairs : sequence of int
        Two-list terms (indices into :func:`design.pair_list`).
    beta_start : ndarray, optional
        Warm start over all columns of :func:`design.full_design` (e.g. from the parent
        model's :meth:`ModelFit.full_beta`); columns not in the model are ignored.
    """
    counts = np.asarray(counts, dtype=np.float64)
    pairs = tuple(int(p) for p in pairs)
    cells, cols, kept_pairs, empty_pairs = model_layout(k, counts, pairs)
    x = full_design(k)[np.ix_(cells, cols)]
    y = counts[cells]
    beta0 = None if beta_start is None else np.asarray(beta_start, dtype=np.float64)[cols]
    res = fit_poisson(x, y, beta0)
    if not res.converged and beta0 is not None:
        res = fit_poisson(x, y, None)
    n_terms = k + len(pairs)
    return ModelFit(
        pairs=pairs,
        empty_pairs=empty_pairs,
        n_empty_terms=n_terms - (len(cols) - 1),
        cols=cols,
        cells=cells,
        fit=res,
        observed=int(round(counts.sum())),
    )
