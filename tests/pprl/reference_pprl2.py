"""A deliberately plain zicht-pprl-2 encoder: docs/linkage.md ("zicht-pprl-2")
transcribed step by step, one ``hmac.digest`` per message, without caches.

It is the oracle for the fast encoder in zicht.pprl.pprl2: both must produce
byte-identical encodings for every identity (tests/pprl/test_encode2_speed.py). It was
the runtime encoder until the cached one replaced it. Slow on purpose - never import it
from runtime code.
"""

from __future__ import annotations

import datetime as dt
import hmac

from zicht.pprl import normalise as nz
from zicht.pprl.encoding import EncodingError, Identity, _check_text, normalise_bsn
from zicht.pprl.keys import PseudonymKey
from zicht.pprl.pprl2 import (
    BSN_TOKEN_HEX,
    FIELD_BITS,
    FIELD_BYTES,
    FIELD_HASHES,
    PURPOSE_BLOCK,
    PURPOSE_BSN,
    PURPOSE_DATE,
    PURPOSE_FIELD,
    PURPOSE_NAME,
    SPEC_VERSION_2,
    TOKEN_HEX,
    Encoding2,
    Probe2,
    canonical_given,
    near_dates,
)
from zicht.pprl.spec import MIN_BIRTH_YEAR


def _token(key: bytes, message: str, n_hex: int = TOKEN_HEX) -> str:
    return hmac.digest(key, message.encode(), "sha256").hex()[:n_hex]


def _filter(key: bytes, salt: str, word: str) -> bytes:
    value = 0
    for g in set(nz.bigrams(word)):
        d = hmac.digest(key, f"{salt}|{g}".encode(), "sha256")
        for i in range(FIELD_HASHES):
            p = int.from_bytes(d[4 * i : 4 * i + 4], "big") % FIELD_BITS
            value |= 1 << (FIELD_BITS - 1 - p)
    return value.to_bytes(FIELD_BYTES, "big")


def reference_encode2(identity: Identity, key: PseudonymKey, today: dt.date) -> Encoding2:
    sub = {p: key.subkey(p, SPEC_VERSION_2) for p in (PURPOSE_FIELD, PURPOSE_NAME)}
    k_field, k_name = sub[PURPOSE_FIELD], sub[PURPOSE_NAME]
    k_date = key.subkey(PURPOSE_DATE, SPEC_VERSION_2)
    k_block = key.subkey(PURPOSE_BLOCK, SPEC_VERSION_2)
    k_bsn = key.subkey(PURPOSE_BSN, SPEC_VERSION_2)

    given = _check_text(identity.given_names, "given_names")
    surname = _check_text(identity.surname, "surname")
    sex = _check_text(identity.sex, "sex").strip().upper()
    if sex not in ("M", "F", "V", "X", ""):
        raise EncodingError("sex: must be M, F, X or empty", "sex")
    bsn_raw = _check_text(identity.bsn, "bsn").strip()
    bsn = normalise_bsn(bsn_raw) if bsn_raw else ""
    sn_core = nz.surname_core(surname)
    g_tokens = [canonical_given(t) for t in nz.fold(given).replace("-", "").split()]
    g_tokens = [t for t in g_tokens if t not in nz.PARTICLES] or g_tokens
    if not sn_core:
        raise EncodingError("surname: empty after normalisation", "surname")
    if not g_tokens:
        raise EncodingError("given_names: empty after normalisation", "given_names")
    dob = identity.date_of_birth
    if dob is None:
        raise EncodingError("date_of_birth: required by zicht-pprl-2", "date_of_birth")
    if not isinstance(dob, dt.date) or isinstance(dob, dt.datetime):
        raise EncodingError("date_of_birth: must be a date", "date_of_birth")
    if dob.year < MIN_BIRTH_YEAR or dob > today:
        raise EncodingError("date_of_birth: out of range", "date_of_birth")

    fg = g_tokens[0]
    y, lo, hi = dob.year, *sorted((dob.month, dob.day))
    md = f"{lo:02d}{hi:02d}"
    swapped_surname = nz.surname_core(given)
    swapped_given = tuple(canonical_given(t) for t in nz.given_tokens(surname))

    def field(year: int, word: str, other: str) -> tuple[list[bytes], list[str]]:
        filters, tokens = [], []
        for tag, value in (("n", other), ("p", nz.phonetic(other)), ("d", md)):
            salt = f"{year}|{tag}|{value}"
            filters.append(_filter(k_field, salt, word))
            tokens.append(_token(k_name, f"{salt}|p|{nz.phonetic(word)}"))
            tokens.append(_token(k_name, f"{salt}|a|{''.join(sorted(word))}"))
        return filters, tokens

    def fields(year: int):
        gf, gt = field(year, fg, sn_core)
        sf, st = field(year, sn_core, fg)
        return tuple(gf), tuple(sf), tuple(gt + st)

    def name_blocks(year: int) -> set[str]:
        out = {_token(k_block, f"n|{year}|{nz.phonetic(fg)}|{nz.phonetic(sn_core)}")}
        if swapped_surname and swapped_given:
            p1, p2 = nz.phonetic(swapped_given[0]), nz.phonetic(swapped_surname)
            out.add(_token(k_block, f"n|{year}|{p1}|{p2}"))
        return out

    months = {dob.month, dob.day} if dob.day <= 12 else {dob.month}
    blocks = {_token(k_block, f"ym|{y:04d}|{m:02d}") for m in months}
    blocks.add(_token(k_block, f"ymd|{y:04d}|{lo:02d}|{hi:02d}"))
    blocks |= name_blocks(y)
    for tag, word, other in (("g", fg, sn_core), ("s", sn_core, fg)):
        for part, value in (("m", dob.month), ("d", dob.day)):
            msg = f"{tag}{part}|{y}|{nz.phonetic(word)}|{other[0]}|{value:02d}"
            blocks.add(_token(k_block, msg))

    probes = []
    for off in (-1, 1):
        pg, ps, pt = fields(y + off)
        p_blocks = {_token(k_block, f"ymd|{y + off:04d}|{lo:02d}|{hi:02d}")}
        p_blocks |= name_blocks(y + off)
        probes.append(Probe2(off, pg, ps, pt, tuple(sorted(p_blocks))))

    g_filters, s_filters, n_toks = fields(y)
    other_toks = [_token(k_name, f"{y}|o|{sn_core}|{t}") for t in g_tokens]
    digits = "".join(sorted(f"{dob.month:02d}{dob.day:02d}"))
    return Encoding2(
        spec_version=SPEC_VERSION_2,
        key_id=key.key_id,
        given=g_filters,
        surname=s_filters,
        name_tokens=n_toks,
        other_given_tokens=(other_toks[0], *sorted(set(other_toks[1:]) - {other_toks[0]})),
        date_tokens=(
            _token(k_date, f"y|{y:04d}"),
            _token(k_date, f"md|{dob.month:02d}"),
            _token(k_date, f"md|{dob.day:02d}"),
            _token(k_date, f"dg|{y:04d}|{digits}"),
        ),
        date_near_tokens=(
            _token(k_date, f"dn|{dob.isoformat()}"),
            *sorted({_token(k_date, f"dn|{d.isoformat()}") for d in near_dates(dob)}),
        ),
        bsn_token=_token(k_bsn, f"bsn|{bsn}", BSN_TOKEN_HEX) if bsn else "",
        block_tokens=tuple(sorted(blocks)),
        probes=tuple(probes),
    )
