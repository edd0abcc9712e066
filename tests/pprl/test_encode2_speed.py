"""The cached zicht-pprl-2 encoder must stay byte-identical to the plain transcription."""

import datetime as dt

import pytest

from tests.linkage.test_encoding_speed import _random_identities
from tests.pprl.reference_pprl2 import reference_encode2
from zicht.pprl.encoding import EncodingError
from zicht.pprl.keys import PseudonymKey
from zicht.pprl.pprl2 import encode2
from zicht.simulation.identities import make_population

TODAY = dt.date(2026, 6, 1)
KEYS = [PseudonymKey.from_bytes(bytes(range(32))), PseudonymKey.from_bytes(b"\x07" * 40)]


def _outcome(fn, identity, key):
    try:
        return fn(identity, key)
    except EncodingError as exc:
        return ("error", exc.field, exc.reason)


@pytest.mark.parametrize("key", KEYS, ids=["key-a", "key-b"])
def test_fast_encode2_is_byte_identical_to_the_spec_transcription(key):
    people = [r.identity for r in make_population(600, seed=3)]
    people += _random_identities(600, seed=4)
    mismatches = errors = 0
    # Twice over the same people: the second pass is served from the caches.
    for identity in people + people:
        fast = _outcome(lambda i, k: encode2(i, k, today=TODAY), identity, key)
        slow = _outcome(lambda i, k: reference_encode2(i, k, TODAY), identity, key)
        mismatches += fast != slow
        errors += isinstance(fast, tuple)
    assert mismatches == 0
    assert 0 < errors < len(people)
