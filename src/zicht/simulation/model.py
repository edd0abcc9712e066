"""The simulation itself: hidden population, detection by sources, signals with noise."""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from .bsn import generate_bsns
from .catalogue import (
    FORM_INDICATORS,
    FORMS,
    GROUP_AFFINITY,
    INDICATORS,
    SOURCE_TYPES,
    VULNERABILITIES,
    organisations,
)
from .municipalities import MUNICIPALITIES
from .names import DEFAULT_ORIGIN_MIX, NAME_LISTS, ORIGIN_MIX, ORIGINS
from .noise import Identity, register
from .scenarios import Scenario, get_scenario

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Ages (at the start of the period) and their relative frequency in the hidden population:
#: the preventive approach's 8 to 27 (children, young people and young adults), most of
#: them 14-19, with a tail of young adults recruited as minors and still exploited.
AGES: tuple[int, ...] = tuple(range(8, 28))
AGE_WEIGHTS: tuple[float, ...] = (
    0.01, 0.015, 0.02, 0.03, 0.05, 0.07, 0.09, 0.10, 0.11, 0.11,
    0.10, 0.09, 0.07, 0.06, 0.05, 0.045, 0.04, 0.035, 0.03, 0.025,
)  # fmt: skip
SEXES: tuple[str, ...] = ("M", "F", "X")
SEX_WEIGHTS: tuple[float, ...] = (0.78, 0.21, 0.01)

#: Base weight of each form of exploitation (before the age adjustment).
FORM_WEIGHTS: dict[str, float] = {
    "drug_transport": 1.0,
    "drug_dealing": 1.0,
    "county_lines": 0.6,
    "money_mule": 0.9,
    "counterfeit_cashier": 0.3,
    "fraud": 0.4,
    "burglary_theft": 0.6,
    "cannabis_cultivation": 0.3,
    "violence_on_command": 0.3,
}
#: Number of forms per person: 1, 2 or 3 with these probabilities.
N_FORMS_WEIGHTS: tuple[float, ...] = (0.6, 0.3, 0.1)
#: Prevalence of each vulnerability in the hidden population (before the age adjustment).
VULNERABILITY_PREVALENCE: dict[str, float] = {
    "lvb": 0.25,
    "addiction": 0.20,
    "debts": 0.20,
    "home_problems": 0.40,
    "care": 0.25,
    "excluded_school": 0.20,
    "psychiatric": 0.15,
    "loneliness_status": 0.30,
}
#: Standard deviation (days) of signal dates around a person's centre of activity.
ACTIVITY_SD_DAYS = 45.0
#: Probability that a signal goes to the person's usual organisation of that source type.
USUAL_ORGANISATION = 0.8
#: Probability that a signal reports each of the person's true forms.
FORM_REPORTED = 0.75


@dataclass(frozen=True)
class Person:
    """A member of the hidden population with the true identity and attributes."""

    person_id: str
    given_names: str
    surname: str
    date_of_birth: date
    sex: str
    bsn: str
    municipality: str  #: CBS code
    age: int  #: age at the start of the period (8..27)
    name_origin: str  #: the name list used (see zicht.simulation.names)
    forms: tuple[str, ...]
    vulnerabilities: tuple[str, ...]
    visibility: float  #: latent visibility z ~ N(0, 1)
    detected_by: tuple[str, ...] = ()  #: source types with at least one signal (truth)
    n_signals: int = 0

    @property
    def identity(self) -> Identity:
        return Identity(self.given_names, self.surname, self.date_of_birth, self.sex, self.bsn)

    @property
    def detected(self) -> bool:
        return bool(self.detected_by)


@dataclass(frozen=True)
class Signal:
    """One signal as a partner organisation would submit it (no truth in here)."""

    signal_id: str
    source_type: str
    organisation: str
    municipality: str  #: CBS code
    municipality_name: str
    date: date
    given_names: str
    surname: str
    date_of_birth: date
    sex: str
    bsn: str  #: "" when missing
    forms: tuple[str, ...]
    indicators: tuple[str, ...]
    immediate_danger: bool

    def as_row(self) -> dict[str, str]:
        """The CSV row (all values as text, in :data:`SIGNAL_COLUMNS` order)."""
        return {
            "signal_id": self.signal_id,
            "source_type": self.source_type,
            "organisation": self.organisation,
            "municipality": self.municipality,
            "municipality_name": self.municipality_name,
            "date": self.date.isoformat(),
            "given_names": self.given_names,
            "surname": self.surname,
            "date_of_birth": self.date_of_birth.isoformat(),
            "sex": self.sex,
            "bsn": self.bsn,
            "forms": ";".join(self.forms),
            "indicators": ";".join(self.indicators),
            "immediate_danger": "1" if self.immediate_danger else "0",
        }


#: Columns of signals.csv, in order.
SIGNAL_COLUMNS: tuple[str, ...] = (
    "signal_id",
    "source_type",
    "organisation",
    "municipality",
    "municipality_name",
    "date",
    "given_names",
    "surname",
    "date_of_birth",
    "sex",
    "bsn",
    "forms",
    "indicators",
    "immediate_danger",
)


@dataclass
class SimulationResult:
    """The output of :func:`simulate`: the known truth and the observed signals."""

    scenario: Scenario
    seed: int
    people: list[Person]
    signals: list[Signal]
    #: signal_id -> person_id
    truth: dict[str, str]
    #: signal_id -> noise kinds applied to the identity of that signal (see NOISE_KINDS)
    noise: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def population(self) -> int:
        """True size of the hidden population (detected or not)."""
        return len(self.people)

    @property
    def detected(self) -> int:
        """Number of distinct persons with at least one signal."""
        return sum(1 for p in self.people if p.detected_by)

    @property
    def source_types(self) -> tuple[str, ...]:
        return SOURCE_TYPES

    def person(self, person_id: str) -> Person:
        return self.people[int(person_id[1:]) - 1]

    def capture_histories(self, **kwargs: Any) -> Any:
        """Shortcut for :func:`zicht.simulation.truth.capture_histories`."""
        from .truth import capture_histories

        return capture_histories(self, **kwargs)

    def signals_frame(self) -> pd.DataFrame:
        """The signals as a DataFrame in :data:`SIGNAL_COLUMNS` order (``date`` and
        ``date_of_birth`` as datetime64, ``immediate_danger`` bool, other columns text with
        ``forms``/``indicators`` semicolon-joined). Merge with :meth:`truth_frame` on
        ``signal_id`` for the true ``person_id``."""
        import pandas as pd

        rows = [s.as_row() for s in self.signals]
        df = pd.DataFrame(rows, columns=list(SIGNAL_COLUMNS))
        df["date"] = pd.to_datetime(df["date"])
        df["date_of_birth"] = pd.to_datetime(df["date_of_birth"])
        df["immediate_danger"] = df["immediate_danger"] == "1"
        return df

    def truth_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(list(self.truth.items()), columns=["signal_id", "person_id"])

    def people_frame(self) -> pd.DataFrame:
        import pandas as pd

        from .output import person_row

        return pd.DataFrame([person_row(p) for p in self.people])


# --------------------------------------------------------------------------- helpers


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _top_k(weights: np.ndarray, k: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """Per row, k[i] indices drawn without replacement with probability ~ weights (Gumbel)."""
    with np.errstate(divide="ignore"):
        keys = np.log(weights) + rng.gumbel(size=weights.shape)
    order = np.argsort(-keys, axis=1, kind="stable")
    return [np.sort(order[i, : k[i]]) for i in range(weights.shape[0])]


def _weighted_sample(cum: list[float], k: int, rng: random.Random) -> list[int]:
    """k distinct indices drawn with probability ~ weights, given the cumulative weights
    ``cum`` (successive draws, repeats rejected); sorted. All weights must be > 0."""
    total = cum[-1]
    k = min(k, len(cum))
    chosen: set[int] = set()
    while len(chosen) < k:
        chosen.add(bisect.bisect_right(cum, rng.random() * total))
    return sorted(chosen)


def _poisson(mu: float, rng: random.Random) -> int:
    """Poisson draw (Knuth's method; fine for the small means used here)."""
    if mu <= 0:
        return 0
    limit, k, prod = math.exp(-mu), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


_N_GIVEN = {"dutch": ((1, 2, 3), (0.45, 0.40, 0.15))}
_N_GIVEN_OTHER = ((1, 2), (0.6, 0.4))


def _draw_name(origin: str, sex: str, rng: random.Random) -> tuple[str, str]:
    male, female, surnames = NAME_LISTS[origin]
    pool = male if sex == "M" else female if sex == "F" else rng.choice((male, female))
    counts, probs = _N_GIVEN.get(origin, _N_GIVEN_OTHER)
    n_given = rng.choices(counts, probs)[0]
    given = " ".join(rng.sample(pool, n_given))
    return given, rng.choice(surnames)


# --------------------------------------------------------------------------- simulation


def simulate(scenario: Scenario | str = "default", seed: int = 0) -> SimulationResult:
    """Simulate a hidden population, its detection by the sources and the signals.

    ``scenario`` is a :class:`Scenario` or the name of one in ``SCENARIOS``. The result is
    fully determined by the scenario and ``seed`` (same inputs -> identical output).
    """
    sc = get_scenario(scenario) if isinstance(scenario, str) else scenario
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    streams = np.random.SeedSequence(seed).spawn(5)
    pop_rng = np.random.default_rng(streams[0])
    cap_rng = np.random.default_rng(streams[2])
    # scalar draws in loops use Python's (faster) Mersenne Twister, seeded from the streams
    name_rng = random.Random(int(streams[1].generate_state(1, np.uint64)[0]))
    sig_rng = random.Random(int(streams[3].generate_state(1, np.uint64)[0]))
    noise_rng = random.Random(int(streams[4].generate_state(1, np.uint64)[0]))
    n = sc.population
    S = len(SOURCE_TYPES)

    # ---- the hidden population ---------------------------------------------------------
    munis = [MUNICIPALITIES[c] for c in sc.municipalities]
    w = np.array([m.inhabitants for m in munis], dtype=float)
    muni_idx = pop_rng.choice(len(munis), size=n, p=w / w.sum())
    age_w = np.array(AGE_WEIGHTS) / sum(AGE_WEIGHTS)
    ages = np.array(AGES)[pop_rng.choice(len(AGES), size=n, p=age_w)]
    sexes = np.array(SEXES)[pop_rng.choice(len(SEXES), size=n, p=SEX_WEIGHTS)]
    # date of birth: uniform among the dates that give exactly this age at the start
    dobs: list[date] = []
    offsets = pop_rng.random(n)
    for a, u in zip(ages.tolist(), offsets.tolist(), strict=True):
        upper = _years_before(sc.start, a)
        lower = _years_before(sc.start, a + 1) + timedelta(days=1)
        dobs.append(lower + timedelta(days=int(u * ((upper - lower).days + 1))))

    # forms of exploitation: 1-3, weights depending on age
    fw = np.tile(np.array([FORM_WEIGHTS[f] for f in FORMS]), (n, 1))
    older = (ages >= 16)[:, None]
    for f in ("money_mule", "fraud", "counterfeit_cashier"):
        j = FORMS.index(f)
        fw[:, j] *= np.where(older[:, 0], 2.0, 0.3)
    for f in ("county_lines", "drug_transport"):
        j = FORMS.index(f)
        fw[:, j] *= np.where(ages <= 17, 1.5, 0.8)
    fw[:, FORMS.index("violence_on_command")] *= np.where(ages >= 16, 1.3, 0.7)
    n_forms = pop_rng.choice(3, size=n, p=N_FORMS_WEIGHTS) + 1
    form_sets = _top_k(fw, n_forms, pop_rng)
    form_mat = np.zeros((n, len(FORMS)), dtype=bool)
    for i, js in enumerate(form_sets):
        form_mat[i, js] = True

    # vulnerabilities: independent, addiction and debts more common with age
    prev = np.tile(np.array([VULNERABILITY_PREVALENCE[v] for v in VULNERABILITIES]), (n, 1))
    age_factor = np.clip(0.4 + 0.1 * (ages - 10), 0.4, 1.7)
    for v in ("addiction", "debts"):
        prev[:, VULNERABILITIES.index(v)] *= age_factor
    prev[:, VULNERABILITIES.index("care")] *= np.where(ages < 18, 1.0, 0.8)
    vul_mat = pop_rng.random((n, len(VULNERABILITIES))) < np.clip(prev, 0, 0.95)

    visibility = pop_rng.standard_normal(n)
    bsns = generate_bsns(n, pop_rng)

    # names: origin mix per municipality (independent of everything else)
    mixes = {m.code: ORIGIN_MIX.get(m.code, DEFAULT_ORIGIN_MIX) for m in munis}
    origins: list[str] = []
    names: list[tuple[str, str]] = []
    sex_list = sexes.tolist()
    for i, mi in enumerate(muni_idx.tolist()):
        origin = name_rng.choices(ORIGINS, mixes[munis[mi].code])[0]
        origins.append(origin)
        names.append(_draw_name(origin, sex_list[i], name_rng))

    # ---- detection (capture) by source type ---------------------------------------------
    agez = (ages - 16) / 4.0
    adult = (ages >= 18).astype(float)
    capture = np.zeros((n, S), dtype=bool)
    for s_idx, s in enumerate(SOURCE_TYPES):
        base = sc.base.get(s, 0.0)
        if base <= 0.0:
            continue
        eta = np.full(n, float(_logit(base)))
        eta += sc.age_slope.get(s, 0.0) * agez + sc.adult_shift.get(s, 0.0) * adult
        for f, eff in sc.form_effects.get(s, {}).items():
            eta += eff * form_mat[:, FORMS.index(f)]
        for v, eff in sc.vulnerability_effects.get(s, {}).items():
            eta += eff * vul_mat[:, VULNERABILITIES.index(v)]
        eta += sc.visibility.get(s, 0.0) * visibility
        for t_idx, t in enumerate(SOURCE_TYPES[:s_idx]):
            g = sc.dependence.get((t, s), 0.0)
            if g:
                eta += g * capture[:, t_idx]
        capture[:, s_idx] = cap_rng.random(n) < _expit(eta)

    # ---- signals --------------------------------------------------------------------------
    period_days = (sc.end - sc.start).days
    ind_groups = [c.split(".")[0] for c in INDICATORS]
    ind_index = {c: j for j, c in enumerate(INDICATORS)}
    affinity = {s: [GROUP_AFFINITY[s][g] for g in ind_groups] for s in SOURCE_TYPES}
    raw: list[tuple[int, date, float, dict[str, Any], tuple[str, ...]]] = []
    registrations: dict[tuple[int, str], tuple[Identity, tuple[str, ...]]] = {}
    usual_org: dict[tuple[int, str, str], int] = {}
    muni_codes = [m.code for m in munis]
    n_signals = [0] * n
    capture_rows = capture.tolist()
    form_rows = form_mat.tolist()
    vul_rows = vul_mat.tolist()
    age_list = ages.tolist()

    for i in np.flatnonzero(capture.any(axis=1)).tolist():
        person_forms = tuple(f for f, has in zip(FORMS, form_rows[i], strict=True) if has)
        person_vuls = {v for v, has in zip(VULNERABILITIES, vul_rows[i], strict=True) if has}
        home = munis[muni_idx[i]]
        age = age_list[i]
        true_id = Identity(names[i][0], names[i][1], dobs[i], sex_list[i], bsns[i])
        centre = sig_rng.randint(0, period_days)
        # indicator weights common to all sources for this person
        person_w = [1.0] * len(INDICATORS)
        for f in person_forms:
            for code in FORM_INDICATORS[f]:
                person_w[ind_index[code]] *= 4.0
        for v in VULNERABILITIES:
            person_w[ind_index[f"vulnerability.{v}"]] *= 6.0 if v in person_vuls else 0.1
        if age >= 19:
            for j, g in enumerate(ind_groups):
                if g == "school":
                    person_w[j] *= 0.2
        elsewhere = min(1.0, sc.elsewhere * (3.0 if "county_lines" in person_forms else 1.0))
        for s_idx, s in enumerate(SOURCE_TYPES):
            if not capture_rows[i][s_idx]:
                continue
            k = 1 + _poisson(sc.extra_signals.get(s, 0.0), sig_rng)
            n_signals[i] += k
            cum_w = list(
                itertools.accumulate(a * b for a, b in zip(person_w, affinity[s], strict=True))
            )
            for _ in range(k):
                # municipality and organisation
                m = home
                if len(munis) > 1 and sig_rng.random() < elsewhere:
                    m = MUNICIPALITIES[sig_rng.choice([c for c in muni_codes if c != home.code])]
                orgs = organisations(s, m, age)
                key = (i, s, m.code)
                if key not in usual_org:
                    usual_org[key] = sig_rng.randrange(len(orgs))
                if sig_rng.random() < USUAL_ORGANISATION:
                    org = orgs[usual_org[key]]
                else:
                    org = sig_rng.choice(orgs)
                # date around the person's centre of activity, reflected into the period
                if period_days == 0:
                    offset = 0
                else:
                    x = abs(centre + sig_rng.gauss(0.0, ACTIVITY_SD_DAYS)) % (2 * period_days)
                    offset = round(2 * period_days - x if x > period_days else x)
                day = sc.start + timedelta(days=offset)
                # content
                kept = tuple(f for f in person_forms if sig_rng.random() < FORM_REPORTED)
                if not kept:
                    kept = (sig_rng.choice(person_forms),)
                n_ind = 2 + sum(sig_rng.random() < 0.35 for _ in range(4))
                indicators = tuple(INDICATORS[j] for j in _weighted_sample(cum_w, n_ind, sig_rng))
                p_danger = sc.immediate_danger
                if "violence_on_command" in person_forms:
                    p_danger *= 3.0
                if s == "police":
                    p_danger *= 1.5
                if (
                    "behaviour.self_harm_injuries" in indicators
                    or "behaviour.weapons_paraphernalia" in indicators
                ):
                    p_danger *= 2.0
                danger = sig_rng.random() < min(p_danger, 0.6)
                # identity as registered by this organisation
                reg_key = (i, org)
                previous = registrations.get(reg_key)
                if previous is not None and noise_rng.random() < sc.noise.record_reuse:
                    ident, kinds = previous
                else:
                    ident, kinds = register(
                        true_id, sc.noise, sc.noise.bsn_missing.get(s, 0.0), noise_rng
                    )
                    registrations.setdefault(reg_key, (ident, kinds))
                fields = {
                    "source_type": s,
                    "organisation": org,
                    "municipality": m.code,
                    "municipality_name": m.name,
                    "date": day,
                    "given_names": ident.given_names,
                    "surname": ident.surname,
                    "date_of_birth": ident.date_of_birth,
                    "sex": ident.sex,
                    "bsn": ident.bsn,
                    "forms": kept,
                    "indicators": indicators,
                    "immediate_danger": danger,
                }
                raw.append((i, day, sig_rng.random(), fields, kinds))

    # signal ids in date order (ties in random order) so ids reveal nothing about persons
    raw.sort(key=lambda r: (r[1], r[2]))
    width = max(6, len(str(len(raw))))
    signals: list[Signal] = []
    truth: dict[str, str] = {}
    noise: dict[str, tuple[str, ...]] = {}
    pid_width = max(6, len(str(n)))
    for k, (i, _day, _u, fields, kinds) in enumerate(raw, start=1):
        sid = f"S{k:0{width}d}"
        signals.append(Signal(signal_id=sid, **fields))
        truth[sid] = f"P{i + 1:0{pid_width}d}"
        noise[sid] = kinds

    people: list[Person] = []
    for i in range(n):
        people.append(
            Person(
                person_id=f"P{i + 1:0{pid_width}d}",
                given_names=names[i][0],
                surname=names[i][1],
                date_of_birth=dobs[i],
                sex=sex_list[i],
                bsn=bsns[i],
                municipality=munis[muni_idx[i]].code,
                age=age_list[i],
                name_origin=origins[i],
                forms=tuple(f for f, has in zip(FORMS, form_rows[i], strict=True) if has),
                vulnerabilities=tuple(
                    v for v, has in zip(VULNERABILITIES, vul_rows[i], strict=True) if has
                ),
                visibility=round(float(visibility[i]), 6),
                detected_by=tuple(
                    s for s, c in zip(SOURCE_TYPES, capture_rows[i], strict=True) if c
                ),
                n_signals=n_signals[i],
            )
        )
    return SimulationResult(sc, seed, people, signals, truth, noise)


def source_counts(result: SimulationResult) -> dict[str, int]:
    """Number of signals per source type."""
    c = Counter(s.source_type for s in result.signals)
    return {s: c.get(s, 0) for s in SOURCE_TYPES}
