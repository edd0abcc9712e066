"""Populations of noisy registrations of synthetic people, for measuring record linkage.

The simulation's people and its noise model, without the rest of the simulation: each
person has a name drawn from the lists in :mod:`.names` (Dutch names from Faker's
``nl_NL`` lists, with the long tail of rare Dutch surnames, and the Moroccan, Turkish,
Surinamese and Caribbean lists), a birth date in a range of years and, usually, a BSN;
a share of them is registered once or twice more, each copy made by
:func:`.noise.register` - the same model that makes the simulation's signals - with
heavier rates (:data:`LINKAGE_NOISE`) so that every copy carries at least one error.
Record and entity ids give the true pairs. Used by the linkage tests and benchmarks;
pure Python, no other dependency than the simulation's.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Iterable
from dataclasses import dataclass

from .bsn import make_bsn
from .names import DUTCH_SURNAMES_NATIONAL, NAME_LISTS, ORIGINS
from .noise import Identity, register
from .scenarios import NoiseParams

__all__ = [
    "LINKAGE_NOISE",
    "LINKAGE_ORIGIN_MIX",
    "SyntheticRecord",
    "canonical_pair",
    "make_population",
    "noisy_copy",
    "precision_recall_f1",
    "true_pairs",
]

#: Name origins (in :data:`.names.ORIGINS` order) of a linkage population: about the mix
#: of the large cities, so that the smaller name lists (and their collisions) matter.
LINKAGE_ORIGIN_MIX: tuple[float, ...] = (0.62, 0.13, 0.10, 0.09, 0.06)

#: The noise of a second registration: each kind several times as frequent as in a
#: simulation scenario, because a linkage test is about the registrations that differ.
LINKAGE_NOISE = NoiseParams(
    typo=0.45,
    variant=0.35,
    swap_names=0.08,
    drop_particle=0.5,
    first_given_only=0.5,
    dob_swap=0.15,
    dob_error=0.06,
    sex_unknown=0.02,
)
#: Probability that a second registration lacks the BSN the first one has.
LINKAGE_BSN_MISSING = 0.6
#: The kinds that change a name or the date of birth (a copy needs one of them).
_IDENTIFYING = frozenset(
    {"typo", "variant", "swap_names", "drop_particle", "first_given_only", "dob_swap", "dob_error"}
)
#: Given names per person (one, two or three) and how often.
_N_GIVEN = ((1, 2, 3), (0.60, 0.32, 0.08))


@dataclass(frozen=True)
class SyntheticRecord:
    """One registration: its id, the person it belongs to, and what it says."""

    record_id: str
    entity_id: int
    identity: Identity


def _person(rng: random.Random) -> tuple[str, str, str]:
    """Given names, surname and sex of a new person."""
    origin = rng.choices(ORIGINS, weights=LINKAGE_ORIGIN_MIX)[0]
    sex = rng.choice("MF")
    male, female, surnames = NAME_LISTS[origin]
    if origin == "dutch":
        surnames = DUTCH_SURNAMES_NATIONAL
    pool = male if sex == "M" else female
    n_given = rng.choices(*_N_GIVEN)[0]
    return " ".join(rng.sample(pool, n_given)), rng.choice(surnames), sex


def noisy_copy(
    rng: random.Random,
    ident: Identity,
    noise: NoiseParams = LINKAGE_NOISE,
    bsn_missing: float = LINKAGE_BSN_MISSING,
) -> Identity:
    """Another registration of the same person by the simulation's noise model, redrawn
    (up to 20 times) until a name or the date of birth differs."""
    copy = ident
    for _ in range(20):
        copy, applied = register(ident, noise, bsn_missing, rng)
        if _IDENTIFYING.intersection(applied):
            break
    return copy


def make_population(
    n_entities: int,
    *,
    dup_rate: float = 0.3,
    seed: int = 0,
    first_year: int = 2003,
    last_year: int = 2014,
    bsn_rate: float = 0.7,
    entity_offset: int = 0,
) -> list[SyntheticRecord]:
    """``n_entities`` people; a fraction ``dup_rate`` gets 1 (or, one in five, 2) extra
    noisy registrations. Record ids are 'r<number>', shuffled. Entity ids (and thus BSNs)
    start at ``entity_offset``, so populations made with disjoint offsets never share a
    person or a BSN."""
    rng = random.Random(seed)
    start = _dt.date(first_year, 1, 1).toordinal()
    end = _dt.date(last_year, 12, 31).toordinal()
    out: list[tuple[int, Identity]] = []
    for ent in range(entity_offset, entity_offset + n_entities):
        given, surname, sex = _person(rng)
        dob = _dt.date.fromordinal(rng.randint(start, end))
        bsn = make_bsn(ent) if rng.random() < bsn_rate else ""
        base = Identity(given, surname, dob, sex, bsn)
        out.append((ent, base))
        if rng.random() < dup_rate:
            for _ in range(2 if rng.random() < 0.2 else 1):
                out.append((ent, noisy_copy(rng, base)))
    rng.shuffle(out)
    return [SyntheticRecord(f"r{i}", ent, ident) for i, (ent, ident) in enumerate(out)]


def canonical_pair(a: str, b: str) -> tuple[str, str]:
    """A pair of record ids in a fixed order."""
    return (a, b) if a <= b else (b, a)


def true_pairs(records: Iterable[SyntheticRecord]) -> set[tuple[str, str]]:
    """Every pair of records of the same person."""
    by_entity: dict[int, list[str]] = {}
    for r in records:
        by_entity.setdefault(r.entity_id, []).append(r.record_id)
    pairs: set[tuple[str, str]] = set()
    for ids in by_entity.values():
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                pairs.add(canonical_pair(ids[i], ids[j]))
    return pairs


def precision_recall_f1(
    predicted: set[tuple[str, str]], truth: set[tuple[str, str]]
) -> tuple[float, float, float]:
    """Precision, recall and F1 of predicted pairs against the true pairs."""
    tp = len(predicted & truth)
    p = tp / len(predicted) if predicted else 1.0
    r = tp / len(truth) if truth else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f
