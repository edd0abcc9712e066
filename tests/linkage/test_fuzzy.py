import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zicht.pprl import fuzzy
from zicht.pprl.fuzzy import FuzzyIndex, blooms_to_matrix, decide, dice, dice_many
from zicht.pprl.spec import BLOOM_BYTES


def rand_bloom(rng: random.Random) -> bytes:
    return rng.randbytes(BLOOM_BYTES)


def brute_dice(a: bytes, b: bytes) -> float:
    ones_a = sum(bin(x).count("1") for x in a)
    ones_b = sum(bin(x).count("1") for x in b)
    both = sum(bin(x & y).count("1") for x, y in zip(a, b, strict=True))
    return 2 * both / (ones_a + ones_b) if ones_a + ones_b else 0.0


def test_thresholds_are_ordered():
    assert 0.5 < fuzzy.POSSIBLE_THRESHOLD < fuzzy.MATCH_THRESHOLD < 1.0
    assert decide(1.0) == "match"
    assert decide(fuzzy.MATCH_THRESHOLD) == "match"
    assert decide(fuzzy.POSSIBLE_THRESHOLD) == "possible"
    assert decide(fuzzy.POSSIBLE_THRESHOLD - 0.01) is None
    assert decide(0.0, exact=True) == "match"


def test_dice_basics():
    a = bytes([0b11110000]) + bytes(7)
    b = bytes([0b11000000]) + bytes(7)
    assert dice(a, a) == 1.0
    assert dice(a, b) == pytest.approx(2 * 2 / 6)
    assert dice(bytes(8), bytes(8)) == 0.0
    with pytest.raises(ValueError):
        dice(a, b[:4])


@settings(max_examples=50, deadline=None)
@given(st.binary(min_size=64, max_size=64), st.binary(min_size=64, max_size=64))
def test_dice_agrees_with_brute_force_and_kernel(a, b):
    expected = brute_dice(a, b)
    assert dice(a, b) == pytest.approx(expected)
    assert dice_many(a, blooms_to_matrix([b, a]))[0] == pytest.approx(expected)


def test_index_query_respects_blocks_threshold_and_order():
    rng = random.Random(1)
    q = rand_bloom(rng)
    near = bytearray(q)
    near[0] ^= 0xFF  # 8 bits changed
    ix = FuzzyIndex()
    ix.add(1, bytes(near), ["b1"])
    ix.add(2, q, ["b2"])
    ix.add(3, rand_bloom(rng), ["b1"])
    ix.add(4, q, ["b1", "b3"])
    res = ix.query(q, ["b1"], 0.9)
    assert [e for e, _ in res] == [4, 1]
    assert res[0][1] == 1.0 and res[1][1] == pytest.approx(dice(q, bytes(near)))
    assert ix.query(q, ["nope"], 0.0) == []
    assert {e for e, _ in ix.query_all(q, 0.9)} == {1, 2, 4}
    assert len(ix) == 4 and 3 in ix


def test_index_replace_and_remove():
    rng = random.Random(2)
    a, b = rand_bloom(rng), rand_bloom(rng)
    ix = FuzzyIndex(capacity=1)
    ix.add(7, a, ["x"])
    ix.add(7, b, ["y"])  # replaces
    assert len(ix) == 1
    assert ix.query(b, ["x"], 0.0) == []
    assert ix.query(b, ["y"], 0.99) == [(7, 1.0)]
    assert ix.remove(7) is True and ix.remove(7) is False
    assert len(ix) == 0 and ix.query_all(b, 0.0) == []


def test_index_rejects_bad_filters():
    ix = FuzzyIndex()
    with pytest.raises(ValueError):
        ix.add(1, b"short", ["x"])
    with pytest.raises(ValueError):
        ix.query(b"short", ["x"], 0.5)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("arq"), st.integers(0, 30), st.integers(0, 3)), max_size=80)
)
def test_index_matches_a_brute_force_model(ops):
    """Random adds/removes/queries against a dict model (exercises swap-removal)."""
    rng = random.Random(len(ops))
    pool = [rand_bloom(rng) for _ in range(8)]
    ix = FuzzyIndex(capacity=4)
    model: dict[int, tuple[bytes, set[str]]] = {}
    for op, eid, k in ops:
        toks = {f"t{k}", f"t{(k + 1) % 4}"}
        if op == "a":
            ix.add(eid, pool[eid % 8], toks)
            model[eid] = (pool[eid % 8], toks)
        elif op == "r":
            assert ix.remove(eid) == (eid in model)
            model.pop(eid, None)
        else:
            qb = pool[k]
            got = sorted(ix.query(qb, [f"t{k}"], 0.5))
            want = sorted(
                (e, brute_dice(qb, bl))
                for e, (bl, ts) in model.items()
                if f"t{k}" in ts and brute_dice(qb, bl) >= 0.5
            )
            assert [e for e, _ in got] == [e for e, _ in want]
            assert np.allclose([s for _, s in got], [s for _, s in want])
            got_all = sorted(e for e, _ in ix.query_all(qb, 0.5))
            assert got_all == sorted(e for e, (bl, _) in model.items() if brute_dice(qb, bl) >= 0.5)
    assert len(ix) == len(model)


def test_add_many_and_large_scan():
    rng = np.random.default_rng(3)
    m = rng.integers(0, 2**63, size=(5000, BLOOM_BYTES // 8), dtype=np.int64).view(np.uint64)
    raw = m.tobytes()
    ix = FuzzyIndex()
    ix.add_many(
        (i, raw[i * BLOOM_BYTES : (i + 1) * BLOOM_BYTES], [str(i % 10)]) for i in range(5000)
    )
    q = raw[123 * BLOOM_BYTES : 124 * BLOOM_BYTES]
    scores = dice_many(q, m)
    expected = {i for i in range(5000) if scores[i] >= 0.55}
    assert {e for e, _ in ix.query_all(q, 0.55)} == expected
    assert {e for e, _ in ix.query(q, ["3"], 0.55)} == {i for i in expected if i % 10 == 3}
