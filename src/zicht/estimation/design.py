"""Design matrices for log-linear capture-recapture models.

Cells are the ``2**K - 1`` observable capture patterns, indexed by their integer code
``c = sum_j z_j 2**j`` minus one (bit ``j`` set means "on list ``j``"). The model for the
expected count of cell ``c`` is

.. math:: \\log \\mu_c = \\theta_0 + \\sum_j \\theta_j z_{cj} + \\sum_{(i,j) \\in M} \\theta_{ij} z_{ci} z_{cj},

where ``M`` is a set of two-list interactions. The unobserved (all-zero) cell has expectation
``exp(theta_0)``.

References
----------
Fienberg, S. E. (1972). The multiple recapture census for closed populations and incomplete
2^k contingency tables. Biometrika 59(3), 591-603.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

MAX_LISTS = 12


@lru_cache(maxsize=16)
def patterns(k: int) -> np.ndarray:
    """Return the ``(2**k - 1, k)`` 0/1 matrix of observable capture patterns.

    Row ``r`` is the pattern with integer code ``r + 1``; column ``j`` is list ``j``.
    """
    codes = np.arange(1, 2**k, dtype=np.int64)
    z = ((codes[:, None] >> np.arange(k)[None, :]) & 1).astype(np.float64)
    z.setflags(write=False)
    return z


@lru_cache(maxsize=16)
def pair_list(k: int) -> tuple[tuple[int, int], ...]:
    """All two-list pairs ``(i, j)``, ``i < j``, in list order: (0,1), (0,2), ..., (1,2), ..."""
    return tuple((i, j) for i in range(k - 1) for j in range(i + 1, k))


@lru_cache(maxsize=16)
def full_design(k: int) -> np.ndarray:
    """Design with every term: intercept, ``k`` main effects, all ``k(k-1)/2`` pairs.

    Columns: ``[1, z_0, ..., z_{k-1}, z_0 z_1, z_0 z_2, ...]``; rows are the observable cells.
    """
    z = patterns(k)
    cols = [np.ones(z.shape[0]), *[z[:, j] for j in range(k)]]
    cols += [z[:, i] * z[:, j] for i, j in pair_list(k)]
    x = np.column_stack(cols)
    x.setflags(write=False)
    return x


@lru_cache(maxsize=16)
def term_cell_membership(k: int) -> np.ndarray:
    """Boolean ``(n_terms, n_cells)``: does the cell's pattern contain the term?

    Terms are the main effects followed by the pairs (no intercept).
    """
    x = full_design(k)[:, 1:].T.astype(bool)
    x.setflags(write=False)
    return x


def pair_index(k: int) -> dict[tuple[int, int], int]:
    """Map a pair ``(i, j)`` (i < j) to its position in :func:`pair_list`."""
    return {p: n for n, p in enumerate(pair_list(k))}


def model_layout(
    k: int, counts: np.ndarray, pairs: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], tuple[int, ...]]:
    """Cells and columns used to fit a model, handling empty terms as Chan et al. (2019).

    A term (main effect or pair) in the model whose sufficient statistic is zero has its
    parameter at minus infinity: the cells containing it have expectation zero and are dropped,
    and the term's column is left out.

    Parameters
    ----------
    k : int
        Number of lists.
    counts : ndarray
        Observed counts of the ``2**k - 1`` observable cells.
    pairs : tuple of int
        Pair indices (positions in :func:`pair_list`) in the model.

    Returns
    -------
    cells : ndarray of bool
        Mask of the kept cells.
    cols : ndarray of int
        Columns of :func:`full_design` that are fitted (intercept, non-empty main effects and
        non-empty pairs).
    kept_pairs : tuple of int
        Pairs with a positive sufficient statistic.
    empty_pairs : tuple of int
        Pairs in the model with no observed overlap.
    """
    member = term_cell_membership(k)
    terms = np.concatenate([np.arange(k), k + np.asarray(sorted(pairs), dtype=np.int64)])
    stats = member[terms].astype(np.float64) @ counts
    empty = terms[stats <= 0]
    cells = ~member[empty].any(axis=0) if empty.size else np.ones(member.shape[1], dtype=bool)
    kept_terms = terms[stats > 0]
    cols = np.concatenate([[0], kept_terms + 1])
    kept_pairs = tuple(int(t - k) for t in kept_terms if t >= k)
    empty_pairs = tuple(int(t - k) for t in empty if t >= k)
    return cells, cols, kept_pairs, empty_pairs
