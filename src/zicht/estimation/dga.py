"""Bayesian model averaging over decomposable graphical models (``method="dga"``).

Madigan & York (1997) as implemented in R's dga 2.0.2 (``bma.cr``; Johndrow, Lum & Ball).
The ``2^K`` cells of the complete table (including the unobserved all-zero cell with
``N0 = N - n`` people) follow a multinomial distribution whose dependence structure is a
decomposable graph g on the K lists. With a hyper-Dirichlet prior (``delta`` per cell of the
full table) the marginal likelihood of the complete table factorises over the cliques C and
separators S of g:

.. math::

    p(y \\mid g, N) = \\frac{N!}{\\prod_c y_c!}
        \\frac{\\prod_{C} \\mathrm{ML}(y_C)}{\\prod_{S} \\mathrm{ML}(y_S)},
    \\qquad
    \\mathrm{ML}(y_A) = \\frac{\\Gamma(\\alpha_+)}{\\Gamma(N + \\alpha_+)}
        \\prod_{a} \\frac{\\Gamma(y_{A,a} + \\alpha_A)}{\\Gamma(\\alpha_A)} ,

where ``y_A`` is the marginal table of the lists in A (its all-zero cell includes N0),
``alpha_A = delta * 2^(K - |A|)`` per marginal cell and ``alpha_+ = delta * 2^K``. The
posterior over graphs and N is

.. math::

    p(g, N \\mid y) \\propto p(y \\mid g, N) \\, p(N) \\, p(g), \\qquad p(N) \\propto 1/N,

with equal prior weight on every decomposable graph, evaluated exactly on the grid
``N0 = 0, step, 2 step, ..., n_max_factor * n``. The posterior of N is the sum over graphs.

As in dga the per-set terms ``sum_a lgamma(y_{A,a} + alpha_A) - lgamma(alpha_A)`` are
computed once for every subset A of lists and each graph's weight is a signed sum of them:
``+`` for cliques, ``-`` for separators, plus ``Gamma(alpha_+)/Gamma(N + alpha_+)`` once per
connected component. The cliques and separators come from a perfect elimination ordering
(maximum cardinality search): for a decomposable graph
``prod_C ML(C) / prod_S ML(S) = prod_v ML(fa(v)) / ML(pa(v))`` with ``pa(v)`` the neighbours
of v earlier in the ordering and ``fa(v) = pa(v) ∪ {v}``; the non-maximal sets cancel.

References
----------
Madigan, D. & York, J. C. (1997). Bayesian methods for estimation of the size of a closed
population. *Biometrika* 84(1), 19-31.

Johndrow, J., Lum, K. & Ball, P. (2015). dga: Capture-Recapture Estimation using Bayesian
Model Averaging. R package (version 2.0.2 used for the reference values).

Dawid, A. P. & Lauritzen, S. L. (1993). Hyper Markov laws in the statistical analysis of
decomposable graphical models. *Annals of Statistics* 21(3), 1272-1317.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .bayes import BayesianEstimate, grid_quantiles
from .data import CaptureHistories, as_histories

__all__ = ["DecomposableGraph", "dga", "decomposable_graphs"]

MIN_LISTS = 3
MAX_LISTS = 5
PRIORS = ("1/N", "flat")


@dataclass(frozen=True)
class DecomposableGraph:
    """A decomposable graph on K lists.

    Attributes
    ----------
    edges : tuple of (int, int)
        Its edges ``(i, j)``, ``i < j``.
    cliques, separators : tuple of frozenset
        Maximal cliques and the (non-empty) separators of a junction tree, with multiplicity.
    components : int
        Connected components (each contributes one normalising term).
    coef : ndarray of int, shape (2**K,)
        ``coef[mask]``: +1 per clique, -1 per separator with the set of lists ``mask``
        (bit j = list j); ``coef[0]`` is 0.
    """

    edges: tuple[tuple[int, int], ...]
    cliques: tuple[frozenset[int], ...]
    separators: tuple[frozenset[int], ...]
    components: int
    coef: np.ndarray

    def label(self, names: tuple[str, ...] | list[str]) -> str:
        """Cliques in dga's notation, e.g. ``[A,B][B,C][D]``."""
        parts = ["[" + ",".join(names[i] for i in sorted(c)) + "]" for c in self.cliques]
        return "".join(sorted(parts))


def _mcs_order(k: int, adj: list[set[int]]) -> list[int]:
    """Maximum cardinality search: repeatedly number the vertex with most numbered neighbours."""
    weight = [0] * k
    order: list[int] = []
    left = set(range(k))
    while left:
        v = max(sorted(left), key=lambda u: weight[u])
        order.append(v)
        left.remove(v)
        for u in adj[v]:
            if u in left:
                weight[u] += 1
    return order


def _decompose(k: int, edges: tuple[tuple[int, int], ...]) -> DecomposableGraph | None:
    """Cliques and separators of the graph, or None if it is not decomposable (chordal)."""
    adj: list[set[int]] = [set() for _ in range(k)]
    for i, j in edges:
        adj[i].add(j)
        adj[j].add(i)
    order = _mcs_order(k, adj)
    coef = np.zeros(2**k, dtype=np.int64)
    components = 0
    seen: list[int] = []
    for v in order:
        pa = [u for u in seen if u in adj[v]]
        # chordal iff the earlier neighbours of every vertex in an MCS order form a clique
        if any(b not in adj[a] for a, b in itertools.combinations(pa, 2)):
            return None
        fa_mask = (1 << v) | sum(1 << u for u in pa)
        coef[fa_mask] += 1
        if pa:
            coef[sum(1 << u for u in pa)] -= 1
        else:
            components += 1
        seen.append(v)
    cliques = []
    separators = []
    for mask in range(1, 2**k):
        members = frozenset(j for j in range(k) if mask >> j & 1)
        if coef[mask] > 0:
            cliques.extend([members] * int(coef[mask]))
        elif coef[mask] < 0:
            separators.extend([members] * int(-coef[mask]))
    coef.setflags(write=False)
    return DecomposableGraph(edges, tuple(cliques), tuple(separators), components, coef)


@lru_cache(maxsize=8)
def decomposable_graphs(k: int) -> tuple[DecomposableGraph, ...]:
    """All decomposable graphs on ``k`` labelled vertices (8, 61 and 822 for k = 3, 4, 5)."""
    if not MIN_LISTS - 1 <= k <= MAX_LISTS + 1:
        raise ValueError(f"decomposable graphs are enumerated for 2 to 6 lists, not {k}")
    pairs = list(itertools.combinations(range(k), 2))
    out = []
    for mask in range(2 ** len(pairs)):
        edges = tuple(p for b, p in enumerate(pairs) if mask >> b & 1)
        g = _decompose(k, edges)
        if g is not None:
            out.append(g)
    return tuple(out)


def _set_terms(h: CaptureHistories, n0: np.ndarray, delta: float) -> np.ndarray:
    """``T[A, i] = sum_a lgamma(y_{A,a} + alpha_A) - lgamma(alpha_A)`` for every subset A
    of lists (row = bit mask) at ``N0 = n0[i]`` (dga's ``MakeCompMatrix``)."""
    from scipy.special import gammaln  # noqa: PLC0415 - scipy (~0.1 s) only when this runs

    k = h.k
    z = h.patterns
    counts = h.counts
    out = np.zeros((2**k, n0.size))
    for mask in range(1, 2**k):
        members = [j for j in range(k) if mask >> j & 1]
        alpha = delta * 2.0 ** (k - len(members))
        codes = (z[:, members] @ (2 ** np.arange(len(members)))).astype(np.int64)
        marg = np.bincount(codes, weights=counts, minlength=2 ** len(members))
        fixed = float(np.sum(gammaln(marg[1:] + alpha) - gammaln(alpha)))
        out[mask] = fixed + gammaln(marg[0] + n0 + alpha) - gammaln(alpha)
    return out


def _average(
    coef: np.ndarray, comps: np.ndarray, terms: np.ndarray, norm: np.ndarray, base: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Log posterior weights summed over graphs (per grid point) and over the grid (per graph).

    ``log w[g, i] = coef[g] . terms[:, i] + comps[g] norm[i] + base[i]``, in column blocks so
    that the (graphs x grid) matrix never exists in full (822 x 30,000 doubles would be 200 MB).
    """
    n_grid = terms.shape[1]
    by_n = np.empty(n_grid)
    by_graph = np.full(coef.shape[0], -np.inf)
    block = 2048
    for a in range(0, n_grid, block):
        b = min(n_grid, a + block)
        log_w = coef @ terms[:, a:b]
        log_w += np.outer(comps, norm[a:b])
        log_w += base[a:b]
        # one exp per element, shifted by the block maximum: whatever underflows is below
        # e^-700 of that maximum, so negligible for both sums
        top = float(log_w.max())
        np.subtract(log_w, top, out=log_w)
        np.exp(log_w, out=log_w)
        with np.errstate(divide="ignore"):
            by_n[a:b] = np.log(log_w.sum(axis=0)) + top
            by_graph = np.logaddexp(by_graph, np.log(log_w.sum(axis=1)) + top)
    return by_n, by_graph


def _decline(h: CaptureHistories, reason: str, message: str, settings: dict) -> BayesianEstimate:
    return BayesianEstimate(
        method="dga",
        n_obs=h.observed,
        estimate=None,
        ci=None,
        warnings=[*h.warnings, message],
        reason=reason,
        settings=settings,
    )


def dga(
    histories: CaptureHistories,
    *,
    delta: float | None = None,
    prior: str = "1/N",
    n_max_factor: float = 30,
    step: int | None = None,
    draws: int = 4_000,
    seed: int | None = None,
) -> BayesianEstimate:
    """Posterior of the population size by averaging over all decomposable graphs (dga).

    Parameters
    ----------
    histories : CaptureHistories
        Capture histories of 3 to 5 lists. Other numbers of lists give a result with
        ``estimate=None`` and ``reason="lists"`` (no exception).
    delta : float, optional
        Hyper-Dirichlet prior count per cell of the full table (default ``2**-K``, as
        recommended in dga).
    prior : {"1/N", "flat"}
        Prior on N: proportional to 1/N (dga's default) or flat.
    n_max_factor : float
        The grid of unobserved counts runs to ``n_max_factor * n`` (dga's examples use 30).
    step : int, optional
        Grid spacing of N0 (default ``max(1, round(n / 1000))``, as in the reference runs;
        it bounds the grid at about 30,000 points).
    draws : int
        Independent draws of N from the grid posterior stored in ``samples``.
    seed : int, optional
        Seed of those draws (the estimate and interval do not depend on it).

    Returns
    -------
    BayesianEstimate
        Posterior median and 2.5%/97.5% quantiles of N on the grid; diagnostics ``graphs``,
        ``top_graphs`` (posterior probabilities of the most probable graphs), ``mode`` and
        ``mass_at_n_max`` (posterior mass in the last 1% of the grid; if it is not
        negligible, raise ``n_max_factor``).
    """
    h = as_histories(histories)
    k = h.k
    n = h.observed
    if delta is None:
        delta = 2.0**-k
    if not (isinstance(delta, int | float) and math.isfinite(delta) and delta > 0):
        raise ValueError(f"delta must be a positive number, got {delta!r}")
    if prior not in PRIORS:
        raise ValueError(f"prior must be one of {', '.join(PRIORS)}; got {prior!r}")
    if not (isinstance(n_max_factor, int | float) and n_max_factor > 0):
        raise ValueError(f"n_max_factor must be positive, got {n_max_factor!r}")
    if step is None:
        step = max(1, round(n / 1000))
    if isinstance(step, bool) or not isinstance(step, int | np.integer) or step < 1:
        raise ValueError(f"step must be a whole number of at least 1, got {step!r}")
    settings: dict[str, Any] = {
        "delta": float(delta),
        "prior": prior,
        "n_max_factor": float(n_max_factor),
        "step": int(step),
        "draws": int(draws),
        "seed": seed,
    }
    if not MIN_LISTS <= k <= MAX_LISTS:
        return _decline(
            h,
            "lists",
            f"dga averages over decomposable graphs of {MIN_LISTS} to {MAX_LISTS} lists; "
            f"these data have {k}",
            settings,
        )
    from scipy.special import gammaln  # noqa: PLC0415 - scipy (~0.1 s) only when this runs

    graphs = decomposable_graphs(k)
    n0 = np.arange(0, int(n_max_factor * n) + 1, int(step), dtype=np.float64)
    total = n + n0
    terms = _set_terms(h, n0, float(delta))
    alpha_plus = float(delta) * 2.0**k
    norm = gammaln(alpha_plus) - gammaln(total + alpha_plus)
    # multinomial coefficient N! / (N0! prod y!) and the prior on N
    base = gammaln(total + 1) - gammaln(n0 + 1) - float(np.sum(gammaln(h.counts + 1.0)))
    if prior == "1/N":
        base -= np.log(total)
    coef = np.array([g.coef for g in graphs], dtype=np.float64)
    comps = np.array([g.components for g in graphs], dtype=np.float64)
    log_post_n, log_graph = _average(coef, comps, terms, norm, base)
    top = float(log_post_n.max())
    log_z = top + math.log(float(np.exp(log_post_n - top).sum()))
    probs = np.exp(log_post_n - log_z)
    graph_probs = np.exp(log_graph - log_z)
    grid = total
    median, lo, hi = grid_quantiles(grid, probs, (0.5, 0.025, 0.975))
    rng = np.random.default_rng(seed)
    samples = rng.choice(grid, size=int(draws), p=probs / probs.sum())
    tail = max(1, grid.size // 100)
    top_graphs = np.argsort(-graph_probs)[:5]
    diagnostics: dict[str, Any] = {
        "graphs": len(graphs),
        "mode": float(grid[int(np.argmax(probs))]),
        "mass_at_n_max": float(probs[-tail:].sum()),
        "top_graphs": [
            {"graph": graphs[i].label(h.list_names), "probability": float(graph_probs[i])}
            for i in top_graphs
        ],
    }
    warnings = list(h.warnings)
    if diagnostics["mass_at_n_max"] > 1e-3:
        warnings.append(
            "the posterior of N has non-negligible mass at the end of the grid "
            f"({n_max_factor:g} times the observed); raise n_max_factor"
        )
    return BayesianEstimate(
        method="dga",
        n_obs=n,
        estimate=median,
        ci=(lo, hi),
        samples=samples,
        diagnostics=diagnostics,
        warnings=warnings,
        settings=settings,
        grid=grid,
        grid_probs=probs,
    )
