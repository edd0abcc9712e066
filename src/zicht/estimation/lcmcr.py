"""Bayesian non-parametric latent-class model for capture–recapture (``method="lcmcr"``).

The model of Manrique-Vallier (2016), as implemented in R's LCMCR 0.4.14 (``lcmCR`` and
``lcmCR_PostSampl``). Each of the N people belongs to one of K latent classes; within a class
the J lists catch people independently:

.. math::

    P(x \\mid z = k) = \\prod_{j=1}^{J} \\lambda_{jk}^{x_j} (1 - \\lambda_{jk})^{1 - x_j},
    \\qquad P(z = k) = \\pi_k .

Heterogeneity of catchability between people, the usual reason why lists depend on each
other, is absorbed by the mixture. The priors are

* stick-breaking (truncated Dirichlet process): ``pi_k = V_k prod_{l<k} (1 - V_l)``,
  ``V_k ~ Beta(1, alpha)`` for ``k < K``, ``V_K = 1``;
* ``alpha ~ Gamma(a_alpha, b_alpha)`` (shape, rate), default 0.25 and 0.25;
* ``lambda_jk ~ Beta(1, 1)``;
* ``p(N) ∝ 1/N``.

The posterior is explored by the Gibbs sampler of LCMCR with data augmentation of the
unobserved cell. One sweep draws, in this order:

1. the class counts of the ``n_m`` people with each observed pattern m:
   ``Multinomial(n_m; p_k ∝ pi_k prod_j lambda_jk^x_mj (1 - lambda_jk)^(1 - x_mj))``;
2. ``lambda_jk ~ Beta(1 + caught_jk, 1 + missed_jk)``, counting the augmented unobserved
   people of class k as missed by every list;
3. ``V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l)`` (sampled on the log scale);
4. the unobserved count ``n0 ~ NegBin(n, 1 - p0)`` (failures before n successes), with
   ``p0 = sum_k pi_k prod_j (1 - lambda_jk)``: the conditional under the prior 1/N, redrawn
   while above 20 n as LCMCR does;
5. their classes ``Multinomial(n0; p_k ∝ pi_k prod_j (1 - lambda_jk))``;
6. ``alpha ~ Gamma(a_alpha + K - 1, rate = b_alpha - log pi_K)``.

The chain starts as LCMCR's does (lambda at each list's share of the observed cases, alpha =
0.3/K, 500 warm-up sweeps without step 6, then the classes relabelled by decreasing weight;
the first sweep's class weights fixed, or with ``start="lcmcr"`` a random stick-breaking
draw as in LCMCR 0.4.14), then runs ``burnin``
sweeps and keeps ``N = n + n0`` after every ``thinning``-th of ``samples * thinning`` sweeps.
The sampler works per observed capture pattern (step 1 is one multinomial per pattern), which
is what makes it fast; see :mod:`zicht.estimation._lcmcr_kernels`.

References
----------
Manrique-Vallier, D. (2016). Bayesian population size estimation using Dirichlet process
mixtures. *Biometrics* 72(4), 1246-1254.

Manrique-Vallier, D. (2023). LCMCR: Bayesian non-parametric latent-class capture-recapture,
R package 0.4.14.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .bayes import BayesianEstimate, effective_sample_size, split_rhat
from .data import CaptureHistories, as_histories

__all__ = ["lcmcr", "warm_up"]

#: Warm-up sweeps of LCMCR's ``Initializes`` (before the burn-in, alpha held fixed).
WARMUP = 500
#: Sweeps between progress reports.
_CHUNK = 2_000


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return int(value)


def lcmcr(
    histories: CaptureHistories,
    *,
    K: int = 10,  # noqa: N803 - the paper's and LCMCR's name
    a_alpha: float = 0.25,
    b_alpha: float = 0.25,
    burnin: int = 10_000,
    samples: int = 1_000,
    thinning: int = 10,
    chains: int = 1,
    seed: int | None = None,
    start: str = "spread",
    progress: Callable[[int, int], None] | None = None,
) -> BayesianEstimate:
    """Posterior of the population size under the latent-class model (LCMCR).

    Parameters
    ----------
    histories : CaptureHistories
        The capture histories (a DataFrame or CSV path is read as by
        :meth:`CaptureHistories.from_csv`).
    K : int
        Maximum number of latent classes (LCMCR's ``K``; default 10).
    a_alpha, b_alpha : float
        Shape and rate of the Gamma prior on the stick-breaking concentration alpha.
    burnin : int
        Sweeps discarded after the 500 warm-up sweeps (default 10,000).
    samples : int
        Draws of N kept per chain (default 1,000).
    thinning : int
        Sweeps between kept draws (default 10).
    chains : int
        Independent chains; with more than one, R-hat is reported and the draws are pooled.
    seed : int, optional
        Seed; the same seed gives the same draws. Without one a fresh seed is drawn and
        recorded in ``settings["seed"]``.
    start : {"spread", "lcmcr"}
        Class weights of the first warm-up sweep. ``"spread"`` (default): 0.225 for each of
        the first four classes and 0.1 shared by the rest. ``"lcmcr"``: one random
        stick-breaking draw, what LCMCR 0.4.14 actually starts from; use it to reproduce
        LCMCR's run-to-run behaviour (``tests/estimation/test_bayes_reference.py``). Both
        target the same posterior, and measured they behave alike (UKdat_5: 30 of 60 single
        runs left the region near N = 12,000 with either; a two-class simulation: 56 and
        51 of 80 intervals covered the truth; ``benchmarks/RESULTS.md``).
    progress : callable, optional
        ``progress(done, total)`` in sweeps, called every 2,000 sweeps.

    Returns
    -------
    BayesianEstimate
        Posterior median and 2.5%/97.5% quantiles of N, the draws, and diagnostics (``ess``,
        ``rhat`` with several chains, occupied classes).
    """
    h = as_histories(histories)
    k_cls = _check_int("K", K, 2)
    burnin = _check_int("burnin", burnin, 0)
    samples = _check_int("samples", samples, 2)
    thinning = _check_int("thinning", thinning, 1)
    chains = _check_int("chains", chains, 1)
    for name, value in (("a_alpha", a_alpha), ("b_alpha", b_alpha)):
        if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    seed = _check_int("seed", seed, 0)
    if start not in ("spread", "lcmcr"):
        raise ValueError(f"start must be 'spread' or 'lcmcr', got {start!r}")

    from . import _lcmcr_kernels as kern  # noqa: PLC0415 - numba kernels compile/load only when used

    keep = h.counts > 0
    cells = np.ascontiguousarray(h.patterns[keep], dtype=np.int8)
    freq = np.ascontiguousarray(h.counts[keep], dtype=np.int64)
    n = int(freq.sum())
    m_cells, j_lists = cells.shape
    chain_seeds = np.random.SeedSequence(seed).generate_state(chains)
    per_chain = WARMUP + burnin + samples * thinning
    total = chains * per_chain
    draws = np.empty((chains, samples))
    alphas = np.empty((chains, samples))
    occupied = np.empty((chains, samples), dtype=np.int64)
    prior = (float(a_alpha), float(b_alpha))
    empty_f = np.empty(0)
    empty_i = np.empty(0, dtype=np.int64)
    began = time.perf_counter()
    done = 0
    for c in range(chains):
        lam = np.empty((j_lists, k_cls))
        log_nu = np.empty(k_cls)
        nu = np.empty(k_cls)
        count_mk = np.zeros((m_cells, k_cls), dtype=np.int64)
        count0k = np.zeros(k_cls, dtype=np.int64)
        scal = np.zeros(2)
        rng = kern.new_rng(int(chain_seeds[c]))
        state = (cells, freq, n, lam, log_nu, nu, count_mk, count0k, scal)
        kern.initialise(rng, *state, WARMUP, start == "lcmcr")
        done += WARMUP
        left = burnin
        while left > 0:
            step = min(left, _CHUNK)
            kern.run_chain(rng, *state, *prior, step, 0, empty_f, empty_f, empty_i)
            left -= step
            done += step
            if progress is not None:
                progress(done, total)
        kept = 0
        chunk_draws = max(1, _CHUNK // thinning)
        while kept < samples:
            s = min(samples - kept, chunk_draws)
            window = slice(kept, kept + s)
            kern.run_chain(
                rng, *state, *prior, s * thinning, thinning,
                draws[c, window], alphas[c, window], occupied[c, window],
            )  # fmt: skip
            kept += s
            done += s * thinning
            if progress is not None:
                progress(done, total)
    seconds = time.perf_counter() - began
    draws += n
    pooled = draws.ravel()
    median = float(np.median(pooled))
    lo, hi = np.quantile(pooled, [0.025, 0.975])
    diagnostics: dict[str, Any] = {
        "ess": effective_sample_size(draws),
        "mean_occupied_classes": float(occupied.mean()),
        "max_occupied_classes": int(occupied.max()),
        "alpha_median": float(np.median(alphas)),
        "seconds": seconds,
    }
    warnings: list[str] = list(h.warnings)
    if chains > 1:
        diagnostics["rhat"] = split_rhat(draws)
        if diagnostics["rhat"] > 1.05:
            warnings.append(
                f"the chains disagree (R-hat {diagnostics['rhat']:.2f} > 1.05): run longer "
                "(more burn-in and samples) before using the estimate"
            )
    if diagnostics["ess"] < 100:
        warnings.append(
            f"few effectively independent draws (ESS {diagnostics['ess']:.0f} < 100): the "
            "interval ends are uncertain; run more samples or chains"
        )
    if diagnostics["max_occupied_classes"] >= k_cls:
        warnings.append(f"all K = {k_cls} latent classes were used at some point; try a larger K")
    if h.k == 2:
        warnings.append(
            "with two lists the latent-class model is not identified by the data; the "
            "posterior reflects the prior"
        )
    settings = {
        "K": k_cls,
        "a_alpha": float(a_alpha),
        "b_alpha": float(b_alpha),
        "burnin": burnin,
        "samples": samples,
        "thinning": thinning,
        "chains": chains,
        "seed": seed,
        "start": start,
        "warmup": WARMUP,
    }
    return BayesianEstimate(
        method="lcmcr",
        n_obs=h.observed,
        estimate=median,
        ci=(float(lo), float(hi)),
        samples=pooled,
        diagnostics=diagnostics,
        warnings=warnings,
        settings=settings,
    )


def warm_up() -> float:
    """Compile the sampler's kernels into numba's on-disk cache; return the seconds taken.

    ``make install`` calls this, so that the first ``estimate --method lcmcr`` after an
    install loads compiled code (about a second) instead of compiling it (about 50 s of CPU
    since the generators are inlined into the sweep, measured 2026-12-03 on a busy machine).
    A tiny three-list table and a few sweeps reach every kernel the estimator calls.
    """
    start = time.perf_counter()
    h = CaptureHistories(("A", "B", "C"), np.array([20, 20, 5, 20, 5, 5, 30]))
    lcmcr(h, seed=0, burnin=20, samples=20, thinning=1, chains=2)
    return time.perf_counter() - start
