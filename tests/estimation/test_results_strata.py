import dataclasses
import json

import numpy as np
import pytest

from zicht.estimation import CaptureHistories, estimate, estimate_strata

from .conftest import load


def test_result_is_immutable_and_renders():
    r = estimate(load("UKdat_5"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.estimate = 1.0
    with pytest.raises(ValueError):
        r.params[0] = 0.0
    text = r.summary().as_text()
    assert "Estimated total" in text and "11,313" in text
    html = r.summary().as_html()
    assert html.startswith("<table") and "11,313" in html
    d = r.summary().as_dict()
    json.dumps(d)
    assert d["model_terms"] == list(r.model_terms)
    assert r.explain().startswith("2,744 people were found")
    assert "11,313" in r.explain()
    assert r.params_dict["(Intercept)"] == pytest.approx(np.log(r.hidden))
    assert r.df_resid == 31 - len(r.params)


def _stratum(scale):
    pats = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1), (0, 1, 1), (1, 1, 1)]
    return CaptureHistories.from_patterns(
        pats, [30 * scale, 20 * scale, 25, 8, 6, 5, 2], ["A", "B", "C"]
    )


def test_strata_sum_and_bootstrap_interval():
    strata = {"north": _stratum(1), "south": _stratum(2)}
    res = estimate_strata(strata, nboot=40, seed=5)
    singles = [estimate(h).estimate for h in strata.values()]
    assert res.estimate == pytest.approx(sum(singles))
    assert res.observed == sum(h.observed for h in strata.values())
    assert res.ci[0] < res.estimate < res.ci[1]
    again = estimate_strata(strata, nboot=40, seed=5)
    assert again.ci == res.ci
    assert "Total" in str(res)
    json.dumps(res.to_dict())


def test_extra_and_bootstrap_replicates_are_read_only():
    r = estimate(load("Korea"), ci="bootstrap", nboot=20, seed=2)
    with pytest.raises(TypeError):
        r.extra["x"] = 1
    with pytest.raises(ValueError):
        r.bootstrap.replicates[0] = 0.0


def test_conf_int_recomputes_other_intervals_and_declined_result_has_none():
    from zicht.estimation import DeclinedResult, estimate

    from .conftest import load

    r = estimate(load("HIV_Rome"), "fixed", terms="c1:c2")
    assert r.conf_int() == r.ci and r.ci_method == "quick"
    # Rcapture's profile interval for this model: 10266 - 14992.3 (closedpCI.Rd example)
    lo, hi = r.conf_int("profile")
    assert round(lo) == 10266 and round(hi, 1) == 14992.3
    narrower = r.conf_int(level=0.8)
    assert r.ci[0] < narrower[0] < narrower[1] < r.ci[1]
    d = DeclinedResult("lcmcr", 96, "too few cases")
    assert d.declined and d.estimate is None and d.to_dict()["ci"] is None
    assert d.to_dict()["reason"] == "too few cases"
    with pytest.raises(ValueError, match="too few cases"):
        d.conf_int()
