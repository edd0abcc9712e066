"""Compiled Gibbs sampler (numba) for the latent-class capture–recapture model.

The sampler follows R's LCMCR 0.4.14 (``NPLCM_CR_Basic_Freq.cpp``, Manrique-Vallier 2016)
update for update, but works on the *observed capture patterns* rather than on individuals:
the class memberships of the ``n_m`` people with pattern ``m`` enter every full conditional
only through their counts per class, so one multinomial draw per pattern replaces ``n_m``
categorical draws. See :mod:`zicht.estimation.lcmcr` for the model and the full conditionals.

State layout (all arrays are updated in place by :func:`run_chain`):

* ``lam`` (J, K): capture probabilities lambda_jk;
* ``log_nu`` / ``nu`` (K,): class weights from the stick-breaking construction (of
  ``log_nu`` only the last class's entry is kept, see :func:`_draw_class_weights`);
* ``count_mk`` (M, K): people of observed pattern m in class k;
* ``count0k`` (K,): unobserved people in class k;
* ``scal`` (2,): alpha (the stick-breaking concentration) and n0 (the unobserved count).

The random stream is the sampler's own: xoshiro256++ (Blackman & Vigna 2021), its four
words of state in an array made by :func:`new_rng` and passed to every kernel, with a
ziggurat for normal draws. It differs from R's GSL ``taus2`` stream, so the chains agree
with LCMCR in distribution, not draw by draw. The binomial, gamma, beta and Poisson
generators are written out here (inlined into the sweep, a few nanoseconds each where
numba's cost tens) and tested against scipy's distributions in
``tests/estimation/test_bayes.py``.

The sweep is :func:`_update`, a sequence of named steps (``_draw_*``), each a small kernel
that numba inlines into the loop; ``benchmarks/lcmcr_kernel_split.py --steps`` times each
step. The loop (:func:`_sweeps`) is compiled without numba's reference counting: nothing in
a sweep allocates, and the counting cost more than the draws (``benchmarks/RESULTS.md``).

Kernels use ``error_model="numpy"`` (no Python zero-division checks in the inner loops; every
division is by a quantity that is positive by construction).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Compiles a kernel without numba's reference counting (its internal ``_nrt`` option, absent
#: from its type stubs): for the code inside a sweep, which never allocates. See
#: :func:`_sweeps` for why.
_no_refcount = njit(cache=True, error_model="numpy", _nrt=False)  # type: ignore[call-overload]


# ---------------------------------------------------------------- random stream
def _ziggurat_tables():
    """Tables of the 256-layer ziggurat for the standard normal (Marsaglia & Tsang 2000),
    laid out as NumPy's ``random_standard_normal``: 52-bit magnitudes, ``ki`` the
    acceptance bounds, ``wi`` the layer widths, ``fi`` the density at the layer edges."""
    m1 = 2.0**52
    dn = 3.6541528853610088
    tn = dn
    vn = 4.92867323399e-3
    ki = np.zeros(256, dtype=np.uint64)
    wi = np.zeros(256)
    fi = np.zeros(256)
    q = vn / math.exp(-0.5 * dn * dn)
    ki[0] = np.uint64(int((dn / q) * m1))
    wi[0] = q / m1
    wi[255] = dn / m1
    fi[0] = 1.0
    fi[255] = math.exp(-0.5 * dn * dn)
    for i in range(254, 0, -1):
        dn = math.sqrt(-2.0 * math.log(vn / dn + math.exp(-0.5 * dn * dn)))
        ki[i + 1] = np.uint64(int((dn / tn) * m1))
        tn = dn
        fi[i] = math.exp(-0.5 * dn * dn)
        wi[i] = dn / m1
    return ki, wi, fi


_ZIG_KI, _ZIG_WI, _ZIG_FI = _ziggurat_tables()
_ZIG_R = 3.6541528853610088
_ZIG_INV_R = 1.0 / _ZIG_R
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


def new_rng(seed):
    """State of the sampler's generator (xoshiro256++, Blackman & Vigna 2021) for ``seed``:
    four 64-bit words filled by splitmix64, as the authors recommend."""
    words = np.empty(4, dtype=np.uint64)
    x = int(seed) & 0xFFFFFFFFFFFFFFFF
    mask = 0xFFFFFFFFFFFFFFFF
    for i in range(4):
        x = (x + 0x9E3779B97F4A7C15) & mask
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        words[i] = np.uint64(z ^ (z >> 31))
    return words


@njit(cache=True, error_model="numpy", inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True, error_model="numpy", inline="always")
def _next(rng):
    """Next 64 random bits (xoshiro256++); the state lives in ``rng`` (4 words)."""
    s0 = rng[0]
    s1 = rng[1]
    s2 = rng[2]
    s3 = rng[3]
    result = _rotl(s0 + s3, 23) + s0
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    rng[0] = s0
    rng[1] = s1
    rng[2] = s2
    rng[3] = _rotl(s3, 45)
    return result


@njit(cache=True, error_model="numpy", inline="always")
def _uniform(rng):
    """Uniform on [0, 1) with 53 random bits."""
    return float(_next(rng) >> np.uint64(11)) * _TO_UNIT


@njit(cache=True, error_model="numpy", inline="always")
def _uniform_pos(rng):
    """Uniform on (0, 1): the 2**53 midpoints, so never 0 or 1 (no retry loop)."""
    return (float(_next(rng) >> np.uint64(11)) + 0.5) * _TO_UNIT


@_no_refcount
def _normal_tail(rng, rabs):
    """The ziggurat's base layer beyond r (Marsaglia 1964)."""
    while True:
        xx = -_ZIG_INV_R * math.log(_uniform_pos(rng))
        yy = -math.log(_uniform_pos(rng))
        if yy + yy > xx * xx:
            return -(_ZIG_R + xx) if (rabs >> np.uint64(8)) & np.uint64(1) else _ZIG_R + xx


@njit(cache=True, error_model="numpy", inline="always")
def _normal(rng):
    """Standard normal by the 256-layer ziggurat (as NumPy's ``standard_normal``): one
    64-bit draw and a table look-up 99% of the time."""
    while True:
        r = _next(rng)
        idx = int(r & np.uint64(0xFF))
        r >>= np.uint64(8)
        rabs = (r >> np.uint64(1)) & np.uint64(0x000FFFFFFFFFFFFF)
        x = float(rabs) * _ZIG_WI[idx]
        if r & np.uint64(1):
            x = -x
        if rabs < _ZIG_KI[idx]:
            return x
        if idx == 0:
            return _normal_tail(rng, rabs)
        if (_ZIG_FI[idx - 1] - _ZIG_FI[idx]) * _uniform(rng) + _ZIG_FI[idx] < math.exp(
            -0.5 * x * x
        ):
            return x


# ---------------------------------------------------------------- distributions
@njit(cache=True, error_model="numpy", inline="always")
def _gamma(rng, shape):
    """Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 via the boost U^(1/shape))."""
    boost = 1.0
    if shape < 1.0:
        boost = _uniform_pos(rng) ** (1.0 / shape)
        shape += 1.0
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = _normal(rng)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = _uniform_pos(rng)
        if u < 1.0 - 0.0331 * x * x * x * x:
            return d * v * boost
        if math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
            return d * v * boost


@njit(cache=True, error_model="numpy", inline="always")
def _log_gamma(rng, shape):
    """log of a Gamma(shape, 1) draw, stable for tiny shapes (Robert & Casella 2004, p. 45).

    For shape < 0.5: log G = log U / shape + log Gamma(1 + shape), as LCMCR's
    ``dan_log_gamma_1``.
    """
    if shape < 0.5:
        return math.log(_uniform_pos(rng)) / shape + math.log(_gamma(rng, 1.0 + shape))
    return math.log(_gamma(rng, shape))


@njit(cache=True, error_model="numpy", inline="always")
def _beta(rng, a, b):
    """Beta(a, b) draw; with a shape equal to 1 by inversion (one uniform), else two gammas.

    Beta(1, b) = 1 - U^(1/b) and Beta(a, 1) = U^(1/a): the common cases of a list that caught
    nobody in a class, and of a class with nobody in it.
    """
    if a == 1.0:
        if b == 1.0:
            return _uniform_pos(rng)  # Beta(1, 1): the lambdas of an empty class
        return -math.expm1(math.log(_uniform_pos(rng)) / b)
    if b == 1.0:
        return math.exp(math.log(_uniform_pos(rng)) / a)
    x = _gamma(rng, a)
    y = _gamma(rng, b)
    return x / (x + y)


@njit(cache=True, error_model="numpy", inline="always")
def _power(x, n):
    """x**n for an integer n >= 0 by repeated squaring: at most 2 log2(n) multiplications,
    cheaper than ``exp(n log1p(-p))`` (a log and an exp) for the n of a sweep. Each squaring
    doubles the relative error, so it stays below about n ulps (2e-11 at n = 10^5), far
    below what one uniform draw can tell apart."""
    result = 1.0
    base = x
    while n > 0:
        if n & 1:
            result *= base
        base *= base
        n >>= 1
    return result


#: 1/x for 0 < x < 64: the inversion's recurrence multiplies by these instead of dividing
#: by x. Inversion runs at n p < 10, so x reaches 64 all but never; past the table it divides.
_RECIPROCAL = np.concatenate(([0.0], 1.0 / np.arange(1.0, 64.0)))


@njit(cache=True, error_model="numpy", inline="always")
def _binomial_inversion(rng, n, p):
    """Binomial(n, p) by sequential inversion of the CDF (for small n p, p <= 1/2).

    X = 0, the commonest outcome at the small n p of a sweep's minor classes, returns before
    the recurrence's constants (and their division) are computed; the recurrence
    P(x) = P(x - 1) ((n + 1) / x - 1) p / (1 - p) reads 1/x from ``_RECIPROCAL``. Both change
    only the rounding of the same inversion (3.5% less time for Kosovo's class counts,
    ``benchmarks/RESULTS.md``).
    """
    q = 1.0 - p
    r = _power(q, n)  # P(X = 0) = (1 - p)^n
    u = _uniform(rng)
    if u <= r:
        return 0
    s = p / q
    a = (n + 1) * s
    x = 0
    while u > r and x < n:
        u -= r
        x += 1
        inv = _RECIPROCAL[x] if x < _RECIPROCAL.shape[0] else 1.0 / x
        r *= a * inv - s
    return x


@njit(cache=True, error_model="numpy")
def _log_factorial_table(size):
    """log(k!) for k < size, by the same ``math.lgamma`` the kernels call (bit for bit)."""
    out = np.empty(size)
    for k in range(size):
        out[k] = math.lgamma(k + 1.0)
    return out


#: log(k!) for k below 4,096 (32 KB): BTRS's exact test reads it instead of calling
#: ``lgamma`` twice per rejected squeeze. The values are those ``lgamma`` returns, so the
#: draws are the same to the bit; larger k fall back to ``lgamma``.
_LOG_FACTORIAL = _log_factorial_table(4096)


@njit(cache=True, error_model="numpy", inline="always")
def _log_factorial(k):
    """log(k!) from the table, or ``lgamma`` beyond it."""
    if k < _LOG_FACTORIAL.shape[0]:
        return _LOG_FACTORIAL[k]
    return math.lgamma(k + 1.0)


@njit(cache=True, error_model="numpy", inline="always")
def _binomial_btrs(rng, n, p):
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
    h = -1.0
    alpha = lpq = m = 0.0
    while True:
        u = _uniform(rng) - 0.5
        v = _uniform_pos(rng)
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return int(k)
        if h < 0.0:  # the squeeze failed: the constants of the exact test, once
            alpha = (2.83 + 5.1 / b) * spq
            m = math.floor((n + 1) * p)
            mi = int(m)
            h = _log_factorial(mi) + _log_factorial(n - mi)
            lpq = math.log(p / (1.0 - p))
        v = math.log(v * alpha / (a / (us * us) + b))
        ki = int(k)
        if v <= h - _log_factorial(ki) - _log_factorial(n - ki) + (k - m) * lpq:
            return int(k)


@njit(cache=True, error_model="numpy", inline="always")
def _binomial(rng, n, p):
    """Binomial(n, p) draw: inversion for n min(p, 1-p) < 10, else BTRS."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    flip = p > 0.5
    pp = 1.0 - p if flip else p
    x = _binomial_inversion(rng, n, pp) if n * pp < 10.0 else _binomial_btrs(rng, n, pp)
    return n - x if flip else x


@_no_refcount
def _poisson(rng, mean):
    """Poisson(mean): multiplication of uniforms below 10, else transformed rejection (PTRS,
    Hörmann 1993, as NumPy's ``random_poisson``)."""
    if mean < 10.0:
        if mean <= 0.0:
            return 0
        limit = math.exp(-mean)
        x = 0
        prod = _uniform(rng)
        while prod > limit:
            x += 1
            prod *= _uniform(rng)
        return x
    slam = math.sqrt(mean)
    loglam = math.log(mean)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2.0)
    while True:
        u = _uniform(rng) - 0.5
        v = _uniform_pos(rng)
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + mean + 0.43)
        if us >= 0.07 and v <= vr:
            return int(k)
        if k < 0 or (us < 0.013 and v > us):
            continue
        if math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b) <= (
            -mean + k * loglam - math.lgamma(k + 1.0)
        ):
            return int(k)


@_no_refcount
def _negative_binomial(rng, size, p_success):
    """Failures before ``size`` successes: Poisson(Gamma(size, (1 - p) / p))."""
    if p_success >= 1.0:
        return 0
    if p_success <= 1e-15:
        p_success = 1e-15  # the model says nobody can be caught; keep N finite
    mean = _gamma(rng, size) * (1.0 - p_success) / p_success
    if mean > 1e15:
        mean = 1e15
    return _poisson(rng, mean)


#: Up to this many people a multinomial is drawn person by person (one uniform each), above
#: it by conditional binomials. (Handing the last few people of a binomial chain to the
#: person by person draw as well was measured and gave nothing: 0.9-1.1 times the time.)
_CATEGORICAL_MAX = 12


@njit(cache=True, error_model="numpy", inline="always")
def _categorical_counts(rng, n, order, tail, out):
    """n people one by one: class ``order[i]`` owns [tail[i + 1], tail[i]) of [0, tail[0])."""
    k_max = order.shape[0]
    last = order[k_max - 1]
    for _ in range(n):
        u = _uniform(rng) * tail[0]
        placed = False
        for i in range(k_max - 1):
            if u >= tail[i + 1]:
                out[order[i]] += 1
                placed = True
                break
        if not placed:
            out[last] += 1


@njit(cache=True, error_model="numpy", inline="always")
def _binomial_counts(rng, n, probs, order, tail, out):
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
            x = _binomial(rng, left, p)
            out[k] = x
            left -= x
            if left == 0:
                return
    out[order[k_max - 1]] += left


@njit(cache=True, error_model="numpy", inline="always")
def _multinomial(rng, n, probs, order, tail, out):
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
        _categorical_counts(rng, n, order, tail, out)
    else:
        _binomial_counts(rng, n, probs, order, tail, out)


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
def _pattern_weights(cells, m, lam, missed, nu, probs):
    """p_k ∝ nu_k prod_j lam_jk^x_mj (1 - lam_jk)^(1 - x_mj) for observed pattern m.

    ``missed`` holds 1 - lam. The lists are the outer loop and the classes the inner one, so
    that each list's factor multiplies all K weights at once (SIMD); the products are taken
    in the same order as one class at a time, so the weights are the same to the bit.
    """
    k_cls = lam.shape[1]
    for k in range(k_cls):
        probs[k] = nu[k]
    for j in range(lam.shape[0]):
        factor = lam if cells[m, j] == 1 else missed
        for k in range(k_cls):
            probs[k] *= factor[j, k]


@njit(cache=True, error_model="numpy", inline="always")
def _add_class_counts(cells, m, count_mk, count_k, caught):
    """Adds pattern m's class counts to ``count_k`` (people per class) and ``caught`` (per
    list and class, the people that list caught).

    All K classes at once, empty ones included (adding 0 changes nothing): one branch per
    list instead of one per class, and the class loops vectorise. Skipping the empty classes
    cost Kosovo's step 1 about a tenth of its time (branch mispredictions).
    """
    k_cls = count_mk.shape[1]
    for k in range(k_cls):
        count_k[k] += count_mk[m, k]
    for j in range(cells.shape[1]):
        if cells[m, j] == 1:
            for k in range(k_cls):
                caught[j, k] += count_mk[m, k]


@njit(cache=True, error_model="numpy", inline="always")
def _draw_pattern_classes(rng, cells, freq, lam, nu, order, count_mk, count_k, caught, work, out):
    """Step 1: the class counts of every observed pattern (one multinomial per pattern).

    Adds them to ``count_k`` (people per class) and ``caught`` (per list and class, the
    people that list caught).
    """
    probs = work[0]
    tail = work[1]
    j_lists = lam.shape[0]
    missed = work[4 + j_lists :]
    for j in range(j_lists):
        for k in range(lam.shape[1]):
            missed[j, k] = 1.0 - lam[j, k]
    for m in range(cells.shape[0]):
        _pattern_weights(cells, m, lam, missed, nu, probs)
        _multinomial(rng, freq[m], probs, order, tail, count_mk[m])
        _add_class_counts(cells, m, count_mk, count_k, caught)


@njit(cache=True, error_model="numpy", inline="always")
def _draw_capture_probs(rng, lam, caught, count_k):
    """Step 2: lambda_jk ~ Beta(1 + caught by list j in class k, 1 + not caught), the
    unobserved counted as not caught."""
    for k in range(lam.shape[1]):
        for j in range(lam.shape[0]):
            lam[j, k] = _beta(rng, 1.0 + caught[j, k], 1.0 + (count_k[k] - caught[j, k]))


@njit(cache=True, error_model="numpy", inline="always")
def _stick(rng, count, rest):
    """(log V, log(1 - V)) for V ~ Beta(1 + count, rest), in logs as LCMCR does."""
    if count == 0.0:
        # V ~ Beta(1, rest): log(1 - V) = log(U) / rest exactly, one uniform
        log_1mv = math.log(_uniform_pos(rng)) / rest
        log_v = math.log(-math.expm1(log_1mv)) if log_1mv < 0.0 else -math.inf
        return log_v, log_1mv
    if rest >= 0.5:
        # V = G1 / (G1 + G2) with both shapes at least 1/2: neither gamma draw can underflow
        # (_gamma's boost is at least 2^-108), so the logs are taken of the draws themselves:
        # three log calls instead of the five log/exp calls of the log-sum below, on the same
        # two gamma draws (only the rounding differs)
        x = _gamma(rng, 1.0 + count)
        y = _gamma(rng, rest)
        ls = math.log(x + y)
        return math.log(x) - ls, math.log(y) - ls
    g1 = _log_gamma(rng, 1.0 + count)
    g2 = _log_gamma(rng, rest)
    mx = g1 if g1 > g2 else g2
    ls = mx + math.log(math.exp(g1 - mx) + math.exp(g2 - mx))
    return g1 - ls, g2 - ls


@njit(cache=True, error_model="numpy", inline="always")
def _draw_class_weights(rng, count_k, alpha, log_nu, nu):
    """Step 3: stick-breaking weights, V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l).

    The weights are kept as products, nu_k = V_k prod_{l<k} (1 - V_l), and only the last
    class's log weight (the alpha update's input) as a sum of logs: one transcendental call
    per empty class and one log per occupied one, where taking every weight through its log
    (as LCMCR does) took four. The same draws, other rounding; ``log_nu`` holds NaN for the
    other classes (nothing reads them). Sticks with alpha + sum_{l>k} n_l < 1/2 keep the
    log route of :func:`_stick`.
    """
    k_cls = log_nu.shape[0]
    total = 0.0
    for k in range(k_cls):
        total += count_k[k]
    acc = 0.0
    log_rest = 0.0
    rest_w = 1.0  # exp(log_rest), the weight the classes from k on share
    for k in range(k_cls - 1):
        count = count_k[k]
        acc += count
        rest = alpha + (total - acc)
        if count == 0.0:
            # V ~ Beta(1, rest): log(1 - V) = log(U) / rest; the smaller of V and 1 - V by
            # exp or expm1, the other by subtraction (exact for values in [1/2, 1])
            log_1mv = math.log(_uniform_pos(rng)) / rest
            if log_1mv < -0.6931471805599453:
                w = math.exp(log_1mv)
                v = 1.0 - w
            else:
                v = -math.expm1(log_1mv)
                w = 1.0 - v
            nu[k] = rest_w * v
            log_rest += log_1mv
            rest_w *= w
        elif rest >= 0.5:
            # V = G1 / (G1 + G2); with both shapes at least 1/2 neither draw can underflow
            x = _gamma(rng, 1.0 + count)
            y = _gamma(rng, rest)
            s = x + y
            nu[k] = rest_w * (x / s)
            w = y / s
            log_rest += math.log(w)
            rest_w *= w
        else:  # rest < 1/2: a gamma draw can underflow, so in logs (LCMCR's route)
            log_v, log_1mv = _stick(rng, count, rest)
            nu[k] = math.exp(log_v + log_rest)
            log_rest += log_1mv
            rest_w = math.exp(log_rest)
        log_nu[k] = math.nan
    log_nu[k_cls - 1] = log_rest
    nu[k_cls - 1] = rest_w


@njit(cache=True, error_model="numpy", inline="always")
def _draw_unobserved(rng, n, lam, nu, order, count0k, work, out):
    """Steps 4 and 5: n0 ~ NegBin(n, 1 - p0) with p0 = sum_k nu_k prod_j (1 - lam_jk),
    redrawn while above 20 n (LCMCR's ``sam_n0``), then the unobserved people's classes,
    Multinomial(n0, nu_k prod_j (1 - lam_jk)). Returns (p0, n0)."""
    p_zero = work[3]
    tail = work[1]
    k_cls = lam.shape[1]
    for k in range(k_cls):
        p_zero[k] = nu[k]
    for j in range(lam.shape[0]):  # classes inner, as in _pattern_weights
        for k in range(k_cls):
            p_zero[k] *= 1.0 - lam[j, k]
    p0 = 0.0
    for k in range(k_cls):
        p0 += p_zero[k]
    n0 = _negative_binomial(rng, float(n), 1.0 - p0)
    tries = 1
    while n0 > 20 * n and tries < 10_000:
        n0 = _negative_binomial(rng, float(n), 1.0 - p0)
        tries += 1
    n0 = min(n0, 20 * n)
    _multinomial(rng, n0, p_zero, order, tail, count0k)
    return p0, n0


@_no_refcount
def _update(rng, cells, freq, n, lam, log_nu, nu, count_mk, count0k, scal, work, out, order):
    """One Gibbs sweep (LCMCR's ``Update`` without alpha).

    ``work`` is (4 + 2 J, K) float scratch (rows: weights, tail sums, class totals,
    unobserved weights, J rows caught per list, J rows 1 - lambda), ``out`` and ``order`` (K,) integer scratch.

    Returns p0, the probability of the all-zero pattern at the new parameters.
    """
    _order_by_weight(nu, order)
    # class totals start from the unobserved of the previous sweep (as LCMCR's CountKs)
    count_k = work[2]
    caught = work[4 : 4 + lam.shape[0]]
    for k in range(count0k.shape[0]):
        count_k[k] = count0k[k]
        for j in range(caught.shape[0]):
            caught[j, k] = 0.0
    _draw_pattern_classes(rng, cells, freq, lam, nu, order, count_mk, count_k, caught, work, out)
    _draw_capture_probs(rng, lam, caught, count_k)
    _draw_class_weights(rng, count_k, scal[0], log_nu, nu)
    p0, n0 = _draw_unobserved(rng, n, lam, nu, order, count0k, work, out)
    scal[1] = n0
    return p0


@_no_refcount
def _update_alpha(rng, log_nu, scal, a_alpha, b_alpha):
    """alpha ~ Gamma(a_alpha + K - 1, rate = b_alpha - log nu_K)."""
    k_cls = log_nu.shape[0]
    scal[0] = _gamma(rng, a_alpha + k_cls - 1.0) / (b_alpha - log_nu[k_cls - 1])


@njit(cache=True, error_model="numpy", inline="always")
def _random_stick_weights(rng, log_nu, nu):
    """Class weights from one stick-breaking draw with Beta(1, 1) sticks (LCMCR's start)."""
    k_cls = log_nu.shape[0]
    log_rest = 0.0
    for k in range(k_cls - 1):
        log_v, log_1mv = _stick(rng, 0.0, 1.0)
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
def initialise(rng, cells, freq, n, lam, log_nu, nu, count_mk, count0k, scal, warmup, random_start):
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
        _random_stick_weights(rng, log_nu, nu)
    else:
        _spread_weights(log_nu, nu)
    for k in range(k_cls):
        count0k[k] = 0
    scal[0] = 0.3 / k_cls
    scal[1] = 0.0
    work = np.empty((4 + 2 * cells.shape[1], k_cls))
    out = np.empty(k_cls, dtype=np.int64)
    order = np.empty(k_cls, dtype=np.int64)
    none_f, none_i = np.empty(0), np.empty(0, dtype=np.int64)
    _sweeps(rng, cells, freq, n, lam, log_nu, nu, count_mk, count0k, scal, 0.0, 0.0, warmup, 0,
            none_f, none_f, none_i, work, out, order, False)  # fmt: skip
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
    rng,
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
    work = np.empty((4 + 2 * cells.shape[1], k_cls))
    out = np.empty(k_cls, dtype=np.int64)
    order = np.empty(k_cls, dtype=np.int64)
    _sweeps(rng, cells, freq, n, lam, log_nu, nu, count_mk, count0k, scal, a_alpha, b_alpha,
            n_iter, thin, out_n0, out_alpha, out_kstar, work, out, order, True)  # fmt: skip


@_no_refcount
def _sweeps(rng, cells, freq, n, lam, log_nu, nu, count_mk, count0k, scal, a_alpha, b_alpha,
            n_iter, thin, out_n0, out_alpha, out_kstar, work, out, order, with_alpha):  # fmt: skip
    """The loop of :func:`run_chain` (and of the warm-up, ``with_alpha`` false), on scratch
    arrays allocated by the caller.

    Compiled without numba's reference counting (``_nrt=False``): nothing in a sweep
    allocates (an allocation here would not compile), and without it numba wraps every use
    of an array inside the inlined generators in atomic increments and decrements of its
    reference count, which cost more than the draws themselves (a Beta(1, 1) draw in the
    loop of step 2 took 30 ns with them, 4 ns without).
    """
    s = 0
    for it in range(1, n_iter + 1):
        _update(rng, cells, freq, n, lam, log_nu, nu, count_mk, count0k, scal, work, out, order)
        if with_alpha:
            _update_alpha(rng, log_nu, scal, a_alpha, b_alpha)
        if thin > 0 and it % thin == 0 and s < out_n0.shape[0]:
            out_n0[s] = scal[1]
            out_alpha[s] = scal[0]
            out_kstar[s] = _occupied(count_mk, count0k)
            s += 1
