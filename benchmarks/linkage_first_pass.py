"""The numpy and the compiled first pass of a zicht-pprl-2 lookup, side by side
(``zicht.pprl.prefilter.can_link_numpy`` / ``can_link``), interleaved in one process,
pinned to CPU 0 with CPU 1 spinning; wall clock and the process's own CPU time.

    # the platform: fresh identities against an index benchmarks/linkage_lookup.py left
    .venv/bin/python benchmarks/linkage_first_pass.py platform \\
        --database-url postgres://zicht:zicht@127.0.0.1:5432/zicht_lookup_1e6
    # the library: Index2 of the encodings linkage_lookup.py --encodings wrote
    .venv/bin/python benchmarks/linkage_first_pass.py library --encodings /tmp/pprl2-1m.pickle
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import linkage_lookup as ll  # noqa: E402

from linkage import _BusyOtherCore  # noqa: E402
from zicht.pprl import prefilter  # noqa: E402


def _interleaved(size: int, label: str, run, queries, swap) -> None:
    print("| index entries | lookup | queries | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms | load average |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|", flush=True)
    passes = (("numpy first pass", prefilter.can_link_numpy), ("compiled first pass", prefilter.can_link))  # fmt: skip
    with _BusyOtherCore():
        for rnd in (1, 2):
            found = {}
            for name, fn in passes:
                swap(fn)
                wall, cpu, out = [], [], []
                for q in queries:
                    t, c = time.perf_counter(), time.process_time()
                    out.append(run(q))
                    wall.append((time.perf_counter() - t) * 1e3)
                    cpu.append((time.process_time() - c) * 1e3)
                found[name] = out
                p = [float(np.percentile(x, k)) for x in (wall, cpu) for k in (50, 95)]
                print(f"| {size:,} | {label}, {name}, run {rnd} | {len(queries)} | "
                      + " | ".join(f"{v:.2f}" for v in p) + f" | {os.getloadavg()[0]:.2f} |", flush=True)  # fmt: skip
            print("same candidates and decisions:", len({repr(v) for v in found.values()}) == 1)
    swap(prefilter.can_link)


def platform(args) -> None:
    """``services._candidates_v2`` of fresh identities (not in the index)."""
    from zicht.pprl.pprl2 import encode2
    from zicht.simulation.identities import make_population

    ll.setup_django(args.database_url, keep=True)
    from django.db import connection

    from zicht.linkage import prefilter as app_prefilter
    from zicht.linkage import services

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM linkage_indexentry")
        (size,) = cur.fetchone()
    people = make_population(args.queries + 50, dup_rate=0.0, seed=424243, entity_offset=6_000_000)
    encs = [encode2(r.identity, ll.KEY) for r in people if r.identity.date_of_birth]
    encs = encs[: args.queries]
    entry = SimpleNamespace(pk=0, key_id=ll.KEY.key_id, signal_id=uuid.uuid4())
    for e in encs[:3]:
        services._candidates_v2(entry=entry, enc=e)  # warm up

    def swap(fn):
        app_prefilter.can_link = fn

    run = lambda e: services._candidates_v2(entry=entry, enc=e)  # noqa: E731
    _interleaved(size, "pprl-2 part", run, encs, swap)


def library(args) -> None:
    """``Index2.query`` on the first ``--size`` encodings of the pickle, every block's
    contiguous copy made first (warm)."""
    from zicht.pprl.index2 import Index2

    items = ll.pseudonyms(args.size + args.queries, cache=args.encodings)
    queries = [v2 for _, v2 in items[-args.queries :]]
    index = Index2(capacity=args.size)
    index.add_many((i, p[1]) for i, p in enumerate(items[: args.size]))
    del items
    for q in queries:
        index.query(q)

    def swap(fn):
        prefilter.can_link = fn

    _interleaved(args.size, "Index2.query", index.query, queries, swap)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    ap.add_argument("path", choices=["platform", "library"])
    ap.add_argument("--database-url", default="postgres://zicht:zicht@127.0.0.1:5432/zicht_lookup_1e6")  # fmt: skip
    ap.add_argument("--encodings", help="library: pickle written by linkage_lookup.py --encodings")
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=150)
    args = ap.parse_args()
    platform(args) if args.path == "platform" else library(args)


if __name__ == "__main__":
    main()
