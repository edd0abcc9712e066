"""zicht.simulation: a synthetic hidden population with a known truth.

Pure Python (numpy, Faker data; pandas only for the optional DataFrame helpers). It imports
no Django and no other zicht package. See docs/simulation.md.

>>> from zicht.simulation import simulate, SCENARIOS, capture_histories, write
>>> result = simulate("independent", seed=7)                     # doctest: +SKIP
>>> result.population, result.detected, len(result.signals)      # doctest: +SKIP
"""

from .bsn import generate_bsn, generate_bsns, is_valid_bsn
from .catalogue import FORMS, INDICATORS, SOURCE_TYPES, VULNERABILITIES, organisations
from .model import SIGNAL_COLUMNS, Person, Signal, SimulationResult, simulate
from .municipalities import (
    MUNICIPALITIES,
    PMG_CODES,
    Municipality,
    resolve_municipalities,
    resolve_municipality,
)
from .noise import NOISE_KINDS, Identity
from .output import write
from .scenarios import DEFAULT_SCENARIO, SCENARIOS, NoiseParams, Scenario, get_scenario
from .truth import (
    capture_histories,
    capture_histories_frame,
    capture_pattern,
    lincoln_petersen,
    pairwise_odds_ratio,
)

__all__ = [
    "DEFAULT_SCENARIO",
    "FORMS",
    "INDICATORS",
    "MUNICIPALITIES",
    "NOISE_KINDS",
    "PMG_CODES",
    "SCENARIOS",
    "SIGNAL_COLUMNS",
    "SOURCE_TYPES",
    "VULNERABILITIES",
    "Identity",
    "Municipality",
    "NoiseParams",
    "Person",
    "Scenario",
    "Signal",
    "SimulationResult",
    "capture_histories",
    "capture_histories_frame",
    "capture_pattern",
    "generate_bsn",
    "generate_bsns",
    "get_scenario",
    "is_valid_bsn",
    "lincoln_petersen",
    "organisations",
    "pairwise_odds_ratio",
    "resolve_municipalities",
    "resolve_municipality",
    "simulate",
    "write",
]
