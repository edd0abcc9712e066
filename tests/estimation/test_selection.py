import numpy as np
import pytest

from zicht.estimation import check_model, estimate, fit_all_models, sensitivity
from zicht.estimation.fit import fit_model
from zicht.estimation.selection import all_models, poisson_two_sided, stepwise

from .conftest import load


def test_poisson_two_sided_pvalue():
    from scipy.stats import poisson

    n, mu = np.array([0, 3, 10, 25]), np.array([2.0, 3.0, 4.0, 30.0])
    expected = np.minimum(poisson.cdf(n, mu), poisson.sf(n - 1, mu))
    assert np.allclose(poisson_two_sided(n, mu), expected)
    assert poisson_two_sided(np.array([0]), np.array([2.0]))[0] == pytest.approx(np.exp(-2))


def test_stepwise_records_increasing_model_and_threshold_zero_is_main():
    h = load("UKdat_5")
    fit, steps = stepwise(h.k, h.counts, 0.02)
    assert [s.pair for s in steps] == list(fit.pairs)
    assert all(s.pvalue < 0.02 for s in steps)
    main, none = stepwise(h.k, h.counts, 0.0)
    assert none == () and main.pairs == ()
    # a stricter threshold never selects more terms
    strict, _ = stepwise(h.k, h.counts, 0.001)
    assert set(strict.pairs) <= set(fit.pairs)


def test_stepwise_skips_terms_that_fail_the_checks():
    # Artificial_3: A:B has the smallest p-value but makes the MLE infinite
    h = load("Artificial_3")
    fit, steps = stepwise(h.k, h.counts, 0.9)
    assert 0 not in fit.pairs
    assert check_model(h.k, h.counts, fit.pairs).ok


@pytest.mark.parametrize("name", ["Artificial_3", "Korea", "HIV_Rome", "Kosovo"])
def test_all_models_checks_match_direct_checks(name):
    """The monotone shortcut in the all-models search agrees with checking each model."""
    h = load(name)
    am = all_models(h.k, h.counts)
    for row in range(len(am.masks)):
        c = check_model(h.k, h.counts, am.pairs_of(row))
        assert (am.identifiable[row], am.exists[row]) == (c.identifiable, c.exists)
        if c.ok:
            f = fit_model(h.k, h.counts, am.pairs_of(row))
            assert am.estimate[row] == pytest.approx(f.estimate, rel=1e-6)
            assert am.aic[row] == pytest.approx(f.aic, rel=1e-9)


def test_all_models_ukdat5_and_best_by_aic():
    h = load("UKdat_5")
    am = fit_all_models(h)
    assert len(am.masks) == 1024 and am.ok.sum() > 0
    best = am.best("aic")
    assert am.aic[best] == np.nanmin(am.aic[am.ok])
    r = estimate(h, "all")
    assert r.aic == pytest.approx(am.aic[best])
    assert r.extra["models_checked"] == 1024
    table = am.table(h.list_names, "bic", top=5)
    assert list(table["bic"]) == sorted(table["bic"])


def test_all_models_refuses_more_than_six_lists():
    with pytest.raises(ValueError, match="limited to 6 lists"):
        fit_all_models(load("NewOrl"))
    with pytest.raises(ValueError, match="limited to 6 lists"):
        estimate(load("NewOrl"), "all")


def test_sensitivity_thresholds_match_stepwise():
    h = load("Western")
    s = sensitivity(h, methods=[])
    assert [t.pthresh for t in s.thresholds] == [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2]
    at_002 = next(t for t in s.thresholds if t.pthresh == 0.02)
    r = estimate(h)
    assert at_002.estimate == pytest.approx(r.estimate)
    assert at_002.ci == pytest.approx(r.ci)
    assert at_002.terms == r.model_terms


def test_interior_certificate_never_contradicts_the_linear_program():
    """The cheap existence certificates are sound: whenever one says "exists", so does the
    linear program of Chan et al. (2019) in its original form."""
    from scipy.optimize import linprog

    from zicht.estimation.design import full_design, model_layout
    from zicht.estimation.existence import _solve_lp, fitted_certificate, interior_certificate

    rng = np.random.default_rng(11)
    for _ in range(150):
        k = int(rng.integers(3, 6))
        counts = (rng.random(2**k - 1) < rng.uniform(0.2, 0.9)).astype(float)
        if counts.sum() == 0:
            continue
        pairs = tuple(int(p) for p in np.flatnonzero(rng.random(k * (k - 1) // 2) < 0.4))
        cells, cols, _, _ = model_layout(k, counts, pairs)
        a = full_design(k)[np.ix_(cells, cols)]
        sup = counts[cells] > 0
        n, p = a.shape
        res = linprog(
            np.r_[np.zeros(n), -1.0],
            A_ub=np.hstack([-np.eye(n), np.ones((n, 1))]),
            b_ub=np.zeros(n),
            A_eq=np.hstack([a.T, np.zeros((p, 1))]),
            b_eq=a.T @ sup,
            bounds=[(0, None)] * (n + 1),
            method="highs",
        )
        exists = -res.fun > 1e-9
        # the reduced LP used by the library has the same optimum
        assert _solve_lp(a, sup) == pytest.approx(-res.fun, abs=1e-7)
        if interior_certificate(a, sup):
            assert exists
        if np.linalg.matrix_rank(a) == a.shape[1] and fitted_certificate(a, sup):
            assert exists
