import math

import numpy as np
import pytest
from scipy.stats import norm

from zicht.estimation import chapman, estimate, lincoln_petersen
from zicht.estimation.bootstrap import acceleration, bca_limits, bootstrap_replicates, jackknife
from zicht.estimation.intervals import quick_interval

from .conftest import load


def test_quick_interval_formula():
    lo, hi = quick_interval(100, math.log(50), 0.2, 0.95)
    z = norm.ppf(0.975)
    assert lo == pytest.approx(100 + 50 * math.exp(-z * 0.2))
    assert hi == pytest.approx(100 + 50 * math.exp(z * 0.2))


@pytest.mark.parametrize("name", ["UKdat_5", "Korea", "Western"])
def test_profile_interval_brackets_estimate_and_shrinks_with_level(name):
    h = load(name)
    r95 = estimate(h, ci="profile")
    r80 = estimate(h, ci="profile", level=0.8)
    assert r95.ci[0] < r95.estimate < r95.ci[1]
    assert r95.ci[0] < r80.ci[0] < r80.ci[1] < r95.ci[1]
    assert r95.ci[0] >= h.observed


def test_profile_interval_two_lists_matches_multinomial_profile():
    """For two lists the profile likelihood of N is the hypergeometric-type multinomial
    likelihood L(N) = N!/(N-n)! * prod p_c^y_c; check the limits by direct evaluation."""
    from scipy.special import gammaln

    from zicht.estimation import CaptureHistories

    h = CaptureHistories.from_patterns([(1, 0), (0, 1), (1, 1)], [60, 40, 20], ["A", "B"])
    r = estimate(h, "main", ci="profile")
    n1, n2, m, n = 80, 60, 20, 120

    def ll(big_n):
        return (
            gammaln(big_n + 1)
            - gammaln(big_n - n + 1)
            + n1 * np.log(n1 / big_n)
            + (big_n - n1) * np.log((big_n - n1) / big_n)
            + n2 * np.log(n2 / big_n)
            + (big_n - n2) * np.log((big_n - n2) / big_n)
        )

    grid = np.linspace(150, 500, 35001)
    vals = ll(grid)
    inside = grid[2 * (vals.max() - vals) <= 3.841458820694124]
    assert r.ci[0] == pytest.approx(inside.min(), abs=0.05)
    assert r.ci[1] == pytest.approx(inside.max(), abs=0.05)
    assert r.estimate == pytest.approx(n1 * n2 / m)


def test_bca_limits_reduce_to_percentiles_without_bias_or_acceleration():
    reps = np.arange(1, 1002, dtype=float)  # median 501
    limits, z0 = bca_limits(reps, 501.0, 0.0, (0.1, 0.9))
    assert z0 == pytest.approx(norm.ppf(500 / 1001))
    expected = np.quantile(reps, norm.cdf(2 * z0 + norm.ppf([0.1, 0.9])), method="median_unbiased")
    assert np.allclose(limits, expected)


def test_jackknife_acceleration_weighting():
    counts = np.array([3, 0, 1])
    values, weights = jackknife(counts, lambda c: float(c @ [1.0, 2.0, 5.0]))
    assert list(weights) == [3, 1] and list(values) == [7.0, 3.0]
    d = (3 * 7 + 3) / 4 - values
    assert acceleration(values, weights) == pytest.approx(
        np.sum(weights * d**3) / (6 * np.sum(weights * d**2) ** 1.5)
    )


def test_bootstrap_is_seeded_and_resamples_observed_cases():
    counts = np.array([10, 0, 5, 3, 0, 0, 2])
    a = bootstrap_replicates(counts, lambda c: float(c.sum()), 20, 42)
    b = bootstrap_replicates(counts, lambda c: float(c.sum()), 20, 42)
    assert np.array_equal(a, b) and np.all(a == 20)
    zero_cells = bootstrap_replicates(counts, lambda c: float(c[[1, 4, 5]].sum()), 20, 1)
    assert np.all(zero_cells == 0)


def test_bca_bootstrap_interval_from_estimate():
    h = load("Korea")
    r1 = estimate(h, ci="bootstrap", nboot=60, seed=7)
    r2 = estimate(h, ci="bootstrap", nboot=60, seed=7)
    assert r1.ci == r2.ci
    assert r1.ci_method == "bootstrap" and r1.bootstrap.nboot == 60
    assert r1.bootstrap.replicates.shape == (60,)
    assert r1.ci[0] < r1.ci[1]
    assert r1.ci[0] >= h.observed


def test_two_list_estimators():
    """Lincoln-Petersen and Chapman (1951) with Seber's (1970) variance."""
    lp = lincoln_petersen(100, 80, 20)
    assert lp.estimate == 400 and lp.variance == pytest.approx(100 * 80 * 80 * 60 / 20**3)
    ch = chapman(100, 80, 20)
    assert ch.estimate == pytest.approx(101 * 81 / 21 - 1)
    assert ch.variance == pytest.approx(101 * 81 * 80 * 60 / (21**2 * 22))
    assert ch.ci[0] < ch.estimate < ch.ci[1]
    with pytest.raises(ValueError, match="do not overlap"):
        lincoln_petersen(10, 10, 0)
    assert np.isfinite(chapman(10, 10, 0).estimate)


def test_two_list_methods_through_estimate():
    from zicht.estimation import CaptureHistories

    h = CaptureHistories.from_patterns([(1, 0), (0, 1), (1, 1)], [80, 60, 20], ["A", "B"])
    assert estimate(h, "lincoln-petersen").estimate == pytest.approx(100 * 80 / 20)
    # the log-linear main-effects model reproduces Lincoln-Petersen for two lists
    assert estimate(h, "main").estimate == pytest.approx(400)
    assert estimate(h, "chapman").ci_method == "variance"
    with pytest.raises(ValueError, match="exactly two lists"):
        estimate(load("Korea"), "chapman")
