"""The recommended estimate: reference behaviour, declines, simulated truth, properties."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zicht.estimation import (
    REASON_TEXT,
    CaptureHistories,
    Reason,
    RecommendedResult,
    estimate,
    recommended,
)
from zicht.estimation.cli import main
from zicht.estimation.recommend import DISAGREE_FACTOR, Component, combine
from zicht.estimation.simulate import Population, simulate_histories

DATA = Path(__file__).parent / "data"


def test_ukdat5_is_the_median_and_envelope_of_the_components():
    """UKdat_5: stepwise 11,313 (9,884-13,027) and the AIC average 12,553 (8,442-19,628)
    agree within the factor; the short LCMCR run does not converge (R-hat above 1.1) and is
    left out with a warning."""
    r = recommended(CaptureHistories.from_csv(DATA / "UKdat_5.csv"))
    assert not r.declined and r.reason is None and r.method == "recommended"
    comps = {c.method: c for c in r.components}
    assert round(comps["stepwise"].estimate) == 11313
    assert round(comps["average-aic"].estimate) == 12553
    used = [c for c in r.components if c.used]
    assert r.estimate == pytest.approx(np.median([c.estimate for c in used]))
    assert r.ci == (min(c.ci[0] for c in used), max(c.ci[1] for c in used))
    assert r.ci[0] <= r.estimate <= r.ci[1]
    assert all(c.estimate <= DISAGREE_FACTOR * min(u.estimate for u in used) for c in used)
    for c in r.components:
        if not c.used:
            assert any(c.method in w for w in r.warnings)


def test_declines_where_the_methods_disagree():
    """NewOrl (8 lists, 185 people: AIC average 3,097, LCMCR about 720): the estimates differ
    by more than the factor, so there is no reliable number - a result, not an exception."""
    r = recommended(CaptureHistories.from_csv(DATA / "NewOrl.csv"))
    assert r.declined and r.reason == Reason.METHODS_DISAGREE == "methods_disagree"
    assert r.estimate is None and r.ci is None
    assert r.spread > DISAGREE_FACTOR
    assert r.reason_text == REASON_TEXT[Reason.METHODS_DISAGREE]
    d = json.loads(json.dumps(r.to_dict()))
    assert d["estimate"] is None and d["ci"] is None and d["reason"] == "methods_disagree"
    assert len(d["components"]) == 3


def test_the_spread_leaves_out_stepwise_but_its_interval_counts():
    """Heterogeneity pulls stepwise far below the others: that alone is no reason to decline,
    but the envelope still reaches down to its interval."""
    step = Component("stepwise", 180.0, (170.0, 195.0), True)
    aic = Component("average-aic", 480.0, (230.0, 1800.0), True)
    lc = Component("lcmcr", 230.0, (185.0, 340.0), True)
    r = combine(156, [step, aic, lc])
    assert not r.declined and r.spread == pytest.approx(480 / 230)
    assert r.ci == (170.0, 1800.0) and r.estimate == 230.0
    # the factor still applies to the methods that count: AIC average against LCMCR
    far = Component("average-aic", 1000.0, (350.0, 3800.0), True)
    assert combine(156, [step, far, lc]).reason == Reason.METHODS_DISAGREE
    # with LCMCR left out only one method counts, so the spread is over all used ones
    unconv = Component("lcmcr", 230.0, (185.0, 340.0), False, "not converged")
    r = combine(156, [step, aic, unconv])
    assert r.spread == pytest.approx(480 / 180) and not r.declined
    assert combine(156, [step, far, unconv]).reason == Reason.METHODS_DISAGREE


def test_two_lists_decline_but_show_chapman_unused():
    """Two lists: no recommended number, but Chapman's estimate is shown beside the decline,
    marked as not used, with the warning that independence cannot be checked."""
    r = recommended(CaptureHistories(("A", "B"), np.array([40, 30, 10])))
    assert r.reason == Reason.TWO_LISTS and r.estimate is None and r.ci is None
    (c,) = r.components
    assert c.method == "chapman" and not c.used
    assert c.estimate == pytest.approx(41 * 51 / 11 - 1)  # (n1+1)(n2+1)/(m+1) - 1
    assert any("independence" in w for w in r.warnings)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["reason"] == "two_lists" and d["components"][0]["used"] is False


def test_simulated_two_class_population_has_mean_catchability_one():
    pop = Population(20_000, (0.2, 0.2, 0.2), ("two-class", 0.2, 6.0))
    h = simulate_histories(pop, 7)
    # each list catches 20% on average: about 1 - 0.8**3 of the people are seen (fewer,
    # because the easy fifth is caught by several lists at once)
    totals = np.array(list(h.list_totals.values())) / pop.n
    assert np.allclose(totals, 0.2, atol=0.015)
    assert h.observed < pop.n * (1 - 0.8**3)


@pytest.mark.parametrize(
    ("names", "counts", "reason"),
    [
        (("A", "B"), [40, 30, 10], Reason.TWO_LISTS),
        (("A", "B", "C"), [3, 2, 1, 2, 1, 1, 1], Reason.TOO_FEW),
        (("A", "B", "C"), [30, 25, 0, 20, 0, 0, 0], Reason.NO_OVERLAP),
    ],
)
def test_prechecks_decline_with_their_code(names, counts, reason):
    r = recommended(CaptureHistories(names, np.array(counts)))
    assert isinstance(r, RecommendedResult)
    assert r.reason == reason and r.estimate is None and r.reason_text == REASON_TEXT[reason]


def test_combine_declines_unbounded_and_not_converged():
    ok = Component("stepwise", 500.0, (400.0, float("inf")), True)
    assert combine(300, [ok]).reason == Reason.UNBOUNDED
    bad = Component("lcmcr", 500.0, (400.0, 700.0), False, "not converged")
    assert combine(300, [bad]).reason == Reason.NOT_CONVERGED
    gone = Component("stepwise", None, None, False, "no estimate")
    assert combine(300, [gone]).reason == Reason.NO_ESTIMATE


def test_estimate_method_recommended_is_the_same_rule():
    h = CaptureHistories.from_csv(DATA / "Korea.csv")
    a = estimate(h, "recommended", seed=2)
    b = recommended(h, seed=2)
    assert a.estimate == b.estimate and a.ci == b.ci
    with pytest.raises(ValueError, match="does not take"):
        estimate(h, "recommended", ci="profile")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recommended_covers_or_declines_where_a_fifth_is_far_easier_to_see(seed):
    """Known truth: N = 1,000, four lists, a fifth of the people six times as catchable."""
    pop = Population(1000, (0.2, 0.25, 0.15, 0.3), ("two-class", 0.2, 6.0))
    r = recommended(simulate_histories(pop, seed), seed=seed)
    assert r.declined or r.ci[0] <= pop.n <= r.ci[1]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(0, 80), min_size=7, max_size=7),
    st.integers(0, 2**16),
)
def test_recommended_is_at_least_the_observed_or_declines(counts, seed):
    h = CaptureHistories(("A", "B", "C"), np.array(counts))
    r = recommended(h, seed=seed)
    if r.declined:
        assert r.estimate is None and r.ci is None and r.reason in set(Reason)
    else:
        assert r.observed <= r.ci[0] <= r.estimate <= r.ci[1]


def test_cli_default_is_recommended_and_a_decline_exits_1(capsys):
    code = main(["estimate", str(DATA / "NewOrl.csv"), "--json", "--quiet"])
    d = json.loads(capsys.readouterr().out)
    assert code == 1
    assert d["method"] == "recommended" and d["reason"] == "methods_disagree"
    assert d["estimate"] is None and d["ci"] is None and "warnings" in d and "ci_method" in d
    code = main(["estimate", str(DATA / "Korea.csv"), "--json", "--seed", "4"])
    out, err = capsys.readouterr()
    d = json.loads(out)
    assert code == 0 and d["ci_method"] == "envelope" and "reason" not in d
    assert "lcmcr sweeps" in err


@pytest.mark.parametrize("method", ["lcmcr", "dga"])
def test_estimate_runs_the_bayesian_methods_through_the_common_base(method):
    from zicht.estimation import BaseResult, BayesianEstimate

    h = CaptureHistories.from_csv(DATA / "Korea.csv")
    options = {"burnin": 500, "samples": 200} if method == "lcmcr" else {}
    r = estimate(h, method, seed=1, **options)
    assert isinstance(r, BayesianEstimate) and isinstance(r, BaseResult)
    assert r.observed == h.observed and r.ci_level == 0.95 and not r.declined
    assert r.observed <= r.ci[0] <= r.estimate <= r.ci[1]
    with pytest.raises(ValueError, match="does not take"):
        estimate(h, method, ci="profile")
