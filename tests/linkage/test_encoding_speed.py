"""The fast encoder must stay byte-identical to the plain transcription of the spec."""

import datetime as dt
import random

import pytest

from tests.linkage.reference_pprl1 import reference_encode
from zicht.pprl.encoding import EncodingError, Identity, encode
from zicht.pprl.keys import PseudonymKey
from zicht.simulation.bsn import make_bsn
from zicht.simulation.identities import make_population

TODAY = dt.date(2026, 6, 1)
KEYS = [PseudonymKey.from_bytes(bytes(range(32))), PseudonymKey.from_bytes(b"\x07" * 40)]
_LETTERS = "abcdefghijklmnopqrstuvwxyzéëïöüçşğıÅßøæœĳ'’- .ÉÖ"
_PARTICLES = ["van", "de", "der", "El", "ben", "Ait", "'t", "van den", "op"]


def _random_name(rng: random.Random) -> str:
    words = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if rng.random() < 0.2:
            words.append(rng.choice(_PARTICLES))
        else:
            words.append("".join(rng.choice(_LETTERS) for _ in range(rng.randint(0, 9))))
    return " ".join(words)


def _random_identities(n: int, seed: int) -> list[Identity]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        dob = dt.date.fromordinal(rng.randint(dt.date(1899, 1, 1).toordinal(), TODAY.toordinal()))
        estimate = None
        if rng.random() < 0.15:
            dob, estimate = None, rng.randint(1895, 2030)
        out.append(
            Identity(
                _random_name(rng),
                _random_name(rng),
                dob,
                rng.choice(["", "M", "f", "V", "x"]),
                rng.choice([make_bsn(i), make_bsn(i), " ", "", "12345678", "1234-56.782"]),
                birth_year_estimate=estimate,
            )
        )
    return out


def _outcome(fn, identity, key):
    try:
        return fn(identity, key)
    except EncodingError as exc:
        return ("error", exc.field, exc.reason)


@pytest.mark.parametrize("key", KEYS, ids=["key-a", "key-b"])
def test_fast_encoder_is_byte_identical_to_the_spec_transcription(key):
    people = [r.identity for r in make_population(1500, seed=3)]
    people += _random_identities(1500, seed=4)
    mismatches = 0
    errors = 0
    for identity in people:
        fast = _outcome(lambda i, k: encode(i, k, today=TODAY), identity, key)
        slow = _outcome(lambda i, k: reference_encode(i, k, TODAY), identity, key)
        mismatches += fast != slow
        errors += isinstance(fast, tuple)
    assert mismatches == 0
    # Both paths (encodings and refusals) were exercised.
    assert 0 < errors < len(people) // 2
