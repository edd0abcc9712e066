"""zicht-pprl-2: field-aware keyed encoding, comparison with evidence, and linkage.

Why a second spec version: zicht-pprl-1 puts given name, surname and the day/month of
birth into one Bloom filter and decides on one Dice score. Twins and siblings (same
surname, same birth date, different given names) then score like a typo of one person,
and a birth date with a wrong day *and* month is never compared. zicht-pprl-2 keeps
the fields apart so each can be judged on its own, with a floor per field:

* keyed Bloom filters per name field, each *anchored*: keyed with the birth year and
  one other element of the record -- the other name field, its phonetic code, or the
  sorted month/day of birth. No name field is ever encoded on its own, so a stolen
  file cannot be grouped by given name or by surname within a birth year: that
  grouping is what frequency and pattern-mining attacks on Bloom filters rest on
  (measured in benchmarks/attack.py). One key for both fields, so a swapped
  registration compares given-against-surname;
* keyed tokens (phonetic code, sorted letters) under the same anchors, of the other
  given names (anchored on the surname), of the date parts (year; month and day in one
  token space, so a day/month swap is visible), of the dates one typical typo away, and
  of the BSN;
* blocking on keyed name tokens (phonetic first given name + surname, per birth year),
  on one name with one date part, and on date parts, so a record whose day and month
  are both wrong, or whose given name and month both are, is still compared;
* :func:`compare` returns an :class:`Evidence` of levels per field (no score, no
  identity), and :func:`decide` turns evidence into ``match`` / ``possible`` / ``None``
  with a floor on every field. A high similarity under an anchor certifies the anchor:
  the given-name filters under the surname anchor agree only if the surnames are equal.

Normative description: docs/linkage.md, section "zicht-pprl-2". Test vectors:
tests/linkage/data/test_vectors_pprl2.json. Nothing in an encoding is plaintext.
"""

from __future__ import annotations

import base64
import datetime as _dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from zicht.pprl import normalise as nz
from zicht.pprl.encoding import (
    EncodingError,
    Identity,
    _check_text,
    _KeyedHash,
    normalise_bsn,
)
from zicht.pprl.keys import PseudonymKey
from zicht.pprl.spec import MIN_BIRTH_YEAR

__all__ = [
    "SPEC_VERSION_2",
    "Encoding2",
    "Evidence",
    "LinkedPair2",
    "compare",
    "decide",
    "encode2",
    "link2",
]

SPEC_VERSION_2 = "zicht-pprl-2"
#: Bits of each name-field filter.
FIELD_BITS = 256
FIELD_BYTES = FIELD_BITS // 8
#: Independent HMAC positions per bigram in a field filter.
FIELD_HASHES = 4
#: Hex digits kept of a token (64 bits) and of the BSN token (128 bits).
TOKEN_HEX = 16
BSN_TOKEN_HEX = 32

PURPOSE_FIELD = "field-bigram"
PURPOSE_NAME = "name-token"
PURPOSE_DATE = "date-token"
PURPOSE_BLOCK = "block-token"
PURPOSE_BSN = "bsn-token"

#: Dutch call names and short forms mapped to the official name they stand for, on top
#: of pprl-1's transliteration table. Version-locked to zicht-pprl-2.
NICKNAMES: dict[str, str] = {
    "jan": "johannes",
    "hans": "johannes",
    "joop": "johannes",
    "bas": "sebastiaan",
    "wim": "willem",
    "pim": "willem",
    "tom": "thomas",
    "thom": "thomas",
    "max": "maximiliaan",
    "alex": "alexander",
    "sander": "alexander",
    "klaas": "nicolaas",
    "nico": "nicolaas",
    "niek": "nicolaas",
    "danny": "daniel",
    "lotte": "charlotte",
    "liesbeth": "elisabeth",
    "cato": "catharina",
    "mien": "wilhelmina",
    "hanneke": "johanna",
    "semmy": "sem",
    "kasia": "katarzyna",
    "olek": "aleksander",
    "kees": "cornelis",
    "piet": "pieter",
    "joost": "justus",
    "guus": "augustus",
    "sjaak": "jacobus",
    "koos": "jacobus",
    "mo": "mohammed",
}


def canonical_given(token: str) -> str:
    """A folded given-name token in its canonical form: transliteration, then nickname."""
    t = nz.canonical_token(token)
    return NICKNAMES.get(t, t)


# --- encoding -------------------------------------------------------------------------

#: The anchors a name field is encoded under, in this order: the other name field's
#: canonical word, its phonetic code, and the sorted month/day of birth.
ANCHORS = ("n", "p", "d")
#: Name tokens per field: for each anchor, the phonetic code and the sorted letters.
TOKENS_PER_FIELD = 2 * len(ANCHORS)


@dataclass(frozen=True, slots=True)
class Probe2:
    """The name fields under a neighbouring birth year's salt (query side only)."""

    year_offset: int
    given: tuple[bytes, ...]
    surname: tuple[bytes, ...]
    name_tokens: tuple[str, ...]
    block_tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Encoding2:
    """zicht-pprl-2 encoding of one identity: keyed filters and tokens only.

    Every name filter and name token is *anchored*: keyed with the birth year and one
    other element of the record (the other name field, its phonetic code, or the
    month/day of birth). Two records' filters are comparable only when year and anchor
    agree, so an index holder cannot group a cohort by one name field -- the groups it
    can form are those of a name *together with* another element (see the threat model
    in docs/linkage.md, section 15)."""

    spec_version: str
    key_id: str
    #: First given name under the anchors of :data:`ANCHORS` (surname, its phonetic
    #: code, month/day).
    given: tuple[bytes, ...]
    #: Surname core under the anchors (first given name, its phonetic code, month/day).
    surname: tuple[bytes, ...]
    #: Twelve tokens: for the given name, then the surname, per anchor the phonetic
    #: code and the sorted letters.
    name_tokens: tuple[str, ...]
    #: Keyed tokens of all given names anchored on the surname, the first given name's
    #: first (call names are often the second name).
    other_given_tokens: tuple[str, ...]
    #: (year, month, day, sorted month/day digits); month and day share one space.
    date_tokens: tuple[str, str, str, str]
    #: The full date's token, then the tokens of the dates one typical typo away (day
    #: +-1, +-2, +-10; month +-1; the digits of day or month transposed), sorted.
    date_near_tokens: tuple[str, ...]
    bsn_token: str
    block_tokens: tuple[str, ...]
    probes: tuple[Probe2, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
        return {
            "spec_version": self.spec_version,
            "key_id": self.key_id,
            "given": [b64(f) for f in self.given],
            "surname": [b64(f) for f in self.surname],
            "name_tokens": list(self.name_tokens),
            "other_given_tokens": list(self.other_given_tokens),
            "date_tokens": list(self.date_tokens),
            "date_near_tokens": list(self.date_near_tokens),
            "bsn_token": self.bsn_token,
            "block_tokens": list(self.block_tokens),
            "probes": [
                {
                    "year_offset": p.year_offset,
                    "given": [b64(f) for f in p.given],
                    "surname": [b64(f) for f in p.surname],
                    "name_tokens": list(p.name_tokens),
                    "block_tokens": list(p.block_tokens),
                }
                for p in self.probes
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Encoding2:
        def filters(items: Any) -> tuple[bytes, ...]:
            out = []
            for text in items:
                raw = base64.b64decode(text, validate=True)
                if len(raw) != FIELD_BYTES:
                    raise ValueError("filter length")
                out.append(raw)
            if len(out) != len(ANCHORS):
                raise ValueError("filter count")
            return tuple(out)

        def names(items: Any) -> tuple[str, ...]:
            out = tuple(str(x) for x in items)
            if len(out) != 2 * TOKENS_PER_FIELD:
                raise ValueError("token count")
            return out

        try:
            if data["spec_version"] != SPEC_VERSION_2:
                raise EncodingError("spec_version: unsupported version", "spec_version")
            dates = tuple(str(x) for x in data["date_tokens"])
            others = tuple(str(x) for x in data["other_given_tokens"])
            near = tuple(str(x) for x in data["date_near_tokens"])
            if not near:
                raise ValueError("token counts")
            if len(dates) != 4 or not others:
                raise ValueError("token counts")
            return cls(
                spec_version=SPEC_VERSION_2,
                key_id=str(data["key_id"]),
                given=filters(data["given"]),
                surname=filters(data["surname"]),
                name_tokens=names(data["name_tokens"]),
                other_given_tokens=others,
                date_tokens=dates,
                date_near_tokens=near,
                bsn_token=str(data.get("bsn_token", "")),
                block_tokens=tuple(str(x) for x in data["block_tokens"]),
                probes=tuple(
                    Probe2(
                        int(p["year_offset"]),
                        filters(p["given"]),
                        filters(p["surname"]),
                        names(p["name_tokens"]),
                        tuple(str(x) for x in p["block_tokens"]),
                    )
                    for p in data.get("probes", ())
                ),
            )
        except EncodingError:
            raise
        except KeyError as exc:
            raise EncodingError(f"encoding: missing field {exc.args[0]}", "encoding") from None
        except (TypeError, ValueError, AttributeError):
            raise EncodingError("encoding: malformed", "encoding") from None


class _Keys:
    """The zicht-pprl-2 sub-keys of one master key, with the HMAC key blocks hashed
    once (:class:`_KeyedHash`) and bounded caches of what repeats across records: the
    bits of one bigram under one salt, one name field under one anchor, and everything
    that depends only on the date of birth. An encoding takes some 190 HMACs; in a
    population most of them recur (a birth date, a name under a birth year), and a cache
    hit returns the same bytes as the HMAC it stands for."""

    #: Bounds of the caches (entries); a full cache is emptied and refilled.
    MAX_GRAMS = 400_000
    MAX_FIELDS = 200_000
    MAX_DATES = 65_536

    def __init__(self, key: PseudonymKey) -> None:
        self.key_id = key.key_id
        self.field = key.subkey(PURPOSE_FIELD, SPEC_VERSION_2)
        self.name = key.subkey(PURPOSE_NAME, SPEC_VERSION_2)
        self.date = key.subkey(PURPOSE_DATE, SPEC_VERSION_2)
        self.block = key.subkey(PURPOSE_BLOCK, SPEC_VERSION_2)
        self.bsn = key.subkey(PURPOSE_BSN, SPEC_VERSION_2)
        self._hmac = {k: _KeyedHash(k) for k in (self.field, self.name, self.date, self.block)}
        self._hmac[self.bsn] = _KeyedHash(self.bsn)
        self._field_hmac = self._hmac[self.field]
        self._gram_bits: dict[str, int] = {}
        self._fields: dict[tuple[str, str], tuple[bytes, str, str]] = {}
        self._dates: dict[_dt.date, _DateTokens] = {}

    def token(self, key: bytes, message: str, n_hex: int = TOKEN_HEX) -> str:
        return self._hmac[key](message.encode())[: (n_hex + 1) // 2].hex()[:n_hex]

    def field_filter(self, salt: str, word: str) -> bytes:
        """For every padded bigram ``g`` of ``word``, d = HMAC(K_field, "salt|g"); bits
        p_i = uint32_be(d[4i:4i+4]) mod 256, i < 4; bit p is byte p // 8, bit 7 - p % 8.
        ``salt`` is "Y|anchor|value": the filter is comparable only under the same one.
        (A 32-bit big-endian number modulo 256 is its last byte: ``d[4i + 3]``.)"""
        cache, h, value = self._gram_bits, self._field_hmac, 0
        for g in _gram_set(word):
            message = f"{salt}|{g}"
            bits = cache.get(message)
            if bits is None:
                d = h(message.encode())
                bits = (
                    (1 << (_TOP - d[3]))
                    | (1 << (_TOP - d[7]))
                    | (1 << (_TOP - d[11]))
                    | (1 << (_TOP - d[15]))
                )
                if len(cache) >= self.MAX_GRAMS:
                    cache.clear()
                cache[message] = bits
            value |= bits
        return value.to_bytes(FIELD_BYTES, "big")

    def anchored(self, salt: str, word: str) -> tuple[bytes, str, str]:
        """One name field under one anchor: its filter, then its phonetic-code and
        sorted-letters tokens (cached per salt and word)."""
        k = (salt, word)
        out = self._fields.get(k)
        if out is None:
            h = self._hmac[self.name]
            out = (
                self.field_filter(salt, word),
                h(f"{salt}|p|{nz.phonetic(word)}".encode())[: TOKEN_HEX // 2].hex(),
                h(f"{salt}|a|{_letters(word)}".encode())[: TOKEN_HEX // 2].hex(),
            )
            if len(self._fields) >= self.MAX_FIELDS:
                self._fields.clear()
            self._fields[k] = out
        return out

    def date_tokens(self, dob: _dt.date) -> _DateTokens:
        """The tokens and blocks that depend only on the date of birth (cached)."""
        out = self._dates.get(dob)
        if out is None:
            out = _date_tokens(self, dob)
            self.remember_date(dob, out)
        return out

    def has_date(self, dob: _dt.date) -> bool:
        return dob in self._dates

    def remember_date(self, dob: _dt.date, tokens: _DateTokens) -> None:
        """Cache ``tokens`` (as :func:`_date_tokens` gives them) for ``dob``."""
        if len(self._dates) >= self.MAX_DATES:
            self._dates.clear()
        self._dates[dob] = tokens


_TOP = FIELD_BITS - 1
assert FIELD_BITS == 256 and FIELD_HASHES == 4, "field_filter reads one byte per position"


@lru_cache(maxsize=65_536)
def _gram_set(word: str) -> frozenset[str]:
    return frozenset(nz.bigrams(word))


@lru_cache(maxsize=65_536)
def _letters(word: str) -> str:
    return "".join(sorted(word))


class _DateTokens(NamedTuple):
    """What an encoding takes from the date of birth alone."""

    date_tokens: tuple[str, str, str, str]
    date_near_tokens: tuple[str, ...]
    #: Year-month block(s) and the date block.
    blocks: frozenset[str]
    #: The date block of the year before and of the year after.
    probe_blocks: tuple[str, str]


def date_messages(dob: _dt.date) -> tuple[list[str], list[str]]:
    """The HMAC messages of a date of birth's tokens: under the date key y, md(month),
    md(day), dg, dn(own), dn(near dates...); under the block key ym(months...), ymd,
    ymd(year before), ymd(year after). One definition for both encoders (the batch
    encoder computes the HMACs in compiled loops; :func:`date_tokens_of` reads them)."""
    y, lo, hi = dob.year, *sorted((dob.month, dob.day))
    months = {dob.month, dob.day} if dob.day <= 12 else {dob.month}
    digits = "".join(sorted(f"{dob.month:02d}{dob.day:02d}"))
    date = [f"y|{y:04d}", f"md|{dob.month:02d}", f"md|{dob.day:02d}", f"dg|{y:04d}|{digits}"]
    date.append(f"dn|{dob.isoformat()}")
    date += [f"dn|{d.isoformat()}" for d in near_dates(dob)]
    block = [f"ym|{y:04d}|{m:02d}" for m in months]
    block += [f"ymd|{y + d:04d}|{lo:02d}|{hi:02d}" for d in (0, -1, 1)]
    return date, block


def date_tokens_of(date_hex: Sequence[str], block_hex: Sequence[str]) -> _DateTokens:
    """The date tokens from the tokens of :func:`date_messages`, in its order."""
    return _DateTokens(
        date_tokens=(date_hex[0], date_hex[1], date_hex[2], date_hex[3]),
        date_near_tokens=(date_hex[4], *sorted(set(date_hex[5:]))),
        blocks=frozenset(block_hex[:-2]),
        probe_blocks=(block_hex[-2], block_hex[-1]),
    )


def _date_tokens(ks: _Keys, dob: _dt.date) -> _DateTokens:
    date, block = date_messages(dob)
    return date_tokens_of(
        [ks.token(ks.date, m) for m in date], [ks.token(ks.block, m) for m in block]
    )


_KEYS: dict[str, _Keys] = {}


def _keys(key: PseudonymKey) -> _Keys:
    k = _KEYS.get(key.key_id)
    if k is None:
        if len(_KEYS) > 8:
            _KEYS.clear()
        k = _KEYS[key.key_id] = _Keys(key)
    return k


def _valid_date(y: int, m: int, d: int) -> _dt.date | None:
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


def near_dates(dob: _dt.date) -> set[_dt.date]:
    """The dates one typical typo away from ``dob`` in the same year: the day +-1, +-2
    or +-10 (a neighbouring key, a wrong tens digit), the month +-1, or the two digits
    of the day or of the month transposed. A day/month swap has its own level."""
    y, m, d = dob.year, dob.month, dob.day
    cand = [(y, m, d + k) for k in (-10, -2, -1, 1, 2, 10)]
    cand += [(y, m - 1, d), (y, m + 1, d), (y, m, int(f"{d:02d}"[::-1]))]
    cand.append((y, int(f"{m:02d}"[::-1]), d))
    return {x for c in cand if (x := _valid_date(*c)) is not None} - {dob}


def _anchors(other: str, md: str) -> tuple[tuple[str, str], ...]:
    return (("n", other), ("p", nz.phonetic(other)), ("d", md))


def encode2(identity: Identity, key: PseudonymKey, *, today: _dt.date | None = None) -> Encoding2:
    """Encode one identity under ``key`` according to zicht-pprl-2.

    Validation is that of zicht-pprl-1; in addition a full date of birth is required
    (an age estimate alone gives no date evidence to weigh)."""
    ks = _keys(key)
    fields = _checked_names(identity)
    dob = _checked_date_of_birth(identity.date_of_birth, today or _dt.date.today())
    y, lo, hi = dob.year, *sorted((dob.month, dob.day))
    names = _NameEncoder(
        ks=ks,
        first_given=fields.given_tokens[0],
        surname=fields.surname_core,
        md=f"{lo:02d}{hi:02d}",
        # The swapped reading (given-names field holds the surname) for blocking only.
        swapped_surname=nz.surname_core(fields.given),
        swapped_given=tuple(canonical_given(t) for t in nz.given_tokens(fields.surname)),
    )
    g_filters, s_filters, n_toks = names.fields(y)
    dates = ks.date_tokens(dob)
    other_toks = [
        ks.token(ks.name, f"{y}|o|{fields.surname_core}|{t}") for t in fields.given_tokens
    ]
    others = (other_toks[0], *sorted(set(other_toks[1:]) - {other_toks[0]}))
    return Encoding2(
        spec_version=SPEC_VERSION_2,
        key_id=ks.key_id,
        given=g_filters,
        surname=s_filters,
        name_tokens=n_toks,
        other_given_tokens=others,
        date_tokens=dates.date_tokens,
        date_near_tokens=dates.date_near_tokens,
        bsn_token=ks.token(ks.bsn, f"bsn|{fields.bsn}", BSN_TOKEN_HEX) if fields.bsn else "",
        block_tokens=tuple(sorted(_blocks(names, dob, dates))),
        probes=(_probe(names, dates, y - 1, 0), _probe(names, dates, y + 1, 1)),
    )


class _Names(NamedTuple):
    """The checked name and BSN fields of one identity."""

    given: str
    surname: str
    surname_core: str
    #: Canonical given-name tokens, particles dropped unless nothing else is left.
    given_tokens: list[str]
    bsn: str


def _checked_names(identity: Identity) -> _Names:
    """The name, sex and BSN fields checked as zicht-pprl-1 checks them, in its order."""
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
    return _Names(given, surname, sn_core, g_tokens, bsn)


def _checked_date_of_birth(dob: object, today: _dt.date) -> _dt.date:
    """A full date of birth, from MIN_BIRTH_YEAR up to ``today``."""
    if dob is None:
        raise EncodingError("date_of_birth: required by zicht-pprl-2", "date_of_birth")
    if not isinstance(dob, _dt.date) or isinstance(dob, _dt.datetime):
        raise EncodingError("date_of_birth: must be a date", "date_of_birth")
    if dob.year < MIN_BIRTH_YEAR or dob > today:
        raise EncodingError("date_of_birth: out of range", "date_of_birth")
    return dob


@dataclass(frozen=True, slots=True)
class _NameEncoder:
    """One record's name fields under the key, for a given birth year (its own year and,
    for the probes, the neighbouring ones)."""

    ks: _Keys
    first_given: str
    surname: str
    #: The sorted month/day of birth, the third anchor.
    md: str
    swapped_surname: str
    swapped_given: tuple[str, ...]

    def field(self, year: int, word: str, other: str) -> tuple[list[bytes], list[str]]:
        """One name field under its three anchors: filters and tokens. No field tag in
        the messages, so a swapped registration compares given name against surname."""
        anchored = self.ks.anchored
        filters, tokens = [], []
        for tag, value in _anchors(other, self.md):
            f, p_token, a_token = anchored(f"{year}|{tag}|{value}", word)
            filters.append(f)
            tokens.append(p_token)
            tokens.append(a_token)
        return filters, tokens

    def fields(self, year: int) -> tuple[tuple[bytes, ...], tuple[bytes, ...], tuple[str, ...]]:
        """(given-name filters, surname filters, the name tokens of both) for ``year``."""
        gf, gt = self.field(year, self.first_given, self.surname)
        sf, st = self.field(year, self.surname, self.first_given)
        return tuple(gf), tuple(sf), tuple(gt + st)

    def blocks(self, year: int) -> set[str]:
        """The name block tokens for ``year``: as registered and as if swapped."""
        ks = self.ks
        out = {
            ks.token(
                ks.block, f"n|{year}|{nz.phonetic(self.first_given)}|{nz.phonetic(self.surname)}"
            )
        }
        if self.swapped_surname and self.swapped_given:
            out.add(
                ks.token(
                    ks.block,
                    f"n|{year}|{nz.phonetic(self.swapped_given[0])}|{nz.phonetic(self.swapped_surname)}",
                )
            )
        return out


def _blocks(names: _NameEncoder, dob: _dt.date, dates: _DateTokens) -> set[str]:
    """The block tokens of a record: date parts, names, and one name with a date part."""
    ks = names.ks
    y = dob.year
    blocks = set(dates.blocks)
    blocks |= names.blocks(y)
    # One name and one date part, with the other name's first letter: a typo in the
    # other name *and* in the other date part still shares a block. Without the first
    # letter these blocks group a cohort by surname per month, which a frequency
    # attack exploits (benchmarks/attack.py, 1d).
    fg, sn_core = names.first_given, names.surname
    for tag, word, other in (("g", fg, sn_core), ("s", sn_core, fg)):
        for part, value in (("m", dob.month), ("d", dob.day)):
            blocks.add(
                ks.token(ks.block, f"{tag}{part}|{y}|{nz.phonetic(word)}|{other[0]}|{value:02d}")
            )
    return blocks


def _probe(names: _NameEncoder, dates: _DateTokens, year: int, side: int) -> Probe2:
    """The name fields and blocks under the neighbouring birth year ``year``; ``side``
    0 is the year before, 1 the year after."""
    pg, ps, pt = names.fields(year)
    p_blocks = names.blocks(year)
    p_blocks.add(dates.probe_blocks[side])
    return Probe2(-1 if side == 0 else 1, pg, ps, pt, tuple(sorted(p_blocks)))


# --- comparison and evidence -----------------------------------------------------------

#: Field similarity levels (Dice of the field filters), strongest first.
NAME_LEVELS = ("equal", "high", "medium", "other_given_name", "low")
DATE_LEVELS = (
    "equal",
    "day_month_swapped",
    "one_part_typo",
    "one_part_differs",
    "digits_transposed",
    "two_parts_typo",
    "two_parts_differ",
)
BSN_LEVELS = ("equal", "differs", "not_compared")
#: Dice of field filters at or above which a name is ``high`` / ``medium``. A one-letter
#: typo in a name of 4-8 letters scores 0.75-0.93; different names mostly below 0.5.
HIGH_DICE = 0.75
MEDIUM_DICE = 0.5
#: Dice of a field's filters under an anchor at or above which the anchor is taken to
#: agree. Filters under different anchors share bits only by chance (Dice about 0.1; a
#: Dice of 0.5 between them has a probability below 1e-4), so this is evidence that the
#: *other* field (the anchor) is the same.
ANCHOR_DICE = 0.5
#: Mean given-name Dice over the three anchors at or above which the given name is
#: ``medium`` although no single filter reaches :data:`MEDIUM_DICE` (chosen on the
#: calibration seeds of benchmarks/linkage_quality.py: twins mostly below 0.3, a
#: nickname or a typo in a short name 0.35-0.5).
MEAN_MEDIUM_DICE = 0.35
#: Best given-name Dice at or above which a shared phonetic code lifts a ``medium``
#: given name to ``high`` (without shared sorted letters). The code drops vowels, so
#: twins one vowel apart share it (Rama/Rami, Lynn/Lenn: 0.58-0.68 on the calibration
#: seeds); below this the pair stays ``medium`` and is proposed, not matched.
PHON_LIFT_DICE = 0.6
#: Best given-name Dice below which a given name lifted to ``high`` (by a shared
#: phonetic code or the same sorted letters) is only ``medium`` in the twin position:
#: surname ``equal`` and date ``equal``, where twins one letter apart (Rama/Rami,
#: Julia/Julie) or anagrams (Mila/Liam) are as frequent as typos. Chosen on the
#: calibration seeds of benchmarks/linkage_quality.py (0.68 left 3 of 4 twins, 0.7 one).
TWIN_LIFT_DICE = 0.7
#: Levels of the other given names (those after the first), compared only when both
#: records have some and the surnames are equal (the tokens are anchored on it).
OTHER_GIVEN_LEVELS = ("equal", "differs", "not_compared")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Which elements of two records agreed, as levels only (no score, no identity).

    ``date_of_birth``: ``equal``; ``day_month_swapped``; ``one_part_typo`` (one part
    one typical typo away: day +-1, +-2, +-10, month +-1, transposed digits, or the year
    +-1 with day and month equal); ``one_part_differs`` (year, month or day);
    ``digits_transposed``; ``two_parts_typo`` (day and month each one typo away);
    ``two_parts_differ``. ``year_offset`` is 0, or ±1 when the pair was
    compared across neighbouring birth years (then the year is one of the parts that
    differ). ``fields_swapped``: the names agree only when one record's given name is
    read as the other's surname. ``other_given_names``: ``equal`` when the two records
    share one of their other given names, ``differs`` when both have others, the
    surnames are equal and they share none, else ``not_compared``."""

    given_name: str
    surname: str
    date_of_birth: str
    bsn: str
    fields_swapped: bool = False
    year_offset: int = 0
    other_given_names: str = "not_compared"

    def to_dict(self) -> dict[str, Any]:
        return {
            "given_name": self.given_name,
            "surname": self.surname,
            "date_of_birth": self.date_of_birth,
            "bsn": self.bsn,
            "fields_swapped": self.fields_swapped,
            "year_offset": self.year_offset,
            "other_given_names": self.other_given_names,
        }


_BITS: dict[bytes, tuple[int, int]] = {}


def _bits(f: bytes) -> tuple[int, int]:
    """A filter as an int and its weight, cached: a record is compared many times."""
    v = _BITS.get(f)
    if v is None:
        if len(_BITS) > 1_000_000:
            _BITS.clear()
        x = int.from_bytes(f, "big")
        v = _BITS[f] = (x, x.bit_count())
    return v


def _dice(a: bytes, b: bytes) -> float:
    x, cx = _bits(a)
    y, cy = _bits(b)
    return 2.0 * (x & y).bit_count() / (cx + cy) if cx + cy else 0.0


def _dices(fa: Sequence[bytes], fb: Sequence[bytes]) -> list[float]:
    return [_dice(x, y) for x, y in zip(fa, fb, strict=True)]


def _level(score: float) -> str:
    if score >= 0.999:
        return "equal"
    if score >= HIGH_DICE:
        return "high"
    if score >= MEDIUM_DICE:
        return "medium"
    return "low"


def _field_level(
    dices: Sequence[float],
    ta: Sequence[str],
    tb: Sequence[str],
    other_dices: Sequence[float],
    phon_floor: float = MEDIUM_DICE,
) -> str:
    """Level of one name field from its anchored filters and tokens.

    ``dices``: the field's filter Dice under each anchor. Under an anchor the two
    records do not share, the filters are unrelated (Dice near 0.1), so the best Dice
    is the field's similarity whenever any anchor is shared. ``ta``/``tb``: the field's
    (phonetic code, sorted letters) tokens per anchor; ``other_dices``: the *other*
    field's filter Dice under each anchor -- a high one there certifies this field's
    anchor: under ``n`` that this field's canonical word is equal, under ``p`` that its
    phonetic code is.

    Equal word (a canonical variant -- nickname, transliteration -- is the same word)
    -> ``equal``; the same letters in another order (a transposition), or a ``medium``
    name with the same phonetic code -> ``high`` (when its best Dice is at least
    ``phon_floor``: :data:`PHON_LIFT_DICE` for the given name, whose vowels tell twins
    apart)."""
    best = max(dices)
    if best >= 0.999 or other_dices[0] >= ANCHOR_DICE:
        return "equal"
    phon = other_dices[1] >= ANCHOR_DICE or any(ta[k] == tb[k] for k in range(0, len(ta), 2))
    letters = any(ta[k] == tb[k] for k in range(1, len(ta), 2))
    level = _level(min(best, 0.998))
    # The phonetic code drops vowels, so different names share it (Omer/Emir,
    # Marit/Myrthe: twins): it lifts only a name that is already ``medium``.
    if level == "low" and letters or level == "medium" and (phon and best >= phon_floor or letters):
        return "high"
    return level


def compare(a: Encoding2, b: Encoding2, *, probe: Probe2 | None = None) -> Evidence:
    """Field-by-field evidence for two encodings of the same key. With ``probe`` (one of
    ``a``'s probes), ``a``'s names are taken under the neighbouring year's salt."""
    if a.key_id != b.key_id:
        raise EncodingError("key_id: encodings were made with different keys", "key_id")
    date_level = _date_level(a, b, probe)
    given_level, surname_level, swapped = _name_levels(a, b, probe, date_level)
    others = "not_compared"
    if probe is None and not swapped:
        others = _other_given_level(a.other_given_tokens, b.other_given_tokens, surname_level)
    return Evidence(
        given_name=given_level,
        surname=surname_level,
        date_of_birth=date_level,
        bsn=_bsn_level(a, b),
        fields_swapped=swapped,
        year_offset=probe.year_offset if probe else 0,
        other_given_names=others,
    )


def _other_given_level(aother: Sequence[str], bother: Sequence[str], surname_level: str) -> str:
    """The :data:`OTHER_GIVEN_LEVELS` level of the given names after the first. Their
    tokens are anchored on the surname, so only with equal surnames can "none shared"
    mean different names (a shared token means the surnames are equal, too)."""
    mine, theirs = set(aother[1:]), set(bother[1:])
    if mine & theirs:
        return "equal"
    if mine and theirs and surname_level == "equal":
        return "differs"
    return "not_compared"


def _name_levels(
    a: Encoding2, b: Encoding2, probe: Probe2 | None, date_level: str = "two_parts_differ"
) -> tuple[str, str, bool]:
    """(given-name level, surname level, fields swapped): each field against the same
    field, or -- when that fits clearly better -- against the other record's other
    field (a registration with given name and surname swapped). ``date_level``: the
    pair's date level (equal or day/month swapped: the month/day anchor is shared)."""
    date_close = date_level in _DATE_CLOSE
    if probe is None:
        ag, asn, atok, aother = a.given, a.surname, a.name_tokens, a.other_given_tokens
    else:
        ag, asn, atok, aother = probe.given, probe.surname, probe.name_tokens, ()
    n = TOKENS_PER_FIELD
    ag_t, as_t, bg_t, bs_t = atok[:n], atok[n:], b.name_tokens[:n], b.name_tokens[n:]
    g_straight, s_straight = _dices(ag, b.given), _dices(asn, b.surname)
    g_swapped, s_swapped = _dices(ag, b.surname), _dices(asn, b.given)
    swapped = max(g_swapped) + max(s_swapped) > max(g_straight) + max(s_straight) + 0.2
    if swapped:
        given_level = _field_level(g_swapped, ag_t, bs_t, s_swapped)
        surname_level = _field_level(s_swapped, as_t, bg_t, g_swapped)
        return given_level, surname_level, swapped
    given_level = _field_level(g_straight, ag_t, bg_t, s_straight, PHON_LIFT_DICE)
    surname_level = _field_level(s_straight, as_t, bs_t, g_straight)
    # Three filters of one name under three anchors: when all are shared (surname and
    # date equal -- a twin's position, too) their mean is a steadier similarity than
    # any one, and a nickname or short-name typo reaches ``medium`` (a person decides).
    if given_level == "low" and sum(g_straight) >= len(g_straight) * MEAN_MEDIUM_DICE:
        given_level = "medium"
    # The same for the surname when given name and date are equal (all three anchors
    # shared): a ``medium`` surname needs a mean Dice of MEDIUM_DICE, not one filter --
    # two different patronymics (Jellessen/Jellema) reach 0.5 under one anchor by chance.
    if (
        date_close
        and given_level == "equal"
        and surname_level == "medium"
        and sum(s_straight) < len(s_straight) * MEDIUM_DICE
    ):
        surname_level = "low"
    # The twin position (surname and date equal): a given name only lifted to ``high``
    # (shared phonetic code or sorted letters, Dice below TWIN_LIFT_DICE) is ``medium``.
    if (
        date_level == "equal"
        and surname_level == "equal"
        and given_level == "high"
        and max(g_straight) < TWIN_LIFT_DICE
    ):
        given_level = "medium"
    if given_level in ("medium", "low") and _is_other_given_name(aother, b.other_given_tokens):
        given_level = "other_given_name"
    return given_level, surname_level, swapped


def _is_other_given_name(aother: Sequence[str], bother: Sequence[str]) -> bool:
    """Whether one record's first given name is another of the other record's given
    names (a call name that is the second name)."""
    return bool(aother[:1] and aother[0] in bother[1:] or bother[0] in aother[1:])


def _date_level(a: Encoding2, b: Encoding2, probe: Probe2 | None) -> str:
    """The :data:`DATE_LEVELS` level of the two dates of birth, closest first. Through a
    probe the years differ by one, so the year is never the same."""
    ya, ma, da, ga = a.date_tokens
    yb, mb, db, gb = b.date_tokens
    year_same = ya == yb and probe is None
    md_parts = (ma == mb) + (da == db)
    if year_same and md_parts == 2:
        return "equal"
    if year_same and ma == db and da == mb:
        return "day_month_swapped"
    if year_same and (
        a.date_near_tokens[0] in b.date_near_tokens[1:]
        or b.date_near_tokens[0] in a.date_near_tokens[1:]
    ):
        return "one_part_typo"
    if probe is not None and md_parts == 2:
        return "one_part_typo"  # the year one off, day and month equal
    if year_same + md_parts == 2 or (not year_same and ma == db and da == mb):
        return "one_part_differs"
    if year_same and ga == gb:
        return "digits_transposed"
    if year_same and set(a.date_near_tokens[1:]) & set(b.date_near_tokens[1:]):
        return "two_parts_typo"  # both one typo away from one date: two typos apart
    return "two_parts_differ"


def _bsn_level(a: Encoding2, b: Encoding2) -> str:
    """The :data:`BSN_LEVELS` level: compared only when both records have a BSN."""
    if a.bsn_token and b.bsn_token:
        return "equal" if a.bsn_token == b.bsn_token else "differs"
    return "not_compared"


_GOOD = ("equal", "high")
_FAIR = ("equal", "high", "medium", "other_given_name")
_DATE_CLOSE = ("equal", "day_month_swapped")
_DATE_NEAR = ("one_part_typo", "digits_transposed")


def decide(ev: Evidence) -> str | None:
    """``match``, ``possible`` or ``None``, with a floor on every field.

    * A different BSN is never a ``match``. The same BSN is a ``match`` unless both
      names are ``low`` (then ``possible``: perhaps a mis-keyed BSN).
    * ``match``: given name *and* surname ``high`` or better (a nickname or
      transliteration in the table is ``equal``), or the given name ``equal`` and the
      surname ``medium``, with the date equal or day/month swapped; one name ``high``
      and the other ``medium`` with the date equal (a twin has the surname *equal*); or
      both names ``high`` or better and the date one typical typo away
      (``one_part_typo``: a day +-1, +-2 or +-10, a month +-1, transposed digits;
      across a birth year -- the year one off, day and month equal -- with one name
      ``equal``). Twins and siblings fail the given-name floor (in the twin position
      a given name only lifted to ``high`` is ``medium``). :func:`link2` takes a
      date-typo ``match`` back to ``possible`` when the names are common in the birth
      year. A ``match`` whose records both have other given names, none shared,
      under an equal surname (``other_given_names`` ``differs``) is ``possible``.
      The twin position with a ``medium`` given name and an other given name shared
      is a ``match``.
    * ``possible``: both names ``medium`` or better (or the given name is another of
      the other record's given names) and the date equal, swapped, one typical typo
      or a digit transposition away (a birth year +-1 with day and month equal among
      them); one name ``high`` but not equal and the other ``low`` with a date one
      typo away in the same birth year (the ``low`` field's filters then share no
      anchor: not comparable rather than different); or both
      names ``high`` or better and the date two typical typos away
      (``two_parts_typo``: day and month each one typo off -- or two children with
      the same common name: a person decides). With two different BSNs only names
      ``high`` or better and a close date (a mis-recorded BSN) are ``possible``.
    * Otherwise no link: one date part different by more than a typo, or two, is no
      evidence -- in a cohort, children with the same common names and birth
      year-month are more frequent than such errors (calibration seeds of
      benchmarks/linkage_quality.py).
    """
    if ev.bsn == "equal":
        return "possible" if ev.given_name == "low" and ev.surname == "low" else "match"
    names_good = ev.given_name in _GOOD and ev.surname in _GOOD
    if ev.bsn == "differs":
        # Two different valid BSNs: the same person only if one was mis-recorded.
        return "possible" if names_good and ev.date_of_birth in _DATE_CLOSE else None
    if _is_match(ev, names_good):
        # Both records have other given names and share none: two children (twins
        # have their own second names), unless a person sees it otherwise.
        return "possible" if ev.other_given_names == "differs" else "match"
    if _is_possible(ev, names_good):
        return "match" if _is_twin_position_same_other_names(ev) else "possible"
    return None


def _is_twin_position_same_other_names(ev: Evidence) -> bool:
    """A given name ``medium`` with surname and date equal (proposed: a twin looks like
    this) and one of the other given names the same: positive evidence of one child."""
    return (
        ev.given_name == "medium"
        and ev.surname == "equal"
        and ev.date_of_birth == "equal"
        and ev.other_given_names == "equal"
    )


def _is_match(ev: Evidence, names_good: bool) -> bool:
    """The ``match`` rule of :func:`decide` for a pair without two BSNs to compare."""
    if ev.year_offset != 0:
        # The birth year one off with day and month equal: both names at least ``high``
        # and one ``equal`` (link2's crowding rule still applies).
        return (
            ev.date_of_birth == "one_part_typo"
            and not ev.fields_swapped
            and names_good
            and "equal" in (ev.given_name, ev.surname)
        )
    # The given name is the field that tells twins apart: it must be at least ``high``;
    # a surname only ``medium`` (a double or married-in name, a bad typo) is accepted
    # when the given name is ``equal``.
    names_match = names_good or (ev.given_name == "equal" and ev.surname == "medium")
    if names_match and ev.date_of_birth in _DATE_CLOSE:
        return True
    # Both names agree but neither is equal: a twin has the surname equal, so one typo
    # in each name with the same date is the same child.
    if ev.date_of_birth == "equal" and {ev.given_name, ev.surname} == {"high", "medium"}:
        return not ev.fields_swapped
    return names_good and ev.date_of_birth == "one_part_typo"


def _is_possible(ev: Evidence, names_good: bool) -> bool:
    """The ``possible`` rule of :func:`decide` for a pair without two BSNs to compare."""
    names_fair = ev.given_name in _FAIR and ev.surname in _FAIR
    if names_fair and (ev.date_of_birth in _DATE_CLOSE or ev.date_of_birth in _DATE_NEAR):
        return True
    if ev.date_of_birth == "one_part_typo" and ev.year_offset == 0 and not ev.fields_swapped:
        # One name ``high`` but not equal, the other ``low``, a date typo: the ``low``
        # field's filters share no anchor (not comparable rather than different). Not
        # across a birth year: there the given-name version proposed only other children.
        if (ev.given_name, ev.surname) in (("high", "low"), ("low", "high")):
            return True
    return names_good and ev.date_of_birth == "two_parts_typo"


# --- linkage --------------------------------------------------------------------------


class LinkedPair2(NamedTuple):
    id_a: str
    id_b: str
    decision: str  # "match" | "possible"
    evidence: Evidence


_RANK = {"match": 0, "possible": 1}


def link2(
    sources: Sequence[Iterable[tuple[str, Encoding2]]], *, year_tolerance: bool = True
) -> list[LinkedPair2]:
    """Link zicht-pprl-2 records: one source is deduplicated, several are linked across
    sources only. Candidates share a block token (date parts or name tokens), or one
    record's ±1-year probe shares a block token with the other; every candidate gets
    :func:`compare` and :func:`decide`. Pure Python: for evaluation and files of up to
    some 10^5 records (the numba kernel of pprl-1 is not yet ported)."""
    ids: list[str] = []
    encs: list[Encoding2] = []
    src: list[int] = []
    for s_idx, records in enumerate(sources):
        for rid, enc in records:
            ids.append(str(rid))
            encs.append(enc)
            src.append(s_idx)
    if len({e.key_id for e in encs}) > 1:
        raise EncodingError("key_id: encodings were made with different keys", "key_id")
    cross = len(sources) > 1
    blocks: dict[str, list[int]] = {}
    for i, e in enumerate(encs):
        for t in e.block_tokens:
            blocks.setdefault(t, []).append(i)
    best: dict[tuple[int, int], tuple[str, Evidence]] = {}

    def consider(i: int, j: int, probe: Probe2 | None) -> None:
        if i == j or (cross and src[i] == src[j]):
            return
        k = (i, j) if i < j else (j, i)
        ev = compare(encs[i], encs[j], probe=probe)
        d = decide(ev)
        if d is None:
            return
        old = best.get(k)
        if old is None or _RANK[d] < _RANK[old[0]]:
            best[k] = (d, ev)

    seen = _block_pairs(blocks)
    for i, j in seen:
        consider(i, j, None)
    for i, j in sorted(_filter_candidates(encs) - seen.keys()):
        consider(i, j, None)
    if year_tolerance:
        for i, e in enumerate(encs):
            for p in e.probes:
                for t in p.block_tokens:
                    for j in blocks.get(t, ()):
                        consider(i, j, p)
    crowd = _crowding(encs)
    out = []
    for (i, j), (d, ev) in best.items():
        if d == "match" and _crowded(ev, max(crowd[i], crowd[j])):
            d = "possible"
        a, b = (i, j) if not cross or src[i] <= src[j] else (j, i)
        out.append(LinkedPair2(ids[a], ids[b], d, ev))
    out.sort(key=lambda p: (_RANK[p.decision], p.id_a, p.id_b))
    return out


def _block_pairs(blocks: dict[str, list[int]]) -> dict[tuple[int, int], None]:
    """The pairs ``(i, j)``, ``i < j``, sharing a block token, each once, in the order
    the blocks list them (an insertion-ordered dict used as a set)."""
    seen: dict[tuple[int, int], None] = {}
    for members in blocks.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                seen.setdefault((members[x], members[y]), None)
    return seen


#: Distinct dates of birth among the records with the same given name, surname and
#: birth year at or above which a date that is not equal is no evidence for ``match``.
CROWDED = 3


def _crowding(encs: Sequence[Encoding2]) -> list[int]:
    """Per record, how many distinct dates of birth occur among the records with its
    given name and surname in its birth year (keyed: the given name's phonetic token
    under the surname anchor, and the full-date token)."""
    dates: dict[str, set[str]] = {}
    for e in encs:
        dates.setdefault(e.name_tokens[0], set()).add(e.date_near_tokens[0])
    return [len(dates[e.name_tokens[0]]) for e in encs]


def _crowded(ev: Evidence, crowd: int) -> bool:
    """Whether a ``match`` on names and a date one typo off is taken back to
    ``possible`` because its names are common in its birth year (``crowd`` distinct dates
    of birth with these names): another child with the same names and a date one typo
    away is then as likely as a typo. The same BSN keeps the match."""
    return ev.date_of_birth == "one_part_typo" and ev.bsn != "equal" and crowd >= CROWDED


#: MinHash bands over the set bits of a name filter (``FILTER_BANDS`` bands of
#: ``FILTER_ROWS`` positions each). Two filters of one name with a typo (Jaccard of the
#: set bits 0.45-0.7) share a band with probability 0.9-0.999; two filters under
#: different anchors or of different names (Jaccard about 0.05) with about 3%.
FILTER_BANDS = 12
FILTER_ROWS = 2
#: Fixed, public permutations of the 256 filter positions: the filters are keyed
#: already, the permutations only spread the comparison.
_PERMS = np.random.default_rng(20261203).permuted(
    np.tile(np.arange(FIELD_BITS), (FILTER_BANDS * FILTER_ROWS, 1)), axis=1
)


def _filter_candidates(encs: Sequence[Encoding2]) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, whose given-name filter under the surname anchor, or
    whose surname filter under the given-name anchor, are alike (MinHash bands over the
    filter bits), within one birth year. Derived from what an encoding holds, no block
    token: it brings together a pair whose block tokens all differ -- a typo in one
    name *and* day and month both off -- when the other name is equal."""
    out: set[tuple[int, int]] = set()
    if len(encs) < 2:
        return out
    years = [e.date_tokens[0] for e in encs]
    for field_of in (lambda e: e.given[0], lambda e: e.surname[0]):
        raw = np.frombuffer(b"".join(field_of(e) for e in encs), dtype=np.uint8)
        bits = np.unpackbits(raw.reshape(len(encs), FIELD_BYTES), axis=1).astype(bool)
        # Per permutation, the first set position in its order: the MinHash value.
        mins = np.stack([np.argmax(bits[:, perm], axis=1) for perm in _PERMS], axis=1)
        for band in range(FILTER_BANDS):
            cols = mins[:, band * FILTER_ROWS : (band + 1) * FILTER_ROWS]
            buckets: dict[tuple, list[int]] = {}
            for i, row in enumerate(cols.tolist()):
                buckets.setdefault((years[i], *row), []).append(i)
            for members in buckets.values():
                for x in range(len(members)):
                    for y in range(x + 1, len(members)):
                        out.add((members[x], members[y]))
    return out
