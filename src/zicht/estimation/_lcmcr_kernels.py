"""Compiled Gibbs sampler (numba) for the latent-class capture–recapture model.

The sampler follows R's LCMCR 0.4.14 (``NPLCM_CR_Basic_Freq.cpp``, Manrique-Vallier 2016)
update for update, but works on the *observed capture patterns* rather than on individuals:
the class memberships of the ``n_m`` people with pattern ``m`` enter every full conditional
only through their counts per class, so one multinomial draw per pattern replaces ``n_m``
categorical draws. See :mod:`zicht.estimation.lcmcr` for the model and the full conditionals.

State layout (all arrays are updated in place by :func:`run_chain`):

* ``lam`` (J, K): capture probabilities lambda_jk;
* ``log_nu`` / ``nu`` (K,): class weights from the stick-breaking construction;
* ``count_mk`` (M, K): people of observed pattern m in class k;
* ``count0k`` (K,): unobserved people in class k;
* ``scal`` (2,): alpha (the stick-breaking concentration) and n0 (the unobserved count).

The random stream is numba's own (Mersenne Twister), seeded once per chain; it differs from
R's GSL ``taus2`` stream, so the chains agree with LCMCR in distribution, not draw by draw.
The binomial, gamma and beta generators are written out here (faster than numba's for these
shapes) and tested against scipy's distributions in ``tests/estimation/test_bayes.py``.

The sweep is :func:`_update`, a sequence of named steps (``_draw_*``), each a small kernel
that numba inlines into the loop; ``benchmarks/lcmcr_vs_r.py --split`` times it against the
single-function kernel it replaced.

Kernels use ``error_model="numpy"`` (no Python zero-division checks in the inner loops; every
division is by a quantity that is positive by construction).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def seed_rng(seed):
    """Seed numba's random generator (its state is separate from NumPy's)."""
    np.random.seed(seed)


@njit(cache=True, error_model="numpy")
def _uniform_pos():
    """Uniform on (0, 1)."""
    u = np.random.random()
    while u <= 0.0:
        u = np.random.random()
    return u


# ---------------------------------------------------------------- distributions
@njit(cache=True, error_model="numpy")
def _gamma(shape):
    """Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 via the boost U^(1/shape))."""
    if shape < 1.0:
        return _gamma(shape + 1.0) * _uniform_pos() ** (1.0 / shape)
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = np.random.standard_normal()
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = _uniform_pos()
        if u < 1.0 - 0.0331 * x * x * x * x:
            return d * v
        if math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
            return d * v


@njit(cache=True, error_model="numpy")
def _log_gamma(shape):
    """log of a Gamma(shape, 1) draw, stable for tiny shapes (Robert & Casella 2004, p. 45).

    For shape < 0.5: log G = log U / shape + log Gamma(1 + shape), as LCMCR's
    ``dan_log_gamma_1``.
    """
    if shape < 0.5:
        return math.log(_uniform_pos()) / shape + math.log(_gamma(1.0 + shape))
    return math.log(_gamma(shape))


@njit(cache=True, error_model="numpy")
def _beta(a, b):
    """Beta(a, b) draw; with a shape equal to 1 by inversion (one uniform), else two gammas.

    Beta(1, b) = 1 - U^(1/b) and Beta(a, 1) = U^(1/a): the common cases of a list that caught
    nobody in a class, and of a class with nobody in it.
    """
    if a == 1.0:
        if b == 1.0:
            return _uniform_pos()  # Beta(1, 1): the lambdas of an empty class
        return -math.expm1(math.log(_uniform_pos()) / b)
    if b == 1.0:
        return math.exp(math.log(_uniform_pos()) / a)
    x = _gamma(a)
    y = _gamma(b)
    return x / (x + y)


@njit(cache=True, error_model="numpy")
def _binomial_inversion(n, p):
    """Binomial(n, p) by sequential inversion of the CDF (for small n p, p <= 1/2)."""
    q = 1.0 - p
    s = p / q
    a = (n + 1) * s
    r = math.exp(n * math.log1p(-p))
    u = np.random.random()
    x = 0
    while u > r and x < n:
        u -= r
        x += 1
        r *= a / x - s
    return x


@njit(cache=True, error_model="numpy")
def _binomial_btrs(n, p):
    """Binomial(n, p), n p >= 10 and p <= 1/2: transformed rejection with squeeze (BTRS).

    Hörmann, W. (1993). The generation of binomial random variates. *Journal of Statistical
    Computation and Simulation* 46, 101-110. The exact log-density test is needed only when
    the squeeze fails, so it is computed lazily.
    """
    spq = math.sqrt(n * p * (1.0 - p))
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * spq
    m = math.floor((n + 1) * p)
    h = -1.0
    lpq = 0.0
    while True:
        u = np.random.random() - 0.5
        v = _uniform_pos()
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return int(k)
        if h < 0.0:
            h = math.lgamma(m + 1.0) + math.lgamma(n - m + 1.0)
            lpq = math.log(p / (1.0 - p))
        v = math.log(v * alpha / (a / (us * us) + b))
        if v <= h - math.lgamma(k + 1.0) - math.lgamma(n - k + 1.0) + (k - m) * lpq:
            return int(k)


@njit(cache=True, error_model="numpy")
def _binomial(n, p):
    """Binomial(n, p) draw: inversion for n min(p, 1-p) < 10, else BTRS."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    flip = p > 0.5
    pp = 1.0 - p if flip else p
    x = _binomial_inversion(n, pp) if n * pp < 10.0 else _binomial_btrs(n, pp)
    return n - x if flip else x


@njit(cache=True, error_model="numpy")
def _negative_binomial(size, p_success):
    """Failures before ``size`` successes: Poisson(Gamma(size, (1 - p) / p))."""
    if p_success >= 1.0:
        return 0
    if p_success <= 1e-15:
        p_success = 1e-15  # the model says nobody can be caught; keep N finite
    mean = _gamma(size) * (1.0 - p_success) / p_success
    if mean > 1e15:
        mean = 1e15
    return np.random.poisson(mean)


#: Up to this many people a multinomial is drawn person by person (one uniform each), above
#: it by conditional binomials.
_CATEGORICAL_MAX = 12


@njit(cache=True, error_model="numpy", inline="always")
def _categorical_counts(n, order, tail, out):
    """n people one by one: class ``order[i]`` owns [tail[i + 1], tail[i]) of [0, tail[0])."""
    k_max = order.shape[0]
    last = order[k_max - 1]
    for _ in range(n):
        u = np.random.random() * tail[0]
        placed = False
        for i in range(k_max - 1):
            if u >= tail[i + 1]:
                out[order[i]] += 1
                placed = True
                break
        if not placed:
            out[last] += 1


@njit(cache=True, error_model="numpy", inline="always")
def _binomial_counts(n, probs, order, tail, out):
    """Sequential conditional binomials in ``order``, stopping once all n are placed."""
    k_max = order.shape[0]
    left = n
    for i in range(k_max - 1):
        if tail[i] <= 0.0:
            break
        k = order[i]
        p = probs[k] / tail[i]
        if p >= 1.0:
            out[k] = left
            return
        if p > 0.0:
            x = _binomial(left, p)
            out[k] = x
            left -= x
            if left == 0:
                return
    out[order[k_max - 1]] += left


@njit(cache=True, error_model="numpy")
def _multinomial(n, probs, order, tail, out):
    """Multinomial(n, probs / sum(probs)) into ``out``.

    One categorical draw per person when n is at most ``_CATEGORICAL_MAX``; otherwise
    sequential conditional binomials, visiting the classes in ``order`` (largest weight
    first) and stopping as soon as all n are placed, so classes with negligible weight cost
    nothing. Any visiting order gives the same multinomial distribution. ``tail`` is scratch
    space.
    """
    k_max = probs.shape[0]
    s = 0.0
    for i in range(k_max - 1, -1, -1):
        k = order[i]
        s += probs[k]
        tail[i] = s
        out[k] = 0
    if n <= 0:
        return
    if n <= _CATEGORICAL_MAX:
        _categorical_counts(n, order, tail, out)
    else:
        _binomial_counts(n, probs, order, tail, out)


# ---------------------------------------------------------------- the steps of one sweep
@njit(cache=True, error_model="numpy", inline="always")
def _order_by_weight(nu, order):
    """Classes by decreasing weight (insertion sort; K is small), the multinomials' order."""
    k_cls = nu.shape[0]
    for i in range(k_cls):
        order[i] = i
    for i in range(1, k_cls):
        o = order[i]
        w = nu[o]
        j = i - 1
        while j >= 0 and nu[order[j]] < w:
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = o


@njit(cache=True, error_model="numpy", inline="always")
def _pattern_weights(cells, m, lam, nu, probs):
    """p_k ∝ nu_k prod_j lam_jk^x_mj (1 - lam_jk)^(1 - x_mj) for observed pattern m."""
    for k in range(lam.shape[1]):
        pr = nu[k]
        for j in range(lam.shape[0]):
            pr *= lam[j, k] if cells[m, j] == 1 else 1.0 - lam[j, k]
        probs[k] = pr


@njit(cache=True, error_model="numpy", inline="always")
def _draw_pattern_classes(cells, freq, lam, nu, order, count_mk, count_k, caught, work, out):
    """Step 1: the class counts of every observed pattern (one multinomial per pattern).

    Adds them to ``count_k`` (people per class) and ``caught`` (per list and class, the
    people that list caught).
    """
    probs = work[0]
    tail = work[1]
    for m in range(cells.shape[0]):
        _pattern_weights(cells, m, lam, nu, probs)
        _multinomial(freq[m], probs, order, tail, out)
        for k in range(lam.shape[1]):
            c = out[k]
            count_mk[m, k] = c
            if c > 0:
                count_k[k] += c
                for j in range(lam.shape[0]):
                    if cells[m, j] == 1:
                        caught[j, k] += c


@njit(cache=True, error_model="numpy", inline="always")
def _draw_capture_probs(lam, caught, count_k):
    """Step 2: lambda_jk ~ Beta(1 + caught by list j in class k, 1 + not caught), the
    unobserved counted as not caught."""
    for k in range(lam.shape[1]):
        for j in range(lam.shape[0]):
            lam[j, k] = _beta(1.0 + caught[j, k], 1.0 + (count_k[k] - caught[j, k]))


@njit(cache=True, error_model="numpy", inline="always")
def _stick(count, rest):
    """(log V, log(1 - V)) for V ~ Beta(1 + count, rest), in logs as LCMCR does."""
    if count == 0.0:
        # V ~ Beta(1, rest): log(1 - V) = log(U) / rest exactly, one uniform
        log_1mv = math.log(_uniform_pos()) / rest
        log_v = math.log(-math.expm1(log_1mv)) if log_1mv < 0.0 else -math.inf
        return log_v, log_1mv
    g1 = _log_gamma(1.0 + count)
    g2 = _log_gamma(rest)
    mx = g1 if g1 > g2 else g2
    ls = mx + math.log(math.exp(g1 - mx) + math.exp(g2 - mx))
    return g1 - ls, g2 - ls


@njit(cache=True, error_model="numpy", inline="always")
def _draw_class_weights(count_k, alpha, log_nu, nu):
    """Step 3: stick-breaking weights, V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l)."""
    k_cls = log_nu.shape[0]
    total = 0.0
    for k in range(k_cls):
        total += count_k[k]
    acc = 0.0
    log_rest = 0.0
    for k in range(k_cls - 1):
        acc += count_k[k]
        log_v, log_1mv = _stick(count_k[k], alpha + (total - acc))
        log_nu[k] = log_v + log_rest
        log_rest += log_1mv
        nu[k] = math.exp(log_nu[k])
    log_nu[k_cls - 1] = log_rest
    nu[k_cls - 1] = math.exp(log_rest)


@njit(cache=True, error_model="numpy", inline="always")
def _draw_unobserved(n, lam, nu, order, count0k, work, out):
    """Steps 4 and 5: n0 ~ NegBin(n, 1 - p0) with p0 = sum_k nu_k prod_j (1 - lam_jk),
    redrawn while above 20 n (LCMCR's ``sam_n0``), then the unobserved people's classes,
    Multinomial(n0, nu_k prod_j (1 - lam_jk)). Returns (p0, n0)."""
    p_zero = work[3]
    tail = work[1]
    p0 = 0.0
    for k in range(lam.shape[1]):
        pr = nu[k]
        for j in range(lam.shape[0]):
            pr *= 1.0 - lam[j, k]
        p_zero[k] = pr
        p0 += pr
    n0 = _negative_binomial(float(n), 1.0 - p0)
    tries = 1
    while n0 > 20 * n and tries < 10_000:
        n0 = _negative_binomial(float(n), 1.0 - p0)
        tries += 1
    n0 = min(n0, 20 * n)
    _multinomial(n0, p_zero, order, tail, out)
    for k in range(lam.shape[1]):
        count0k[k] = out[k]
    return p0, n0


@njit(cache=True, error_model="numpy")
def _update(cells, freq, n, lam, log_nu, nu, count_mk, count0k, scal, work, out, order):
    """One Gibbs sweep (LCMCR's ``Update`` without alpha).

    ``work`` is (4 + J, K) float scratch, ``out`` and ``order`` (K,) integer scratch.

    Returns p0, the probability of the all-zero pattern at the new parameters.
    """
    _order_by_weight(nu, order)
    # class totals start from the unobserved of the previous sweep (as LCMCR's CountKs)
    count_k = work[2]
    caught = work[4:]
    for k in range(count0k.shape[0]):
        count_k[k] = count0k[k]
        for j in range(caught.shape[0]):
            caught[j, k] = 0.0
    _draw_pattern_classes(cells, freq, lam, nu, order, count_mk, count_k, caught, work, out)
    _draw_capture_probs(lam, caught, count_k)
    _draw_class_weights(count_k, scal[0], log_nu, nu)
    p0, n0 = _draw_unobserved(n, lam, nu, order, count0k, work, out)
    scal[1] = n0
    return p0


@njit(cache=True, error_model="numpy")
def _update_alpha(log_nu, scal, a_alpha, b_alpha):
    """alpha ~ Gamma(a_alpha + K - 1, rate = b_alpha - log nu_K)."""
    k_cls = log_nu.shape[0]
    scal[0] = _gamma(a_alpha + k_cls - 1.0) / (b_alpha - log_nu[k_cls - 1])


@njit(cache=True, error_model="numpy", inline="always")
def _random_stick_weights(log_nu, nu):
    """Class weights from one stick-breaking draw with Beta(1, 1) sticks (LCMCR's start)."""
    k_cls = log_nu.shape[0]
    log_rest = 0.0
    for k in range(k_cls - 1):
        log_v, log_1mv = _stick(0.0, 1.0)
        log_nu[k] = log_v + log_rest
        log_rest += log_1mv
    log_nu[k_cls - 1] = log_rest
    for k in range(k_cls):
        nu[k] = math.exp(log_nu[k])


@njit(cache=True, error_model="numpy", inline="always")
def _spread_weights(log_nu, nu):
    """Fixed class weights: 0.225 for each of the first four classes, 0.1 shared by the rest."""
    k_cls = log_nu.shape[0]
    for k in range(k_cls):
        if k_cls > 4:
            nu[k] = 0.225 if k < 4 else 0.1 / (k_cls - 4)
        else:
            nu[k] = 1.0 / k_cls
        log_nu[k] = math.log(nu[k])


@njit(cache=True, error_model="numpy")
def initialise(cells, freq, n, lam, log_nu, nu, count_mk, count0k, scal, warmup, random_start):
    """LCMCR's ``Initializes``: lambda at the list's share of cases, alpha = 0.3 / K, then
    ``warmup`` sweeps without the alpha update, then the classes relabelled by decreasing
    weight.

    The class weights of the first sweep: with ``random_start`` one stick-breaking draw with
    Beta(1, 1) sticks, as LCMCR 0.4.14 (it also writes fixed weights into ``nuK``, but its
    first sweep reads ``log_nuK``, the random draw, and the next sweep overwrites ``nuK``);
    otherwise those fixed weights (:func:`_spread_weights`).
    """
    m_cells, j_lists = cells.shape
    k_cls = lam.shape[1]
    for j in range(j_lists):
        on = 0
        for m in range(m_cells):
            if cells[m, j] == 1:
                on += freq[m]
        for k in range(k_cls):
            lam[j, k] = on / n
    if random_start:
        _random_stick_weights(log_nu, nu)
    else:
        _spread_weights(log_nu, nu)
    for k in range(k_cls):
        count0k[k] = 0
    scal[0] = 0.3 / k_cls
    scal[1] = 0.0
    work = np.empty((4 + cells.shape[1], k_cls))
    out = np.empty(k_cls, dtype=np.int64)
    order = np.empty(k_cls, dtype=np.int64)
    for _ in range(warmup):
        _update(cells, freq, n, lam, log_nu, nu, count_mk, count0k, scal, work, out, order)
    _sort_classes_by_weight(lam, log_nu, nu, count_mk, count0k)


@njit(cache=True, error_model="numpy")
def _sort_classes_by_weight(lam, log_nu, nu, count_mk, count0k):
    """Relabel the classes by decreasing weight (LCMCR's ``permute_latent_classes_by_nu``).

    Done once, after the warm-up: the stick-breaking prior favours large weights in the
    first classes, so the burn-in starts from a state that agrees with it. Equal weights
    keep their order.
    """
    perm = np.argsort(-nu, kind="mergesort")
    lam[:, :] = lam[:, perm].copy()
    log_nu[:] = log_nu[perm].copy()
    nu[:] = nu[perm].copy()
    count_mk[:, :] = count_mk[:, perm].copy()
    count0k[:] = count0k[perm].copy()


@njit(cache=True, error_model="numpy", inline="always")
def _occupied(count_mk, count0k):
    """Classes with at least one person, observed or not."""
    occupied = 0
    for k in range(count0k.shape[0]):
        c = count0k[k]
        for m in range(count_mk.shape[0]):
            c += count_mk[m, k]
        if c > 0:
            occupied += 1
    return occupied


@njit(cache=True, error_model="numpy")
def run_chain(
    cells,
    freq,
    n,
    lam,
    log_nu,
    nu,
    count_mk,
    count0k,
    scal,
    a_alpha,
    b_alpha,
    n_iter,
    thin,
    out_n0,
    out_alpha,
    out_kstar,
):
    """Run ``n_iter`` sweeps; after every ``thin``-th store n0, alpha and the occupied classes.

    ``out_*`` must hold ``n_iter // thin`` entries (they may be empty for burn-in).
    """
    k_cls = lam.shape[1]
    work = np.empty((4 + cells.shape[1], k_cls))
    out = np.empty(k_cls, dtype=np.int64)
    order = np.empty(k_cls, dtype=np.int64)
    s = 0
    for it in range(1, n_iter + 1):
        _update(cells, freq, n, lam, log_nu, nu, count_mk, count0k, scal, work, out, order)
        _update_alpha(log_nu, scal, a_alpha, b_alpha)
        if thin > 0 and it % thin == 0 and s < out_n0.shape[0]:
            out_n0[s] = scal[1]
            out_alpha[s] = scal[0]
            out_kstar[s] = _occupied(count_mk, count0k)
            s += 1
