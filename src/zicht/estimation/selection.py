"""Model selection: the stepwise procedure of Chan, Silverman & Vincent and all-subsets search.

Stepwise (Chan et al. 2019, Section 3.2; SparseMSE ``stepwisefit``)
    Start from the main-effects model. In each cycle, for every two-list term not in the model
    compute the two-sided Poisson p-value of the observed overlap :math:`n^*_{ij}` (cases on
    both lists) against its expectation :math:`\\mu^*_{ij} = \\sum_{c \\ni i,j} \\hat\\mu_c`
    under the current model,

    .. math:: p_{ij} = \\min\\{P(X \\le n^*_{ij}),\\, P(X \\ge n^*_{ij})\\},
              \\quad X \\sim \\text{Poisson}(\\mu^*_{ij}),

    set to 1 when adding the term would make the estimate infinite or non-identifiable. Add the
    term with the smallest p-value (ties: first pair in list order) if it is below the threshold
    (default 0.02), otherwise stop.

All models
    Every model with the main effects and any subset of the two-list terms (``K <= 6``), checked
    for existence and identifiability and ranked by AIC and BIC. The checks use the monotonicity
    noted by Chan et al. (SparseMSE ``checkallmodels``): within models sharing the same set of
    non-overlapping pairs, if the extended MLE exists for a model it exists for every model with
    fewer overlapping pairs, and a full-rank design stays full rank when columns are removed.

References
----------
Chan, L., Silverman, B. W. and Vincent, K. (2019). arXiv:1902.05156 (JASA 2021).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ._special import pdtr, pdtrc
from .design import full_design, model_layout, pair_list, term_cell_membership
from .existence import ModelCheck, check_model, lp_slack
from .fit import ModelFit, fit_model, use_compiled_kernels

__all__ = [
    "DEFAULT_THRESHOLDS",
    "AllModels",
    "StepRecord",
    "all_models",
    "stepwise",
]

DEFAULT_THRESHOLDS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)
MAX_LISTS_ALL_MODELS = 6

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class StepRecord:
    """One cycle of the stepwise search: the term added and its p-value."""

    pair: int
    pvalue: float


def pair_overlaps(k: int, counts: np.ndarray) -> np.ndarray:
    """Observed overlap (cases on both lists) for every pair, in :func:`pair_list` order."""
    return full_design(k)[:, k + 1 :].T @ np.asarray(counts, dtype=np.float64)


def poisson_two_sided(n: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """``min(P(X <= n), P(X >= n))`` for ``X ~ Poisson(mu)`` (elementwise)."""
    n = np.asarray(n, dtype=np.float64)
    mu = np.asarray(mu, dtype=np.float64)
    lower = pdtr(n, mu)
    upper = np.where(n > 0, pdtrc(n - 1.0, mu), 1.0)
    return np.minimum(lower, upper)


def stepwise(
    k: int,
    counts: np.ndarray,
    pthresh: float = 0.02,
    *,
    check: Callable[[int, np.ndarray, tuple[int, ...]], ModelCheck] = check_model,
) -> tuple[ModelFit, tuple[StepRecord, ...]]:
    """Stepwise selection with Poisson p-values (Chan, Silverman & Vincent 2019).

    Parameters
    ----------
    k : int
        Number of lists.
    counts : ndarray
        Counts of the ``2**k - 1`` observable cells.
    pthresh : float
        A term is added only if its p-value is below this threshold. ``0`` gives the main
        effects model; ``1`` gives the model with every pair if that model passes the checks.
    check : callable
        Existence/identifiability check (default :func:`existence.check_model`).

    Returns
    -------
    fit : ModelFit
        The selected model.
    steps : tuple of StepRecord
        Terms in the order added, with their p-values.

    Notes
    -----
    Only the candidates needed to find the smallest admissible p-value are checked: they are
    examined in increasing order of p-value (ties in list order) and the first that passes the
    checks is the one SparseMSE's exhaustive scan would pick.
    """
    counts = np.asarray(counts, dtype=np.float64)
    npairs = k * (k - 1) // 2
    if pthresh >= 1:
        everything = tuple(range(npairs))
        if check(k, counts, everything).ok:
            return fit_model(k, counts, everything), ()
    current = fit_model(k, counts, ())
    if pthresh <= 0:
        return current, ()
    nstar = pair_overlaps(k, counts)
    pair_cols = full_design(k)[:, k + 1 :]
    n_full = full_design(k).shape[1]
    included: list[int] = []
    steps: list[StepRecord] = []
    for _ in range(npairs):
        mu_full = np.zeros(len(counts))
        mu_full[current.cells] = current.fit.mu
        pstar = mu_full @ pair_cols
        pvals = poisson_two_sided(nstar, pstar)
        pvals[included] = np.inf
        order = np.lexsort((np.arange(npairs), pvals))
        chosen = -1
        for j in order:
            if not pvals[j] < pthresh:
                break
            trial = (*included, int(j))
            if check(k, counts, trial).ok:
                chosen = int(j)
                break
        if chosen < 0:
            break
        included.append(chosen)
        steps.append(StepRecord(chosen, float(pvals[chosen])))
        current = fit_model(k, counts, tuple(included), current.full_beta(n_full))
    return current, tuple(steps)


@dataclass(frozen=True)
class AllModels:
    """Every main-effects-plus-pairs model, checked and fitted.

    Attributes
    ----------
    masks : ndarray of int
        Bit ``m`` of ``masks[r]`` set means pair ``m`` (see :func:`design.pair_list`) is in model
        ``r``.
    identifiable, exists : ndarray of bool
        Outcome of the checks for each model.
    estimate, hidden, se_log_hidden, aic, bic, deviance : ndarray of float
        Per model (NaN where the checks fail).
    df_resid : ndarray of int
    observed : int
    k : int
    """

    k: int
    observed: int
    masks: np.ndarray
    identifiable: np.ndarray
    exists: np.ndarray
    estimate: np.ndarray
    hidden: np.ndarray
    se_log_hidden: np.ndarray
    aic: np.ndarray
    bic: np.ndarray
    deviance: np.ndarray
    df_resid: np.ndarray

    @property
    def ok(self) -> np.ndarray:
        return self.identifiable & self.exists

    def pairs_of(self, row: int) -> tuple[int, ...]:
        """Pair indices of model ``row``."""
        m = int(self.masks[row])
        return tuple(p for p in range(self.k * (self.k - 1) // 2) if m >> p & 1)

    def best(self, criterion: str = "aic") -> int:
        """Row of the admissible model with the smallest AIC or BIC (ties: lowest bit mask)."""
        values = {"aic": self.aic, "bic": self.bic}[criterion]
        ok = np.flatnonzero(self.ok)
        if ok.size == 0:
            raise ValueError("no model has a finite, identifiable estimate")
        return int(ok[np.argmin(values[ok])])

    def ranking(self, criterion: str = "aic") -> np.ndarray:
        """Rows of the admissible models sorted by the criterion."""
        values = {"aic": self.aic, "bic": self.bic}[criterion]
        ok = np.flatnonzero(self.ok)
        return ok[np.argsort(values[ok], kind="stable")]

    def table(self, list_names: Sequence[str], criterion: str = "aic", top: int | None = None):
        """A pandas DataFrame of the admissible models, best first."""
        import pandas as pd  # noqa: PLC0415 - pandas only for DataFrame output

        names = [f"{list_names[i]}:{list_names[j]}" for i, j in pair_list(self.k)]
        rows = self.ranking(criterion)
        if top is not None:
            rows = rows[:top]
        values = {"aic": self.aic, "bic": self.bic}[criterion]
        best = values[rows[0]] if rows.size else np.nan
        return pd.DataFrame(
            {
                "terms": [
                    ", ".join(names[p] for p in self.pairs_of(r)) or "(main effects)" for r in rows
                ],
                "estimate": self.estimate[rows],
                "hidden": self.hidden[rows],
                "aic": self.aic[rows],
                "bic": self.bic[rows],
                f"delta_{criterion}": values[rows] - best,
                "deviance": self.deviance[rows],
                "df_resid": self.df_resid[rows],
            }
        )


def _popcount(x: int) -> int:
    return bin(x).count("1")


def _full_rank(a: np.ndarray) -> bool:
    """Whether the design ``a`` identifies every parameter: no more columns than rows and
    no column a combination of the others."""
    return a.shape[0] >= a.shape[1] and np.linalg.matrix_rank(a) == a.shape[1]


def _subsets_by_size(bits: Sequence[int]) -> list[int]:
    """Every subset of the pair bits ``bits`` as a mask, smallest subsets first: a model
    is then checked after all of its submodels."""
    masks = [0]
    for p in bits:
        masks += [m | (1 << p) for m in masks]
    masks.sort(key=_popcount)
    return masks


def _subsets_of(mask: int) -> list[int]:
    """Every subset of ``mask`` (0 first, then counting down from ``mask`` itself)."""
    subsets = [0]
    e = mask
    while e:
        subsets.append(e)
        e = (e - 1) & mask
    return subsets


def _identify_group(ident, g: int, sub_masks: list[int], top_rank_ok: bool, layout) -> None:
    """Identifiability of the models ``g | s``: when the largest one is identifiable so is
    every submodel; otherwise each is checked."""
    for s in sub_masks:
        ident[g | s] = top_rank_ok or _full_rank(layout(g | s)[1])


def _exist_group(exists, g, sub_masks, over_bits, support, layout) -> None:
    """Existence of the MLE for the models ``g | s`` when the largest one has none. A
    model whose submodel (one overlapping pair fewer) has no MLE has none either, so only
    the others are solved as a linear programme."""
    for s in sub_masks:
        m = g | s
        if any(s >> p & 1 and not exists[m & ~(1 << p)] for p in over_bits):
            continue  # a submodel fails, so this one fails too
        cells_m, a_m = layout(m)
        exists[m] = lp_slack(a_m, support[cells_m]) > 1e-9


def _existence_all(k: int, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Identifiability and existence for every model, using the monotonicity in each group.

    A group is one set ``g`` of pairs whose two lists share nobody, together with every
    subset of the pairs that do overlap; the largest model of the group is checked first,
    and where it passes every model of the group passes."""
    npairs = k * (k - 1) // 2
    nmodels = 1 << npairs
    support = counts > 0
    overl = pair_overlaps(k, counts) > 0
    empty_mask = sum(1 << p for p in range(npairs) if not overl[p])
    over_mask = ((1 << npairs) - 1) & ~empty_mask
    over_bits = [p for p in range(npairs) if over_mask >> p & 1]
    ident = np.zeros(nmodels, dtype=bool)
    exists = np.zeros(nmodels, dtype=bool)
    x_full = full_design(k)

    def layout(mask: int) -> tuple[np.ndarray, np.ndarray]:
        pairs = tuple(p for p in range(npairs) if mask >> p & 1)
        cells, cols, _, _ = model_layout(k, counts, pairs)
        return cells, x_full[np.ix_(cells, cols)]

    sub_masks = _subsets_by_size(over_bits)
    for g in _subsets_of(empty_mask):
        cells, a = layout(g | over_mask)
        _identify_group(ident, g, sub_masks, _full_rank(a), layout)
        if lp_slack(a, support[cells]) > 1e-9:
            exists[[g | s for s in sub_masks]] = True
        else:
            _exist_group(exists, g, sub_masks, over_bits, support, layout)
    return ident, exists


def all_models(
    k: int,
    counts: np.ndarray,
    *,
    progress: Progress | None = None,
) -> AllModels:
    """Check and fit every model with main effects and any set of two-list terms.

    Models are fitted in one compiled loop (:func:`._kernels.fit_many`) in order of their bit
    mask, each warm-started from its parent (the model without its last pair), so each fit
    needs only a few Newton steps.

    Parameters
    ----------
    k : int
        Number of lists (at most 6: 2**15 = 32,768 models).
    counts : ndarray
        Counts of the observable cells.
    progress : callable, optional
        Called as ``progress(done, total)`` now and then.
    """
    if k > MAX_LISTS_ALL_MODELS:
        raise ValueError(f"all-models search is limited to K <= {MAX_LISTS_ALL_MODELS} lists")
    counts = np.asarray(counts, dtype=np.float64)
    npairs = k * (k - 1) // 2
    nmodels = 1 << npairs
    ident, exists = _existence_all(k, counts)
    ok = ident & exists
    observed = int(round(counts.sum()))
    est = np.full(nmodels, np.nan)
    hid = np.full(nmodels, np.nan)
    se = np.full(nmodels, np.nan)
    aic = np.full(nmodels, np.nan)
    bic = np.full(nmodels, np.nan)
    dev = np.full(nmodels, np.nan)
    dfr = np.zeros(nmodels, dtype=np.int64)
    masks = np.flatnonzero(ok).astype(np.int64)
    if progress is not None:
        progress(0, nmodels)
    if masks.size:
        from scipy.special import gammaln  # noqa: PLC0415 - scipy (~0.1 s) only when this runs

        from ._kernels import alloc_many, fit_many  # noqa: PLC0415 - numba kernels compile/load only when used

        use_compiled_kernels()

        xfull = np.ascontiguousarray(full_design(k))
        pair_cells = np.ascontiguousarray(term_cell_membership(k)[k:])
        pair_empty = pair_overlaps(k, counts) <= 0
        lgy = gammaln(counts + 1.0)
        out = alloc_many(masks.size, xfull.shape[1], npairs)
        chunk = max(1, masks.size // 20)
        for r0 in range(0, masks.size, chunk):
            r1 = min(masks.size, r0 + chunk)
            fit_many(xfull, counts, lgy, pair_cells, pair_empty, k, masks, 1e-13, 100, out, r0, r1)
            if progress is not None:
                progress(int(masks[r1 - 1]), nmodels)
        beta, ll, dv, se0, ncell, npar, nempty, conv, _ = out
        q = npar + nempty
        hid[masks] = np.exp(beta[:, 0])
        est[masks] = observed + hid[masks]
        se[masks] = se0
        aic[masks] = -2.0 * ll + 2.0 * q
        bic[masks] = -2.0 * ll + np.log(max(observed, 1)) * q
        dev[masks] = dv
        dfr[masks] = ncell - npar
    if progress is not None:
        progress(nmodels, nmodels)
    return AllModels(
        k=k,
        observed=observed,
        masks=np.arange(nmodels, dtype=np.int64),
        identifiable=ident,
        exists=exists,
        estimate=est,
        hidden=hid,
        se_log_hidden=se,
        aic=aic,
        bic=bic,
        deviance=dev,
        df_resid=dfr,
    )
