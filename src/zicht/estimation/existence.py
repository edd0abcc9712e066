"""Existence and identifiability of the (extended) maximum-likelihood estimate.

Following Chan, Silverman & Vincent (2019) and Fienberg & Rinaldo (2012). For a model with
two-list terms ``M`` and observed counts ``n``:

* terms of the model with zero sufficient statistic (lists with no overlap) have their
  parameter at minus infinity; the cells containing them are removed (see
  :func:`zicht.estimation.design.model_layout`);
* on the remaining cells, with model matrix ``A`` (rows = cells, columns = the remaining
  terms and the intercept), the estimate is **not identifiable** when ``A`` is column-rank
  deficient;
* the extended MLE **does not exist (is infinite)** when the linear program

  .. math:: \\max t \\quad \\text{s.t.} \\quad A^\\top x = T,\\; x_c \\ge t \\ge 0\\ \\forall c,

  with sufficient statistics :math:`T = A^\\top n`, has optimum zero (``T`` is on the boundary
  of the marginal cone).

Whether ``T`` lies in the relative interior of the cone depends only on the support of ``n``
(``T`` is a strictly positive combination of the columns of ``A^T`` in the support), so the
check is cached on ``(K, support, model)`` and solved with the support indicator in place of
``n``.

References
----------
Chan, L., Silverman, B. W. and Vincent, K. (2019). Multiple systems estimation for sparse
capture data: inferential challenges when there are nonoverlapping lists. arXiv:1902.05156;
*J. Amer. Statist. Assoc.* 116 (2021), 1297-1306.

Fienberg, S. E. and Rinaldo, A. (2012). Maximum likelihood estimation in log-linear models.
*Ann. Statist.* 40, 996-1023.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .design import full_design, model_layout
from .fit import fit_poisson

__all__ = ["ModelCheck", "check_model", "lp_slack"]

_LP_TOL = 1e-9


@dataclass(frozen=True)
class ModelCheck:
    """Outcome of :func:`check_model`."""

    identifiable: bool
    exists: bool

    @property
    def ok(self) -> bool:
        """True when the estimate is finite and identifiable."""
        return self.identifiable and self.exists

    @property
    def code(self) -> int:
        """SparseMSE's error code: 0 ok, 1 infinite, 2 not identifiable, 3 both."""
        return int(not self.exists) + 2 * int(not self.identifiable)

    def reason(self) -> str:
        """A plain description of the failure ('' when ok)."""
        parts = []
        if not self.exists:
            parts.append("the maximum-likelihood estimate does not exist (it is infinite)")
        if not self.identifiable:
            parts.append("the estimate is not identifiable")
        return " and ".join(parts)


def interior_certificate(a: np.ndarray, support: np.ndarray, rounds: int = 12) -> bool:
    """Cheap sufficient test that the extended MLE exists (a certificate, never a refutation).

    Looks for ``v`` with ``a.T v = 0`` and ``v_c > 0`` on every cell outside the support:
    then ``x = s + eps * v`` is strictly positive for small ``eps`` and satisfies
    ``a.T x = a.T s``, so the linear program of :func:`lp_slack` has a positive optimum.
    ``v`` is the projection of a positive weight vector on the zero cells onto the null space
    of ``a.T``; weights of cells that fail are increased for a few rounds. When no certificate
    is found the caller falls back to the linear program.
    """
    zero = ~support
    if not zero.any():
        return True
    # Q spans (a superset of) the column space of a even when a is rank-deficient, so
    # u - Q Q^T u is always in the null space of a.T
    q, _ = np.linalg.qr(a)
    u = zero.astype(np.float64)
    for _ in range(rounds):
        v = u - q @ (q.T @ u)
        bad = zero & (v <= 1e-8 * float(u.max()))
        if not bad.any():
            return True
        u[bad] *= 4.0
    return False


def fitted_certificate(a: np.ndarray, support: np.ndarray, floor: float = 1e-4) -> bool:
    """Certificate from the Poisson fit to the support indicator ``s``.

    When the MLE exists, the fitted means ``mu > 0`` satisfy the likelihood equations
    ``a.T mu = a.T s``, so ``x = mu`` (after a least-squares correction of the rounding error)
    is a strictly positive feasible point of the linear program. When it does not exist, the
    Newton iterations drive some means towards zero (or fail to converge), and no certificate
    is issued. Requires ``a`` of full column rank.
    """
    y = support.astype(np.float64)
    beta0 = np.zeros(a.shape[1])
    beta0[0] = np.log(y.mean() + 0.5)  # column 0 is the intercept
    try:
        fit = fit_poisson(a, y, beta0)
    except (np.linalg.LinAlgError, ZeroDivisionError, ValueError):
        return False
    if not fit.converged or not np.all(np.isfinite(fit.mu)):
        return False
    # correction with a.T correction = a.T (y - mu) exactly: diag(mu) a (a.T diag(mu) a)^-1 r
    resid = a.T @ (y - fit.mu)
    correction = fit.mu * (a @ (fit.cov @ resid))
    x = fit.mu + correction
    return bool(x.min() > floor and np.abs(correction).max() < 1e-3 * floor)


def lp_slack(a: np.ndarray, support: np.ndarray, full_rank: bool | None = None) -> float:
    """Optimum ``t`` of ``max t s.t. a.T x = a.T s, x >= t >= 0`` with ``s`` the support.

    Only the sign matters to callers: when :func:`fitted_certificate` (full-rank ``a``) or
    :func:`interior_certificate` proves the optimum positive, 1.0 is returned without solving
    the LP. ``full_rank`` may be passed when already known.

    Parameters
    ----------
    a : ndarray, shape (n_cells, n_params)
        Model matrix on the kept cells.
    support : ndarray of bool, shape (n_cells,)
        Cells with a positive count.
    """
    n, p = a.shape
    if support.all():
        return 1.0  # x = s is feasible with t = 1
    if full_rank is None:
        full_rank = a.shape[0] >= a.shape[1] and np.linalg.matrix_rank(a) == a.shape[1]
    if full_rank:
        if fitted_certificate(a, support):
            return 1.0  # a strictly positive feasible x exists (the value is not the optimum)
    elif interior_certificate(a, support, rounds=4):
        return 1.0
    return _solve_lp(a, support)


def _solve_lp(a: np.ndarray, support: np.ndarray) -> float:
    """The LP itself, with ``x = y + t 1`` substituted (``y >= 0``) so that only the ``p``
    equality rows ``a.T y + (a.T 1) t = a.T s`` remain (same optimum, much smaller problem)."""
    from scipy.optimize import linprog  # noqa: PLC0415 - scipy (~0.1 s) only when this runs

    n, p = a.shape
    t_stat = a.T @ support.astype(np.float64)
    a_eq = np.hstack([a.T, a.sum(axis=0)[:, None]])
    c = np.zeros(n + 1)
    c[-1] = -1.0
    res = linprog(c, A_eq=a_eq, b_eq=t_stat, bounds=(0, None), method="highs")
    if res.status != 0:  # infeasible cannot happen (x = s is feasible); be conservative
        return 0.0
    return float(-res.fun)


@lru_cache(maxsize=200_000)
def _check_cached(k: int, support_key: bytes, pairs: tuple[int, ...]) -> ModelCheck:
    support = np.frombuffer(support_key, dtype=np.bool_)
    cells, cols, _, _ = model_layout(k, support.astype(np.float64), pairs)
    a = full_design(k)[np.ix_(cells, cols)]
    identifiable = a.shape[0] >= a.shape[1] and np.linalg.matrix_rank(a) == a.shape[1]
    exists = lp_slack(a, support[cells], bool(identifiable)) > _LP_TOL
    return ModelCheck(identifiable=bool(identifiable), exists=bool(exists))


def check_model(k: int, counts: np.ndarray, pairs: tuple[int, ...] | list[int]) -> ModelCheck:
    """Check existence and identifiability of the estimate for a model.

    Parameters
    ----------
    k : int
        Number of lists.
    counts : ndarray
        Counts of the ``2**k - 1`` observable cells.
    pairs : sequence of int
        Indices of the two-list terms in the model (see :func:`design.pair_list`).
    """
    support = np.asarray(counts) > 0
    return _check_cached(k, support.tobytes(), tuple(sorted(int(p) for p in pairs)))
