"""Compiled inner loops (numba) for the Poisson Newton fit.

The functions are small and allocation-light so that thousands of models (all-models search,
bootstrap replicates) can be fitted quickly. See :mod:`zicht.estimation.fit` for the maths.
This module imports numba and loads the cached machine code (about a tenth of a second), so
it is imported only by the paths that fit many models (:func:`.fit.use_compiled_kernels`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import _newton

# the plain-numpy Newton iterations of :mod:`._newton`, compiled
newton_poisson = njit(cache=True)(_newton.newton_poisson)


@njit(cache=True, inline="always")
def _model_columns(m, k, pair_cells, pair_empty, ncells, ncols):
    """The cells and design columns of model ``m`` (a bit mask over the pairs).

    A pair of the model whose two lists never overlap (``pair_empty``) removes the cells
    that contain it instead of adding a column. Returns (keep, cols, p, n_empty).
    """
    keep = np.ones(ncells, dtype=np.bool_)
    cols = np.empty(ncols, dtype=np.int64)
    for j in range(k + 1):
        cols[j] = j  # the intercept and the main effects
    p = k + 1
    n_empty = 0
    for q in range(pair_empty.shape[0]):
        if not (m >> q) & 1:
            continue
        if pair_empty[q]:
            n_empty += 1
            for c in range(ncells):
                if pair_cells[q, c]:
                    keep[c] = False
        else:
            cols[p] = k + 1 + q
            p += 1
    return keep, cols, p, n_empty


@njit(cache=True, inline="always")
def _model_design(xfull, y, lgy, keep, cols, p):
    """The model's design matrix, counts and the sum of log(y!) over its cells."""
    nc = 0
    for c in range(keep.shape[0]):
        if keep[c]:
            nc += 1
    x = np.empty((nc, p))
    yy = np.empty(nc)
    lg = 0.0
    i = 0
    for c in range(keep.shape[0]):
        if keep[c]:
            for j in range(p):
                x[i, j] = xfull[c, cols[j]]
            yy[i] = y[c]
            lg += lgy[c]
            i += 1
    return x, yy, lg


@njit(cache=True, inline="always")
def _warm_start(m, r, row_of, beta_full, cols, p, yy):
    """Start from the parent model (``m`` without its highest bit) if fitted, else from the
    first model, else from log(mean count)."""
    parent = -1
    if m > 0:
        hb = 0
        while (m >> (hb + 1)) > 0:
            hb += 1
        parent = row_of[m & ~(1 << hb)]
    if parent < 0 and r > 0:
        parent = 0
    beta0 = np.zeros(p)
    if parent >= 0:
        for j in range(p):
            beta0[j] = beta_full[parent, cols[j]]
    else:
        beta0[0] = np.log(yy.sum() / yy.shape[0] + 0.5)
    return beta0


@njit(cache=True, inline="always")
def _loglik_deviance(yy, mu, lg):
    """Poisson log-likelihood (with the log(y!) terms) and deviance of fitted means ``mu``."""
    ll = -lg
    dv = 0.0
    for i in range(yy.shape[0]):
        if yy[i] > 0:
            ll += yy[i] * np.log(mu[i])
            dv += yy[i] * np.log(yy[i] / mu[i])
        ll -= mu[i]
        dv -= yy[i] - mu[i]
    return ll, 2.0 * dv


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
    for r in range(r0, r1):
        m = masks[r]
        row_of[m] = r
        keep, cols, p, ne = _model_columns(m, k, pair_cells, pair_empty, ncells, ncols)
        x, yy, lg = _model_design(xfull, y, lgy, keep, cols, p)
        beta0 = _warm_start(m, r, row_of, beta_full, cols, p, yy)
        beta, cov, mu, _, ok = newton_poisson(x, yy, np.zeros(yy.shape[0]), beta0, tol, maxiter)
        for j in range(p):
            beta_full[r, cols[j]] = beta[j]
        loglik[r], deviance[r] = _loglik_deviance(yy, mu, lg)
        se0[r] = np.sqrt(cov[0, 0])
        n_cells[r] = yy.shape[0]
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
