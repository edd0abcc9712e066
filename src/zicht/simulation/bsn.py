"""Dutch citizen service numbers (BSN): the eleven-test and a generator of valid numbers.

A BSN has nine digits ``d1 .. d9``. It passes the *eleven-test* ("elfproef") when::

    9*d1 + 8*d2 + 7*d3 + 6*d4 + 5*d5 + 4*d6 + 3*d7 + 2*d8 - 1*d9  ≡ 0  (mod 11)

The numbers generated here are random numbers that pass the test; they are synthetic and do
not belong to anyone on purpose (any valid number may, by chance, have been issued).
"""

from __future__ import annotations

import numpy as np

#: Weights of the eleven-test for digits 1..9.
BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def is_valid_bsn(value: str) -> bool:
    """True if ``value`` is nine digits, not all zero, and passes the eleven-test."""
    if not isinstance(value, str) or len(value) != 9 or not value.isascii():
        return False
    if not value.isdigit() or value == "000000000":
        return False
    total = sum(w * int(d) for w, d in zip(BSN_WEIGHTS, value, strict=True))
    return total % 11 == 0


def generate_bsns(n: int, rng: np.random.Generator) -> list[str]:
    """``n`` distinct random nine-digit BSNs that pass the eleven-test.

    The first digit is 1..6 (no leading zero, so the numbers survive spreadsheets); the
    check digit ``d9`` is the weighted sum of ``d1..d8`` modulo 11, and draws where that is
    10 are rejected.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    weights = np.array(BSN_WEIGHTS[:8], dtype=np.int64)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        m = max(64, int((n - len(out)) * 1.25))
        head = rng.integers(0, 10, size=(m, 8), dtype=np.int64)
        head[:, 0] = rng.integers(1, 7, size=m)
        check = (head @ weights) % 11
        ok = check <= 9
        digits = np.concatenate([head[ok], check[ok, None]], axis=1)
        for row in digits:
            s = "".join(map(str, row.tolist()))
            if s not in seen:
                seen.add(s)
                out.append(s)
                if len(out) == n:
                    break
    return out


def generate_bsn(rng: np.random.Generator) -> str:
    """One random BSN that passes the eleven-test."""
    return generate_bsns(1, rng)[0]


def make_bsn(number: int) -> str:
    """A BSN that passes the eleven-test, unique per ``number`` (0 <= number <
    90,000,000), or "" when no check digit exists for it (1 in 11). Deterministic, so
    populations made with disjoint number ranges never share a BSN (real BSNs are unique
    per person)."""
    first8 = f"{(number * 7919) % 90_000_000 + 10_000_000:08d}"
    check = sum(int(d) * (9 - i) for i, d in enumerate(first8)) % 11
    return first8 + str(check) if check < 10 else ""
