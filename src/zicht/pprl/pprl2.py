"""zicht-pprl-2: field-aware keyed encoding, comparison with evidence, and linkage.

Why a second spec version: zicht-pprl-1 puts given name, surname and the day/month of
birth into one Bloom filter and decides on one Dice score. Twins and siblings (same
surname, same birth date, different given names) then score like a typo of one person,
and a birth date with a wrong day *and* month is never compared. zicht-pprl-2 keeps
the fields apart so each can be judged on its own, with a floor per field:

* a keyed Bloom filter per name field (first given name, surname core), salted with
  the birth year as in pprl-1, sharing one sub-key so a swapped registration compares
  given-against-surname;
* keyed tokens of all given names (canonicalised, nicknames included), of the date
  parts (year; month and day in one token space, so a day/month swap is visible) and
  of the BSN;
* blocking on keyed name tokens (phonetic first given name + surname, per birth year)
  as well as on date parts, so a record whose day and month are both wrong is still
  compared when the names agree;
* :func:`compare` returns an :class:`Evidence` of levels per field (no score, no
  identity), and :func:`decide` turns evidence into ``match`` / ``possible`` / ``None``
  with a floor on every field.

Normative description: docs/linkage.md, section "zicht-pprl-2". Test vectors:
tests/linkage/data/test_vectors_pprl2.json. Nothing in an encoding is plaintext.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from zicht.pprl import normalise as nz
from zicht.pprl.encoding import EncodingError, Identity, _check_text, normalise_bsn
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


@dataclass(frozen=True, slots=True)
class Probe2:
    """The name fields under a neighbouring birth year's salt (query side only)."""

    year_offset: int
    given: bytes
    surname: bytes
    name_tokens: tuple[str, ...]
    block_tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Encoding2:
    """zicht-pprl-2 encoding of one identity: keyed filters and tokens only."""

    spec_version: str
    key_id: str
    given: bytes
    surname: bytes
    #: Field tokens, always six: first given name, first given name's phonetic code and
    #: sorted letters, surname core, its phonetic code and sorted letters.
    name_tokens: tuple[str, ...]
    #: Keyed tokens of the other given names (call names are often the second name).
    other_given_tokens: tuple[str, ...]
    #: (year, month, day, sorted month/day digits); month and day share one space.
    date_tokens: tuple[str, str, str, str]
    bsn_token: str
    block_tokens: tuple[str, ...]
    probes: tuple[Probe2, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
        return {
            "spec_version": self.spec_version,
            "key_id": self.key_id,
            "given": b64(self.given),
            "surname": b64(self.surname),
            "name_tokens": list(self.name_tokens),
            "other_given_tokens": list(self.other_given_tokens),
            "date_tokens": list(self.date_tokens),
            "bsn_token": self.bsn_token,
            "block_tokens": list(self.block_tokens),
            "probes": [
                {
                    "year_offset": p.year_offset,
                    "given": b64(p.given),
                    "surname": b64(p.surname),
                    "name_tokens": list(p.name_tokens),
                    "block_tokens": list(p.block_tokens),
                }
                for p in self.probes
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Encoding2:
        def filt(text: str) -> bytes:
            raw = base64.b64decode(text, validate=True)
            if len(raw) != FIELD_BYTES:
                raise ValueError("filter length")
            return raw

        try:
            if data["spec_version"] != SPEC_VERSION_2:
                raise EncodingError("spec_version: unsupported version", "spec_version")
            dates = tuple(str(x) for x in data["date_tokens"])
            names = tuple(str(x) for x in data["name_tokens"])
            if len(dates) != 4 or len(names) != 6:
                raise ValueError("token counts")
            return cls(
                spec_version=SPEC_VERSION_2,
                key_id=str(data["key_id"]),
                given=filt(data["given"]),
                surname=filt(data["surname"]),
                name_tokens=names,
                other_given_tokens=tuple(str(x) for x in data["other_given_tokens"]),
                date_tokens=dates,  # type: ignore[arg-type]
                bsn_token=str(data.get("bsn_token", "")),
                block_tokens=tuple(str(x) for x in data["block_tokens"]),
                probes=tuple(
                    Probe2(
                        int(p["year_offset"]),
                        filt(p["given"]),
                        filt(p["surname"]),
                        tuple(str(x) for x in p["name_tokens"]),
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
    """The zicht-pprl-2 sub-keys of one master key."""

    def __init__(self, key: PseudonymKey) -> None:
        self.key_id = key.key_id
        self.field = key.subkey(PURPOSE_FIELD, SPEC_VERSION_2)
        self.name = key.subkey(PURPOSE_NAME, SPEC_VERSION_2)
        self.date = key.subkey(PURPOSE_DATE, SPEC_VERSION_2)
        self.block = key.subkey(PURPOSE_BLOCK, SPEC_VERSION_2)
        self.bsn = key.subkey(PURPOSE_BSN, SPEC_VERSION_2)
        self._masks: dict[tuple[int, str], int] = {}

    def token(self, key: bytes, message: str, n_hex: int = TOKEN_HEX) -> str:
        return hmac.digest(key, message.encode(), "sha256").hex()[:n_hex]

    def field_filter(self, year: int, word: str) -> bytes:
        """Bits p = uint32_be(HMAC(K_field, "Y|bigram|i")[0:4]) mod 256, i < 4, for every
        padded bigram of ``word``; bit p is byte p // 8, bit 7 - p % 8."""
        value = 0
        for g in set(nz.bigrams(word)):
            m = self._masks.get((year, g))
            if m is None:
                m = 0
                for i in range(FIELD_HASHES):
                    d = hmac.digest(self.field, f"{year}|{g}|{i}".encode(), "sha256")
                    m |= 1 << (FIELD_BITS - 1 - int.from_bytes(d[:4], "big") % FIELD_BITS)
                if len(self._masks) < 200_000:
                    self._masks[(year, g)] = m
            value |= m
        return value.to_bytes(FIELD_BYTES, "big")


_KEYS: dict[str, _Keys] = {}


def _keys(key: PseudonymKey) -> _Keys:
    k = _KEYS.get(key.key_id)
    if k is None:
        if len(_KEYS) > 8:
            _KEYS.clear()
        k = _KEYS[key.key_id] = _Keys(key)
    return k


def encode2(identity: Identity, key: PseudonymKey, *, today: _dt.date | None = None) -> Encoding2:
    """Encode one identity under ``key`` according to zicht-pprl-2.

    Validation is that of zicht-pprl-1; in addition a full date of birth is required
    (an age estimate alone gives no date evidence to weigh)."""
    ks = _keys(key)
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
    today = today or _dt.date.today()
    if dob is None:
        raise EncodingError("date_of_birth: required by zicht-pprl-2", "date_of_birth")
    if not isinstance(dob, _dt.date) or isinstance(dob, _dt.datetime):
        raise EncodingError("date_of_birth: must be a date", "date_of_birth")
    if dob.year < MIN_BIRTH_YEAR or dob > today:
        raise EncodingError("date_of_birth: out of range", "date_of_birth")
    fg = g_tokens[0]
    # The swapped reading (given-names field holds the surname) for blocking only.
    sw_sn = nz.surname_core(given)
    sw_fg = [canonical_given(t) for t in nz.given_tokens(surname)]
    y, lo, hi = dob.year, *sorted((dob.month, dob.day))

    def names(year: int) -> tuple[bytes, bytes, tuple[str, ...], tuple[str, ...]]:
        field_tokens = tuple(
            ks.token(ks.name, f"{tag}|{year}|{value}")
            for tag, word in (("g", fg), ("s", sn_core))
            for tag2, value in (("", word), ("p", nz.phonetic(word)), ("a", "".join(sorted(word))))
            for tag in (tag + tag2,)
        )
        others = tuple(
            sorted({ks.token(ks.name, f"g|{year}|{t}") for t in g_tokens[1:]} - {field_tokens[0]})
        )
        return ks.field_filter(year, fg), ks.field_filter(year, sn_core), field_tokens, others

    def name_blocks(year: int) -> set[str]:
        out = {ks.token(ks.block, f"n|{year}|{nz.phonetic(fg)}|{nz.phonetic(sn_core)}")}
        if sw_sn and sw_fg:
            out.add(ks.token(ks.block, f"n|{year}|{nz.phonetic(sw_fg[0])}|{nz.phonetic(sw_sn)}"))
        return out

    months = {dob.month, dob.day} if dob.day <= 12 else {dob.month}
    blocks = {ks.token(ks.block, f"ym|{y:04d}|{m:02d}") for m in months}
    blocks.add(ks.token(ks.block, f"ymd|{y:04d}|{lo:02d}|{hi:02d}"))
    blocks |= name_blocks(y)
    g_filter, s_filter, n_toks, other_toks = names(y)
    probes = []
    for off in (-1, 1):
        pg, ps, pt, _ = names(y + off)
        p_blocks = {ks.token(ks.block, f"ymd|{y + off:04d}|{lo:02d}|{hi:02d}")}
        p_blocks |= name_blocks(y + off)
        probes.append(Probe2(off, pg, ps, pt, tuple(sorted(p_blocks))))
    return Encoding2(
        spec_version=SPEC_VERSION_2,
        key_id=ks.key_id,
        given=g_filter,
        surname=s_filter,
        name_tokens=n_toks,
        other_given_tokens=other_toks,
        date_tokens=(
            ks.token(ks.date, f"y|{y:04d}"),
            ks.token(ks.date, f"md|{dob.month:02d}"),
            ks.token(ks.date, f"md|{dob.day:02d}"),
            ks.token(ks.date, f"dg|{y:04d}|{''.join(sorted(f'{dob.month:02d}{dob.day:02d}'))}"),
        ),
        bsn_token=ks.token(ks.bsn, f"bsn|{bsn}", BSN_TOKEN_HEX) if bsn else "",
        block_tokens=tuple(sorted(blocks)),
        probes=tuple(probes),
    )


# --- comparison and evidence -----------------------------------------------------------

#: Field similarity levels (Dice of the field filters), strongest first.
NAME_LEVELS = ("equal", "high", "medium", "other_given_name", "low")
DATE_LEVELS = (
    "equal",
    "day_month_swapped",
    "one_part_differs",
    "digits_transposed",
    "two_parts_differ",
)
BSN_LEVELS = ("equal", "differs", "not_compared")
#: Dice of field filters at or above which a name is ``high`` / ``medium``. A one-letter
#: typo in a name of 4-8 letters scores 0.75-0.93; different names mostly below 0.5.
HIGH_DICE = 0.75
MEDIUM_DICE = 0.5


@dataclass(frozen=True, slots=True)
class Evidence:
    """Which elements of two records agreed, as levels only (no score, no identity).

    ``date_of_birth``: ``equal``; ``day_month_swapped``; ``one_part_differs`` (year,
    month or day); ``two_parts_differ``. ``year_offset`` is 0, or ±1 when the pair was
    compared across neighbouring birth years (then the year is one of the parts that
    differ). ``fields_swapped``: the names agree only when one record's given name is
    read as the other's surname."""

    given_name: str
    surname: str
    date_of_birth: str
    bsn: str
    fields_swapped: bool = False
    year_offset: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "given_name": self.given_name,
            "surname": self.surname,
            "date_of_birth": self.date_of_birth,
            "bsn": self.bsn,
            "fields_swapped": self.fields_swapped,
            "year_offset": self.year_offset,
        }


def _dice(a: bytes, b: bytes) -> float:
    x = int.from_bytes(a, "big")
    y = int.from_bytes(b, "big")
    denom = x.bit_count() + y.bit_count()
    return 2.0 * (x & y).bit_count() / denom if denom else 0.0


def _level(score: float) -> str:
    if score >= 0.999:
        return "equal"
    if score >= HIGH_DICE:
        return "high"
    if score >= MEDIUM_DICE:
        return "medium"
    return "low"


def _name_level(dice: float, a: Sequence[str], b: Sequence[str]) -> str:
    """Level of one name field from its filter Dice and its (word, phonetic, sorted
    letters) tokens: equal word -> ``equal``; a canonical variant (nickname,
    transliteration) also gives an equal word token; the same letters in another order
    (a transposition), or a ``medium`` name with the same phonetic code -> ``high``."""
    if a[0] == b[0]:
        return "equal"
    level = _level(min(dice, 0.998))
    # The phonetic code drops vowels, so different names share it (Omer/Emir,
    # Marit/Myrthe: twins): it lifts only a name that is already ``medium``.
    if level == "low" and a[2] == b[2] or level == "medium" and (a[1] == b[1] or a[2] == b[2]):
        return "high"
    return level


def compare(a: Encoding2, b: Encoding2, *, probe: Probe2 | None = None) -> Evidence:
    """Field-by-field evidence for two encodings of the same key. With ``probe`` (one of
    ``a``'s probes), ``a``'s names are taken under the neighbouring year's salt."""
    if a.key_id != b.key_id:
        raise EncodingError("key_id: encodings were made with different keys", "key_id")
    if probe is None:
        ag, asn, atok, aother = a.given, a.surname, a.name_tokens, a.other_given_tokens
    else:
        ag, asn, atok, aother = probe.given, probe.surname, probe.name_tokens, ()
    g_straight, s_straight = _dice(ag, b.given), _dice(asn, b.surname)
    g_swapped, s_swapped = _dice(ag, b.surname), _dice(asn, b.given)
    swapped = g_swapped + s_swapped > g_straight + s_straight + 0.2
    if swapped:
        given_level, surname_level = _level(g_swapped), _level(s_swapped)
    else:
        bt = b.name_tokens
        given_level = _name_level(g_straight, atok[0:3], bt[0:3])
        surname_level = _name_level(s_straight, atok[3:6], bt[3:6])
        if given_level in ("medium", "low") and (
            atok[0] in b.other_given_tokens or bt[0] in aother
        ):
            given_level = "other_given_name"
    ya, ma, da, ga = a.date_tokens
    yb, mb, db, gb = b.date_tokens
    year_same = ya == yb and probe is None
    md_parts = (ma == mb) + (da == db)
    if year_same and md_parts == 2:
        dob = "equal"
    elif year_same and ma == db and da == mb:
        dob = "day_month_swapped"
    elif year_same + md_parts == 2 or (not year_same and ma == db and da == mb):
        dob = "one_part_differs"
    elif year_same and ga == gb:
        dob = "digits_transposed"
    else:
        dob = "two_parts_differ"
    if a.bsn_token and b.bsn_token:
        bsn = "equal" if a.bsn_token == b.bsn_token else "differs"
    else:
        bsn = "not_compared"
    return Evidence(
        given_name=given_level,
        surname=surname_level,
        date_of_birth=dob,
        bsn=bsn,
        fields_swapped=swapped,
        year_offset=probe.year_offset if probe else 0,
    )


_GOOD = ("equal", "high")
_FAIR = ("equal", "high", "medium", "other_given_name")
_DATE_CLOSE = ("equal", "day_month_swapped")
_DATE_NEAR = ("one_part_differs", "digits_transposed")


def decide(ev: Evidence) -> str | None:
    """``match``, ``possible`` or ``None``, with a floor on every field.

    * A different BSN is never a ``match``. The same BSN is a ``match`` unless both
      names are ``low`` (then ``possible``: perhaps a mis-keyed BSN).
    * ``match``: given name *and* surname ``high`` or better (a nickname or
      transliteration in the table is ``equal``), or the given name ``equal`` and the
      surname ``medium``; the date equal or day/month swapped, the same birth year.
      Twins and siblings fail the given-name floor.
    * ``possible``: both names ``medium`` or better (or the given name is another of
      the other record's given names) and the date at most one part or a digit
      transposition away (same names and a date typo -- or two children with common
      names: a person decides). With two different BSNs only names ``high`` or better
      and a close date (a mis-recorded BSN) are ``possible``.
    * Otherwise no link: two date parts different *and* weak names is no evidence.
    """
    if ev.bsn == "equal":
        return "possible" if ev.given_name == "low" and ev.surname == "low" else "match"
    names_good = ev.given_name in _GOOD and ev.surname in _GOOD
    # The given name is the field that tells twins apart: it must be at least ``high``;
    # a surname only ``medium`` (a double or married-in name, a bad typo) is accepted
    # when the given name is ``equal``.
    names_match = names_good or (ev.given_name == "equal" and ev.surname == "medium")
    if (
        ev.bsn != "differs"
        and names_match
        and ev.date_of_birth in _DATE_CLOSE
        and ev.year_offset == 0
    ):
        return "match"
    if ev.bsn == "differs":
        # Two different valid BSNs: the same person only if one was mis-recorded.
        return "possible" if names_good and ev.date_of_birth in _DATE_CLOSE else None
    names_fair = ev.given_name in _FAIR and ev.surname in _FAIR
    if names_fair and (ev.date_of_birth in _DATE_CLOSE or ev.date_of_birth in _DATE_NEAR):
        return "possible"
    return None


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

    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                k = (members[x], members[y])
                if k not in seen:
                    seen.add(k)
                    consider(members[x], members[y], None)
    if year_tolerance:
        for i, e in enumerate(encs):
            for p in e.probes:
                for t in p.block_tokens:
                    for j in blocks.get(t, ()):
                        consider(i, j, p)
    out = []
    for (i, j), (d, ev) in best.items():
        a, b = (i, j) if not cross or src[i] <= src[j] else (j, i)
        out.append(LinkedPair2(ids[a], ids[b], d, ev))
    out.sort(key=lambda p: (_RANK[p.decision], p.id_a, p.id_b))
    return out
