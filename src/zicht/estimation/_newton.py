"""Damped Newton iterations for a Poisson log-linear model, in plain numpy.

The same function body is used twice: called directly (no compilation, no numba import;
fast enough for the few fits of one stepwise estimate) and compiled by numba in
:mod:`._kernels` for the thousands of fits of a bootstrap or an all-models search. It
therefore uses only numpy operations that numba supports. See :mod:`.fit` for the maths.
"""

from __future__ import annotations

import numpy as np

ETA_MAX = 700.0


def newton_poisson(x, y, offset, beta0, tol, maxiter):
    """Damped Newton for a Poisson log-linear model; returns (beta, cov, mu, iters, converged).

    Maximises :math:`\\ell(\\beta) = \\sum_c y_c \\eta_c - e^{\\eta_c}` with
    :math:`\\eta = X\\beta + o`; steps are halved until :math:`\\ell` does not decrease.
    Linear predictors are capped at 700 so that ``exp`` stays finite.
    """
    beta = beta0.copy()
    eta = np.minimum(x @ beta + offset, ETA_MAX)
    ll = np.sum(y * eta - np.exp(eta))
    converged = False
    n_iter = 0
    for _ in range(maxiter):
        n_iter += 1
        mu = np.exp(eta)
        grad = x.T @ (y - mu)
        info = x.T @ (x * mu.reshape(-1, 1))
        step = np.linalg.solve(info, grad)
        decrement = grad @ step
        t = 1.0
        new_beta = beta + step
        new_eta = np.minimum(x @ new_beta + offset, ETA_MAX)
        new_ll = np.sum(y * new_eta - np.exp(new_eta))
        halvings = 0
        while new_ll < ll - 1e-12 * (1.0 + abs(ll)) and halvings < 40:
            t *= 0.5
            new_beta = beta + t * step
            new_eta = np.minimum(x @ new_beta + offset, ETA_MAX)
            new_ll = np.sum(y * new_eta - np.exp(new_eta))
            halvings += 1
        beta = new_beta
        eta = new_eta
        ll = new_ll
        if decrement < tol * (1.0 + abs(ll)):
            converged = True
            break
        if halvings >= 40:  # no further progress possible in floating point
            converged = decrement < 1e-6 * (1.0 + abs(ll))
            break
    mu = np.exp(eta)
    info = x.T @ (x * mu.reshape(-1, 1))
    cov = np.linalg.inv(info)
    return beta, cov, mu, n_iter, converged
