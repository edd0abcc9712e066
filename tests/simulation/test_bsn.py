import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zicht.simulation import generate_bsn, generate_bsns, is_valid_bsn


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999999990"])
def test_known_valid(bsn):
    assert is_valid_bsn(bsn)


@pytest.mark.parametrize(
    "value",
    ["123456789", "000000000", "12345678", "1234567820", "12345678a", "", None, 123456782],
)
def test_known_invalid(value):
    assert not is_valid_bsn(value)


def test_generated_bsns_are_valid_distinct_and_nine_digits():
    rng = np.random.default_rng(1)
    bsns = generate_bsns(20000, rng)
    assert len(bsns) == 20000
    assert len(set(bsns)) == 20000
    assert all(len(b) == 9 and b.isdigit() and b[0] != "0" for b in bsns)
    assert all(is_valid_bsn(b) for b in bsns)
    assert is_valid_bsn(generate_bsn(rng))
    # the check digit takes all values 0..9
    assert {b[-1] for b in bsns} == set("0123456789")


def test_generation_is_deterministic():
    a = generate_bsns(100, np.random.default_rng(5))
    b = generate_bsns(100, np.random.default_rng(5))
    assert a == b


@given(seed=st.integers(0, 2**32 - 1), pos=st.integers(0, 8), delta=st.integers(1, 9))
def test_eleven_test_catches_every_single_digit_error(seed, pos, delta):
    bsn = generate_bsn(np.random.default_rng(seed))
    digits = list(bsn)
    digits[pos] = str((int(digits[pos]) + delta) % 10)
    assert not is_valid_bsn("".join(digits))
