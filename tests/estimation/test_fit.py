"""Cross-checks of the Poisson fit against statsmodels' GLM (test-time only dependency)."""

import numpy as np
import pytest
import statsmodels.api as sm

from zicht.estimation import estimate
from zicht.estimation.design import full_design, model_layout, pair_index
from zicht.estimation.fit import fit_model, fit_poisson

from .conftest import load


@pytest.mark.parametrize(
    ("name", "terms"),
    [
        ("UKdat_5", ""),
        ("UKdat_5", "LA:NG,NG:GP,PFNCA:GP,LA:PFNCA,GO:GP,NG:GO"),
        ("Kosovo", "EXH:ABA,ABA:OSCE,OSCE:HRW"),
        ("lesbian_Allegheny", "A:B,A:C,A:D,B:C,B:D,C:D"),
    ],
)
def test_matches_statsmodels_poisson_glm(name, terms):
    h = load(name)
    method = "fixed" if terms else "main"
    r = estimate(h, method, terms=terms or None)
    idx = pair_index(h.k)
    pairs = []
    for t in filter(None, terms.split(",")):
        a, b = (h.list_names.index(x) for x in t.split(":"))
        pairs.append(idx[(min(a, b), max(a, b))])
    cells, cols, _, _ = model_layout(h.k, h.counts.astype(float), tuple(pairs))
    x = full_design(h.k)[np.ix_(cells, cols)]
    y = h.counts[cells]
    ref = sm.GLM(y, x, family=sm.families.Poisson()).fit(tol=1e-12)
    order = np.argsort(cols)  # result params follow the design columns
    assert np.allclose(r.params, ref.params[order], rtol=1e-6, atol=1e-8)
    assert np.allclose(r.bse, ref.bse[order], rtol=1e-5)
    assert r.deviance == pytest.approx(ref.deviance, rel=1e-7, abs=1e-8)
    assert r.llf == pytest.approx(ref.llf, rel=1e-9)
    assert r.aic == pytest.approx(ref.aic, rel=1e-9)
    assert r.df_resid == ref.df_resid
    assert r.hidden == pytest.approx(np.exp(ref.params[0]), rel=1e-6)


def test_warm_start_gives_same_answer():
    h = load("UKdat")
    parent = fit_model(h.k, h.counts, (0, 3))
    cold = fit_model(h.k, h.counts, (0, 3, 7))
    warm = fit_model(h.k, h.counts, (0, 3, 7), parent.full_beta(full_design(h.k).shape[1]))
    assert np.allclose(cold.fit.beta, warm.fit.beta, rtol=1e-8)
    assert warm.fit.n_iter <= cold.fit.n_iter


def test_fit_with_offset_and_saturated_model():
    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(8), rng.normal(size=(8, 2))])
    y = rng.poisson(5, size=8).astype(float) + 1
    off = rng.normal(size=8) * 0.1
    f = fit_poisson(x, y, offset=off)
    ref = sm.GLM(y, x, family=sm.families.Poisson(), offset=off).fit(tol=1e-12)
    assert np.allclose(f.beta, ref.params, rtol=1e-6)
    # saturated: fitted means equal the counts
    sat = fit_poisson(np.eye(4), np.array([3.0, 5.0, 1.0, 7.0]))
    assert np.allclose(sat.mu, [3, 5, 1, 7]) and sat.deviance == pytest.approx(0, abs=1e-8)
