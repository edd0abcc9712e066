"""Scenario parameters and the named scenarios.

A :class:`Scenario` fixes everything about a simulation except the random seed: the size
of the hidden population, the period, the municipalities, the capture (detection) model
per source type and the identity-noise model (:class:`NoiseParams`).

Capture model (see docs/simulation.md): for person *i* and source type *s*, in the fixed
order of :data:`SOURCE_TYPES`,

    logit P(s detects i) = logit(base[s])
                           + age_slope[s] * (age_i - 16) / 4
                           + adult_shift[s] * [age_i >= 18]
                           + sum_f form_effects[s][f] * [i has form f]
                           + sum_v vulnerability_effects[s][v] * [i has vulnerability v]
                           + visibility[s] * z_i                     (z_i ~ N(0, 1))
                           + sum_{t before s} dependence[(t, s)] * [t detected i]

so ``base`` is the capture probability of a 16-year-old reference person with no form or
vulnerability effects, average visibility and no earlier detections. With every effect zero
(scenario ``independent``) the sources capture independently and homogeneously, and the
log-linear main-effects model holds exactly.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .catalogue import FORMS, SOURCE_TYPES, VULNERABILITIES
from .municipalities import MUNICIPALITIES, PMG_CODES


@dataclass(frozen=True)
class NoiseParams:
    """Identity noise: how a registration differs from the person's true identity.

    Each rate is the probability, per signal, that the error is present in the recorded
    identity, among the signals where it *can* occur (e.g. a particle can only be dropped
    from a surname that has one). Signals from the same organisation about the same person
    re-use that organisation's earlier registration with probability ``record_reuse``
    (copy from its own file), which leaves each marginal rate unchanged.
    """

    typo: float = 0.05  #: one typing error in the given names or surname
    variant: float = 0.15  #: an alternate spelling (Mohammed/Mohamed, Öztürk/Ozturk, ...)
    swap_names: float = 0.02  #: given names and surname swapped
    drop_particle: float = 0.25  #: surname particle dropped ("van der Meer" -> "Meer")
    first_given_only: float = 0.30  #: only the first of several given names recorded
    dob_swap: float = 0.03  #: day and month of birth swapped (only when day <= 12 != month)
    dob_error: float = 0.01  #: birth date off by one day or one year
    sex_unknown: float = 0.01  #: sex recorded as X
    #: Probability that the BSN is missing, per source type.
    bsn_missing: dict[str, float] = field(
        default_factory=lambda: {
            "police": 0.10,
            "municipality": 0.05,
            "youth_care": 0.10,
            "school": 0.15,
            "health_care": 0.20,
            "shelter": 0.45,
            "anonymous_help": 0.90,
        }
    )
    record_reuse: float = 0.7

    def scaled(self, factor: float) -> NoiseParams:
        """All error rates multiplied by ``factor`` (capped at 0.98); ``record_reuse`` kept."""

        def f(x: float) -> float:
            return round(min(0.98, x * factor), 6)

        return dataclasses.replace(
            self,
            typo=f(self.typo),
            variant=f(self.variant),
            swap_names=f(self.swap_names),
            drop_particle=f(self.drop_particle),
            first_given_only=f(self.first_given_only),
            dob_swap=f(self.dob_swap),
            dob_error=f(self.dob_error),
            sex_unknown=f(self.sex_unknown),
            bsn_missing={k: f(v) for k, v in self.bsn_missing.items()},
        )

    def validate(self) -> None:
        rates = {k: v for k, v in dataclasses.asdict(self).items() if k != "bsn_missing"}
        rates.update({f"bsn_missing[{k}]": v for k, v in self.bsn_missing.items()})
        for k, v in rates.items():
            if not 0.0 <= float(v) <= 1.0:
                raise ValueError(f"noise rate {k} must be in [0, 1], got {v}")
        unknown = set(self.bsn_missing) - set(SOURCE_TYPES)
        if unknown:
            raise ValueError(f"bsn_missing has unknown source types: {sorted(unknown)}")


def _zeros() -> dict[str, float]:
    return dict.fromkeys(SOURCE_TYPES, 0.0)


@dataclass(frozen=True)
class Scenario:
    """All parameters of a simulation except the seed. Dict fields are keyed by source type;
    missing keys mean 0 (no effect). Use :meth:`replace` to derive a variant."""

    name: str = "custom"
    description: str = ""
    #: True size of the hidden population (detected or not).
    population: int = 3000
    start: date = date(2025, 1, 1)
    end: date = date(2025, 12, 31)
    #: CBS codes of the municipalities; the population is spread by inhabitants.
    municipalities: tuple[str, ...] = PMG_CODES
    #: Capture probability of the reference person per source type.
    base: dict[str, float] = field(default_factory=_zeros)
    #: Log-odds change per 4 years of age above 16.
    age_slope: dict[str, float] = field(default_factory=_zeros)
    #: Extra log-odds at age 18 or older (youth care and school largely stop).
    adult_shift: dict[str, float] = field(default_factory=_zeros)
    #: Log-odds effect of each form of exploitation: ``{source: {form: effect}}``.
    form_effects: dict[str, dict[str, float]] = field(default_factory=dict)
    #: Log-odds effect of each vulnerability: ``{source: {vulnerability: effect}}``.
    vulnerability_effects: dict[str, dict[str, float]] = field(default_factory=dict)
    #: Loading of the latent person "visibility" z ~ N(0,1) (heterogeneity shared by sources,
    #: which creates positive dependence between all sources that load on it).
    visibility: dict[str, float] = field(default_factory=_zeros)
    #: Direct dependence ``{(earlier, later): log-odds}``: being detected by ``earlier``
    #: changes the odds of detection by ``later`` (positive: referral; negative: avoidance).
    dependence: dict[tuple[str, str], float] = field(default_factory=dict)
    #: Mean number of *extra* signals (Poisson) per detecting source type, so a detected
    #: person has 1 + Poisson(extra_signals[s]) signals from source type s.
    extra_signals: dict[str, float] = field(default_factory=_zeros)
    noise: NoiseParams = field(default_factory=NoiseParams)
    #: Base probability that a signal is marked ``immediate_danger``.
    immediate_danger: float = 0.03
    #: Probability that a signal comes from another (chosen) municipality than the person's
    #: own; tripled for county lines.
    elsewhere: float = 0.04

    def __post_init__(self) -> None:
        """Coerce friendly inputs, then check every parameter; the first problem found is
        raised as a ``ValueError`` naming the parameter."""
        self._coerce()
        self._check_size_and_period()
        self._check_municipalities()
        self._check_source_parameters()
        self._check_effects()
        self._check_dependence()
        for name in ("immediate_danger", "elsewhere"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {v}")
        self.noise.validate()

    def _coerce(self) -> None:
        """ISO strings or datetimes for dates, any sequence of municipalities."""
        for name in ("start", "end"):
            v = getattr(self, name)
            if isinstance(v, str):
                try:
                    object.__setattr__(self, name, date.fromisoformat(v))
                except ValueError:
                    raise ValueError(f"{name} must be a date YYYY-MM-DD, got {v!r}") from None
            elif isinstance(v, datetime):
                object.__setattr__(self, name, v.date())
        if isinstance(self.municipalities, str):
            raise ValueError("municipalities must be a sequence of CBS codes, not a string")
        object.__setattr__(self, "municipalities", tuple(self.municipalities))

    def _check_size_and_period(self) -> None:
        if not isinstance(self.population, int) or isinstance(self.population, bool):
            raise ValueError("population must be an integer")
        if self.population < 0:
            raise ValueError(f"population must be >= 0, got {self.population}")
        if not isinstance(self.start, date) or not isinstance(self.end, date):
            raise ValueError("start and end must be dates")
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")

    def _check_municipalities(self) -> None:
        if not self.municipalities:
            raise ValueError("at least one municipality is needed")
        for code in self.municipalities:
            if code not in MUNICIPALITIES:
                raise ValueError(f"unknown municipality code {code!r}")
        if len(set(self.municipalities)) != len(self.municipalities):
            raise ValueError("municipalities must be unique")

    def _check_source_parameters(self) -> None:
        """The per-source-type dicts name known source types; probabilities and means are
        in range."""
        for fname in ("base", "age_slope", "adult_shift", "visibility", "extra_signals"):
            unknown = set(getattr(self, fname)) - set(SOURCE_TYPES)
            if unknown:
                raise ValueError(f"{fname} has unknown source types: {sorted(unknown)}")
        for s, p in self.base.items():
            if not 0.0 <= p < 1.0:
                raise ValueError(f"base[{s}] must be in [0, 1), got {p}")
        for s, mu in self.extra_signals.items():
            if mu < 0:
                raise ValueError(f"extra_signals[{s}] must be >= 0, got {mu}")

    def _check_effects(self) -> None:
        """Form and vulnerability effects name known source types and codes."""
        for fname, codes in (("form_effects", FORMS), ("vulnerability_effects", VULNERABILITIES)):
            for s, effects in getattr(self, fname).items():
                if s not in SOURCE_TYPES:
                    raise ValueError(f"{fname} has unknown source type {s!r}")
                unknown = set(effects) - set(codes)
                if unknown:
                    raise ValueError(f"{fname}[{s}] has unknown codes: {sorted(unknown)}")

    def _check_dependence(self) -> None:
        """Each dependence pair goes from an earlier to a later source type (the capture
        model detects in the order of SOURCE_TYPES)."""
        order = {s: i for i, s in enumerate(SOURCE_TYPES)}
        for pair in self.dependence:
            a, b = pair
            if a not in order or b not in order:
                raise ValueError(f"dependence {pair} names an unknown source type")
            if order[a] >= order[b]:
                raise ValueError(
                    f"dependence {pair}: the first source must come earlier in "
                    f"SOURCE_TYPES {SOURCE_TYPES}"
                )

    def __hash__(self) -> int:  # dict fields: hash the JSON form
        return hash(json.dumps(self.to_dict(), sort_keys=True))

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some parameters changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters (dates as ISO strings, dependence keys as ``"a->b"``)."""
        d = dataclasses.asdict(self)
        d["start"] = self.start.isoformat()
        d["end"] = self.end.isoformat()
        d["municipalities"] = list(self.municipalities)
        d["dependence"] = {f"{a}->{b}": v for (a, b), v in self.dependence.items()}
        return d


# --------------------------------------------------------------------------- named scenarios

_DEFAULT = Scenario(
    name="default",
    description=(
        "Realistic mix: capture depends on age, form of exploitation, vulnerabilities and a "
        "latent visibility; referral (police->shelter, police->youth_care, ...) and avoidance "
        "(police vs school, police vs anonymous help) between sources; medium identity noise."
    ),
    base={
        "police": 0.10,
        "municipality": 0.06,
        "youth_care": 0.08,
        "school": 0.10,
        "health_care": 0.04,
        "shelter": 0.012,
        "anonymous_help": 0.03,
    },
    age_slope={
        "police": 0.5,
        "municipality": 0.1,
        "youth_care": -0.1,
        "school": -0.6,
        "health_care": 0.1,
        "shelter": 0.3,
        "anonymous_help": 0.0,
    },
    adult_shift={
        "police": 0.0,
        "municipality": 0.3,
        "youth_care": -1.2,
        "school": -1.0,
        "health_care": 0.0,
        "shelter": 0.3,
        "anonymous_help": 0.0,
    },
    form_effects={
        "police": {
            "drug_dealing": 0.5,
            "burglary_theft": 0.6,
            "violence_on_command": 0.8,
            "county_lines": 0.3,
        },
        "municipality": {"money_mule": 0.3},
        "youth_care": {"county_lines": 0.3},
        "school": {"drug_dealing": 0.3},
        "health_care": {"violence_on_command": 0.5},
        "shelter": {"county_lines": 0.6},
        "anonymous_help": {"money_mule": 0.3, "fraud": 0.3},
    },
    vulnerability_effects={
        "police": {"addiction": 0.3},
        "municipality": {"debts": 0.6, "excluded_school": 0.3},
        "youth_care": {"care": 1.2, "home_problems": 0.5, "lvb": 0.4},
        "school": {"excluded_school": -1.0, "lvb": 0.3},
        "health_care": {"psychiatric": 0.9, "addiction": 0.6},
        "shelter": {"home_problems": 0.8, "loneliness_status": 0.3},
        "anonymous_help": {"loneliness_status": 0.4},
    },
    visibility={
        "police": 0.6,
        "municipality": 0.5,
        "youth_care": 0.5,
        "school": 0.4,
        "health_care": 0.5,
        "shelter": 0.5,
        "anonymous_help": 0.3,
    },
    dependence={
        ("police", "youth_care"): 0.6,
        ("police", "shelter"): 1.0,
        ("municipality", "youth_care"): 0.7,
        ("municipality", "shelter"): 0.4,
        ("youth_care", "shelter"): 0.5,
        ("youth_care", "health_care"): 0.4,
        ("police", "school"): -0.7,
        ("police", "anonymous_help"): -0.4,
    },
    extra_signals={
        "police": 0.6,
        "municipality": 0.3,
        "youth_care": 0.8,
        "school": 0.5,
        "health_care": 0.3,
        "shelter": 0.4,
        "anonymous_help": 0.2,
    },
)

_HOMOGENEOUS_BASE = {
    "police": 0.25,
    "municipality": 0.15,
    "youth_care": 0.20,
    "school": 0.15,
    "health_care": 0.10,
    "shelter": 0.08,
    "anonymous_help": 0.06,
}

_INDEPENDENT = Scenario(
    name="independent",
    description=(
        "Sources capture independently with a constant probability per source type "
        "(homogeneous capture): the log-linear main-effects model holds. Medium noise."
    ),
    base=dict(_HOMOGENEOUS_BASE),
    extra_signals=dict(_DEFAULT.extra_signals),
)

_POSITIVE = _INDEPENDENT.replace(
    name="positive_dependence",
    description=(
        "Homogeneous capture with strong positive direct dependence (referrals): "
        "police->youth_care, police->shelter, municipality->youth_care, "
        "municipality->shelter, youth_care->shelter, youth_care->health_care."
    ),
    base={
        "police": 0.20,
        "municipality": 0.12,
        "youth_care": 0.12,
        "school": 0.15,
        "health_care": 0.08,
        "shelter": 0.04,
        "anonymous_help": 0.06,
    },
    dependence={
        ("police", "youth_care"): 1.2,
        ("police", "shelter"): 1.6,
        ("municipality", "youth_care"): 1.0,
        ("municipality", "shelter"): 0.8,
        ("youth_care", "shelter"): 1.0,
        ("youth_care", "health_care"): 0.9,
    },
)

_NEGATIVE = _INDEPENDENT.replace(
    name="negative_dependence",
    description=(
        "Homogeneous capture with negative direct dependence (avoidance, displacement): "
        "police vs school, police vs anonymous_help, municipality vs anonymous_help."
    ),
    base={
        "police": 0.25,
        "municipality": 0.15,
        "youth_care": 0.20,
        "school": 0.20,
        "health_care": 0.10,
        "shelter": 0.08,
        "anonymous_help": 0.10,
    },
    dependence={
        ("police", "school"): -1.2,
        ("police", "anonymous_help"): -1.0,
        ("municipality", "anonymous_help"): -0.6,
    },
)

_AGE = _INDEPENDENT.replace(
    name="age_heterogeneity",
    description=(
        "No direct dependence, but capture depends strongly on age: schools see the "
        "young, police and shelters the older; youth care drops at 18. Apparent dependence "
        "arises when age is ignored (school vs police negative)."
    ),
    age_slope={
        "police": 0.9,
        "municipality": 0.3,
        "youth_care": 0.0,
        "school": -1.2,
        "health_care": 0.0,
        "shelter": 0.5,
        "anonymous_help": -0.3,
    },
    adult_shift={
        "police": 0.0,
        "municipality": 0.0,
        "youth_care": -1.5,
        "school": -1.0,
        "health_care": 0.0,
        "shelter": 0.0,
        "anonymous_help": 0.0,
    },
)

_NOISE_LOW = _DEFAULT.replace(
    name="noise_low",
    description="The default capture model with low identity noise (all rates x 0.3).",
    noise=NoiseParams().scaled(0.3),
)

_NOISE_HIGH = _DEFAULT.replace(
    name="noise_high",
    description="The default capture model with high identity noise (all rates x 2.5).",
    noise=NoiseParams().scaled(2.5),
)

#: The named scenarios.
SCENARIOS: dict[str, Scenario] = {
    s.name: s for s in (_DEFAULT, _INDEPENDENT, _POSITIVE, _NEGATIVE, _AGE, _NOISE_LOW, _NOISE_HIGH)
}
DEFAULT_SCENARIO = "default"


def get_scenario(name: str) -> Scenario:
    """The named scenario; ``ValueError`` listing the names when unknown."""
    try:
        return SCENARIOS[name]
    except KeyError:
        raise ValueError(
            f"unknown scenario {name!r}; choose from: {', '.join(SCENARIOS)}"
        ) from None
