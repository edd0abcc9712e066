"""Bayesian estimators against R's own output on published data sets.

Source of the reference values: ``data/reference_bayes.json`` (copied from the project's
shared reference folder), R's LCMCR 0.4.14 (``lcmCR(K = 10, a_alpha = b_alpha = 0.25,
seed = 12345)``, ``lcmCR_PostSampl(burnin = 10000, samples = 1000, thinning = 10)``) and dga
2.0.2 (``bma.cr`` with delta = 2^-K, prior ∝ 1/N, Nmissing 0..30 n) on Kosovo (Ball et al.
2002), UKdat_5 (Silverman 2014), Western (Farrell et al. 2019) and HIV_Rome (Abeni et al.
1994). The goal of issue 12: posterior median within 5% and interval ends within 10%. For
LCMCR also ``data/reference_lcmcr_runs.json``: 40 runs of R's LCMCR with seeds 1-40 (see
below).
"""

import functools
import json

import numpy as np
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
# chain (burn-in 10,000, 1,000 draws thinned by 10). ``data/reference_lcmcr_runs.json`` holds
# 40 such runs of R's LCMCR 0.4.14 (seeds 1-40, made by benchmarks/lcmcr_vs_r.py with the
# package built from its CRAN sources; the same build reproduces the seed-12345 figures of
# ``reference_bayes.json`` exactly). Three comparisons follow.
#
# 1. R's procedure against ours: 40 single chains of ours with R's settings and LCMCR's start
#    (``start="lcmcr"``) against R's 40. This is what "agrees with LCMCR" can mean for a
#    sampler: the same procedure gives the same spread of results. Per figure (median, 2.5%
#    and 97.5% ends) a two-sample Kolmogorov-Smirnov test must not tell the two sets of runs
#    apart (p > 0.01), and the median over our runs must meet issue 12's goal against the
#    median over R's. On UKdat_5 the runs fall in two groups: a run either stays near
#    N = 12,000 or leaves for the region around 21,000 (R's runs left in 27 of 40, ours in
#    30 of 60, measured; Fisher's exact test cannot tell these apart), so the median over
#    40 runs lands in one group or the other by chance: with numba's Mersenne Twister
#    stream seeds 1-40 missed the goal (a strict xfail then), with the sampler's own
#    xoshiro256++ stream (since 2026-12-03) they meet it, and the check is an ordinary
#    test again. The seeds are fixed, so it is deterministic; if a change of the stream
#    makes it fail, look at the distribution check first, which holds with both streams.
# 2. Four chains of 5,000 draws (burn-in 10,000) against the median of R's 40 runs, within
#    the goal, with split R-hat <= 1.05. On UKdat_5 (the two groups above) and HIV_Rome (an
#    upper tail above N = 14,000 that chains enter rarely and stay in for long) four chains
#    of this length disagree (R-hat 1.48 and 1.10 measured): strict xfails, and the result
#    warns. Long runs of ours put UKdat_5's 2.5% end near 13,000 (RESULTS.md), below what
#    most single runs of either sampler show. Whether four chains of this length reach
#    HIV_Rome's tail, and whether Kosovo's R-hat lands just below or just above 1.05, is
#    chance: with the sampler's own xoshiro256++ stream (since 2026-12-03, seed 1) HIV_Rome
#    gave R-hat 1.002 (an ordinary test now, deterministic for the fixed seed) and Kosovo
#    1.054: its figures meet the goal but its R-hat is just over 1.05, so Kosovo stays a
#    strict xfail with UKdat_5, whose chains split with both streams and which must warn.
LCMCR_RUN = {"chains": 4, "samples": 5_000, "seed": 1, "start": "lcmcr"}
SPLIT_CHAINS = {"UKdat_5"}
R_RUNS = json.loads((DATA / "reference_lcmcr_runs.json").read_text(encoding="utf-8"))["data"]
FIGURES = ("median", "q025", "q975")
GOAL = {"median": 0.05, "q025": 0.10, "q975": 0.10}


def _xfail_for(names, reason, strict=True):
    return [
        pytest.param(n, marks=pytest.mark.xfail(strict=strict, reason=reason)) if n in names else n
        for n in NAMES
    ]


@functools.cache
def _r_settings_runs(name):
    """Our 40 single chains with R's settings (the defaults and LCMCR's start), seeds 1-40."""
    h = load(name)
    seeds = range(1, len(R_RUNS[name]["runs"]) + 1)
    runs = [lcmcr(h, seed=s, start="lcmcr") for s in seeds]
    return {f: np.array([(r.estimate, *r.ci)[i] for r in runs]) for i, f in enumerate(FIGURES)}


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_lcmcr_runs_are_distributed_as_r_lcmcr_runs(name):
    from scipy import stats

    ours = _r_settings_runs(name)
    for fig in FIGURES:
        theirs = np.array([run[fig] for run in R_RUNS[name]["runs"]])
        assert stats.ks_2samp(ours[fig], theirs).pvalue > 0.01, fig


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_lcmcr_runs_meet_the_goal_against_r_lcmcr_runs(name):
    ours = _r_settings_runs(name)
    for fig in FIGURES:
        want = R_RUNS[name]["median_of_runs"][fig]
        got = float(np.median(ours[fig]))
        assert _relative(got, want) <= GOAL[fig], (fig, got, want)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_r_single_run_is_a_typical_run_of_our_sampler(name):
    ref = REFERENCE[name]["lcmcr"]
    ours = _r_settings_runs(name)
    for fig, want in zip(FIGURES, (ref["median"], *ref["q025_q975"]), strict=True):
        assert ours[fig].min() <= want <= ours[fig].max(), (fig, want)


@functools.cache
def _lcmcr_run(name):
    return lcmcr(load(name), **LCMCR_RUN)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    _xfail_for(SPLIT_CHAINS | {"Kosovo"}, "4 x 5,000 draws mix too little here (R-hat > 1.05)"),
)
def test_lcmcr_matches_r_lcmcr(name):
    want = R_RUNS[name]["median_of_runs"]
    res = _lcmcr_run(name)
    got = dict(zip(FIGURES, (res.estimate, *res.ci), strict=True))
    for fig in FIGURES:
        assert _relative(got[fig], want[fig]) <= GOAL[fig], (fig, got[fig], want[fig])
    assert res.diagnostics["rhat"] <= 1.05


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SPLIT_CHAINS))
def test_lcmcr_warns_where_its_chains_disagree(name):
    res = _lcmcr_run(name)
    assert res.diagnostics["rhat"] > 1.05
    assert any("chains disagree" in w for w in res.warnings)
