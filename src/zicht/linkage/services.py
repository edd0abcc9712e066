"""Writes of the person index: index a signal's pseudonyms, find matches, decide them.

Only pseudonyms arrive here (``encode()`` runs on the identity in memory and the
plaintext is dropped). Matches are recorded for both sides and both contacts are
notified after commit, in-app and by e-mail, naming the other organisation, its
contact person and the dates - never a score, the other file or an identity.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.core.tasks import send_email_on_commit
from zicht.intake import selectors as intake_selectors
from zicht.linkage import prefilter
from zicht.linkage.constants import (
    SPEC_PPRL1,
    SPEC_PPRL2,
    UNDO_WINDOW_HOURS,
    BsnEvidence,
    MatchKind,
    MatchStatus,
    NameEvidence,
)
from zicht.linkage.models import BlockToken, ExactToken, IndexEntry, Match, Notification
from zicht.pprl import fuzzy, pprl2
from zicht.pprl.encoding import Encoding, EncodingError, Identity, encode
from zicht.pprl.evidence import evidence_for
from zicht.pprl.keys import PseudonymKey, parse_key_bytes
from zicht.pprl.pprl2 import Encoding2, Probe2, encode2
from zicht.pprl.spec import BLOCK_TOKEN_HEX, EXACT_TOKEN_HEX
from zicht.pprl.wire import PPRL1_MEMBER, EncodingPair

if TYPE_CHECKING:  # pragma: no cover
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from zicht.accounts.types import Membership, User
    from zicht.intake.types import SignalIdentity

__all__ = [
    "current_key",
    "signal_index",
    "signal_unindex",
    "match_decide",
    "match_undo",
    "notifications_mark_read",
]


def current_key() -> PseudonymKey:
    return PseudonymKey.from_bytes(parse_key_bytes(settings.PSEUDONYM_KEY.encode("ascii")))


@dataclass(frozen=True)
class Candidate:
    """Another organisation's (or the own) signal that a fresh entry links to.

    ``exact``: recognised automatically (a shared zicht-pprl-1 exact token, or a
    zicht-pprl-2 decision on the same BSN or on equal names and date); ``strong``: at
    least a ``match`` decision, which statistics may link without a person deciding;
    ``evidence``: the ``Match.evidence_*`` field values (levels only)."""

    signal_id: object
    organisation_id: int
    exact: bool
    strong: bool
    evidence: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Pseudonyms:
    """What one signal is indexed with: its zicht-pprl-1 encoding (always: it keeps the
    signal comparable with entries that have not been or cannot be re-encoded) and,
    when the identity has a full date of birth, its zicht-pprl-2 encoding."""

    v1: Encoding
    v2: Encoding2 | None = None

    @property
    def spec_version(self) -> str:
        return SPEC_PPRL2 if self.v2 is not None else SPEC_PPRL1


def pseudonyms_for(identity: Identity, key: PseudonymKey) -> Pseudonyms:
    """Both encodings of ``identity`` (pprl-2 only with a full date of birth).

    Raises ``EncodingError`` when zicht-pprl-1 refuses the identity (the platform's input
    rules); pprl-2 refuses a few more (no date of birth) and the signal then stays a
    zicht-pprl-1 entry."""
    v1 = encode(identity, key)
    try:
        v2 = encode2(identity, key) if identity.date_of_birth is not None else None
    except EncodingError:
        v2 = None
    return Pseudonyms(v1, v2)


def _fields_json(enc: Encoding2) -> dict:
    """What a zicht-pprl-2 entry keeps: the encoding without its query probes."""
    data = enc.to_json()
    data.pop("probes", None)
    return data


def _store(
    *,
    signal_id: uuid.UUID,
    organisation_id: int,
    pseudonyms: Pseudonyms,
    expires_on: dt.date,
    existing: Sequence[tuple[int, str]] | None = None,
) -> IndexEntry:
    """Write the signal's entry under the current key; only then delete its entry of the
    other spec version, if any (a re-encoding: the old entry stays until the new exists,
    both inside the caller's transaction).

    ``existing``: the signal's entries under the key as (id, spec version), when the
    caller has read them already (``_lookup``); a new signal has none, and then nothing
    is deleted and no entry is read."""
    v1, v2 = pseudonyms.v1, pseudonyms.v2
    spec = pseudonyms.spec_version
    if existing is None:
        existing = list(
            IndexEntry.objects.filter(signal_id=signal_id, key_id=v1.key_id).values_list(
                "pk", "spec_version"
            )
        )
    if same := [pk for pk, version in existing if version == spec]:
        IndexEntry.objects.filter(pk__in=same).delete()
    first = prefilter.pack(v2) if v2 is not None else b""
    entry = IndexEntry(
        signal_id=signal_id,
        organisation_id=organisation_id,
        key_id=v1.key_id,
        spec_version=spec,
        bloom=v1.bloom,
        fields=_fields_json(v2) if v2 is not None else None,
        prefilter=first,
        expires_on=expires_on,
    )
    on_v2 = v2 is not None
    blocks = [(t, v1.bloom, on_v2, b"") for t in v1.block_tokens]
    if v2 is not None:
        blocks += [(t, b"", True, first) for t in v2.block_tokens]
    if connection.vendor == "postgresql":
        _insert_in_one(entry, list(v1.exact_tokens), blocks)
    else:
        entry.save(force_insert=True)
        ExactToken.objects.bulk_create([ExactToken(entry=entry, token=t) for t in v1.exact_tokens])
        BlockToken.objects.bulk_create(
            [
                BlockToken(entry=entry, token=t, bloom=b, pprl2_entry=p, prefilter=f)
                for t, b, p, f in blocks
            ]
        )
    if other := [pk for pk, version in existing if version != spec]:
        IndexEntry.objects.filter(pk__in=other).delete()
    return entry


@functools.cache
def _insert_sql() -> tuple[str, tuple]:
    """PostgreSQL: the entry, its exact tokens and its block rows in one statement (three
    round trips before), the tokens inserted in their order (ids as ``bulk_create``)."""
    quote = connection.ops.quote_name
    fields = tuple(f for f in IndexEntry._meta.concrete_fields if not f.primary_key)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    sql = (
        f"WITH e AS (INSERT INTO linkage_indexentry ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING id), "
        "x AS (INSERT INTO linkage_exacttoken (entry_id, token) SELECT e.id, t.token "
        "FROM e, unnest(%s::varchar[]) WITH ORDINALITY AS t(token, n) ORDER BY t.n), "
        "b AS (INSERT INTO linkage_blocktoken (entry_id, token, bloom, pprl2_entry, prefilter) "
        "SELECT e.id, t.token, t.bloom, t.pprl2, t.prefilter FROM e, "
        "unnest(%s::varchar[], %s::bytea[], %s::boolean[], %s::bytea[]) WITH ORDINALITY "
        "AS t(token, bloom, pprl2, prefilter, n) ORDER BY t.n) "
        "SELECT id FROM e"
    )
    return sql, fields


def _insert_in_one(
    entry: IndexEntry, exact: list[str], blocks: list[tuple[str, bytes, bool, bytes]]
) -> None:
    """Insert ``entry`` (unsaved; each value prepared as ``save()`` prepares it, so
    ``created_at`` is set the same way) with its tokens, in one statement."""
    sql, fields = _insert_sql()
    values = [f.get_db_prep_save(f.pre_save(entry, True), connection) for f in fields]
    tokens = [t for t, _b, _p, _f in blocks]
    blooms = [b for _t, b, _p, _f in blocks]
    flags = [p for _t, _b, p, _f in blocks]
    firsts = [f for _t, _b, _p, f in blocks]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, exact, tokens, blooms, flags, firsts])
        (entry.pk,) = cursor.fetchone()
    entry._state.adding = False
    entry._state.db = connection.alias


@dataclass(frozen=True)
class Lookup:
    """What matching reads of the index for one signal, in one query (``_lookup``).

    ``own``: the signal's own entries under the key, (id, spec version); ``v2``: per
    zicht-pprl-2 block token shared with the encoding or its probes, its members as
    (entry ids, first-pass bytes as an (n, 31) uint64 matrix), a negative id for a
    member without the bytes (compared in full); key and own signal are checked for the
    few that pass the first pass (``_v2_decide``); ``exact``: entry id
    -> (signal id, organisation id) of the entries sharing an exact token; ``v1``: rows
    (token, entry id, filter) of the block rows sharing a zicht-pprl-1 block token."""

    own: list[tuple[int, str]]
    v2: dict[str, tuple[np.ndarray, np.ndarray]]
    exact: dict[int, tuple[uuid.UUID, int]]
    v1: list[tuple[str, int, bytes]]


_OWN, _V2, _EXACT, _V1 = 0, 1, 2, 3


@functools.lru_cache(maxsize=256)
def _lookup_sql(vendor: str, n_v2: int, n_exact: int, n_v1: int, only_v1: bool) -> str:
    """The statement of ``_lookup``, built once per process and shape (the number of
    tokens of each kind): the ORM built the same four queries on every request. Only
    constants and ``%s`` placeholders are put in (S608); every value is a parameter.

    Each part starts from a token index: SQLite's planner, without statistics, chose to
    scan every entry of the key and probe its block rows (about 30 ms at 3,000 entries);
    ``CROSS JOIN`` keeps the token table as the outer loop there (PostgreSQL plans it as
    the inner join it is). On PostgreSQL the block parts are answered by the covering
    index of migrations 0004 and 0006 alone (the zicht-pprl-2 part read each member's
    first-pass bytes from the entries before: some 7,000 heap visits per year-month
    block at 10^6 entries)."""

    def among(column: str, n: int) -> str:
        if vendor == "postgresql":
            return f"{column} = ANY(%s)"
        return f"{column} IN ({', '.join(['%s'] * n)})"

    # PostgreSQL types a UNION's columns from its parts, left to right: the first part
    # names the types of the columns it leaves empty (NULL NULL would make one text).
    if vendor == "postgresql":
        empty = "CAST(NULL AS uuid), CAST(NULL AS bigint), CAST(NULL AS bytea)"
    else:
        empty = "NULL, NULL, NULL"
    parts = [
        f"SELECT {_OWN}, spec_version, id, {empty} FROM linkage_indexentry "  # noqa: S608
        "WHERE signal_id = %s AND key_id = %s"
    ]
    if n_v2 and vendor == "postgresql":
        # One row per block: its members as 256-byte records (the id as 8 bytes big
        # endian, then the 248 first-pass bytes; a row without them: the id negated and
        # zeros), read into numpy without a Python object per member (``_v2_members``).
        parts.append(
            f"SELECT {_V2}, b.token, NULL, NULL, NULL, string_agg(CASE "  # noqa: S608
            f"WHEN octet_length(b.prefilter) = {prefilter.PREFILTER_BYTES} "
            "THEN int8send(b.entry_id) || b.prefilter "
            f"ELSE int8send(-b.entry_id) || decode(repeat('00', {prefilter.PREFILTER_BYTES}), 'hex') "
            "END, ''::bytea) FROM linkage_blocktoken b "
            f"WHERE {among('b.token', n_v2)} AND b.pprl2_entry = %s AND b.bloom = %s "
            "GROUP BY b.token"
        )
    elif n_v2:
        parts.append(
            f"SELECT {_V2}, b.token, b.entry_id, NULL, NULL, b.prefilter "  # noqa: S608
            "FROM linkage_blocktoken b "
            f"WHERE {among('b.token', n_v2)} AND b.pprl2_entry = %s AND b.bloom = %s"
        )
    if n_exact:
        parts.append(
            f"SELECT {_EXACT}, NULL, e.id, e.signal_id, e.organisation_id, NULL "  # noqa: S608
            "FROM linkage_exacttoken x CROSS JOIN linkage_indexentry e "
            f"WHERE {among('x.token', n_exact)} AND e.id = x.entry_id AND e.key_id = %s "
            "AND e.signal_id <> %s" + (" AND e.spec_version = %s" if only_v1 else "")
        )
    if n_v1:
        parts.append(
            f"SELECT {_V1}, b.token, b.entry_id, NULL, NULL, b.bloom FROM linkage_blocktoken b "  # noqa: S608
            f"WHERE {among('b.token', n_v1)} AND b.entry_id <> %s"
            + (" AND b.pprl2_entry = %s" if only_v1 else "")
        )
    return " UNION ALL ".join(parts)


def _uuid(value: object) -> uuid.UUID:
    """A signal id as read by a raw query (a UUID on PostgreSQL, hex text on SQLite)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _lookup(
    *,
    signal_id: uuid.UUID,
    key_id: str,
    encoding: Encoding | None,
    v2: Encoding2 | None = None,
    entry_id: int | None = None,
) -> Lookup:
    """Everything matching reads of the index for ``signal_id``'s encodings, in one
    query: its own entries under ``key_id``, and the other signals' entries and block
    rows that its tokens (and its probes' tokens) reach. Runs before the signal's new
    entry is written, so that entry is not among them (``entry_id``: an entry already
    written, left out of the zicht-pprl-1 block rows as before)."""
    v2_tokens = sorted({t for _, tokens in _v2_queries(v2) for t in tokens}) if v2 else []
    exact = list(dict.fromkeys(encoding.exact_tokens)) if encoding else []
    v1_tokens = sorted({t for _, q in encoding.all_queries() for t in q}) if encoding else []
    only_v1 = v2 is not None
    vendor = connection.vendor
    own_signal = IndexEntry._meta.get_field("signal_id").get_db_prep_value(signal_id, connection)

    def among(tokens: list[str]) -> list:
        return [tokens] if vendor == "postgresql" else tokens

    params: list = [own_signal, key_id]
    if v2_tokens:
        params += [*among(v2_tokens), True, b""]
    if exact:
        params += [*among(exact), key_id, own_signal] + ([SPEC_PPRL1] if only_v1 else [])
    if v1_tokens:
        params += [*among(v1_tokens), entry_id or 0] + ([False] if only_v1 else [])
    sql = _lookup_sql(vendor, len(v2_tokens), len(exact), len(v1_tokens), only_v1)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = Lookup(own=[], v2={}, exact={}, v1=[])
    v2_rows: list[tuple[str, int, bytes]] = []
    for kind, token, pk, signal, organisation_id, bits in rows:
        if kind == _V1:
            found.v1.append((token, pk, bytes(bits)))  # a memoryview on PostgreSQL
        elif kind == _V2 and pk is None:
            found.v2[token] = _v2_members(bytes(bits))
        elif kind == _V2:
            v2_rows.append((token, pk, bytes(bits)))
        elif kind == _EXACT:
            found.exact[pk] = (_uuid(signal), organisation_id)
        else:
            found.own.append((pk, token))
    found.v2.update(_v2_members_of_rows(v2_rows))
    return found


_RECORD_WORDS = 1 + prefilter.PREFILTER_BYTES // 8


def _v2_members(records: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A block's members from its 256-byte records (PostgreSQL's ``string_agg``): entry
    ids (negative: no first-pass bytes) and the (n, 31) first-pass matrix."""
    words = np.frombuffer(records, dtype=np.uint64).reshape(-1, _RECORD_WORDS)
    ids = words[:, 0].byteswap().view(np.int64)
    return ids, words[:, 1:]


def _v2_members_of_rows(
    rows: list[tuple[str, int, bytes]],
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The same from one row per member (other databases)."""
    by_token: dict[str, list[tuple[int, bytes]]] = {}
    for token, pk, bits in rows:
        full = len(bits) == prefilter.PREFILTER_BYTES
        by_token.setdefault(token, []).append(
            (pk if full else -pk, bits if full else bytes(prefilter.PREFILTER_BYTES))
        )
    return {
        token: (
            np.array([pk for pk, _ in members], dtype=np.int64),
            prefilter.matrix([bits for _, bits in members]),
        )
        for token, members in by_token.items()
    }


def _v2_queries(enc: Encoding2) -> list[tuple[Probe2 | None, tuple[str, ...]]]:
    """The encoding's own block tokens, then each +-1-year probe's."""
    return [(None, enc.block_tokens), *((p, p.block_tokens) for p in enc.probes)]


def _candidates(
    *,
    entry: IndexEntry,
    encoding: Encoding,
    v2: Encoding2 | None = None,
    lookup: Lookup | None = None,
) -> dict:
    """Entries that a fresh entry links to (own organisation included: those become
    statistics-only links, never shown or notified), by signal id.

    A pair of zicht-pprl-2 entries is judged by pprl-2 (field-aware, a floor per field);
    a pair with a zicht-pprl-1 entry on either side by zicht-pprl-1, as before: exact
    tokens agree, or the Dice score reaches the possible threshold (own birth year
    first, then the -1 and +1 year probes; an entry keeps the first query that reaches
    it). So with a pprl-2 ``v2`` the pprl-1 path only looks at pprl-1 entries.

    ``lookup``: what ``_lookup`` read for the entry's signal (read here when not given)."""
    if lookup is None:
        lookup = _lookup(
            signal_id=entry.signal_id,
            key_id=entry.key_id,
            encoding=encoding,
            v2=v2,
            entry_id=entry.pk,
        )
    found: dict = {}
    only_v1 = v2 is not None
    if v2 is not None:
        found.update(_candidates_v2(entry=entry, enc=v2, lookup=lookup))
    for pk in sorted(lookup.exact):
        signal_id, organisation_id = lookup.exact[pk]
        if signal_id not in found:
            found[signal_id] = Candidate(signal_id, organisation_id, True, True)
    strong_of = _fuzzy_hits(queries=encoding.all_queries(), rows=lookup.v1)
    hits = _entries(entry, set(strong_of), only_v1=only_v1)
    for pk in sorted(hits):
        signal_id, organisation_id = hits[pk]
        if signal_id not in found:
            found[signal_id] = Candidate(signal_id, organisation_id, False, strong_of[pk])
    return found


def _entries(entry: IndexEntry, pks: set, *, only_v1: bool) -> dict[int, tuple]:
    """Entry id -> (signal id, organisation id) of ``pks`` under the entry's key, other
    signals only (tokens are keyed, so another key's tokens do not collide; this makes
    sure). ``only_v1``: zicht-pprl-1 entries only."""
    if not pks:
        return {}
    qs = IndexEntry.objects.filter(pk__in=list(pks), key_id=entry.key_id).exclude(
        signal_id=entry.signal_id
    )
    if only_v1:
        qs = qs.filter(spec_version=SPEC_PPRL1)
    return {pk: (s, o) for pk, s, o in qs.values_list("pk", "signal_id", "organisation_id")}


def _fuzzy_hits(
    *,
    queries: Iterable[tuple[bytes, Iterable[str]]],
    rows: Iterable[tuple[str, int, bytes]],
) -> dict[int, bool]:
    """Entry id -> strong (>= MATCH_THRESHOLD) for every other entry that shares a block
    with one of ``queries`` (own birth year, then the -1 and +1 year probes) and reaches
    POSSIBLE_THRESHOLD; the first query that reaches it counts.

    ``rows``: the block rows of those tokens (``Lookup.v1``), read from the block-token
    table only: each zicht-pprl-1 block row repeats its entry's filter, so on PostgreSQL
    the covering index ``(token) INCLUDE (entry_id, bloom)`` answers it without a visit
    to a table (an index-only scan; before, a lookup at 10^6 entries fetched some 20,000
    rows of two tables). The key and the own signal are checked afterwards, for the few
    entries that score. With a zicht-pprl-2 signal the rows are those of zicht-pprl-1
    entries only (a pprl-2 signal judges pprl-2 entries by pprl-2)."""
    members: dict[str, list[int]] = {}
    blooms: dict[int, bytes] = {}
    for token, pk, bloom in rows:
        if bloom:  # zicht-pprl-2 block rows carry no filter
            members.setdefault(token, []).append(pk)
            blooms[pk] = bloom
    strong_of: dict[int, bool] = {}
    for bloom, tokens in queries:
        pks = sorted({pk for t in tokens for pk in members.get(t, ())} - strong_of.keys())
        if not pks:
            continue
        scores = fuzzy.dice_many(bloom, fuzzy.blooms_to_matrix([blooms[pk] for pk in pks]))
        for pk, score in zip(pks, scores.tolist(), strict=True):
            if score >= fuzzy.POSSIBLE_THRESHOLD:
                strong_of[pk] = score >= fuzzy.MATCH_THRESHOLD
    return strong_of


def _candidates_v2(*, entry: IndexEntry, enc: Encoding2, lookup: Lookup | None = None) -> dict:
    """zicht-pprl-2 candidates: other pprl-2 entries sharing a block token with the
    encoding (or with one of its +-1-year probes, then compared through the probe),
    each judged by ``pprl2.compare`` and ``pprl2.decide``; the best decision counts.

    Two passes, so the cost follows the few entries that can link rather than the
    block size: first the stored ``prefilter`` bytes of every block member (248 bytes,
    scored in numpy, ``zicht.linkage.prefilter``) drop each (member, query) that cannot
    reach ``match`` or ``possible``; only the rest have their JSON read and are
    compared. The decisions are those of comparing every member (the first pass is a
    superset of ``decide``'s floors; tests/linkage/test_pprl2_prefilter.py)."""
    if lookup is None:
        lookup = _lookup(signal_id=entry.signal_id, key_id=entry.key_id, encoding=None, v2=enc)
    todo = _v2_worth_comparing(enc, _v2_queries(enc), lookup.v2)
    return _v2_decide(enc, todo, entry)


def _v2_worth_comparing(
    enc: Encoding2,
    queries: list[tuple[Probe2 | None, tuple[str, ...]]],
    blocks: dict[str, tuple[np.ndarray, np.ndarray]],
) -> dict[int, list[Probe2 | None]]:
    """The first pass: per member of the query's blocks (``Lookup.v2``) the queries
    whose first-pass score can reach ``decide``'s floors. A member without the bytes (a
    block row written before migration 0006 copied them in, of an entry without them)
    is compared in full."""
    todo: dict[int, list[Probe2 | None]] = {}
    for probe, tokens in queries:
        parts = [blocks[t] for t in dict.fromkeys(tokens) if t in blocks]
        if not parts:
            continue
        ids, first = np.unique(np.concatenate([p[0] for p in parts]), return_index=True)
        packed = np.concatenate([p[1] for p in parts])[first]
        keep = ids < 0
        keep[~keep] = prefilter.can_link(prefilter.query(enc, probe), packed[~keep])
        for pk in sorted(set(np.abs(ids[keep]).tolist())):
            todo.setdefault(pk, []).append(probe)
    return todo


def _v2_decide(enc: Encoding2, todo: dict[int, list[Probe2 | None]], entry: IndexEntry) -> dict:
    """Step 3: read the survivors' encodings - zicht-pprl-2 entries under the entry's key
    of other signals only (tokens are keyed, so another key's tokens do not collide; this
    makes sure) - and keep each one's best decision."""
    rows = (
        IndexEntry.objects.filter(pk__in=list(todo), key_id=entry.key_id, spec_version=SPEC_PPRL2)
        .exclude(signal_id=entry.signal_id)
        .values_list("pk", "signal_id", "organisation_id", "fields")
    )
    stored = {
        pk: (signal_id, organisation_id, data)
        for pk, signal_id, organisation_id, data in rows
        if data is not None
    }
    found: dict = {}
    rank = {"match": 0, "possible": 1}
    for pk in sorted(todo):
        if pk not in stored:
            continue  # another key, the own signal, or no pprl-2 entry
        signal_id, organisation_id, data = stored[pk]
        other = Encoding2.from_json(data)
        best = None
        for probe in todo[pk]:
            ev = pprl2.compare(enc, other, probe=probe)
            decision = pprl2.decide(ev)
            if decision and (best is None or rank[decision] < rank[best[0]]):
                best = (decision, ev)
        if best is not None:
            found[signal_id] = _candidate_v2(signal_id, organisation_id, *best)
    return found


def _candidate_v2(
    signal_id: object, organisation_id: int, decision: str, ev: pprl2.Evidence
) -> Candidate:
    """A pprl-2 decision as a candidate. Recognised automatically (``exact``) where
    zicht-pprl-1 recognised automatically - the same BSN, or both names and the date
    equal (up to a day/month swap) - so the platform's rule "a person confirms every
    other match" stays as it was; every other ``match`` is strong, for statistics."""
    automatic = decision == "match" and (
        ev.bsn == "equal"
        or (
            ev.given_name == "equal"
            and ev.surname == "equal"
            and ev.date_of_birth in ("equal", "day_month_swapped")
        )
    )
    evidence = {
        "evidence_name": NameEvidence.NOT_COMPARED,
        "evidence_given_name": ev.given_name,
        "evidence_surname": ev.surname,
        "evidence_names_swapped": ev.fields_swapped,
        "evidence_dob": ev.date_of_birth,
        "evidence_bsn": ev.bsn if ev.bsn != "not_compared" else BsnEvidence.NOT_COMPARED,
    }
    return Candidate(signal_id, organisation_id, automatic, decision == "match", evidence)


def signal_index(
    *,
    signal_id: uuid.UUID,
    organisation_id: int,
    identity: Identity,
    expires_on: dt.date,
    actor: User | None = None,
) -> list[Match]:
    """(Re-)index one signal and record matches with other organisations' signals.

    The signal is indexed with zicht-pprl-2 when its identity has a full date of birth
    (and with zicht-pprl-1 besides, for entries of that version); with only an estimated
    age with zicht-pprl-1. Must run inside the caller's transaction (the signal's create
    or edit, or a re-encoding). Raises ``zicht.pprl.encoding.EncodingError`` for an
    identity that cannot be encoded.
    """
    pseudonyms = pseudonyms_for(identity, current_key())
    return _index_and_match(
        signal_id=signal_id,
        organisation_id=organisation_id,
        pseudonyms=pseudonyms,
        expires_on=expires_on,
        actor=actor,
    )


def _index_and_match(
    *,
    signal_id: uuid.UUID,
    organisation_id: int,
    pseudonyms: Pseudonyms,
    expires_on: dt.date,
    actor: User | None,
) -> list[Match]:
    """Read what matching needs (``_lookup``: one query), write the entry, record the
    matches. The read comes first, so the new entry's own rows are not read back."""
    lookup = _lookup(
        signal_id=signal_id,
        key_id=pseudonyms.v1.key_id,
        encoding=pseudonyms.v1,
        v2=pseudonyms.v2,
    )
    entry = _store(
        signal_id=signal_id,
        organisation_id=organisation_id,
        pseudonyms=pseudonyms,
        expires_on=expires_on,
        existing=lookup.own,
    )
    return _record_matches(
        entry=entry, encoding=pseudonyms.v1, v2=pseudonyms.v2, actor=actor, lookup=lookup
    )


_EVIDENCE_FIELDS = [
    "evidence_name",
    "evidence_given_name",
    "evidence_surname",
    "evidence_names_swapped",
    "evidence_dob",
    "evidence_bsn",
]


def _record_matches(
    *,
    entry: IndexEntry,
    encoding: Encoding,
    actor: User | None,
    v2: Encoding2 | None = None,
    lookup: Lookup | None = None,
) -> list[Match]:
    """Record a match for every candidate of a freshly stored entry; notify after commit."""
    signal_id, organisation_id = entry.signal_id, entry.organisation_id
    new_matches = []
    found = _candidates(entry=entry, encoding=encoding, v2=v2, lookup=lookup)
    pairs = _existing_matches(signal_id, list(found))
    for candidate in found.values():
        existing = pairs.get(candidate.signal_id)
        internal = candidate.organisation_id == organisation_id
        evidence = candidate.evidence or _evidence(
            entry=entry, encoding=encoding, other_signal_id=candidate.signal_id
        )
        if existing is not None:
            if existing.status == MatchStatus.POSSIBLE:  # a decided match keeps what was shown
                _set_evidence(existing, evidence)
                existing.save(update_fields=_EVIDENCE_FIELDS)
            if candidate.strong and not existing.strong:
                existing.strong = True
                existing.save(update_fields=["strong"])
            if candidate.exact and existing.status == MatchStatus.POSSIBLE:
                existing.kind = MatchKind.EXACT
                existing.status = MatchStatus.CONFIRMED
                existing.decided_at = timezone.now()
                existing.save(update_fields=["kind", "status", "decided_at"])
                _notify(existing, "confirmed")
            continue
        if internal:
            status = MatchStatus.INTERNAL
        else:
            status = MatchStatus.CONFIRMED if candidate.exact else MatchStatus.POSSIBLE
        match = Match(
            signal_a_id=candidate.signal_id,
            organisation_a_id=candidate.organisation_id,
            signal_b_id=signal_id,
            organisation_b_id=organisation_id,
            kind=MatchKind.EXACT if candidate.exact else MatchKind.FUZZY,
            status=status,
            strong=candidate.strong,
        )
        _set_evidence(match, evidence)
        match.save()
        if internal:
            continue
        audit.record(
            action=AuditAction.LINKAGE_MATCH_FOUND,
            actor=actor,
            organisation=organisation_id,
            object_type="match",
            object_id=match.pk,
            details={"kind": match.kind, "other_organisation": candidate.organisation_id},
        )
        _notify(match, "new")
        new_matches.append(match)
    return new_matches


def _existing_matches(signal_id: uuid.UUID, others: list) -> dict:
    """Other signal id -> the newest match of the pair (``signal_id``, other), in
    either order, for all ``others`` in one query (one per candidate before)."""
    if not others:
        return {}
    pairs = Match.objects.filter(
        Q(signal_a_id=signal_id, signal_b_id__in=others)
        | Q(signal_b_id=signal_id, signal_a_id__in=others)
    ).order_by("-created_at")
    newest: dict = {}
    for match in pairs:
        other = match.signal_b_id if match.signal_a_id == signal_id else match.signal_a_id
        newest.setdefault(other, match)
    return newest


def _evidence(*, entry: IndexEntry, encoding: Encoding, other_signal_id: uuid.UUID) -> dict:
    """Which elements of the fresh zicht-pprl-1 ``encoding`` agree with the other
    signal's entry (levels only; see zicht.pprl.evidence), as ``Match`` field values.
    Only the zicht-pprl-1 block tokens count (those that carry a filter)."""
    other = IndexEntry.objects.filter(signal_id=other_signal_id, key_id=entry.key_id).first()
    if other is None:
        return {}
    ev = evidence_for(
        own_bloom=encoding.bloom,
        own_blocks=encoding.block_tokens,
        other_bloom=bytes(other.bloom),
        other_blocks=[t for t, b in other.block_tokens.values_list("token", "bloom") if b],
        other_exact=other.exact_tokens.values_list("token", flat=True),
        probes=[(p.bloom, p.block_tokens) for p in encoding.probes],
        bsn_token=encoding.bsn_token,
    )
    return {"evidence_name": ev.name, "evidence_dob": ev.date_of_birth, "evidence_bsn": ev.bsn}


def _set_evidence(match: Match, evidence: dict) -> None:
    """Set every evidence field: the ones ``evidence`` names, the others not compared
    (a pair judged again by another spec version must not keep the old levels)."""
    for name in _EVIDENCE_FIELDS:
        default = False if name == "evidence_names_swapped" else NameEvidence.NOT_COMPARED
        setattr(match, name, evidence.get(name, default))


def signal_unindex(
    *, signal_id: uuid.UUID, actor: User | None = None, reason: str = "withdrawn"
) -> int:
    """Remove a signal from the index at once and end its matches."""
    deleted, _ = IndexEntry.objects.filter(signal_id=signal_id).delete()
    ended = (
        Match.objects.filter(signal_a_id=signal_id) | Match.objects.filter(signal_b_id=signal_id)
    ).exclude(status__in=[MatchStatus.REJECTED, MatchStatus.ENDED, MatchStatus.INTERNAL])
    ended.update(status=MatchStatus.ENDED)
    return deleted


def match_decide(*, membership: Membership, match: Match, confirm: bool) -> Match:
    """One of the two professionals confirms or rejects a possible match."""
    side = match.side_of(membership.organisation_id)
    if side is None:
        raise PermissionDenied
    with transaction.atomic():
        match = Match.objects.select_for_update().get(pk=match.pk)
        if match.status != MatchStatus.POSSIBLE:
            raise ValidationError(_("This match has already been decided."))
        match.status = MatchStatus.CONFIRMED if confirm else MatchStatus.REJECTED
        match.decided_at = timezone.now()
        match.decided_by = membership.user
        match.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            action=AuditAction.LINKAGE_MATCH_CONFIRMED
            if confirm
            else AuditAction.LINKAGE_MATCH_REJECTED,
            actor=membership.user,
            organisation=membership.organisation,
            object_type="match",
            object_id=match.pk,
        )
        _notify(match, "confirmed" if confirm else "rejected")
    return match


def match_undo_deadline(match: Match) -> dt.datetime | None:
    """Until when the decider may undo the decision (None if it was not a member's)."""
    if match.decided_at is None or match.decided_by_id is None:
        return None
    return match.decided_at + dt.timedelta(hours=UNDO_WINDOW_HOURS)


def match_can_undo(*, user: User | AnonymousUser, match: Match) -> bool:
    """Only the member who decided, only a confirm or reject, only within the window."""
    deadline = match_undo_deadline(match)
    return (
        deadline is not None
        and match.decided_by_id == getattr(user, "pk", None)
        and match.status in (MatchStatus.CONFIRMED, MatchStatus.REJECTED)
        and timezone.now() < deadline
    )


def match_undo(*, membership: Membership, match: Match) -> Match:
    """The member who decided a possible match takes the decision back within 24 hours.

    A mistaken click must not stand (a wrongly confirmed match links two files), but after
    a day others may have acted on it, so then the decision is final. The match is
    possible again, both contacts are told and the undo is audit-logged.
    """
    if match.side_of(membership.organisation_id) is None:
        raise PermissionDenied
    with transaction.atomic():
        match = Match.objects.select_for_update().get(pk=match.pk)
        if not match_can_undo(user=membership.user, match=match):
            raise ValidationError(
                _("Only the person who decided can undo the decision, within 24 hours.")
            )
        previous = match.status
        match.status = MatchStatus.POSSIBLE
        match.decided_at = None
        match.decided_by = None
        match.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            action=AuditAction.LINKAGE_MATCH_DECISION_UNDONE,
            actor=membership.user,
            organisation=membership.organisation,
            object_type="match",
            object_id=match.pk,
            details={"previous": previous},
        )
        _notify(match, "undone")
    return match


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _notify(match: Match, event: str) -> None:
    """In-app notification for both contacts now; e-mail to both queued after commit.

    The mail (contacts, references and dates; never an identity) is rendered now and sent
    by the ``zicht.core.tasks.send_email`` task: a mail server that fails never fails or
    rolls back the signal or decision that made the match.
    """
    a_id, b_id = _uuid(match.signal_a_id), _uuid(match.signal_b_id)
    contacts = intake_selectors.signal_contacts(signal_ids=[a_id, b_id])
    a, b = contacts.get(a_id), contacts.get(b_id)
    if a is None or b is None:
        return
    Notification.objects.bulk_create(
        [Notification(recipient_id=me.author_id, match=match, event=event) for me in (a, b)]
    )
    for me, other in ((a, b), (b, a)):
        if me.author_email:
            subject, body = _mail(match, event, me, other)
            send_email_on_commit(
                purpose=f"linkage.match_{event}",
                subject=subject,
                body=body,
                recipients=[me.author_email],
            )


def _mail(
    match: Match,
    event: str,
    me: intake_selectors.SignalContact,
    other: intake_selectors.SignalContact,
) -> tuple[str, str]:
    """Subject and body of the match e-mail to ``me`` (in Dutch)."""
    with translation.override("nl"):
        context = {"match": match, "event": event, "me": me, "other": other}
        subject = {
            "new": _("Zicht: another organisation is involved with the same young person"),
            "confirmed": _("Zicht: match confirmed"),
            "rejected": _("Zicht: possible match rejected"),
            "undone": _("Zicht: a match decision was undone"),
        }[event]
        body = render_to_string("linkage/email/match.txt", context)
    return subject, body


def signal_is_indexed(*, signal_id: uuid.UUID, key_id: str) -> bool:
    return IndexEntry.objects.filter(signal_id=signal_id, key_id=key_id).exists()


def index_drop_other_keys(*, key_id: str) -> int:
    """Delete every index entry made under another key (after a rotation)."""
    deleted, _ = IndexEntry.objects.exclude(key_id=key_id).delete()
    return deleted


# --- Re-encoding the index from zicht-pprl-1 to zicht-pprl-2 -------------------------


@dataclass(frozen=True)
class ReencodePlan:
    """Entries under the current key: per spec version, and of the zicht-pprl-1 ones
    how many belong to an active signal with a stored identity (``to_do``; those with
    only an estimated age among them are kept) and how many cannot be re-encoded."""

    key_id: str
    pprl1: int
    pprl2: int
    to_do: int
    cannot: int


def _reencodable(key_id: str) -> QuerySet[IndexEntry]:
    """zicht-pprl-1 entries under ``key_id`` of active signals with a stored identity."""
    active = intake_selectors.signals_for_reindex().order_by().values("pk")
    return IndexEntry.objects.filter(
        key_id=key_id, spec_version=SPEC_PPRL1, signal_id__in=active
    ).order_by("pk")


def reencode_plan() -> ReencodePlan:
    """What ``index_reencode`` would do, from counts only (no identity is read)."""
    key_id = current_key().key_id
    entries = IndexEntry.objects.filter(key_id=key_id)
    v1 = entries.filter(spec_version=SPEC_PPRL1).count()
    to_do = _reencodable(key_id).count()
    return ReencodePlan(
        key_id, v1, entries.filter(spec_version=SPEC_PPRL2).count(), to_do, v1 - to_do
    )


def index_reencode(*, batch_size: int = 200) -> Iterator[dict]:
    """Re-encode every zicht-pprl-1 entry of an active signal with a full date of birth
    as zicht-pprl-2, ``batch_size`` signals per transaction; yields one summary per
    batch (counts and references, never an identity).

    Per signal the new entry is written before the old one is deleted and matching runs
    again (``signal_index``), so a pair zicht-pprl-1 missed is found and a pair it
    found keeps its match and decision. A batch that raises is rolled back whole: its
    signals keep their zicht-pprl-1 entries, which stay matched. Resumable and
    idempotent: what is done is a zicht-pprl-2 entry and is not selected again."""
    key = current_key()
    last_pk, batch = 0, 0
    while True:
        rows = list(
            _reencodable(key.key_id)
            .filter(pk__gt=last_pk)
            .values_list("pk", "signal_id")[:batch_size]
        )
        if not rows:
            return
        last_pk, batch = rows[-1][0], batch + 1
        yield _reencode_batch(key=key, signal_ids=[s for _, s in rows], batch=batch)


def _reencode_batch(*, key: PseudonymKey, signal_ids: list, batch: int) -> dict:
    """One transaction of ``index_reencode``, audit-logged (the identities were read)."""
    done, kept, matches = 0, 0, 0
    failed: list[str] = []
    with transaction.atomic():
        for signal in intake_selectors.signals_for_reindex().filter(pk__in=signal_ids):
            try:
                identity = _stored_identity(signal.identity)
                if identity is None:
                    kept += 1  # only an estimated age: pprl-2 needs a full date of birth
                    continue
                with transaction.atomic():
                    pseudonyms = pseudonyms_for(identity, key)
                    if pseudonyms.v2 is None:
                        raise EncodingError("date_of_birth: refused by zicht-pprl-2")
                    matches += len(
                        _index_and_match(
                            signal_id=signal.pk,
                            organisation_id=signal.organisation_id,
                            pseudonyms=pseudonyms,
                            expires_on=signal.expires_on,
                            actor=None,
                        )
                    )
            except EncodingError:
                failed.append(signal.reference)
                continue
            done += 1
        result = {
            "batch": batch,
            "spec_version": SPEC_PPRL2,
            "reencoded": done,
            "kept_estimated_age": kept,
            "failed": len(failed),
            "failed_references": failed,
            "matches": matches,
        }
        audit.record(
            action=AuditAction.LINKAGE_INDEX_REENCODED,
            object_type="pseudonym_key",
            object_id=key.key_id,
            details=result,
        )
    return result


def _stored_identity(record: SignalIdentity) -> Identity | None:
    """The identity of a ``SignalIdentity`` (decrypted by its fields), or None when it
    has no full date of birth; a stored date that does not parse is an encoding error."""
    if not record.date_of_birth:
        return None
    try:
        dob = dt.date.fromisoformat(record.date_of_birth)
    except ValueError:
        raise EncodingError("date_of_birth: not a date", "date_of_birth") from None
    return Identity(
        given_names=record.given_names,
        surname=record.surname,
        date_of_birth=dob,
        sex=record.sex or "",
        bsn=record.bsn or "",
        municipality=record.municipality or "",
    )


__all__ += ["index_reencode", "reencode_plan", "pseudonyms_for"]


# --- Encodings computed on a partner's premises (partner API) -------------------------


def encoding_check(*, encoding: Encoding | EncodingPair) -> None:
    """Refuse an encoding that does not fit its spec version under the current key.

    ``zicht.pprl.wire.from_wire`` has checked the shape, the spec version and every
    filter and (pprl-2) token size; this checks the key and the pprl-1 token formats, so
    that nothing but well-formed tokens reaches the index. A zicht-pprl-2 pair is checked
    as a whole: its key, then its zicht-pprl-1 twin under ``pprl1.``. Raises
    ``ValidationError`` keyed by the encoding's member names.
    """
    if isinstance(encoding, EncodingPair):
        errors = _key_errors(encoding.v2.key_id, "")
        if not errors:
            errors = _pprl1_errors(encoding.v1, prefix=f"{PPRL1_MEMBER}.")
    else:
        errors = _pprl1_errors(encoding, prefix="")
    if errors:
        raise ValidationError(errors)


def _key_errors(key_id: str, prefix: str) -> dict[str, str]:
    if key_id != current_key().key_id:
        return {
            f"{prefix}key_id": _(
                "This encoding was made with another pseudonymisation key than the current one."
            )
        }
    return {}


def _pprl1_errors(encoding: Encoding, *, prefix: str) -> dict[str, str]:
    """The zicht-pprl-1 checks of ``encoding_check``, keyed ``prefix`` + member name."""
    exact_re = re.compile(rf"^[0-9a-f]{{{EXACT_TOKEN_HEX}}}$")
    block_re = re.compile(rf"^[0-9a-f]{{{BLOCK_TOKEN_HEX}}}$")

    def blocks_ok(tokens: Sequence[str]) -> bool:
        return 1 <= len(tokens) <= 12 and all(block_re.match(t) for t in tokens)

    errors = _key_errors(encoding.key_id, prefix)
    if len(encoding.exact_tokens) > 5 or not all(exact_re.match(t) for t in encoding.exact_tokens):
        errors[f"{prefix}exact_tokens"] = _(
            "Expected at most 5 tokens of %(n)s lowercase hex digits."
        ) % {"n": EXACT_TOKEN_HEX}
    if not blocks_ok(encoding.block_tokens):
        errors[f"{prefix}block_tokens"] = _(
            "Expected 1 to 12 tokens of %(n)s lowercase hex digits."
        ) % {"n": BLOCK_TOKEN_HEX}
    offsets = [p.year_offset for p in encoding.probes]
    if (
        len(offsets) != len(set(offsets))
        or not set(offsets) <= {-1, 1}
        or not all(blocks_ok(p.block_tokens) for p in encoding.probes)
    ):
        errors[f"{prefix}probes"] = _(
            "Expected at most one probe for year offset -1 and one for +1."
        )
    return errors


def signal_index_encoded(
    *,
    signal_id: uuid.UUID,
    organisation_id: int,
    encoding: Encoding | EncodingPair,
    expires_on: dt.date,
    actor: User | None = None,
) -> list[Match]:
    """``signal_index`` for an encoding computed on the organisation's own premises.

    Zicht never sees the plaintext. A zicht-pprl-1 encoding is stored as a pprl-1
    entry; a zicht-pprl-2 one (with its pprl-1 twin, ``zicht.pprl.wire``) exactly as
    ``signal_index`` stores a signal with a full date of birth -- both encodings, the
    first-pass bytes -- and is matched the same way. Must run inside the caller's
    transaction; raises ``ValidationError`` for an encoding that ``encoding_check``
    refuses, before anything is written.
    """
    encoding_check(encoding=encoding)
    if isinstance(encoding, EncodingPair):
        pseudonyms = Pseudonyms(encoding.v1, encoding.v2)
    else:
        pseudonyms = Pseudonyms(encoding)
    return _index_and_match(
        signal_id=signal_id,
        organisation_id=organisation_id,
        pseudonyms=pseudonyms,
        expires_on=expires_on,
        actor=actor,
    )


__all__ += ["encoding_check", "signal_index_encoded"]
