import json
from datetime import date

import pytest

from zicht.simulation import (
    MUNICIPALITIES,
    PMG_CODES,
    SCENARIOS,
    NoiseParams,
    Scenario,
    get_scenario,
    resolve_municipalities,
    resolve_municipality,
)

REQUIRED = {
    "default",
    "independent",
    "positive_dependence",
    "negative_dependence",
    "age_heterogeneity",
    "noise_low",
    "noise_high",
}


def test_named_scenarios_exist_and_serialise():
    assert REQUIRED <= set(SCENARIOS)
    for name, sc in SCENARIOS.items():
        assert sc.name == name
        assert sc.description
        d = json.loads(json.dumps(sc.to_dict()))
        assert d["population"] == sc.population
        assert d["municipalities"] == list(PMG_CODES)


def test_independent_has_no_effects():
    sc = SCENARIOS["independent"]
    assert not sc.dependence
    assert not sc.form_effects and not sc.vulnerability_effects
    assert all(v == 0 for v in sc.age_slope.values())
    assert all(v == 0 for v in sc.adult_shift.values())
    assert all(v == 0 for v in sc.visibility.values())
    assert all(0 < p < 1 for p in sc.base.values())


def test_noise_levels_are_ordered():
    low, mid, high = (SCENARIOS[n].noise for n in ("noise_low", "default", "noise_high"))
    for field in ("typo", "variant", "swap_names", "drop_particle", "dob_swap"):
        assert getattr(low, field) < getattr(mid, field) < getattr(high, field)
    assert low.bsn_missing["police"] < mid.bsn_missing["police"] < high.bsn_missing["police"]
    assert NoiseParams().scaled(100).typo == 0.98


def test_pmg_municipalities():
    assert len(PMG_CODES) == 15
    assert MUNICIPALITIES["GM0479"].name == "Zaanstad"
    assert MUNICIPALITIES["GM0518"].name == "'s-Gravenhage"
    assert resolve_municipality("Den Haag") == "GM0518"
    assert resolve_municipality("zaandam") == "GM0479"
    assert resolve_municipality("Breda-Noord") == "GM0758"
    assert resolve_municipality("gm0599") == "GM0599"
    assert resolve_municipality("0599") == "GM0599"
    assert resolve_municipalities("Rotterdam, Schiedam,GM0599") == ("GM0599", "GM0606")
    with pytest.raises(ValueError, match="unknown municipality"):
        resolve_municipality("Atlantis")
    with pytest.raises(ValueError):
        resolve_municipalities(" , ")


@pytest.mark.parametrize(
    "changes",
    [
        {"population": -1},
        {"population": 2.5},
        {"start": date(2025, 5, 1), "end": date(2025, 4, 1)},
        {"municipalities": ()},
        {"municipalities": ("GM9999",)},
        {"municipalities": ("GM0599", "GM0599")},
        {"base": {"police": 1.2}},
        {"base": {"polise": 0.1}},
        {"dependence": {("shelter", "police"): 1.0}},
        {"dependence": {("police", "nobody"): 1.0}},
        {"form_effects": {"police": {"stealing": 1.0}}},
        {"extra_signals": {"police": -1.0}},
        {"immediate_danger": 1.5},
        {"noise": NoiseParams(typo=1.5)},
    ],
)
def test_invalid_scenarios_are_rejected(changes):
    with pytest.raises(ValueError):
        Scenario(**changes)


def test_get_scenario():
    assert get_scenario("default") is SCENARIOS["default"]
    with pytest.raises(ValueError, match="choose from"):
        get_scenario("nope")


def test_scenario_coercions_and_hash():
    sc = Scenario(start="2024-01-01", end="2024-12-31", municipalities=["GM0599", "GM0606"])
    assert sc.start == date(2024, 1, 1) and sc.municipalities == ("GM0599", "GM0606")
    assert hash(sc) == hash(Scenario(**{**sc.__dict__}))
    assert {SCENARIOS["default"]: 1}[SCENARIOS["default"]] == 1
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        Scenario(start="1 jan 2024")
    with pytest.raises(ValueError, match="not a string"):
        Scenario(municipalities="GM0599")
