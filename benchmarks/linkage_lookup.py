"""Latency of the platform's fuzzy lookup: the path a new signal takes to find its
candidates in the person index (``zicht.linkage.services._candidates``: exact tokens,
then block tokens of the own year and the ±1-year probes, scored with the Dice kernel).

Fills a throw-away PostgreSQL database with N real encodings of synthetic people
(``zicht.simulation.identities``, 10% with noisy duplicates, births 2003-2014, written with
COPY as ``signal_index`` would store them), then times ``_candidates`` for Q encodings
that are not in the index (a tenth of them have a duplicate inside) and prints p50/p95
with the machine's load average.

Two lookups are timed, interleaved so both see the same load: ``previous`` (the query
of commit f2eeea2: block tokens joined to the entries for their filters) and
``current`` (``services._candidates``: the filter read from the block row, on
PostgreSQL through the covering index ``(token) INCLUDE (entry_id, bloom)``, after a
VACUUM so the index-only scan needs no heap visits).

    .venv/bin/python benchmarks/linkage_lookup.py --sizes 100000 1000000 --queries 300 \\
        --database-url postgres://zicht:zicht@127.0.0.1:5432/zicht_lookup_bench
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import multiprocessing as mp
import os
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zicht.pprl.encoding import encode  # noqa: E402
from zicht.pprl.keys import PseudonymKey  # noqa: E402
from zicht.simulation.identities import make_population  # noqa: E402

KEY = PseudonymKey.from_bytes(bytes(range(32)))
CHUNK = 25_000


def _encode_chunk(args):
    n, seed, offset = args
    return [encode(r.identity, KEY) for r in make_population(n, dup_rate=0.1, seed=seed,
                                                                entity_offset=offset)]  # fmt: skip


def encodings(n_records: int, processes: int = 2):
    """About ``n_records`` encodings (people with 10% noisy duplicates)."""
    people = int(n_records / 1.12) + 1
    jobs = [(min(CHUNK, people - i), 5000 + k, i) for k, i in enumerate(range(0, people, CHUNK))]
    with mp.get_context("fork").Pool(processes) as pool:
        parts = pool.map(_encode_chunk, jobs)
    return [e for part in parts for e in part]


def _encode2_chunk(args):
    """(pprl-1, pprl-2) encodings, as ``services.pseudonyms_for`` makes them (the worker
    runs without Django); pprl-2 with the batch encoder, byte-identical to ``encode2``."""
    from zicht.pprl._pprl2_fast import encode2_many

    n, seed, offset = args
    ids = [r.identity for r in make_population(n, dup_rate=0.1, seed=seed, entity_offset=offset)
           if r.identity.date_of_birth is not None]  # fmt: skip
    v2s = encode2_many(ids, KEY)
    return [(encode(i, KEY), v2) for i, v2 in zip(ids, v2s, strict=True)
            if not isinstance(v2, Exception)]  # fmt: skip


def pseudonyms(n_records: int, processes: int = 2, cache: str | None = None):
    """``services.pseudonyms_for`` of about ``n_records`` people: both encodings. With
    ``cache``, read from / written to that pickle (encoding 10^6 people takes minutes)."""
    import pickle

    if cache and os.path.exists(cache):
        with open(cache, "rb") as fh:
            pairs = pickle.load(fh)  # noqa: S301 - a file this script wrote
        if len(pairs) >= n_records:
            return pairs[:n_records] if len(pairs) > n_records else pairs
    people = int(n_records / 1.12) + 1
    step = 20_000
    jobs = [(min(step, people - i), 7000 + k, i) for k, i in enumerate(range(0, people, step))]
    with mp.get_context("fork").Pool(processes) as pool:
        parts = pool.map(_encode2_chunk, jobs)
    pairs = [pair for part in parts for pair in part]
    if cache:
        with open(cache, "wb") as fh:
            pickle.dump(pairs, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return pairs


def fill2(items, start_id: int) -> None:
    """Append zicht-pprl-2 entries with COPY (what ``services._store`` writes for them)."""
    import json

    from django.db import connection

    from zicht.linkage import prefilter
    from zicht.linkage.services import _fields_json

    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    with connection.cursor() as cur, _without_indexes(cur):
        raw = cur.cursor
        cols = "id, signal_id, organisation_id, key_id, spec_version, bloom, fields, prefilter, created_at, expires_on"  # fmt: skip
        with raw.copy(f"COPY linkage_indexentry ({cols}) FROM STDIN") as cp:
            for i, p in enumerate(items, start_id):
                cp.write_row((i, uuid.UUID(int=i), i % 10 + 1, KEY.key_id, p.spec_version,
                              p.v1.bloom, json.dumps(_fields_json(p.v2)), prefilter.pack(p.v2),
                              now, today + dt.timedelta(days=365)))  # fmt: skip
        with raw.copy("COPY linkage_exacttoken (entry_id, token) FROM STDIN") as cp:
            for i, p in enumerate(items, start_id):
                for t in p.v1.exact_tokens:
                    cp.write_row((i, t))
        # pprl-1 rows repeat the filter, pprl-2 rows the first-pass bytes (``_store``).
        cols = "entry_id, token, bloom, pprl2_entry, prefilter"
        with raw.copy(f"COPY linkage_blocktoken ({cols}) FROM STDIN") as cp:
            for i, p in enumerate(items, start_id):
                for t in p.v1.block_tokens:
                    cp.write_row((i, t, p.v1.bloom, True, b""))
                first = prefilter.pack(p.v2)
                for t in p.v2.block_tokens:
                    cp.write_row((i, t, b"", True, first))
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")


_TABLES = ("linkage_indexentry", "linkage_exacttoken", "linkage_blocktoken")


@contextlib.contextmanager
def _without_indexes(cur):
    """Bulk load: drop the three tables' secondary indexes and foreign keys, COPY, then
    make them again (at 10^6 entries some 12 million block rows: maintaining the indexes
    and checking each row's foreign key during COPY took most of an hour)."""
    tables = list(_TABLES)
    cur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)", [tables])  # fmt: skip
    fks = cur.fetchall()
    cur.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND "
        "i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
        [tables])  # fmt: skip
    indexes = cur.fetchall()
    for table, name, _ in fks:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    yield
    for _, definition in indexes:
        cur.execute(definition)
    for table, name, definition in fks:
        cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def previous_candidates_v2(*, entry, enc) -> dict:
    """``services._candidates_v2`` of commit c46e84e: every block member's stored JSON is
    read and compared with ``pprl2.compare``, without a first pass."""
    from zicht.linkage.constants import SPEC_PPRL2
    from zicht.linkage.models import BlockToken, IndexEntry
    from zicht.linkage.services import _candidate_v2
    from zicht.pprl import pprl2
    from zicht.pprl.pprl2 import Encoding2

    queries = [(None, enc.block_tokens)] + [(p, p.block_tokens) for p in enc.probes]
    rows = BlockToken.objects.filter(
        token__in={t for _, tokens in queries for t in tokens}, pprl2_entry=True, bloom=b""
    ).exclude(entry_id=entry.pk)
    members: dict[str, set[int]] = {}
    for token, pk in rows.values_list("token", "entry_id"):
        members.setdefault(token, set()).add(pk)
    pks = set().union(*members.values()) if members else set()
    others = (
        IndexEntry.objects.filter(pk__in=list(pks), key_id=entry.key_id, spec_version=SPEC_PPRL2)
        .exclude(signal_id=entry.signal_id)
        .values_list("pk", "signal_id", "organisation_id", "fields")
    )
    found: dict = {}
    rank = {"match": 0, "possible": 1}
    for pk, signal_id, organisation_id, data in sorted(others, key=lambda r: r[0]):
        other = Encoding2.from_json(data)
        best = None
        for probe, tokens in queries:
            if not any(pk in members.get(t, ()) for t in tokens):
                continue
            ev = pprl2.compare(enc, other, probe=probe)
            decision = pprl2.decide(ev)
            if decision and (best is None or rank[decision] < rank[best[0]]):
                best = (decision, ev)
        if best is not None:
            found[signal_id] = _candidate_v2(signal_id, organisation_id, *best)
    return found


def main_candidates_v2(*, entry, enc) -> dict:
    """The pprl-2 part of the lookup of commit e41b832 (main before the first-pass bytes
    were kept in the block rows): the block rows joined to the entries for key, own
    signal and first-pass bytes, so every block member costs a visit to the entries'
    heap; then the same first pass and decisions."""
    from django.db import connection

    from zicht.linkage import prefilter
    from zicht.linkage.constants import SPEC_PPRL2
    from zicht.linkage.models import IndexEntry
    from zicht.linkage.services import _candidate_v2, _uuid, _v2_queries

    queries = _v2_queries(enc)
    tokens = sorted({t for _, ts in queries for t in ts})
    with connection.cursor() as cur:
        cur.execute(
            "SELECT b.token, b.entry_id, e.signal_id, e.organisation_id, e.prefilter "
            "FROM linkage_blocktoken b CROSS JOIN linkage_indexentry e "
            "WHERE b.token = ANY(%s) AND b.pprl2_entry = %s AND b.bloom = %s "
            "AND e.id = b.entry_id AND e.key_id = %s AND e.spec_version = %s "
            "AND e.signal_id <> %s",
            [tokens, True, b"", entry.key_id, SPEC_PPRL2, entry.signal_id],
        )
        rows = cur.fetchall()
    members: dict[str, set[int]] = {}
    meta: dict[int, tuple] = {}
    packed: dict[int, bytes] = {}
    for token, pk, signal_id, organisation_id, bits in rows:
        members.setdefault(token, set()).add(pk)
        if pk not in meta:
            meta[pk] = (_uuid(signal_id), organisation_id)
            if len(bits) == prefilter.PREFILTER_BYTES:
                packed[pk] = bytes(bits)
    todo: dict[int, list] = {}
    for probe, ts in queries:
        cand = sorted({pk for t in ts for pk in members.get(t, ())} & meta.keys())
        plain = [pk for pk in cand if pk not in packed]
        screened = [pk for pk in cand if pk in packed]
        if screened:
            keep = prefilter.can_link(
                prefilter.query(enc, probe), prefilter.matrix([packed[pk] for pk in screened])
            )
            plain += [pk for pk, ok in zip(screened, keep.tolist(), strict=True) if ok]
        for pk in plain:
            todo.setdefault(pk, []).append(probe)
    from zicht.pprl import pprl2
    from zicht.pprl.pprl2 import Encoding2

    fields = dict(IndexEntry.objects.filter(pk__in=list(todo)).values_list("pk", "fields"))
    found: dict = {}
    rank = {"match": 0, "possible": 1}
    for pk in sorted(todo):
        data = fields.get(pk)
        if data is None:
            continue
        other = Encoding2.from_json(data)
        best = None
        for probe in todo[pk]:
            ev = pprl2.compare(enc, other, probe=probe)
            decision = pprl2.decide(ev)
            if decision and (best is None or rank[decision] < rank[best[0]]):
                best = (decision, ev)
        if best is not None:
            signal_id, organisation_id = meta[pk]
            found[signal_id] = _candidate_v2(signal_id, organisation_id, *best)
    return found


def main_pprl2(args) -> None:
    """``--spec zicht-pprl-2``: an index of pprl-2 entries; the pprl-2 part of a lookup
    (``services._candidates_v2``, with the first pass) and the whole ``_candidates`` of a
    new pprl-2 signal, and (``--previous``) the lookup before the first pass
    (``previous_candidates_v2``, seconds per signal at 10^6). Interleaved twice; previous
    and first pass must find the same candidates and decisions."""
    t = time.perf_counter()
    items = pseudonyms(max(args.sizes) + args.queries, cache=args.encodings)
    print(f"encoded {len(items):,} records (both specs) in {time.perf_counter() - t:.0f}s")
    setup_django(args.database_url, keep=args.keep_database)
    from zicht.linkage import services
    from zicht.linkage.services import Pseudonyms

    items = [Pseudonyms(v1, v2) for v1, v2 in items]
    queries, items = items[-args.queries :], items[: -args.queries]
    entry = SimpleNamespace(pk=0, key_id=KEY.key_id, signal_id=uuid.uuid4())
    lookups = (
        ("pprl-2 part, previous c46e84e", lambda p: previous_candidates_v2(entry=entry, enc=p.v2)),
        ("pprl-2 part, main e41b832", lambda p: main_candidates_v2(entry=entry, enc=p.v2)),
        ("pprl-2 part (_candidates_v2)", lambda p: services._candidates_v2(entry=entry, enc=p.v2)),
        ("whole lookup (_candidates)",
         lambda p: services._candidates(entry=entry, encoding=p.v1, v2=p.v2)),
    )[0 if args.previous else 1 :]  # fmt: skip
    done = 0
    for size in sorted(args.sizes):
        t = time.perf_counter()
        if not args.keep_database:
            fill2(items[done:size], done + 1)
        print(f"(filled to {size:,} entries in {time.perf_counter() - t:.0f}s)", file=sys.stderr)
        done = size
        with _busy(args.busy_other_core):
            _time_pprl2(size, lookups, queries)
    if args.library_sizes:
        _time_library(args, args.library_sizes, [p.v2 for p in items], [p.v2 for p in queries])


def main_library(args) -> None:
    """``--library``: the library path, no database. An ``Index2`` of N zicht-pprl-2
    encodings (``zicht.pprl.index2``: block members, first pass, compare the survivors),
    timed against the lookup without a first pass (every block member compared, as
    ``link2`` would: on the first ``--plain-queries`` queries only, it takes a second or
    more at 10^6). Both must give the same decisions."""
    t = time.perf_counter()
    items = pseudonyms(max(args.sizes) + args.queries, cache=args.encodings)
    print(f"encoded {len(items):,} records (both specs) in {time.perf_counter() - t:.0f}s")
    queries = [v2 for _, v2 in items[-args.queries :]]
    encs = [v2 for _, v2 in items[: -args.queries]]
    del items
    _time_library(args, args.sizes, encs, queries)


def _time_library(args, sizes, encs, queries) -> None:
    from zicht.pprl.index2 import Index2

    for size in sorted(sizes):
        t = time.perf_counter()
        index = Index2(capacity=size)
        index.add_many(enumerate(encs[:size]))
        print(f"(Index2 of {size:,} entries in {time.perf_counter() - t:.0f}s)", file=sys.stderr)
        blocks: dict[str, list[int]] = {}
        for i, e in enumerate(encs[:size]):
            for tok in e.block_tokens:
                blocks.setdefault(tok, []).append(i)
        lookups = (
            ("Index2.query (first pass)", index.query, queries),
            ("every block member compared", functools.partial(_every_member, blocks, encs),
             queries[: args.plain_queries]),
        )  # fmt: skip
        with _busy(args.busy_other_core):
            _time_pprl2(size, lookups, None)


def _every_member(blocks: dict[str, list[int]], encs, enc) -> list:
    """The lookup of one record without a first pass (``link2``'s blocking)."""
    from zicht.pprl import pprl2

    rank = {"match": 0, "possible": 1}
    best: dict[int, tuple] = {}
    for probe, tokens in [(None, enc.block_tokens), *((p, p.block_tokens) for p in enc.probes)]:
        for i in sorted({i for tok in tokens for i in blocks.get(tok, ())}):
            ev = pprl2.compare(enc, encs[i], probe=probe)
            d = pprl2.decide(ev)
            if d and (i not in best or rank[d] < rank[best[i][0]]):
                best[i] = (d, ev)
    return [(i, *best[i]) for i in sorted(best)]


def _busy(on: bool):
    """Pinned to CPU 0 with CPU 1 kept busy (``benchmarks/linkage.py``), or nothing."""
    if not on:
        return contextlib.nullcontext()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from linkage import _BusyOtherCore

    return _BusyOtherCore()


def _time_pprl2(size: int, lookups, queries) -> None:
    """Each lookup twice, interleaved; with ``queries`` None each lookup brings its own
    (label, function, queries) and the shorter list's results are compared."""
    print("| index entries | lookup | queries | p50 ms | p95 ms | candidates per lookup | load average |")  # fmt: skip
    print("|---|---|---|---|---|---|---|", flush=True)
    if queries is not None:
        lookups = tuple((label, fn, queries) for label, fn in lookups)
    results = {}
    for label, fn, qs in lookups * 2:
        fn(qs[0])  # warm up
        lat, found = [], []
        for p in qs:
            t = time.perf_counter()
            found.append(fn(p))
            lat.append((time.perf_counter() - t) * 1000)
        results.setdefault(label, found)
        per = sum(map(len, found)) / len(qs)
        p50, p95 = float(np.percentile(lat, 50)), float(np.percentile(lat, 95))
        print(f"| {size:,} | {label} | {len(qs)} | {p50:.2f} | {p95:.2f} | {per:.2f} | "
              f"{os.getloadavg()[0]:.2f} |", flush=True)  # fmt: skip
    # Every lookup but the whole one must find the same (on the queries they share).
    parts = [found for label, found in results.items() if not label.startswith("whole")]
    n = min(map(len, parts))
    print("same candidates and decisions:", all(f[:n] == parts[0][:n] for f in parts), flush=True)


def cached_encodings(path: str):
    """Encodings from a ``benchmarks/linkage.py --cache-dir`` bulk file (same key)."""
    import pickle

    from zicht.pprl.encoding import Encoding, Probe
    from zicht.pprl.spec import SPEC_VERSION

    with open(path, "rb") as fh:
        parts = pickle.load(fh)
    return [
        Encoding(SPEC_VERSION, KEY.key_id, ex, bloom, blocks, tuple(Probe(*p) for p in probes), bsn)
        for _seed, rows in parts
        for _rid, _ent, ex, bloom, blocks, probes, bsn, _plain in rows
    ]


def setup_django(database_url: str, keep: bool = False) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    if not keep:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "zicht.conf.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "linkage", verbosity=0)


def fill(encs, start_id: int) -> None:
    """Append encodings to the index with COPY (what ``services._store`` writes)."""
    from django.db import connection

    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    with connection.cursor() as cur:
        raw = cur.cursor
        cols = "id, signal_id, organisation_id, key_id, spec_version, bloom, prefilter, created_at, expires_on"  # fmt: skip
        with raw.copy(f"COPY linkage_indexentry ({cols}) FROM STDIN") as cp:
            for i, e in enumerate(encs, start_id):
                cp.write_row((i, uuid.UUID(int=i), i % 10 + 1, e.key_id, e.spec_version, e.bloom,
                              b"", now, today + dt.timedelta(days=365)))  # fmt: skip
        with raw.copy("COPY linkage_exacttoken (entry_id, token) FROM STDIN") as cp:
            for i, e in enumerate(encs, start_id):
                for t in e.exact_tokens:
                    cp.write_row((i, t))
        # Each block row repeats its entry's filter (what ``services._store`` writes).
        cols = "entry_id, token, bloom, pprl2_entry, prefilter"
        with raw.copy(f"COPY linkage_blocktoken ({cols}) FROM STDIN") as cp:
            for i, e in enumerate(encs, start_id):
                for t in e.block_tokens:
                    cp.write_row((i, t, e.bloom, False, b""))
        cur.execute("VACUUM ANALYZE")


def previous_candidates(*, entry, encoding) -> dict:
    """``_candidates`` of commit f2eeea2: the block query joins the entries for key, own
    signal and filter, so every block member costs a visit to the entries' heap."""
    from zicht.linkage.models import BlockToken, ExactToken, IndexEntry
    from zicht.pprl import fuzzy

    found = {}
    for signal_id, organisation_id in (
        ExactToken.objects.filter(token__in=encoding.exact_tokens, entry__key_id=entry.key_id)
        .exclude(entry__signal_id=entry.signal_id)
        .values_list("entry__signal_id", "entry__organisation_id")
        .distinct()
    ):
        found[signal_id] = (organisation_id, True)
    queries = encoding.all_queries()
    rows = (
        BlockToken.objects.filter(
            token__in={t for _, tokens in queries for t in tokens}, entry__key_id=entry.key_id
        )
        .exclude(entry__signal_id=entry.signal_id)
        .values_list("token", "entry_id", "entry__bloom")
    )
    members, blooms = {}, {}
    for token, pk, bloom in rows:
        members.setdefault(token, []).append(pk)
        blooms[pk] = bloom
    strong_of = {}
    for bloom, tokens in queries:
        pks = sorted({pk for t in tokens for pk in members.get(t, ())} - strong_of.keys())
        if pks:
            scores = fuzzy.dice_many(bloom, fuzzy.blooms_to_matrix([blooms[pk] for pk in pks]))
            for pk, score in zip(pks, scores.tolist(), strict=True):
                if score >= fuzzy.POSSIBLE_THRESHOLD:
                    strong_of[pk] = score >= fuzzy.MATCH_THRESHOLD
    hits = IndexEntry.objects.filter(pk__in=list(strong_of)).values_list(
        "pk", "signal_id", "organisation_id"
    )
    for _pk, signal_id, organisation_id in sorted(hits):
        found.setdefault(signal_id, (organisation_id, False))
    return found


def time_lookups(fn, queries) -> tuple[float, float, float, set]:
    entry = SimpleNamespace(pk=0, key_id=KEY.key_id, signal_id=uuid.uuid4())
    fn(entry=entry, encoding=queries[0])  # warm up
    lat, found = [], set()
    for q, e in enumerate(queries):
        t = time.perf_counter()
        found |= {(q, signal_id) for signal_id in fn(entry=entry, encoding=e)}
        lat.append((time.perf_counter() - t) * 1000)
    p50, p95 = float(np.percentile(lat, 50)), float(np.percentile(lat, 95))
    return p50, p95, len(found) / len(queries), found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--database-url", default="postgres://zicht:zicht@127.0.0.1:5432/zicht_lookup_bench")  # fmt: skip
    ap.add_argument("--from-cache", help="bulk encodings written by benchmarks/linkage.py")
    ap.add_argument("--keep-database", action="store_true",
                    help="time against the index a previous run left (one size: its size)")  # fmt: skip
    ap.add_argument("--spec", choices=["zicht-pprl-1", "zicht-pprl-2"], default="zicht-pprl-1")
    ap.add_argument("--encodings", help="zicht-pprl-2: pickle of the encodings (made once)")
    ap.add_argument("--previous", action="store_true",
                    help="zicht-pprl-2: also time the lookup before the first pass")  # fmt: skip
    ap.add_argument("--busy-other-core", action="store_true",
                    help="zicht-pprl-2: pin to CPU 0 and keep CPU 1 busy while timing")  # fmt: skip
    ap.add_argument("--library", action="store_true",
                    help="zicht-pprl-2: the in-memory Index2, no database")  # fmt: skip
    ap.add_argument("--library-sizes", type=int, nargs="*", default=[],
                    help="zicht-pprl-2: after the database, the library path at these sizes "
                    "(same encodings, read once)")  # fmt: skip
    ap.add_argument("--plain-queries", type=int, default=30,
                    help="--library: queries for the lookup without a first pass")  # fmt: skip
    args = ap.parse_args()
    if args.library:
        main_library(args)
        return
    if args.spec == "zicht-pprl-2":
        main_pprl2(args)
        return
    t = time.perf_counter()
    if args.from_cache:
        encs = cached_encodings(args.from_cache)
    else:
        encs = encodings(max(args.sizes) + args.queries)
    print(f"encoded {len(encs):,} records in {time.perf_counter() - t:.0f}s", flush=True)
    queries, encs = encs[-args.queries :], encs[: -args.queries]
    setup_django(args.database_url, keep=args.keep_database)
    from zicht.linkage import services

    print("| index entries | lookup | p50 ms | p95 ms | candidates per lookup | load average |")
    print("|---|---|---|---|---|---|", flush=True)
    done = 0
    for size in sorted(args.sizes):
        t = time.perf_counter()
        if not args.keep_database:
            fill(encs[done:size], done + 1)
        print(f"(filled to {size:,} entries in {time.perf_counter() - t:.0f}s)", file=sys.stderr)
        done = size
        found = {}
        # Interleaved, so both see the same load; the same candidates are required.
        for label, fn in (("previous f2eeea2", previous_candidates),
                          ("current", services._candidates)) * 2:  # fmt: skip
            p50, p95, per, found[label] = time_lookups(fn, queries)
            print(f"| {size:,} | {label} | {p50:.1f} | {p95:.1f} | {per:.2f} | "
                  f"{os.getloadavg()[0]:.2f} |", flush=True)  # fmt: skip
        if found["current"] != found["previous f2eeea2"]:
            print("NOTE: the current lookup found other candidates than the previous one")


if __name__ == "__main__":
    main()
