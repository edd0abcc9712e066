"""zicht-pprl-1: keyed, privacy-preserving encoding of one identity.

An :class:`Encoding` carries no plaintext: only keyed HMAC tokens (hex), a hardened
balanced Bloom filter of the names (bytes) and keyed blocking tokens. See
docs/linkage.md for the normative specification and the threat model.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hmac
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from zicht.linkage import normalise as nz
from zicht.linkage.keys import (
    PURPOSE_BLOCK,
    PURPOSE_BLOOM,
    PURPOSE_EXACT,
    PURPOSE_PERMUTATION,
    PseudonymKey,
)
from zicht.linkage.spec import (
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
    digits = "".join(ch for ch in bsn if ch not in " .-\t")
    if not digits.isascii() or not digits.isdigit():
        raise EncodingError("bsn: must contain only digits", "bsn")
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9:
        raise EncodingError("bsn: must have 8 or 9 digits", "bsn")
    if not valid_bsn(digits):
        raise EncodingError("bsn: fails the eleven-test", "bsn")
    return digits


def valid_bsn(digits: str) -> bool:
    """Dutch eleven-test: sum(d_i * (9 - i), i=0..7) - d_8 ≡ 0 (mod 11), not all zero."""
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    total = sum(int(d) * (9 - i) for i, d in enumerate(digits[:8])) - int(digits[8])
    return total % 11 == 0


# --- per-key cached machinery --------------------------------------------------------


class _Encoder:
    """Sub-keys, the bit permutation and a cache of bigram positions for one key."""

    def __init__(self, key: PseudonymKey) -> None:
        self.key_id = key.key_id
        self.exact_key = key.subkey(PURPOSE_EXACT)
        self.bloom_key = key.subkey(PURPOSE_BLOOM)
        self.block_key = key.subkey(PURPOSE_BLOCK)
        perm = keyed_permutation(key.subkey(PURPOSE_PERMUTATION), BLOOM_BITS)
        # perm[j] = source position of output position j; invert it.
        dest = [0] * BLOOM_BITS
        for j, src in enumerate(perm):
            dest[src] = j
        top = BLOOM_BITS - 1
        # Output bit for base position p (set) and for its complement (base p unset).
        self.toggle = [
            (1 << (top - dest[p])) | (1 << (top - dest[BASE_BLOOM_BITS + p]))
            for p in range(BASE_BLOOM_BITS)
        ]
        all_complement = 0
        for p in range(BASE_BLOOM_BITS):
            all_complement |= 1 << (top - dest[BASE_BLOOM_BITS + p])
        self.empty = all_complement
        # Byte-wise lookup table: lut[i][v] = XOR of toggles of the base bits set in
        # byte i (big-endian, position 8*i is the most significant bit) with value v.
        self.lut: list[list[int]] = []
        for i in range(BASE_BLOOM_BITS // 8):
            row = [0] * 256
            for v in range(1, 256):
                low = v & -v
                bit = low.bit_length() - 1  # 0 = least significant = position 8*i+7
                row[v] = row[v ^ low] ^ self.toggle[8 * i + 7 - bit]
            self.lut.append(row)
        self._masks: dict[int, dict[str, int]] = {}
        self._blocks: dict[tuple[int, int], str] = {}
        self._day_blocks: dict[tuple[int, int, int], str] = {}

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

    def _year_masks(self, year: int) -> dict[str, int]:
        d = self._masks.get(year)
        if d is None:
            d = self._masks[year] = {}
        return d

    def mask(self, year: int, bigram: str) -> int:
        """Base-filter bits of one bigram as an int (position p is bit 255 - p)."""
        d = self._year_masks(year)
        m = d.get(bigram)
        if m is None:
            m = 0
            for p in self.positions(year, bigram):
                m |= 1 << (BASE_BLOOM_BITS - 1 - p)
            if len(d) < 20_000:
                d[bigram] = m
        return m

    def bloom(self, year: int, grams: set[str]) -> bytes:
        d = self._year_masks(year)
        base = 0
        for g in grams:
            m = d.get(g)
            base |= m if m is not None else self.mask(year, g)
        value = self.empty
        for row, v in zip(self.lut, base.to_bytes(BASE_BLOOM_BITS // 8, "big"), strict=True):
            if v:
                value ^= row[v]
        return value.to_bytes(BLOOM_BYTES, "big")

    def bloom_reference(self, year: int, grams: set[str]) -> bytes:
        """Straightforward (slow) construction, used to test the lookup-table version."""
        base: set[int] = set()
        for g in grams:
            base.update(self.positions(year, g))
        value = self.empty
        for p in base:
            value ^= self.toggle[p]
        return value.to_bytes(BLOOM_BYTES, "big")

    def exact(self, message: str) -> str:
        return hmac.digest(self.exact_key, message.encode(), "sha256").hex()[:EXACT_TOKEN_HEX]

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
    with _ENCODERS_LOCK:
        enc = _ENCODERS.get(key.key_id)
        if enc is None:
            enc = _Encoder(key)
            _ENCODERS[key.key_id] = enc
            while len(_ENCODERS) > 8:
                _ENCODERS.popitem(last=False)
        else:
            _ENCODERS.move_to_end(key.key_id)
        return enc


# --- encode --------------------------------------------------------------------------


def _check_text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise EncodingError(f"{name}: must be text", name)
    return value


def encode(identity: Identity, key: PseudonymKey, *, today: _dt.date | None = None) -> Encoding:
    """Encode one identity under ``key`` according to zicht-pprl-1."""
    enc = _encoder(key)
    given = _check_text(identity.given_names, "given_names")
    surname = _check_text(identity.surname, "surname")
    sex = _check_text(identity.sex, "sex").strip().upper()
    if sex not in _SEX_CODES:
        raise EncodingError("sex: must be M, F, X or empty", "sex")
    bsn_raw = _check_text(identity.bsn, "bsn").strip()
    bsn = normalise_bsn(bsn_raw) if bsn_raw else ""

    sn_tokens = nz.surname_tokens(surname)
    gn_tokens = nz.given_tokens(given)
    if not sn_tokens:
        raise EncodingError("surname: empty after normalisation", "surname")
    if not gn_tokens:
        raise EncodingError("given_names: empty after normalisation", "given_names")
    sn_core = "".join(sn_tokens)
    fg = gn_tokens[0]

    today = today or _dt.date.today()
    dob = identity.date_of_birth
    if dob is not None:
        if not isinstance(dob, _dt.date) or isinstance(dob, _dt.datetime):
            raise EncodingError("date_of_birth: must be a date", "date_of_birth")
        if dob.year < MIN_BIRTH_YEAR or dob > today:
            raise EncodingError("date_of_birth: out of range", "date_of_birth")
        year = dob.year
        months = sorted({dob.month, dob.day} if dob.day <= 12 else {dob.month})
    elif identity.birth_year_estimate is not None:
        est = identity.birth_year_estimate
        if not isinstance(est, int) or isinstance(est, bool):
            raise EncodingError("birth_year_estimate: must be an integer", "birth_year_estimate")
        if est < MIN_BIRTH_YEAR or est > today.year:
            raise EncodingError("birth_year_estimate: out of range", "birth_year_estimate")
        year = est
        months = list(range(1, 13))
    else:
        raise EncodingError("date_of_birth: missing and no birth_year_estimate", "date_of_birth")

    # Exact tokens --------------------------------------------------------------
    messages: set[str] = set()
    if bsn:
        messages.add(f"bsn|{bsn}")
    if dob is not None:
        lo, hi = sorted((dob.month, dob.day))
        date_canon = f"{dob.year:04d}-{lo:02d}-{hi:02d}"
        # Swapped interpretation: the given-names field holds the surname and vice versa.
        sw_sn = nz.surname_core(given)
        sw_fg_tokens = [t for t in nz.given_tokens(surname)]
        pairs = [(sn_core, fg)]
        if sw_sn and sw_fg_tokens:
            pairs.append((sw_sn, sw_fg_tokens[0]))
        for s, g in pairs:
            messages.add(f"name-dob|{s}|{g}|{date_canon}")
            messages.add(f"phon-dob|{nz.phonetic(s)}|{nz.phonetic(g)}|{date_canon}")
    exact_tokens = tuple(sorted(enc.exact(m) for m in messages))
    bsn_token = enc.exact(f"bsn|{bsn}") if bsn else ""

    # Bloom filters ---------------------------------------------------------------
    grams = set(nz.bigrams(fg)) | set(nz.bigrams(sn_core))
    if dob is not None and DATE_HASHES:
        lo, hi = sorted((dob.month, dob.day))
        grams.add(f"#dm|{lo:02d}|{hi:02d}")
    bloom = enc.bloom(year, grams)
    # Main tokens: the year-month block(s) and, with a full date, the date block.
    # Probes (year +-1): with a full date only the date block of that year (a wrong
    # year rarely comes with a wrong day); with only an age estimate all 12 months.
    if dob is not None:
        lo, hi = sorted((dob.month, dob.day))

        def probe_tokens(y: int) -> tuple[str, ...]:
            return (enc.day_block(y, lo, hi),)

        block_set = {enc.block(year, m) for m in months} | {enc.day_block(year, lo, hi)}
    else:

        def probe_tokens(y: int) -> tuple[str, ...]:
            return tuple(sorted({enc.block(y, m) for m in months}))

        block_set = {enc.block(year, m) for m in months}
    block_tokens = tuple(sorted(block_set))
    probes = tuple(
        Probe(off, enc.bloom(year + off, grams), probe_tokens(year + off)) for off in (-1, 1)
    )
    return Encoding(
        spec_version=SPEC_VERSION,
        key_id=enc.key_id,
        exact_tokens=exact_tokens,
        bloom=bloom,
        block_tokens=block_tokens,
        probes=probes,
        bsn_token=bsn_token,
    )
