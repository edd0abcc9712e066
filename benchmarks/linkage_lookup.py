"""Latency of the platform's fuzzy lookup: the path a new signal takes to find its
candidates in the person index (``zicht.linkage.services._candidates``: exact tokens,
then block tokens of the own year and the ±1-year probes, scored with the Dice kernel).

Fills a throw-away PostgreSQL database with N real encodings of synthetic people
(``zicht.simulation.identities``, 10% with noisy duplicates, births 2003-2014, written with
COPY as ``signal_index`` would store them), then times ``_candidates`` for Q encodings
that are not in the index (a tenth of them have a duplicate inside) and prints p50/p95
with the machine's load average.

    .venv/bin/python benchmarks/linkage_lookup.py --sizes 100000 1000000 --queries 300 \\
        --database-url postgres://zicht:zicht@127.0.0.1:5432/zicht_lookup_bench
"""

from __future__ import annotations

import argparse
import datetime as dt
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
        cols = "id, signal_id, organisation_id, key_id, spec_version, bloom, created_at, expires_on"
        with raw.copy(f"COPY linkage_indexentry ({cols}) FROM STDIN") as cp:
            for i, e in enumerate(encs, start_id):
                cp.write_row((i, uuid.UUID(int=i), i % 10 + 1, e.key_id, e.spec_version, e.bloom,
                              now, today + dt.timedelta(days=365)))  # fmt: skip
        for table, attr in (("linkage_exacttoken", "exact_tokens"), ("linkage_blocktoken", "block_tokens")):  # fmt: skip
            with raw.copy(f"COPY {table} (entry_id, token) FROM STDIN") as cp:
                for i, e in enumerate(encs, start_id):
                    for t in getattr(e, attr):
                        cp.write_row((i, t))
        cur.execute("ANALYZE")


def baseline_candidates(*, entry, encoding) -> dict:
    """``_candidates`` before this benchmark was written (commit eca647a): joins from
    the entries of the key, one query per birth year, DISTINCT over the filters."""
    from zicht.linkage.models import IndexEntry
    from zicht.pprl import fuzzy

    others = IndexEntry.objects.filter(key_id=entry.key_id).exclude(signal_id=entry.signal_id)
    found = {}
    for signal_id, organisation_id in (
        others.filter(exact_tokens__token__in=encoding.exact_tokens)
        .values_list("signal_id", "organisation_id")
        .distinct()
    ):
        found[signal_id] = (organisation_id, True)
    for bloom, blocks in encoding.all_queries():
        rows = list(
            others.filter(block_tokens__token__in=blocks)
            .exclude(signal_id__in=list(found))
            .values_list("signal_id", "organisation_id", "bloom")
            .distinct()
        )
        if rows:
            scores = fuzzy.dice_many(bloom, fuzzy.blooms_to_matrix([bytes(r[2]) for r in rows]))
            for (signal_id, organisation_id, _), score in zip(rows, scores.tolist(), strict=True):
                if score >= fuzzy.POSSIBLE_THRESHOLD and signal_id not in found:
                    found[signal_id] = (organisation_id, False)
    return found


def time_lookups(fn, queries) -> tuple[float, float, float, set]:
    entry = SimpleNamespace(key_id=KEY.key_id, signal_id=uuid.uuid4())
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
    args = ap.parse_args()
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
        for label, fn in (("baseline eca647a", baseline_candidates),
                          ("current", services._candidates)) * 2:  # fmt: skip
            p50, p95, per, found[label] = time_lookups(fn, queries)
            print(f"| {size:,} | {label} | {p50:.1f} | {p95:.1f} | {per:.2f} | "
                  f"{os.getloadavg()[0]:.2f} |", flush=True)  # fmt: skip
        if found["current"] != found["baseline eca647a"]:
            print("NOTE: the current lookup found other candidates than the baseline")


if __name__ == "__main__":
    main()
