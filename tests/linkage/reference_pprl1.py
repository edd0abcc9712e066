"""A deliberately plain zicht-pprl-1 encoder: the specification (docs/linkage.md)
transcribed step by step, without caches or lookup tables.

It is the oracle for the fast encoder in zicht.pprl.encoding: both must produce
byte-identical encodings for every identity (tests/linkage/test_encoding_speed.py).
Slow on purpose - never import it from runtime code.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac

from zicht.pprl import normalise as nz
from zicht.pprl.encoding import (
    Encoding,
    EncodingError,
    Identity,
    Probe,
    keyed_permutation,
    normalise_bsn,
)
from zicht.pprl.keys import (
    PURPOSE_BLOCK,
    PURPOSE_BLOOM,
    PURPOSE_EXACT,
    PURPOSE_PERMUTATION,
    PseudonymKey,
)
from zicht.pprl.spec import (
    BASE_BLOOM_BITS,
    BLOCK_TOKEN_HEX,
    BLOOM_BITS,
    BLOOM_HASHES,
    DATE_HASHES,
    EXACT_TOKEN_HEX,
    MIN_BIRTH_YEAR,
    SPEC_VERSION,
)


def _hmac_hex(key: bytes, message: str, digits: int) -> str:
    return hmac.digest(key, message.encode(), "sha256").hex()[:digits]


@functools.cache
def _positions(bloom_key: bytes, year: int, gram: str) -> tuple[int, ...]:
    hashes = DATE_HASHES if gram.startswith("#") else BLOOM_HASHES
    return tuple(
        int.from_bytes(hmac.digest(bloom_key, f"{year}|{gram}|{i}".encode(), "sha256")[:4], "big")
        % BASE_BLOOM_BITS
        for i in range(hashes)
    )


@functools.lru_cache(maxsize=4)
def _permutation(perm_key: bytes) -> list[int]:
    return keyed_permutation(perm_key, BLOOM_BITS)


def _bloom(key: PseudonymKey, year: int, grams: set[str]) -> bytes:
    """Base filter of BASE_BLOOM_BITS bits, then base + complement, then the keyed
    permutation (output position j takes source position perm[j])."""
    bloom_key = key.subkey(PURPOSE_BLOOM)
    base = [0] * BASE_BLOOM_BITS
    for g in grams:
        for p in _positions(bloom_key, year, g):
            base[p] = 1
    balanced = base + [1 - b for b in base]
    perm = _permutation(key.subkey(PURPOSE_PERMUTATION))
    bits = [balanced[perm[j]] for j in range(BLOOM_BITS)]
    value = 0
    for b in bits:
        value = (value << 1) | b
    return value.to_bytes(BLOOM_BITS // 8, "big")


def reference_encode(identity: Identity, key: PseudonymKey, today: dt.date) -> Encoding:
    exact_key = key.subkey(PURPOSE_EXACT)
    block_key = key.subkey(PURPOSE_BLOCK)
    given, surname = identity.given_names, identity.surname
    sex = identity.sex.strip().upper()
    if sex not in ("M", "F", "V", "X", ""):
        raise EncodingError("sex: must be M, F, X or empty", "sex")
    bsn = normalise_bsn(identity.bsn.strip()) if identity.bsn.strip() else ""
    sn_tokens = nz.surname_tokens(surname)
    gn_tokens = nz.given_tokens(given)
    if not sn_tokens:
        raise EncodingError("surname: empty after normalisation", "surname")
    if not gn_tokens:
        raise EncodingError("given_names: empty after normalisation", "given_names")
    sn_core, fg = "".join(sn_tokens), gn_tokens[0]
    dob = identity.date_of_birth
    if dob is not None:
        if dob.year < MIN_BIRTH_YEAR or dob > today:
            raise EncodingError("date_of_birth: out of range", "date_of_birth")
        year = dob.year
        months = sorted({dob.month, dob.day} if dob.day <= 12 else {dob.month})
    elif identity.birth_year_estimate is not None:
        year = identity.birth_year_estimate
        if year < MIN_BIRTH_YEAR or year > today.year:
            raise EncodingError("birth_year_estimate: out of range", "birth_year_estimate")
        months = list(range(1, 13))
    else:
        raise EncodingError("date_of_birth: missing and no birth_year_estimate", "date_of_birth")

    messages = set()
    if bsn:
        messages.add(f"bsn|{bsn}")
    grams = set(nz.bigrams(fg)) | set(nz.bigrams(sn_core))
    if dob is not None:
        lo, hi = sorted((dob.month, dob.day))
        date_canon = f"{dob.year:04d}-{lo:02d}-{hi:02d}"
        pairs = [(sn_core, fg)]
        sw_sn, sw_given = nz.surname_core(given), nz.given_tokens(surname)
        if sw_sn and sw_given:
            pairs.append((sw_sn, sw_given[0]))
        for s, g in pairs:
            messages.add(f"name-dob|{s}|{g}|{date_canon}")
            messages.add(f"phon-dob|{nz.phonetic(s)}|{nz.phonetic(g)}|{date_canon}")
        grams.add(f"#dm|{lo:02d}|{hi:02d}")

    def block(y: int, m: int) -> str:
        return _hmac_hex(block_key, f"ym|{y:04d}|{m:02d}", BLOCK_TOKEN_HEX)

    def day_block(y: int) -> str:
        return _hmac_hex(block_key, f"ymd|{y:04d}|{lo:02d}|{hi:02d}", BLOCK_TOKEN_HEX)

    if dob is not None:
        blocks = {block(year, m) for m in months} | {day_block(year)}
        probes = tuple(
            Probe(off, _bloom(key, year + off, grams), (day_block(year + off),)) for off in (-1, 1)
        )
    else:
        blocks = {block(year, m) for m in months}
        probes = tuple(
            Probe(
                off,
                _bloom(key, year + off, grams),
                tuple(sorted({block(year + off, m) for m in months})),
            )
            for off in (-1, 1)
        )
    return Encoding(
        spec_version=SPEC_VERSION,
        key_id=key.key_id,
        exact_tokens=tuple(sorted(_hmac_hex(exact_key, m, EXACT_TOKEN_HEX) for m in messages)),
        bloom=_bloom(key, year, grams),
        block_tokens=tuple(sorted(blocks)),
        probes=probes,
        bsn_token=_hmac_hex(exact_key, f"bsn|{bsn}", EXACT_TOKEN_HEX) if bsn else "",
    )
