import dataclasses
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zicht.estimation import (
    CaptureHistories,
    Reason,
    estimate,
    estimate_strata,
    read_strata_csv,
    recommended,
    recommended_strata,
)
from zicht.estimation.bootstrap import bca_limits
from zicht.estimation.cli import main

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


def _strata_csv(tmp_path, small: bool):
    rows = ["A,B,C,year,count"]
    for year, scale in (("2020", 1), ("2021", 2)):
        for pat, c in (("1,0,0", 30), ("0,1,0", 20), ("0,0,1", 25), ("1,1,0", 8),
                       ("1,0,1", 6), ("0,1,1", 5), ("1,1,1", 2)):  # fmt: skip
            rows.append(f"{pat},{year},{c * scale}")
    if small:  # 13 people: too few for any estimate
        rows += ["1,0,0,2022,5", "0,1,0,2022,4", "1,1,0,2022,1", "0,0,1,2022,3"]
    p = tmp_path / "strata.csv"
    p.write_text("\n".join(rows) + "\n")
    return p


def test_recommended_per_stratum_and_the_total_as_sums():
    """Each stratum gets its own recommended estimate; the total is the sum of the estimates
    and its interval the sums of the limits."""
    strata = {"north": _stratum(1), "south": _stratum(2)}
    res = recommended_strata(strata, seed=3)
    assert not res.declined and res.method == "recommended"
    for key, h in strata.items():
        alone = recommended(h, seed=3)
        assert res.strata[key].estimate == alone.estimate and res.strata[key].ci == alone.ci
    assert res.estimate == pytest.approx(sum(r.estimate for r in res.strata.values()))
    assert res.ci == pytest.approx(
        (sum(r.ci[0] for r in res.strata.values()), sum(r.ci[1] for r in res.strata.values()))
    )
    assert estimate_strata(strata, "recommended", seed=3).ci == res.ci
    d = json.loads(json.dumps(res.to_dict()))
    assert d["declined_strata"] == {} and set(d["strata"]) == {"north", "south"}


def test_a_declined_stratum_is_named_and_the_total_declines(tmp_path, capsys):
    """The default with --strata is the recommended estimate; a stratum of 13 people has
    none, so the total has none either - said with the stratum and its reason, exit 1."""
    code = main(["estimate", str(_strata_csv(tmp_path, small=True)), "--strata", "year",
                 "--json", "--quiet"])  # fmt: skip
    d = json.loads(capsys.readouterr().out)
    assert code == 1 and d["method"] == "recommended"
    assert d["estimate"] is None and d["ci"] is None and d["reason"] == Reason.STRATA_DECLINED
    assert d["declined_strata"] == {"2022": "too_few"} and "2022 (too_few)" in d["reason_text"]
    assert d["strata"]["2020"]["estimate"] is not None
    assert d["strata"]["2022"]["reason"] == "too_few"
    code = main(["estimate", str(_strata_csv(tmp_path, small=True)), "--strata", "year",
                 "--quiet"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1 and "no estimate: too_few" in out and "No reliable total" in out


def test_strata_bootstrap_really_bootstraps_every_stratum(tmp_path, capsys):
    """--strata --ci bootstrap: every stratum's interval is the BCa interval of its own
    replicates, not the quick interval under another name; without --method it says on
    stderr that this is the stepwise estimate."""
    p = _strata_csv(tmp_path, small=False)
    code = main(["estimate", str(p), "--strata", "year", "--ci", "bootstrap", "--nboot", "60",
                 "--seed", "4", "--json"])  # fmt: skip
    out, err = capsys.readouterr()
    d = json.loads(out)
    assert code == 0 and d["method"] == "stepwise" and "stepwise" in err
    strata = read_strata_csv(p, "year")
    res = estimate_strata(strata, ci="bootstrap", nboot=60, seed=4)
    for key, r in res.strata.items():
        quick = estimate(strata[key])
        assert r.ci_method == "bootstrap" and r.bootstrap.nboot == 60
        assert r.ci != pytest.approx(quick.ci)
        limits, _ = bca_limits(
            np.asarray(r.bootstrap.replicates), r.estimate, r.bootstrap.acceleration,
            (0.025, 0.975),
        )  # fmt: skip
        assert r.ci == pytest.approx(tuple(limits))
        assert d["strata"][key]["ci_method"] == "bootstrap"
        assert d["strata"][key]["ci"] != pytest.approx(list(quick.ci))


def test_recommended_takes_no_bootstrap_interval(tmp_path, capsys):
    p = _strata_csv(tmp_path, small=False)
    with pytest.raises(SystemExit) as exc:
        main(["estimate", str(p), "--strata", "year", "--method", "recommended", "--ci",
              "bootstrap"])  # fmt: skip
    assert exc.value.code == 2 and "--method stepwise" in capsys.readouterr().err
    with pytest.raises(ValueError, match="envelope"):
        estimate_strata({"a": _stratum(1)}, "recommended", ci="bootstrap")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.integers(0, 40), min_size=7, max_size=7), min_size=1, max_size=3))
def test_recommended_strata_decline_is_never_an_exception(tables):
    """Any strata, however small or odd: a total at least the observed, or a named decline."""
    strata = {f"s{i}": CaptureHistories(("A", "B", "C"), np.array(t)) for i, t in enumerate(tables)}
    res = recommended_strata(strata, seed=1)
    if res.declined:
        assert res.estimate is None and res.reason == Reason.STRATA_DECLINED
        assert set(res.declined_strata) == {k for k, r in res.strata.items() if r.declined}
        assert all(k in res.reason_text for k in res.declined_strata)
    else:
        assert res.observed <= res.ci[0] <= res.estimate <= res.ci[1]
