"""Compiled inner loops (numba) for the Poisson Newton fit.

The functions are small and allocation-light so that thousands of models (all-models search,
bootstrap replicates) can be fitted quickly. See :mod:`zicht.estimation.fit` for the maths.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_ETA_MAX = 700.0


@njit(cache=True)
def _loglik_kernel(y, eta):
    s = 0.0
    for c in range(y.shape[0]):
        e = eta[c] if eta[c] < _ETA_MAX else _ETA_MAX
        s += y[c] * e - np.exp(e)
    return s


@njit(cache=True)
def newton_poisson(x, y, offset, beta0, tol, maxiter):
    """Damped Newton for a Poisson log-linear model; returns (beta, cov, mu, iters, converged)."""
    n, p = x.shape
    beta = beta0.copy()
    eta = x @ beta + offset
    ll = _loglik_kernel(y, eta)
    converged = False
    n_iter = 0
    info = np.empty((p, p))
    mu = np.empty(n)
    for _ in range(maxiter):
        n_iter += 1
        for c in range(n):
            e = eta[c] if eta[c] < _ETA_MAX else _ETA_MAX
            mu[c] = np.exp(e)
        grad = x.T @ (y - mu)
        xw = x * mu.reshape(n, 1)
        info = x.T @ xw
        step = np.linalg.solve(info, grad)
        decrement = grad @ step
        t = 1.0
        new_beta = beta + step
        new_eta = x @ new_beta + offset
        new_ll = _loglik_kernel(y, new_eta)
        halvings = 0
        while new_ll < ll - 1e-12 * (1.0 + abs(ll)) and halvings < 40:
            t *= 0.5
            new_beta = beta + t * step
            new_eta = x @ new_beta + offset
            new_ll = _loglik_kernel(y, new_eta)
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
    for c in range(n):
        e = eta[c] if eta[c] < _ETA_MAX else _ETA_MAX
        mu[c] = np.exp(e)
    xw = x * mu.reshape(n, 1)
    info = x.T @ xw
    cov = np.linalg.inv(info)
    return beta, cov, mu, n_iter, converged


@njit(cache=True)
def fit_many(xfull, y, lgy, pair_cells, pair_empty, k, masks, tol, maxiter, out, r0, r1):
    """Fit many models (bit masks over the pairs) in one compiled loop.

    Each model's cells are those not containing a non-overlapping pair of the model; its
    columns are the intercept, the ``k`` main effects and its overlapping pairs. Models are
    warm-started from their parent (the mask without its highest bit) when that was fitted
    earlier in ``masks`` (which must be increasing), otherwise from the first model.

    ``out`` is the tuple ``(beta_full, loglik, deviance, se0, n_cells, n_params, n_empty,
    converged, row_of)`` from :func:`alloc_many`, filled in place for rows ``r0 <= r < r1``
    (calls in increasing chunks keep the warm starts across chunks).
    """
    beta_full, loglik, deviance, se0, n_cells, n_params, n_empty, converged, row_of = out
    ncells, ncols = xfull.shape
    npairs = pair_empty.shape[0]
    for r in range(r0, r1):
        m = masks[r]
        row_of[m] = r
        keep = np.ones(ncells, dtype=np.bool_)
        cols = np.empty(ncols, dtype=np.int64)
        p = 0
        for j in range(k + 1):
            cols[p] = j
            p += 1
        ne = 0
        for q in range(npairs):
            if (m >> q) & 1:
                if pair_empty[q]:
                    ne += 1
                    for c in range(ncells):
                        if pair_cells[q, c]:
                            keep[c] = False
                else:
                    cols[p] = k + 1 + q
                    p += 1
        nc = 0
        for c in range(ncells):
            if keep[c]:
                nc += 1
        x = np.empty((nc, p))
        yy = np.empty(nc)
        lg = 0.0
        i = 0
        for c in range(ncells):
            if keep[c]:
                for j in range(p):
                    x[i, j] = xfull[c, cols[j]]
                yy[i] = y[c]
                lg += lgy[c]
                i += 1
        # warm start
        parent = -1
        if m > 0:
            hb = 0
            while (m >> (hb + 1)) > 0:
                hb += 1
            pm = m & ~(1 << hb)
            parent = row_of[pm]
        if parent < 0 and r > 0:
            parent = 0
        beta0 = np.zeros(p)
        if parent >= 0:
            for j in range(p):
                beta0[j] = beta_full[parent, cols[j]]
        else:
            s = 0.0
            for i in range(nc):
                s += yy[i]
            beta0[0] = np.log(s / nc + 0.5)
        beta, cov, mu, _, ok = newton_poisson(x, yy, np.zeros(nc), beta0, tol, maxiter)
        for j in range(p):
            beta_full[r, cols[j]] = beta[j]
        ll = -lg
        dv = 0.0
        for i in range(nc):
            if yy[i] > 0:
                ll += yy[i] * np.log(mu[i])
                dv += yy[i] * np.log(yy[i] / mu[i])
            ll -= mu[i]
            dv -= yy[i] - mu[i]
        loglik[r] = ll
        deviance[r] = 2.0 * dv
        se0[r] = np.sqrt(cov[0, 0])
        n_cells[r] = nc
        n_params[r] = p
        n_empty[r] = ne
        converged[r] = ok


def alloc_many(nm, ncols, npairs):
    """Output arrays for :func:`fit_many`."""
    return (
        np.zeros((nm, ncols)),
        np.full(nm, np.nan),
        np.full(nm, np.nan),
        np.full(nm, np.nan),
        np.zeros(nm, dtype=np.int64),
        np.zeros(nm, dtype=np.int64),
        np.zeros(nm, dtype=np.int64),
        np.zeros(nm, dtype=np.bool_),
        np.full(1 << npairs, -1, dtype=np.int64),
    )
