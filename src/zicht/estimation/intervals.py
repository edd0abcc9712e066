"""Confidence intervals for the population total.

Quick interval (Chan, Silverman & Vincent 2019; SparseMSE ``estimatepopulation.0``)
    Normal on the log scale of the unobserved count: with intercept :math:`\\hat\\theta_0` and
    its standard error :math:`s`, the interval for the total is
    :math:`n + \\exp(\\hat\\theta_0 \\pm z_{1-\\alpha/2} s)`.

Profile-likelihood interval (Cormack 1992; as Rcapture's ``closedpCI.t``)
    The multinomial likelihood of the total :math:`N` with the unobserved cell
    :math:`N - n` included,

    .. math:: \\ell(N) = \\log\\frac{N!}{(N-n)!} + \\sum_{c} y_c \\log(\\hat\\mu_c(N)/N),

    where :math:`\\hat\\mu(N)` is the log-linear fit to the complete table (observed cells and
    :math:`N - n` in the all-zero cell, which has only the intercept). The interval is
    :math:`\\{N : 2[\\ell(\\hat N) - \\ell(N)] \\le \\chi^2_{1,1-\\alpha}\\}`, found by root finding
    on the log of the unobserved count.

References
----------
Cormack, R. M. (1992). Interval estimation for mark-recapture studies of closed populations.
*Biometrics* 48, 567-576.

Chan, L., Silverman, B. W. and Vincent, K. (2019). arXiv:1902.05156.
"""

from __future__ import annotations

import math

import numpy as np

from ._special import ndtri
from .design import full_design, model_layout
from .fit import fit_poisson

__all__ = ["profile_interval", "profile_interval_design", "quick_interval"]


def quick_interval(
    observed: float, log_hidden: float, se_log_hidden: float, level: float = 0.95
) -> tuple[float, float]:
    """``observed + exp(log_hidden -/+ z * se)`` with ``z`` the normal quantile for ``level``."""
    z = ndtri(0.5 + level / 2.0)
    return (
        observed + math.exp(log_hidden - z * se_log_hidden),
        observed + math.exp(log_hidden + z * se_log_hidden),
    )


def profile_interval(
    k: int, counts: np.ndarray, pairs: tuple[int, ...], level: float = 0.95
) -> tuple[float, float]:
    """Profile-likelihood interval for the total (see the module docstring).

    Returns ``(lower, upper)``; ``upper`` is ``inf`` when the likelihood does not drop enough
    within a million times the observed count.
    """
    counts = np.asarray(counts, dtype=np.float64)
    cells, cols, _, _ = model_layout(k, counts, pairs)
    return profile_interval_design(full_design(k)[np.ix_(cells, cols)], counts[cells], level)


def profile_interval_design(
    x_obs: np.ndarray, y_obs: np.ndarray, level: float = 0.95
) -> tuple[float, float]:
    """Profile-likelihood interval for any log-linear model whose unobserved cell has only the
    intercept (column 0 of ``x_obs``), such as the heterogeneity models (``f(0) = 0``).

    Parameters
    ----------
    x_obs : ndarray, shape (n_cells, p)
        Design of the fitted observable cells; column 0 is the intercept.
    y_obs : ndarray
        Their counts.
    level : float
        Coverage.
    """
    from scipy.optimize import brentq, minimize_scalar  # noqa: PLC0415 - scipy (~0.1 s) only when this runs
    from scipy.special import chdtri, gammaln  # noqa: PLC0415 - scipy (~0.1 s) only when this runs

    y_obs = np.asarray(y_obs, dtype=np.float64)
    n = y_obs.sum()
    zero_row = np.zeros((1, x_obs.shape[1]))
    zero_row[0, 0] = 1.0
    x = np.vstack([x_obs, zero_row])
    state: dict[str, np.ndarray | None] = {"beta": None}

    def loglik(u: float) -> float:
        m = math.exp(u)
        y = np.append(y_obs, m)
        fit = fit_poisson(x, y, state["beta"])
        if fit.converged:
            state["beta"] = fit.beta
        big_n = n + m
        pos = y > 0
        return float(
            gammaln(big_n + 1.0) - gammaln(m + 1.0) + np.sum(y[pos] * np.log(fit.mu[pos] / big_n))
        )

    start = fit_poisson(x_obs, y_obs)
    u0 = float(start.beta[0])
    state["beta"] = start.beta
    opt = minimize_scalar(
        lambda u: -loglik(u), bounds=(u0 - 3.0, u0 + 3.0), method="bounded", options={"xatol": 1e-8}
    )
    u_hat = float(opt.x)
    crit = -float(opt.fun) - chdtri(1.0, 1.0 - level) / 2.0

    def g(u: float) -> float:
        return loglik(u) - crit

    # lower end
    lo_u = u_hat
    step = 0.25
    lower = n
    while lo_u > u_hat - 60:
        cand = lo_u - step
        state["beta"] = None
        if g(cand) < 0:
            lower = n + math.exp(brentq(g, cand, lo_u, xtol=1e-10))
            break
        lo_u = cand
        step *= 1.6
    # upper end
    hi_u = u_hat
    step = 0.25
    upper = math.inf
    u_max = math.log(1e6 * max(n, 1.0))
    while hi_u < u_max:
        cand = min(hi_u + step, u_max)
        state["beta"] = None
        if g(cand) < 0:
            upper = n + math.exp(brentq(g, hi_u, cand, xtol=1e-10))
            break
        hi_u = cand
        step *= 1.6
    return float(lower), float(upper)
