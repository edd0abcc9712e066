"""The simulation itself: hidden population, detection by sources, signals with noise."""

from __future__ import annotations

import bisect
import datetime
import itertools
import math
import random
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
from .truth import capture_histories

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
    date_of_birth: datetime.date
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
    date: datetime.date  # (the field's name hides the type inside the class body)
    given_names: str
    surname: str
    date_of_birth: datetime.date
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
        return capture_histories(self, **kwargs)

    def signals_frame(self) -> pd.DataFrame:
        """The signals as a DataFrame in :data:`SIGNAL_COLUMNS` order (``date`` and
        ``date_of_birth`` as datetime64, ``immediate_danger`` bool, other columns text with
        ``forms``/``indicators`` semicolon-joined). Merge with :meth:`truth_frame` on
        ``signal_id`` for the true ``person_id``."""
        import pandas as pd  # noqa: PLC0415 - pandas only for DataFrame output

        rows = [s.as_row() for s in self.signals]
        df = pd.DataFrame(rows, columns=list(SIGNAL_COLUMNS))
        df["date"] = pd.to_datetime(df["date"])
        df["date_of_birth"] = pd.to_datetime(df["date_of_birth"])
        df["immediate_danger"] = df["immediate_danger"] == "1"
        return df

    def truth_frame(self) -> pd.DataFrame:
        import pandas as pd  # noqa: PLC0415 - pandas only for DataFrame output

        return pd.DataFrame(list(self.truth.items()), columns=["signal_id", "person_id"])

    def people_frame(self) -> pd.DataFrame:
        import pandas as pd  # noqa: PLC0415 - pandas only for DataFrame output

        from .output import person_row  # noqa: PLC0415 - output imports this module (cycle)

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

    Four steps, each with its own random stream: draw the hidden population
    (:func:`_draw_population`), decide which source types detect whom (:func:`_capture`),
    write each detection's signals with a registered, noisy identity
    (:class:`_SignalWriter`) and number signals and people (:func:`_assemble`).
    """
    sc = get_scenario(scenario) if isinstance(scenario, str) else scenario
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    rngs = _Streams.from_seed(seed)
    pop = _draw_population(sc, rngs)
    capture = _capture(sc, pop, rngs.capture)
    writer = _SignalWriter(sc, pop, rngs)
    for i in np.flatnonzero(capture.any(axis=1)).tolist():
        writer.person(i, capture[i].tolist())
    return _assemble(sc, seed, pop, capture, writer)


@dataclass(frozen=True)
class _Streams:
    """Independent random streams, one per step, so a change in one step does not shift
    the draws of another. Scalar draws in loops use Python's (faster) Mersenne Twister,
    seeded from the NumPy streams."""

    population: np.random.Generator
    names: random.Random
    capture: np.random.Generator
    signals: random.Random
    noise: random.Random

    @classmethod
    def from_seed(cls, seed: int) -> _Streams:
        streams = np.random.SeedSequence(seed).spawn(5)

        def scalar(stream: np.random.SeedSequence) -> random.Random:
            return random.Random(int(stream.generate_state(1, np.uint64)[0]))

        return cls(
            population=np.random.default_rng(streams[0]),
            names=scalar(streams[1]),
            capture=np.random.default_rng(streams[2]),
            signals=scalar(streams[3]),
            noise=scalar(streams[4]),
        )


@dataclass
class _Population:
    """The hidden population, one row per person (NumPy arrays and parallel lists)."""

    munis: list[Any]
    muni_idx: np.ndarray
    ages: np.ndarray
    sexes: list[str]
    dobs: list[date]
    forms: np.ndarray  # n x len(FORMS), bool
    vulnerabilities: np.ndarray  # n x len(VULNERABILITIES), bool
    visibility: np.ndarray
    bsns: list[str]
    origins: list[str]
    names: list[tuple[str, str]]

    @property
    def n(self) -> int:
        return len(self.sexes)

    def forms_of(self, i: int) -> tuple[str, ...]:
        return tuple(f for f, has in zip(FORMS, self.forms[i].tolist(), strict=True) if has)

    def vulnerabilities_of(self, i: int) -> tuple[str, ...]:
        row = self.vulnerabilities[i].tolist()
        return tuple(v for v, has in zip(VULNERABILITIES, row, strict=True) if has)


def _draw_population(sc: Scenario, rngs: _Streams) -> _Population:
    """Where they live, age, sex, date of birth, forms of exploitation, vulnerabilities,
    visibility, BSN and name of every member of the hidden population."""
    rng, n = rngs.population, sc.population
    munis = [MUNICIPALITIES[c] for c in sc.municipalities]
    w = np.array([m.inhabitants for m in munis], dtype=float)
    muni_idx = rng.choice(len(munis), size=n, p=w / w.sum())
    age_w = np.array(AGE_WEIGHTS) / sum(AGE_WEIGHTS)
    ages = np.array(AGES)[rng.choice(len(AGES), size=n, p=age_w)]
    sexes = np.array(SEXES)[rng.choice(len(SEXES), size=n, p=SEX_WEIGHTS)].tolist()
    dobs = _dates_of_birth(sc.start, ages, rng.random(n))
    forms = _draw_forms(ages, rng)
    vulnerabilities = _draw_vulnerabilities(ages, rng)
    visibility = rng.standard_normal(n)
    bsns = generate_bsns(n, rng)
    origins, names = _draw_names(munis, muni_idx, sexes, rngs.names)
    return _Population(
        munis, muni_idx, ages, sexes, dobs, forms, vulnerabilities, visibility, bsns,
        origins, names,
    )  # fmt: skip


def _dates_of_birth(start: date, ages: np.ndarray, offsets: np.ndarray) -> list[date]:
    """Uniform among the dates that give exactly this age at the start."""
    dobs: list[date] = []
    for a, u in zip(ages.tolist(), offsets.tolist(), strict=True):
        upper = _years_before(start, a)
        lower = _years_before(start, a + 1) + timedelta(days=1)
        dobs.append(lower + timedelta(days=int(u * ((upper - lower).days + 1))))
    return dobs


def _draw_forms(ages: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """1-3 forms of exploitation per person, weights depending on age: money mules and
    fraud are older, drug transport and county lines younger."""
    n = len(ages)
    fw = np.tile(np.array([FORM_WEIGHTS[f] for f in FORMS]), (n, 1))
    for f in ("money_mule", "fraud", "counterfeit_cashier"):
        fw[:, FORMS.index(f)] *= np.where(ages >= 16, 2.0, 0.3)
    for f in ("county_lines", "drug_transport"):
        fw[:, FORMS.index(f)] *= np.where(ages <= 17, 1.5, 0.8)
    fw[:, FORMS.index("violence_on_command")] *= np.where(ages >= 16, 1.3, 0.7)
    n_forms = rng.choice(3, size=n, p=N_FORMS_WEIGHTS) + 1
    form_mat = np.zeros((n, len(FORMS)), dtype=bool)
    for i, js in enumerate(_top_k(fw, n_forms, rng)):
        form_mat[i, js] = True
    return form_mat


def _draw_vulnerabilities(ages: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Independent vulnerabilities; addiction and debts more common with age."""
    prev = np.tile(np.array([VULNERABILITY_PREVALENCE[v] for v in VULNERABILITIES]), (len(ages), 1))
    age_factor = np.clip(0.4 + 0.1 * (ages - 10), 0.4, 1.7)
    for v in ("addiction", "debts"):
        prev[:, VULNERABILITIES.index(v)] *= age_factor
    prev[:, VULNERABILITIES.index("care")] *= np.where(ages < 18, 1.0, 0.8)
    return rng.random((len(ages), len(VULNERABILITIES))) < np.clip(prev, 0, 0.95)


def _draw_names(
    munis: list[Any], muni_idx: np.ndarray, sexes: list[str], rng: random.Random
) -> tuple[list[str], list[tuple[str, str]]]:
    """A name origin from the municipality's mix, then a name from that origin's lists
    (independent of everything else)."""
    mixes = {m.code: ORIGIN_MIX.get(m.code, DEFAULT_ORIGIN_MIX) for m in munis}
    origins: list[str] = []
    names: list[tuple[str, str]] = []
    for i, mi in enumerate(muni_idx.tolist()):
        origin = rng.choices(ORIGINS, mixes[munis[mi].code])[0]
        origins.append(origin)
        names.append(_draw_name(origin, sexes[i], rng))
    return origins, names


def _capture(sc: Scenario, pop: _Population, rng: np.random.Generator) -> np.ndarray:
    """Which source types detect whom (n x S, bool): a logistic model per source type,
    with earlier source types' detection as a covariate (list dependence)."""
    capture = np.zeros((pop.n, len(SOURCE_TYPES)), dtype=bool)
    for s_idx, s in enumerate(SOURCE_TYPES):
        base = sc.base.get(s, 0.0)
        if base > 0.0:
            eta = _capture_logit(sc, s_idx, pop, capture)
            capture[:, s_idx] = rng.random(pop.n) < _expit(eta)
    return capture


def _capture_logit(sc: Scenario, s_idx: int, pop: _Population, capture: np.ndarray) -> np.ndarray:
    """The linear predictor of detection by source type ``s_idx`` for every person."""
    s = SOURCE_TYPES[s_idx]
    agez = (pop.ages - 16) / 4.0
    adult = (pop.ages >= 18).astype(float)
    eta = np.full(pop.n, float(_logit(sc.base[s])))
    eta += sc.age_slope.get(s, 0.0) * agez + sc.adult_shift.get(s, 0.0) * adult
    for f, eff in sc.form_effects.get(s, {}).items():
        eta += eff * pop.forms[:, FORMS.index(f)]
    for v, eff in sc.vulnerability_effects.get(s, {}).items():
        eta += eff * pop.vulnerabilities[:, VULNERABILITIES.index(v)]
    eta += sc.visibility.get(s, 0.0) * pop.visibility
    for t_idx, t in enumerate(SOURCE_TYPES[:s_idx]):
        g = sc.dependence.get((t, s), 0.0)
        if g:
            eta += g * capture[:, t_idx]
    return eta


_IND_GROUPS = [c.split(".")[0] for c in INDICATORS]
_IND_INDEX = {c: j for j, c in enumerate(INDICATORS)}
_AFFINITY = {s: [GROUP_AFFINITY[s][g] for g in _IND_GROUPS] for s in SOURCE_TYPES}

# One signal before numbering: person index, date, tie-break, fields, noise kinds.
_RawSignal = tuple[int, date, float, dict[str, Any], tuple[str, ...]]


class _SignalWriter:
    """Writes the signals of detected people: for each detection, one signal plus a
    Poisson number of extra ones, each with a place, an organisation, a date around the
    person's centre of activity, reported forms and indicators, immediate danger and the
    identity as that organisation registered it (reused, or newly registered with noise).

    The draws happen in a fixed order per signal, so the result depends only on the
    scenario and the seed."""

    def __init__(self, sc: Scenario, pop: _Population, rngs: _Streams) -> None:
        self.sc = sc
        self.pop = pop
        self.rng = rngs.signals
        self.noise_rng = rngs.noise
        self.period_days = (sc.end - sc.start).days
        self.muni_codes = [m.code for m in pop.munis]
        self.raw: list[_RawSignal] = []
        self.n_signals = [0] * pop.n
        self.registrations: dict[tuple[int, str], tuple[Identity, tuple[str, ...]]] = {}
        self.usual_org: dict[tuple[int, str, str], int] = {}

    def person(self, i: int, captured: list[bool]) -> None:
        """All signals about person ``i``, detected by the source types in ``captured``."""
        pop, sc = self.pop, self.sc
        forms = pop.forms_of(i)
        true_id = Identity(pop.names[i][0], pop.names[i][1], pop.dobs[i], pop.sexes[i], pop.bsns[i])
        centre = self.rng.randint(0, self.period_days)
        weights = _indicator_weights(forms, set(pop.vulnerabilities_of(i)), int(pop.ages[i]))
        elsewhere = min(1.0, sc.elsewhere * (3.0 if "county_lines" in forms else 1.0))
        for s, detected in zip(SOURCE_TYPES, captured, strict=True):
            if not detected:
                continue
            k = 1 + _poisson(sc.extra_signals.get(s, 0.0), self.rng)
            self.n_signals[i] += k
            cum_w = list(
                itertools.accumulate(a * b for a, b in zip(weights, _AFFINITY[s], strict=True))
            )
            for _ in range(k):
                self._signal(i, s, forms, true_id, centre, elsewhere, cum_w)

    def _signal(
        self,
        i: int,
        s: str,
        forms: tuple[str, ...],
        true_id: Identity,
        centre: int,
        elsewhere: float,
        cum_w: list[float],
    ) -> None:
        m, org = self._place(i, s, elsewhere)
        day = self._day(centre)
        kept, indicators = self._content(forms, cum_w)
        danger = self._immediate_danger(s, forms, indicators)
        ident, kinds = self._identity(i, s, org, true_id)
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
        self.raw.append((i, day, self.rng.random(), fields, kinds))

    def _place(self, i: int, s: str, elsewhere: float) -> tuple[Any, str]:
        """The municipality (home, or elsewhere) and the organisation: mostly the person's
        usual one of that source type there."""
        rng = self.rng
        home = self.pop.munis[self.pop.muni_idx[i]]
        m = home
        if len(self.pop.munis) > 1 and rng.random() < elsewhere:
            m = MUNICIPALITIES[rng.choice([c for c in self.muni_codes if c != home.code])]
        orgs = organisations(s, m, int(self.pop.ages[i]))
        key = (i, s, m.code)
        if key not in self.usual_org:
            self.usual_org[key] = rng.randrange(len(orgs))
        org = orgs[self.usual_org[key]] if rng.random() < USUAL_ORGANISATION else rng.choice(orgs)
        return m, org

    def _day(self, centre: int) -> date:
        """A date around the person's centre of activity, reflected into the period."""
        if self.period_days == 0:
            return self.sc.start
        x = abs(centre + self.rng.gauss(0.0, ACTIVITY_SD_DAYS)) % (2 * self.period_days)
        offset = round(2 * self.period_days - x if x > self.period_days else x)
        return self.sc.start + timedelta(days=offset)

    def _content(
        self, forms: tuple[str, ...], cum_w: list[float]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The forms this signal reports (at least one) and 2-6 indicators."""
        rng = self.rng
        kept = tuple(f for f in forms if rng.random() < FORM_REPORTED)
        if not kept:
            kept = (rng.choice(forms),)
        n_ind = 2 + sum(rng.random() < 0.35 for _ in range(4))
        return kept, tuple(INDICATORS[j] for j in _weighted_sample(cum_w, n_ind, rng))

    def _immediate_danger(
        self, s: str, forms: tuple[str, ...], indicators: tuple[str, ...]
    ) -> bool:
        p = self.sc.immediate_danger
        if "violence_on_command" in forms:
            p *= 3.0
        if s == "police":
            p *= 1.5
        if {"behaviour.self_harm_injuries", "behaviour.weapons_paraphernalia"} & set(indicators):
            p *= 2.0
        return self.rng.random() < min(p, 0.6)

    def _identity(
        self, i: int, s: str, org: str, true_id: Identity
    ) -> tuple[Identity, tuple[str, ...]]:
        """The identity as ``org`` registered it: its earlier registration of this person
        (reused with probability ``record_reuse``) or a new one with noise."""
        noise = self.sc.noise
        previous = self.registrations.get((i, org))
        if previous is not None and self.noise_rng.random() < noise.record_reuse:
            return previous
        registered = register(true_id, noise, noise.bsn_missing.get(s, 0.0), self.noise_rng)
        self.registrations.setdefault((i, org), registered)
        return registered


def _indicator_weights(forms: tuple[str, ...], vulnerabilities: set[str], age: int) -> list[float]:
    """Indicator weights common to all sources for one person: the indicators of the
    person's forms and vulnerabilities are likelier, school indicators rarer from 19."""
    weights = [1.0] * len(INDICATORS)
    for f in forms:
        for code in FORM_INDICATORS[f]:
            weights[_IND_INDEX[code]] *= 4.0
    for v in VULNERABILITIES:
        weights[_IND_INDEX[f"vulnerability.{v}"]] *= 6.0 if v in vulnerabilities else 0.1
    if age >= 19:
        for j, g in enumerate(_IND_GROUPS):
            if g == "school":
                weights[j] *= 0.2
    return weights


def _assemble(
    sc: Scenario, seed: int, pop: _Population, capture: np.ndarray, writer: _SignalWriter
) -> SimulationResult:
    """Signal ids in date order (ties in random order), so ids reveal nothing about
    persons; person ids in population order."""
    raw = sorted(writer.raw, key=lambda r: (r[1], r[2]))
    width = max(6, len(str(len(raw))))
    pid_width = max(6, len(str(pop.n)))
    signals: list[Signal] = []
    truth: dict[str, str] = {}
    noise: dict[str, tuple[str, ...]] = {}
    for k, (i, _day, _u, fields, kinds) in enumerate(raw, start=1):
        sid = f"S{k:0{width}d}"
        signals.append(Signal(signal_id=sid, **fields))
        truth[sid] = f"P{i + 1:0{pid_width}d}"
        noise[sid] = kinds
    capture_rows = capture.tolist()
    people = [
        Person(
            person_id=f"P{i + 1:0{pid_width}d}",
            given_names=pop.names[i][0],
            surname=pop.names[i][1],
            date_of_birth=pop.dobs[i],
            sex=pop.sexes[i],
            bsn=pop.bsns[i],
            municipality=pop.munis[pop.muni_idx[i]].code,
            age=int(pop.ages[i]),
            name_origin=pop.origins[i],
            forms=pop.forms_of(i),
            vulnerabilities=pop.vulnerabilities_of(i),
            visibility=round(float(pop.visibility[i]), 6),
            detected_by=tuple(s for s, c in zip(SOURCE_TYPES, capture_rows[i], strict=True) if c),
            n_signals=writer.n_signals[i],
        )
        for i in range(pop.n)
    ]
    return SimulationResult(sc, seed, people, signals, truth, noise)
