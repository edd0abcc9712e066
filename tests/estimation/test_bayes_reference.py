"""Bayesian estimators against R's own output on published data sets.

Source of the reference values: ``data/reference_bayes.json`` (copied from the project's
shared reference folder), R's LCMCR 0.4.14 (``lcmCR(K = 10, a_alpha = b_alpha = 0.25,
seed = 12345)``, ``lcmCR_PostSampl(burnin = 10000, samples = 1000, thinning = 10)``) and dga
2.0.2 (``bma.cr`` with delta = 2^-K, prior ∝ 1/N, Nmissing 0..30 n) on Kosovo (Ball et al.
2002), UKdat_5 (Silverman 2014), Western (Farrell et al. 2019) and HIV_Rome (Abeni et al.
1994). The goal of issue 12: posterior median within 5% and interval ends within 10%.
"""

import functools
import json

import pytest

from zicht.estimation import dga, lcmcr

from .conftest import DATA, load

REFERENCE = json.loads((DATA / "reference_bayes.json").read_text(encoding="utf-8"))["data"]
NAMES = sorted(REFERENCE)


def _relative(got: float, want: float) -> float:
    return abs(got - want) / want


@pytest.mark.parametrize("name", NAMES)
def test_dga_matches_r_dga(name):
    ref = REFERENCE[name]["dga"]
    res = dga(load(name), seed=1)
    assert _relative(res.estimate, ref["median"]) <= 0.05
    assert _relative(res.ci[0], ref["q025_q975"][0]) <= 0.10
    assert _relative(res.ci[1], ref["q025_q975"][1]) <= 0.10
    # dga's posterior is exact on its grid, so it is reproduced to the grid point
    assert res.estimate == ref["median"]
    assert res.ci == tuple(ref["q025_q975"])
    assert res.diagnostics["mode"] == ref["mode"]


# LCMCR is a Markov chain, so R's figures carry Monte Carlo error of their own: R ran one
# chain (burn-in 10,000, 1,000 draws thinned by 10). Two checks follow.
#
# 1. R's procedure, repeated: 20 single chains of ours with R's exact settings. If the samplers
#    agree, R's three figures are typical outcomes of those runs. Measured (benchmarks/
#    lcmcr_mixing.py): R's figures rank between 18% and 92% among our runs on all four data
#    sets, but a single run meets issue 12's goal against R in only 6 (UKdat_5) to 36
#    (Western) of 40 seeds: R's figures are themselves one draw of that spread.
# 2. Four chains of 5,000 draws (burn-in 10,000), compared with R within the goal. On Kosovo
#    and Western the chains converge (split R-hat about 1.01) and agree. On UKdat_5 the
#    chains start in a state near N = 12,000 that they leave after 10^3 to 10^5 sweeps,
#    and HIV_Rome has an upper tail (N > 14,000) that chains enter rarely and stay in for long:
#    the chains disagree (R-hat > 1.05). Long runs (16 chains of 500,000 sweeps, the first
#    100,000 dropped) agree with R's median and upper end on both and with all three figures
#    on HIV_Rome; UKdat_5's lower end lies 6-18% below R's (two such runs), because R's one
#    chain spent little time near 12,000 (RESULTS.md). The xfails are strict, so they are
#    noticed if they start to pass.
LCMCR_RUN = {"chains": 4, "samples": 5_000, "seed": 1}
SLOW_MIXING = {"UKdat_5", "HIV_Rome"}
R_SETTINGS_SEEDS = range(1000, 1020)  # the first 20 of the benchmark's 40


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_r_single_run_is_a_typical_run_of_our_sampler(name):
    ref = REFERENCE[name]["lcmcr"]
    h = load(name)
    runs = [lcmcr(h, seed=s) for s in R_SETTINGS_SEEDS]  # R's settings are the defaults
    for i, want in enumerate((ref["median"], *ref["q025_q975"])):
        got = sorted((r.estimate, *r.ci)[i] for r in runs)
        assert got[0] <= want <= got[-1], (i, want, got[0], got[-1])


@functools.cache
def _lcmcr_run(name):
    return lcmcr(load(name), **LCMCR_RUN)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n,
            marks=pytest.mark.xfail(
                strict=True,
                reason="4 x 5,000 draws mix too little here (R-hat > 1.05); see the comment above",
            ),
        )
        if n in SLOW_MIXING
        else n
        for n in NAMES
    ],
)
def test_lcmcr_matches_r_lcmcr(name):
    ref = REFERENCE[name]["lcmcr"]
    res = _lcmcr_run(name)
    assert _relative(res.estimate, ref["median"]) <= 0.05, (res.estimate, ref["median"])
    assert _relative(res.ci[0], ref["q025_q975"][0]) <= 0.10, (res.ci, ref["q025_q975"])
    assert _relative(res.ci[1], ref["q025_q975"][1]) <= 0.10, (res.ci, ref["q025_q975"])
    assert res.diagnostics["rhat"] <= 1.05


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SLOW_MIXING))
def test_lcmcr_warns_where_its_chains_disagree(name):
    res = _lcmcr_run(name)
    assert res.diagnostics["rhat"] > 1.05
    assert any("chains disagree" in w for w in res.warnings)
