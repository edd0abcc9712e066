"""zicht-pprl-1: keyed, privacy-preserving encoding of one identity.

An :class:`Encoding` carries no plaintext: only keyed HMAC tokens (hex), a hardened
balanced Bloom filter of the names (bytes) and keyed blocking tokens. See
docs/linkage.md for the normative specification and the threat model.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
import hmac
import operator
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from zicht.pprl import normalise as nz
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
    BLOOM_BYTES,
    BLOOM_HASHES,
    DATE_HASHES,
    EXACT_TOKEN_HEX,
    MIN_BIRTH_YEAR,
    SPEC_VERSION,
)

__all__ = [
    "Encoding",
    "EncodingError",
    "Identity",
    "Probe",
    "encode",
    "normalise_bsn",
    "valid_bsn",
]


class EncodingError(ValueError):
    """An identity cannot be encoded. The message names the field and the problem,
    never the value."""

    def __init__(self, reason: str, field: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


_SEX_CODES = {"M": "M", "F": "F", "V": "F", "X": "X", "": ""}


@dataclass(frozen=True, slots=True)
class Identity:
    """Plaintext identity as held by one organisation (never leaves it)."""

    given_names: str
    surname: str
    date_of_birth: _dt.date | None
    sex: str = ""
    bsn: str = ""
    municipality: str = ""
    birth_year_estimate: int | None = None

    def __repr__(self) -> str:  # never print plaintext by accident
        return "Identity(<redacted>)"


@dataclass(frozen=True, slots=True)
class Probe:
    """A query-side filter for a neighbouring birth year (±1 year tolerance)."""

    year_offset: int
    bloom: bytes
    block_tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Encoding:
    """The privacy-preserving encoding of one identity.

    ``bloom`` and ``block_tokens`` are what an index stores. ``probes`` holds the same
    names encoded under the salts of the neighbouring birth years, with those years'
    block tokens; they are used only to *query* (see docs/linkage.md) and need not be
    stored in an index.
    """

    spec_version: str
    key_id: str
    exact_tokens: tuple[str, ...]
    bloom: bytes
    block_tokens: tuple[str, ...]
    probes: tuple[Probe, ...] = field(default=())
    #: The BSN's exact token (also in ``exact_tokens``) or "": lets a linker see that
    #: two records carry *different* BSNs, which is evidence against a match.
    bsn_token: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "spec_version": self.spec_version,
            "key_id": self.key_id,
            "exact_tokens": list(self.exact_tokens),
            "bloom": base64.b64encode(self.bloom).decode("ascii"),
            "block_tokens": list(self.block_tokens),
            "probes": [
                {
                    "year_offset": p.year_offset,
                    "bloom": base64.b64encode(p.bloom).decode("ascii"),
                    "block_tokens": list(p.block_tokens),
                }
                for p in self.probes
            ],
            "bsn_token": self.bsn_token,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Encoding:
        try:
            spec = data["spec_version"]
            if spec != SPEC_VERSION:
                raise EncodingError("spec_version: unsupported version", "spec_version")
            probes = tuple(
                Probe(int(p["year_offset"]), _b64_bloom(p["bloom"]), _str_tuple(p["block_tokens"]))
                for p in data.get("probes", ())
            )
            return cls(
                spec_version=spec,
                key_id=str(data["key_id"]),
                exact_tokens=_str_tuple(data["exact_tokens"]),
                bloom=_b64_bloom(data["bloom"]),
                block_tokens=_str_tuple(data["block_tokens"]),
                probes=probes,
                bsn_token=str(data.get("bsn_token", "")),
            )
        except KeyError as exc:
            raise EncodingError(f"encoding: missing field {exc.args[0]}", "encoding") from None
        except (TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, EncodingError):
                raise
            raise EncodingError("encoding: malformed", "encoding") from None

    def all_queries(self) -> tuple[tuple[bytes, tuple[str, ...]], ...]:
        """(bloom, block_tokens) pairs to query an index with: own year first, then the
        neighbouring years."""
        return ((self.bloom, self.block_tokens),) + tuple(
            (p.bloom, p.block_tokens) for p in self.probes
        )


def _b64_bloom(text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise EncodingError("bloom: not valid base64", "bloom") from None
    if len(raw) != BLOOM_BYTES:
        raise EncodingError(f"bloom: must be {BLOOM_BYTES} bytes", "bloom")
    return raw


def _str_tuple(items: Any) -> tuple[str, ...]:
    if isinstance(items, str) or not all(isinstance(x, str) for x in items):
        raise EncodingError("encoding: token lists must be lists of strings", "encoding")
    return tuple(items)


# --- BSN ---------------------------------------------------------------------------


def normalise_bsn(bsn: str) -> str:
    """Strip spaces, dots and hyphens; left-pad 8 digits to 9. Raise EncodingError if
    the result is not 9 digits passing the eleven-test."""
    digits = bsn.translate(_BSN_SEPARATORS)
    if not digits.isascii() or not digits.isdigit():
        raise EncodingError("bsn: must contain only digits", "bsn")
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9:
        raise EncodingError("bsn: must have 8 or 9 digits", "bsn")
    if not valid_bsn(digits):
        raise EncodingError("bsn: fails the eleven-test", "bsn")
    return digits


_BSN_SEPARATORS = str.maketrans("", "", " .-\t")
_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
#: The weighted sum of nine '0' characters (code 48).
_BSN_ZERO = 48 * sum(_BSN_WEIGHTS)


def valid_bsn(digits: str) -> bool:
    """Dutch eleven-test: sum(d_i * (9 - i), i=0..7) - d_8 ≡ 0 (mod 11), not all zero."""
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    if digits.isascii():  # weights applied to the character codes: '0' is 48
        return (sum(map(operator.mul, digits.encode(), _BSN_WEIGHTS)) - _BSN_ZERO) % 11 == 0
    return sum(map(operator.mul, map(int, digits), _BSN_WEIGHTS)) % 11 == 0


# --- per-key cached machinery --------------------------------------------------------


class _DateParts(NamedTuple):
    """Everything of an encoding that depends only on the key and the birth date (or
    the estimated birth year): computed once per key and date, then shared."""

    year: int
    #: "YYYY-LL-HH" (day and month sorted), or "" without a full date.
    canonical: str
    #: :meth:`_Encoder.name_bits` of the swap-invariant day/month element (0 if none).
    date_bits: tuple[int, int, int]
    block_tokens: tuple[str, ...]
    #: (year offset, block tokens) of the -1 and +1 year probes.
    probe_tokens: tuple[tuple[int, tuple[str, ...]], ...]


class _KeyedHash:
    """HMAC-SHA256 under one fixed key (RFC 2104), with the padded key blocks hashed
    once: each message then costs two copies of a prepared hash state instead of a full
    ``hmac.digest`` (about three times faster; the output is the same bytes)."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        block = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def __call__(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def hex_tokens(self, messages: Iterable[str], hex_digits: int) -> list[str]:
        """The first ``hex_digits`` hex digits of the HMAC of each message."""
        inner0, outer0, n = self._inner, self._outer, hex_digits // 2
        out = []
        for message in messages:
            inner = inner0.copy()
            inner.update(message.encode())
            outer = outer0.copy()
            outer.update(inner.digest())
            out.append(outer.digest()[:n].hex())
        return out


class _Encoder:
    """Sub-keys and caches for one key.

    The published filter is the base filter plus its complement, permuted. Each base
    position ``p`` therefore decides two output bits: ``dest[p]`` is set when ``p`` is
    set, ``dest[256 + p]`` when it is not. Start from ``empty`` (every complement bit
    set) and flip both bits of each set position: the result is ``empty XOR U``, where
    ``U`` is the OR of ``pair_bits[p]`` over the set positions. Because that OR can be
    taken per bigram first, a filter is the OR of one cached 512-bit integer per bigram
    (per key and birth year), XOR ``empty`` - no per-bit work at encoding time. The OR
    over one name's bigrams is cached too (per birth year), so a filter is usually
    three dictionary look-ups: given name, surname, day/month.
    """

    #: Bounds of the caches (entries): bigrams per birth year, birth dates.
    MAX_GRAMS_PER_YEAR = 20_000
    MAX_NAMES_PER_YEAR = 50_000
    MAX_DATES = 65_536

    def __init__(self, key: PseudonymKey) -> None:
        self.key_id = key.key_id
        self.exact_key = key.subkey(PURPOSE_EXACT)
        self._exact_hmac = _KeyedHash(self.exact_key)
        self.bloom_key = key.subkey(PURPOSE_BLOOM)
        self.block_key = key.subkey(PURPOSE_BLOCK)
        perm = keyed_permutation(key.subkey(PURPOSE_PERMUTATION), BLOOM_BITS)
        # perm[j] = source position of output position j; invert it.
        dest = [0] * BLOOM_BITS
        for j, src in enumerate(perm):
            dest[src] = j
        top = BLOOM_BITS - 1
        self.pair_bits = [
            (1 << (top - dest[p])) | (1 << (top - dest[BASE_BLOOM_BITS + p]))
            for p in range(BASE_BLOOM_BITS)
        ]
        self.empty = 0
        for p in range(BASE_BLOOM_BITS):
            self.empty |= 1 << (top - dest[BASE_BLOOM_BITS + p])
        self._gram_bits: dict[int, dict[str, int]] = {}
        self._name_bits: dict[int, dict[frozenset[str], tuple[int, int, int]]] = {}
        self._blocks: dict[tuple[int, int], str] = {}
        self._day_blocks: dict[tuple[int, int, int], str] = {}
        self._dates: dict[_dt.date, _DateParts] = {}
        self._estimates: dict[int, _DateParts] = {}

    # -- filters -----------------------------------------------------------------------
    def positions(self, year: int, bigram: str) -> tuple[int, ...]:
        """Base-filter positions of one bigram: HMAC-SHA256(bloom key, "<year>|<bigram>|<i>")
        for i in 0..BLOOM_HASHES-1, first 4 bytes big-endian, modulo BASE_BLOOM_BITS."""
        return tuple(
            int.from_bytes(
                hmac.digest(self.bloom_key, f"{year}|{bigram}|{i}".encode(), "sha256")[:4],
                "big",
            )
            % BASE_BLOOM_BITS
            for i in range(DATE_HASHES if bigram.startswith("#") else BLOOM_HASHES)
        )

    def gram_bits(self, year: int, bigram: str) -> int:
        """OR of ``pair_bits`` over the bigram's positions (cached per year)."""
        per_year = self._gram_bits.setdefault(year, {})
        bits = per_year.get(bigram)
        if bits is None:
            bits = 0
            for p in self.positions(year, bigram):
                bits |= self.pair_bits[p]
            if len(per_year) < self.MAX_GRAMS_PER_YEAR:
                per_year[bigram] = bits
        return bits

    def grams_bits(self, year: int, grams: Iterable[str]) -> int:
        """OR of :meth:`gram_bits` over a set of bigrams."""
        per_year = self._gram_bits.get(year) or {}
        union = 0
        for g in grams:
            bits = per_year.get(g)
            union |= bits if bits is not None else self.gram_bits(year, g)
        return union

    def bloom(self, year: int, grams: Iterable[str]) -> bytes:
        """The published (balanced, permuted) filter of a set of bigrams."""
        return (self.grams_bits(year, grams) ^ self.empty).to_bytes(BLOOM_BYTES, "big")

    #: The years of a record's three filters: its birth year, then the probes' years.
    YEAR_OFFSETS = (0, -1, 1)

    def name_bits(self, year: int, grams: frozenset[str]) -> tuple[int, int, int]:
        """:meth:`grams_bits` of one name's bigrams for ``year`` + YEAR_OFFSETS,
        cached per (birth year, name)."""
        per_year = self._name_bits.get(year)
        if per_year is None:
            per_year = self._name_bits[year] = {}
        bits = per_year.get(grams)
        if bits is None:
            b0, b1, b2 = (self.grams_bits(year + off, grams) for off in self.YEAR_OFFSETS)
            bits = (b0, b1, b2)
            if len(per_year) < self.MAX_NAMES_PER_YEAR:
                per_year[grams] = bits
        return bits

    def record_blooms(
        self, year: int, given: frozenset[str], surname: frozenset[str], date_bits: tuple
    ) -> list[bytes]:
        """The filters (for ``year`` + YEAR_OFFSETS) of a given name, a surname and the
        precomputed bits of the date element (see :meth:`name_bits`)."""
        per_year = self._name_bits.get(year) or {}
        g = per_year.get(given) or self.name_bits(year, given)
        s = per_year.get(surname) or self.name_bits(year, surname)
        empty = self.empty
        return [
            ((g[i] | s[i] | date_bits[i]) ^ empty).to_bytes(BLOOM_BYTES, "big") for i in (0, 1, 2)
        ]

    # -- tokens ------------------------------------------------------------------------
    def exact(self, message: str) -> str:
        """Exact token: HMAC(K_exact, message), first EXACT_TOKEN_HEX hex digits."""
        return self._exact_hmac(message.encode())[: EXACT_TOKEN_HEX // 2].hex()

    def exact_tokens(self, messages: Iterable[str]) -> list[str]:
        return self._exact_hmac.hex_tokens(messages, EXACT_TOKEN_HEX)

    def block(self, year: int, month: int) -> str:
        """Year-month block token: HMAC(K_block, "ym|YYYY|MM")."""
        k = (year, month)
        tok = self._blocks.get(k)
        if tok is None:
            msg = f"ym|{year:04d}|{month:02d}".encode()
            tok = hmac.digest(self.block_key, msg, "sha256").hex()[:BLOCK_TOKEN_HEX]
            self._blocks[k] = tok
        return tok

    def day_block(self, year: int, lo: int, hi: int) -> str:
        """Birth-date block token (swap-invariant): HMAC(K_block, "ymd|YYYY|LL|HH")."""
        k = (year, lo, hi)
        tok = self._day_blocks.get(k)
        if tok is None:
            msg = f"ymd|{year:04d}|{lo:02d}|{hi:02d}".encode()
            tok = hmac.digest(self.block_key, msg, "sha256").hex()[:BLOCK_TOKEN_HEX]
            self._day_blocks[k] = tok
        return tok

    # -- birth date --------------------------------------------------------------------
    def date_parts(self, dob: _dt.date) -> _DateParts:
        """Main tokens: the year-month block(s) (the day too when it could be a month)
        and the date block. Probes (year +-1) carry only that year's date block: a wrong
        year rarely comes with a wrong day."""
        parts = self._dates.get(dob)
        if parts is None:
            year = dob.year
            lo, hi = sorted((dob.month, dob.day))
            months = {dob.month, dob.day} if dob.day <= 12 else {dob.month}
            blocks = {self.block(year, m) for m in months} | {self.day_block(year, lo, hi)}
            parts = _DateParts(
                year=year,
                canonical=f"{year:04d}-{lo:02d}-{hi:02d}",
                date_bits=self.name_bits(
                    year, frozenset({f"#dm|{lo:02d}|{hi:02d}"} if DATE_HASHES else ())
                ),
                block_tokens=tuple(sorted(blocks)),
                probe_tokens=tuple((off, (self.day_block(year + off, lo, hi),)) for off in (-1, 1)),
            )
            if len(self._dates) < self.MAX_DATES:
                self._dates[dob] = parts
        return parts

    def estimate_parts(self, year: int) -> _DateParts:
        """Only an estimated birth year: the blocks of all twelve months, in the probes
        too."""
        parts = self._estimates.get(year)
        if parts is None:

            def months_of(y: int) -> tuple[str, ...]:
                return tuple(sorted({self.block(y, m) for m in range(1, 13)}))

            parts = self._estimates[year] = _DateParts(
                year=year,
                canonical="",
                date_bits=(0, 0, 0),
                block_tokens=months_of(year),
                probe_tokens=tuple((off, months_of(year + off)) for off in (-1, 1)),
            )
        return parts


def keyed_permutation(key: bytes, n: int) -> list[int]:
    """Fisher–Yates shuffle of range(n) driven by HMAC-SHA256(key, 'perm|' + counter).

    The stream is the concatenation of HMAC outputs for counter = 0, 1, ... (8-byte
    big-endian), read as 32-bit big-endian unsigned integers. For i = n-1 down to 1,
    draw v until v < floor(2**32 / (i+1)) * (i+1), then swap positions i and v mod (i+1).
    """
    perm = list(range(n))
    buf = b""
    counter = 0
    offset = 0

    def draw() -> int:
        nonlocal buf, counter, offset
        if offset + 4 > len(buf):
            buf = hmac.digest(key, b"perm|" + counter.to_bytes(8, "big"), "sha256")
            counter += 1
            offset = 0
        v = int.from_bytes(buf[offset : offset + 4], "big")
        offset += 4
        return v

    for i in range(n - 1, 0, -1):
        bound = i + 1
        limit = (2**32 // bound) * bound
        v = draw()
        while v >= limit:
            v = draw()
        j = v % bound
        perm[i], perm[j] = perm[j], perm[i]
    return perm


_ENCODERS: OrderedDict[str, _Encoder] = OrderedDict()
_ENCODERS_LOCK = threading.Lock()


def _encoder(key: PseudonymKey) -> _Encoder:
    enc = _ENCODERS.get(key.key_id)  # the common case, without the lock
    if enc is not None:
        return enc
    with _ENCODERS_LOCK:
        enc = _ENCODERS.get(key.key_id)
        if enc is None:
            enc = _Encoder(key)
            _ENCODERS[key.key_id] = enc
            while len(_ENCODERS) > 8:
                _ENCODERS.popitem(last=False)
        return enc


# --- encode --------------------------------------------------------------------------


def _check_text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise EncodingError(f"{name}: must be text", name)
    return value


class _NameField(NamedTuple):
    """One name field read both ways (plaintext; kept only in this process's cache)."""

    #: Read as intended: the surname core, or the first given name.
    own: str
    #: Read as the other field (given name and surname swapped): first given name of a
    #: surname field, surname core of a given-names field; "" if there is none.
    swapped: str
    #: Padded bigrams of ``own``.
    grams: frozenset[str]
    #: Phonetic codes of ``own`` and ``swapped``.
    own_code: str
    swapped_code: str


def _name_field(own: str, swapped: str) -> _NameField:
    return _NameField(
        own, swapped, frozenset(nz.bigrams(own)), nz.phonetic(own), nz.phonetic(swapped)
    )


@lru_cache(maxsize=65_536)
def _surname_field(surname: str) -> _NameField:
    return _name_field(nz.surname_core(surname), nz.first_given(surname))


@lru_cache(maxsize=65_536)
def _given_field(given: str) -> _NameField:
    return _name_field(nz.first_given(given), nz.surname_core(given))


def _checked_fields(identity: Identity) -> tuple[_NameField, _NameField, str]:
    """The name fields and the normalised BSN, or EncodingError naming the first bad
    field (in the order of the specification)."""
    given, surname, sex, bsn = identity.given_names, identity.surname, identity.sex, identity.bsn
    if not (isinstance(given, str) and isinstance(surname, str) and isinstance(sex, str)):
        _check_text(given, "given_names")
        _check_text(surname, "surname")
        _check_text(sex, "sex")
    if sex and sex.strip().upper() not in _SEX_CODES:
        raise EncodingError("sex: must be M, F, X or empty", "sex")
    if bsn:
        bsn = _check_text(bsn, "bsn").strip()
        if bsn:
            bsn = normalise_bsn(bsn)
    elif not isinstance(bsn, str):
        _check_text(bsn, "bsn")
    sn = _surname_field(surname)
    if not sn.own:
        raise EncodingError("surname: empty after normalisation", "surname")
    gn = _given_field(given)
    if not gn.own:
        raise EncodingError("given_names: empty after normalisation", "given_names")
    return sn, gn, bsn


_START_YEAR = _dt.date.today().year


def _birth(enc: _Encoder, identity: Identity, today: _dt.date | None) -> _DateParts:
    """The date-dependent parts, from the date of birth or else the estimated year."""
    dob = identity.date_of_birth
    if dob is not None:
        if not isinstance(dob, _dt.date) or isinstance(dob, _dt.datetime):
            raise EncodingError("date_of_birth: must be a date", "date_of_birth")
        if dob.year < MIN_BIRTH_YEAR or (
            # A year before the one this process started in is in the past.
            (today is not None or dob.year >= _START_YEAR) and dob > (today or _dt.date.today())
        ):
            raise EncodingError("date_of_birth: out of range", "date_of_birth")
        return enc.date_parts(dob)
    est = identity.birth_year_estimate
    if est is None:
        raise EncodingError("date_of_birth: missing and no birth_year_estimate", "date_of_birth")
    if not isinstance(est, int) or isinstance(est, bool):
        raise EncodingError("birth_year_estimate: must be an integer", "birth_year_estimate")
    if est < MIN_BIRTH_YEAR or est > (today or _dt.date.today()).year:
        raise EncodingError("birth_year_estimate: out of range", "birth_year_estimate")
    return enc.estimate_parts(est)


def _exact_messages(sn: _NameField, gn: _NameField, date: str) -> set[str]:
    """The exact-token messages besides the BSN's: with a full date, name + date and
    phonetic code + date, for the fields as given and (if both exist) swapped."""
    messages: set[str] = set()
    if date:
        messages.add(f"name-dob|{sn.own}|{gn.own}|{date}")
        messages.add(f"phon-dob|{sn.own_code}|{gn.own_code}|{date}")
        if gn.swapped and sn.swapped:
            messages.add(f"name-dob|{gn.swapped}|{sn.swapped}|{date}")
            messages.add(f"phon-dob|{gn.swapped_code}|{sn.swapped_code}|{date}")
    return messages


def encode(identity: Identity, key: PseudonymKey, *, today: _dt.date | None = None) -> Encoding:
    """Encode one identity under ``key`` according to zicht-pprl-1."""
    enc = _encoder(key)
    sn, gn, bsn = _checked_fields(identity)
    birth = _birth(enc, identity, today)
    exact = enc.exact_tokens(_exact_messages(sn, gn, birth.canonical))
    # The BSN's token is both an exact token and ``bsn_token``: one HMAC for both.
    bsn_token = enc.exact(f"bsn|{bsn}") if bsn else ""
    if bsn_token:
        exact.append(bsn_token)
    exact.sort()
    year = birth.year
    (_, minus), (_, plus) = birth.probe_tokens
    main, below, above = enc.record_blooms(year, gn.grams, sn.grams, birth.date_bits)
    return Encoding(
        spec_version=SPEC_VERSION,
        key_id=enc.key_id,
        exact_tokens=tuple(exact),
        bloom=main,
        block_tokens=birth.block_tokens,
        probes=(Probe(-1, below, minus), Probe(1, above, plus)),
        bsn_token=bsn_token,
    )
