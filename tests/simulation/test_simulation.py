import itertools
import re
from collections import Counter, defaultdict
from datetime import date

import pytest

from zicht.simulation import (
    FORMS,
    INDICATORS,
    MUNICIPALITIES,
    NOISE_KINDS,
    SCENARIOS,
    SOURCE_TYPES,
    capture_histories,
    capture_histories_frame,
    is_valid_bsn,
    lincoln_petersen,
    organisations,
    pairwise_odds_ratio,
    simulate,
)
from zicht.simulation.names import spelling_variants, split_particles

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def test_population_attributes(default_result):
    r = default_result
    sc = r.scenario
    assert r.population == sc.population == len(r.people)
    assert len({p.person_id for p in r.people}) == r.population
    assert len({p.bsn for p in r.people}) == r.population
    for p in r.people:
        assert 8 <= p.age <= 27
        assert _age_on(p.date_of_birth, sc.start) == p.age
        assert p.sex in {"M", "F", "X"}
        assert is_valid_bsn(p.bsn)
        assert p.municipality in sc.municipalities
        assert 1 <= len(p.forms) <= 3 and set(p.forms) <= set(FORMS)
        assert p.given_names and p.surname
    ages = Counter(p.age for p in r.people)
    assert set(ages) == set(range(8, 28))
    # every municipality gets people, Amsterdam the most
    per_muni = Counter(p.municipality for p in r.people)
    assert set(per_muni) == set(sc.municipalities)
    assert per_muni.most_common(1)[0][0] == "GM0363"


def test_signal_columns_and_formats(default_result):
    r = default_result
    sc = r.scenario
    assert r.signals, "expected signals"
    assert len({s.signal_id for s in r.signals}) == len(r.signals)
    for s in r.signals:
        row = s.as_row()
        assert s.source_type in SOURCE_TYPES
        assert ISO.match(row["date"]) and sc.start <= s.date <= sc.end
        assert ISO.match(row["date_of_birth"])
        assert row["sex"] in {"M", "F", "X"}
        assert row["bsn"] == "" or is_valid_bsn(row["bsn"])
        assert re.match(r"^GM\d{4}$", row["municipality"])
        assert MUNICIPALITIES[s.municipality].name == s.municipality_name
        assert s.municipality in sc.municipalities
        assert row["immediate_danger"] in {"0", "1"}
        assert s.forms and set(s.forms) <= set(FORMS)
        assert 2 <= len(s.indicators) <= 6
        assert len(set(s.indicators)) == len(s.indicators)
        assert set(s.indicators) <= set(INDICATORS)
        assert s.organisation in organisations(s.source_type, MUNICIPALITIES[s.municipality])
        assert row["given_names"] and row["surname"]
    danger = sum(s.immediate_danger for s in r.signals) / len(r.signals)
    assert 0.005 < danger < 0.12
    # organisations are shared by several signals
    orgs = Counter(s.organisation for s in r.signals)
    assert len(orgs) < len(r.signals) / 5
    assert orgs.most_common(1)[0][1] >= 20


def test_signal_dates_are_sorted_with_ids(default_result):
    dates = [s.date for s in default_result.signals]
    assert dates == sorted(dates)


def test_content_is_plausible(default_result):
    r = default_result
    people = {p.person_id: p for p in r.people}
    school_share = {}
    for src in SOURCE_TYPES:
        sigs = [s for s in r.signals if s.source_type == src]
        school_share[src] = sum(
            any(i.startswith("school.") for i in s.indicators) for s in sigs
        ) / len(sigs)
    assert school_share["school"] > 0.6
    assert all(school_share["school"] > 2 * v for k, v in school_share.items() if k != "school")
    # school.* indicators come mostly from schools
    by_source = Counter(
        s.source_type for s in r.signals for i in s.indicators if i.startswith("school.")
    )
    assert by_source["school"] > 0.5 * sum(by_source.values())
    # reported forms are true forms; vulnerability indicators mostly true vulnerabilities
    true_vul = total_vul = 0
    for s in r.signals:
        p = people[r.truth[s.signal_id]]
        assert set(s.forms) <= set(p.forms)
        for ind in s.indicators:
            if ind.startswith("vulnerability."):
                total_vul += 1
                true_vul += ind.split(".", 1)[1] in p.vulnerabilities
    assert true_vul / total_vul > 0.8


def test_truth_is_consistent(default_result):
    r = default_result
    assert set(r.truth) == {s.signal_id for s in r.signals}
    people = {p.person_id: p for p in r.people}
    assert set(r.truth.values()) <= set(people)
    sources = defaultdict(set)
    n_signals = Counter()
    for s in r.signals:
        pid = r.truth[s.signal_id]
        sources[pid].add(s.source_type)
        n_signals[pid] += 1
    for p in r.people:
        assert set(p.detected_by) == sources.get(p.person_id, set())
        assert p.n_signals == n_signals.get(p.person_id, 0)
    assert r.detected == len(set(r.truth.values()))
    assert 0 < r.detected < r.population
    # several signals per person from the same source type
    same_source = Counter((r.truth[s.signal_id], s.source_type) for s in r.signals)
    assert sum(c > 1 for c in same_source.values()) > 100


def test_capture_histories(default_result):
    r = default_result
    hist = capture_histories(r)
    assert all(len(k) == len(SOURCE_TYPES) and set(k) <= {0, 1} for k in hist)
    assert (0,) * 7 not in hist
    assert sum(hist.values()) == r.detected
    full = capture_histories(r, include_unobserved=True)
    assert sum(full.values()) == r.population
    assert full[(0,) * 7] == r.population - r.detected
    # list totals equal the persons detected per source type
    for j, src in enumerate(SOURCE_TYPES):
        total = sum(c for k, c in hist.items() if k[j])
        assert total == sum(src in p.detected_by for p in r.people)
    strata = capture_histories(r, by="municipality")
    assert set(strata) == set(r.scenario.municipalities)
    assert sum(sum(t.values()) for t in strata.values()) == r.detected
    by_adult = capture_histories(r, by=lambda p: p.age >= 18)
    assert set(by_adult) == {False, True}
    df = capture_histories_frame(r)
    assert list(df.columns) == [*SOURCE_TYPES, "count"]
    assert df["count"].sum() == r.detected
    assert r.capture_histories() == hist


def test_dataframes(default_result):
    r = default_result
    sig = r.signals_frame()
    assert len(sig) == len(r.signals)
    assert {"signal_id", "source_type", "bsn", "date", "immediate_danger"} <= set(sig.columns)
    assert len(r.people_frame()) == r.population
    assert len(r.truth_frame()) == len(r.signals)


def test_determinism():
    sc = SCENARIOS["default"].replace(population=400)
    a, b = simulate(sc, seed=3), simulate(sc, seed=3)
    assert a.signals == b.signals and a.people == b.people and a.truth == b.truth
    assert a.noise == b.noise
    c = simulate(sc, seed=4)
    assert c.signals != a.signals


def test_small_edge_cases():
    r = simulate(SCENARIOS["default"].replace(population=0), seed=1)
    assert r.population == 0 and r.signals == [] and capture_histories(r) == {}
    one_day = SCENARIOS["default"].replace(
        population=300, start=date(2025, 3, 1), end=date(2025, 3, 1), municipalities=("GM0599",)
    )
    r = simulate(one_day, seed=2)
    assert r.signals and {s.date for s in r.signals} == {date(2025, 3, 1)}
    assert {s.municipality for s in r.signals} == {"GM0599"}
    leap = SCENARIOS["default"].replace(population=300, start=date(2024, 2, 29))
    r = simulate(leap, seed=2)
    assert all(_age_on(p.date_of_birth, date(2024, 2, 29)) == p.age for p in r.people)
    with pytest.raises(ValueError):
        simulate("default", seed=-1)
    with pytest.raises(ValueError, match="unknown scenario"):
        simulate("does_not_exist")


# --------------------------------------------------------------------------- noise


def _noise_rates(r):
    """Observed rate of each noise kind among the signals where it can occur."""
    people = {p.person_id: p for p in r.people}
    hits, eligible = Counter(), Counter()
    bsn_hits, bsn_n = Counter(), Counter()
    for s in r.signals:
        p = people[r.truth[s.signal_id]]
        kinds = set(r.noise[s.signal_id])
        for kind in ("typo", "swap_names", "dob_error", "sex_unknown"):
            eligible[kind] += 1
            hits[kind] += kind in kinds
        if " " in p.given_names:
            eligible["first_given_only"] += 1
            hits["first_given_only"] += "first_given_only" in kinds
        if split_particles(p.surname)[0]:
            eligible["drop_particle"] += 1
            hits["drop_particle"] += "drop_particle" in kinds
        d = p.date_of_birth
        if d.day <= 12 and d.day != d.month:
            eligible["dob_swap"] += 1
            hits["dob_swap"] += "dob_swap" in kinds
        bsn_n[s.source_type] += 1
        bsn_hits[s.source_type] += s.bsn == ""
    rates = {k: hits[k] / eligible[k] for k in eligible}
    bsn = {k: bsn_hits[k] / bsn_n[k] for k in bsn_n}
    return rates, bsn, eligible


@pytest.fixture(scope="module")
def noisy():
    return simulate(SCENARIOS["noise_high"].replace(population=6000), seed=5)


def test_noise_flags_match_the_registration(default_result, noisy):
    for r in (default_result, noisy):
        people = {p.person_id: p for p in r.people}
        for s in r.signals:
            p = people[r.truth[s.signal_id]]
            kinds = set(r.noise[s.signal_id])
            assert kinds <= set(NOISE_KINDS)
            recorded = (s.given_names, s.surname, s.date_of_birth, s.sex, s.bsn)
            true = (p.given_names, p.surname, p.date_of_birth, p.sex, p.bsn)
            if not kinds:
                assert recorded == true
            assert (s.bsn == "") == ("bsn_missing" in kinds)
            assert (s.sex == "X" and p.sex != "X") == ("sex_unknown" in kinds)
            if "swap_names" not in kinds and not kinds & {"typo", "variant", "drop_particle"}:
                assert s.surname == p.surname
            if kinds == {"dob_swap"}:
                d = p.date_of_birth
                assert s.date_of_birth == date(d.year, d.day, d.month)


@pytest.mark.parametrize("scenario", ["default", "noise_high"])
def test_noise_rates_match_parameters(scenario, default_result, noisy):
    r = default_result if scenario == "default" else noisy
    params = r.scenario.noise
    rates, bsn, eligible = _noise_rates(r)
    for kind, rate in rates.items():
        expected = getattr(params, kind)
        n = eligible[kind]
        # binomial sd, inflated for the re-used registrations, plus a small absolute slack
        tol = 4 * (expected * (1 - expected) / n) ** 0.5 * 1.7 + 0.01
        assert abs(rate - expected) < tol, (kind, rate, expected, n)
    for src, rate in bsn.items():
        expected = params.bsn_missing[src]
        assert abs(rate - expected) < 0.08 + 0.1 * expected, (src, rate, expected)


def test_noise_low_is_lower_than_high(noisy):
    low = simulate(SCENARIOS["noise_low"].replace(population=3000), seed=5)
    n_low = sum(bool(k) for k in low.noise.values()) / len(low.signals)
    n_high = sum(bool(k) for k in noisy.noise.values()) / len(noisy.signals)
    assert n_low < 0.5 * n_high


def test_noise_kinds_occur(noisy):
    people = {p.person_id: p for p in noisy.people}
    seen = Counter(k for kinds in noisy.noise.values() for k in kinds)
    assert all(seen[k] > 0 for k in NOISE_KINDS), seen
    # alternate spellings really are known variants or a diacritics-free form
    variant_examples = 0
    for s in noisy.signals:
        if noisy.noise[s.signal_id] == ("variant",):
            p = people[noisy.truth[s.signal_id]]
            changed = [
                (t, o)
                for t, o in zip(
                    p.given_names.split(" ") + [p.surname],
                    s.given_names.split(" ") + [s.surname],
                    strict=False,
                )
                if t != o
            ]
            assert len(changed) == 1 and changed[0][1] in spelling_variants(changed[0][0])
            variant_examples += 1
    assert variant_examples > 10
    # Mohammed-style alternatives show up among the signals
    given = {s.given_names.split(" ")[0] for s in noisy.signals}
    assert len(given & {"Mohammed", "Mohamed", "Muhammad", "Mohamad", "Mohammad"}) >= 2


# --------------------------------------------------------------------------- capture model


def test_lincoln_petersen_near_truth_when_independent(big_independent):
    r = big_independent
    assert r.population == 20000
    for a, b in [("police", "youth_care"), ("police", "municipality"), ("youth_care", "school")]:
        est = lincoln_petersen(r, a, b)
        assert abs(est - r.population) / r.population < 0.10, (a, b, est)


def test_independent_pairwise_odds_ratios_near_one(big_independent):
    for a, b in itertools.combinations(SOURCE_TYPES[:4], 2):
        assert 0.8 < pairwise_odds_ratio(big_independent, a, b) < 1.25, (a, b)


def test_independent_capture_is_homogeneous(big_independent):
    r = big_independent
    sc = r.scenario
    for src in ("police", "youth_care"):
        young = [src in p.detected_by for p in r.people if p.age < 16]
        old = [src in p.detected_by for p in r.people if p.age >= 18]
        for group in (young, old):
            assert abs(sum(group) / len(group) - sc.base[src]) < 0.03


@pytest.fixture(scope="module")
def dependence_results():
    return {
        name: simulate(SCENARIOS[name].replace(population=8000), seed=13)
        for name in ("positive_dependence", "negative_dependence", "age_heterogeneity", "default")
    }


def test_positive_dependence_sign(dependence_results):
    r = dependence_results["positive_dependence"]
    for a, b in [("police", "shelter"), ("police", "youth_care"), ("municipality", "youth_care")]:
        assert pairwise_odds_ratio(r, a, b) > 1.5, (a, b)
    # Lincoln-Petersen underestimates under positive dependence
    assert lincoln_petersen(r, "police", "shelter") < 0.8 * r.population


def test_negative_dependence_sign(dependence_results):
    r = dependence_results["negative_dependence"]
    for a, b in [("police", "school"), ("police", "anonymous_help")]:
        assert pairwise_odds_ratio(r, a, b) < 0.67, (a, b)
    assert lincoln_petersen(r, "police", "school") > 1.2 * r.population


def test_default_has_both_signs(dependence_results):
    r = dependence_results["default"]
    assert pairwise_odds_ratio(r, "police", "shelter") > 1.5
    assert pairwise_odds_ratio(r, "police", "school") < 0.8


def test_age_heterogeneity(dependence_results):
    r = dependence_results["age_heterogeneity"]

    def rate(src, cond):
        group = [src in p.detected_by for p in r.people if cond(p.age)]
        return sum(group) / len(group)

    assert rate("school", lambda a: a <= 13) > 2 * rate("school", lambda a: a >= 18)
    assert rate("police", lambda a: a >= 18) > 1.5 * rate("police", lambda a: a <= 13)
    assert rate("youth_care", lambda a: a <= 17) > 2 * rate("youth_care", lambda a: a >= 18)
    # ignoring age makes school and police look negatively dependent
    assert pairwise_odds_ratio(r, "police", "school") < 0.8
