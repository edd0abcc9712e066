"""zicht-pprl-2 encoding throughput on one core: ``encode2`` (one identity at a time)
against the batch encoder ``encode2_many``, side by side.

    PYTHONPATH=src .venv/bin/python benchmarks/pprl2_encode.py [--n 100000] [--old-n 20000]
        [--json] [--million]

Every measurement runs in a fresh process pinned to CPU 0 (``cold``: empty caches,
numba kernels loaded from their on-disk cache), then repeats the same identities in that
process (``warm``). The identities come from ``zicht.simulation.identities`` (seed 12, no
duplicates) and are made before the clock starts. Prints identities per second (wall
clock and per CPU second) and the load average before and after each run; the old
encoder runs on the first ``--old-n`` identities so the pair fits in a few minutes.
With ``--json`` the batch results are also serialised as the ``encode`` command writes
them (one JSON line each), timed separately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zicht.pprl import pprl2  # noqa: E402
from zicht.pprl._pprl2_fast import _usable, encode2_many  # noqa: E402
from zicht.pprl.cli import _json_line2  # noqa: E402
from zicht.pprl.encoding import EncodingError  # noqa: E402
from zicht.pprl.keys import PseudonymKey  # noqa: E402
from zicht.simulation.identities import make_population  # noqa: E402

KEY = PseudonymKey.from_bytes(bytes(range(32)))
TODAY = dt.date(2026, 6, 1)


def _old(identities):
    for identity in identities:
        try:
            pprl2.encode2(identity, KEY, today=TODAY)
        except EncodingError:
            pass


def _new(identities):
    return encode2_many(identities, KEY, today=TODAY)


def _new_discarding(identities):
    """The batch encoder over slices of 100,000, results dropped (as the ``encode``
    command writes them out): for a million identities without holding a million
    encodings."""
    for start in range(0, len(identities), 100_000):
        encode2_many(identities[start : start + 100_000], KEY, today=TODAY)


def child(which: str, n: int, passes: int, with_json: bool) -> None:
    os.sched_setaffinity(0, {0})
    identities = [r.identity for r in make_population(n, dup_rate=0.0, seed=12)][:n]
    fn = {"old": _old, "new": _new, "new-discard": _new_discarding}[which]
    if which != "old":
        assert _usable(), "compiled HMAC unavailable: the batch would fall back to encode2"
    for p in range(passes):
        load = os.getloadavg()[0]
        t, c = time.perf_counter(), time.process_time()
        out = fn(identities)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        row = {
            "encoder": "encode2 (one at a time)" if which == "old" else "encode2_many (batch)",
            "slices": which == "new-discard",
            "phase": "cold" if p == 0 else "warm",
            "n": len(identities),
            "per_s_wall": len(identities) / wall,
            "per_s_cpu": len(identities) / cpu,
            "load_before": load,
            "load_after": os.getloadavg()[0],
        }
        if with_json and out is not None:
            t = time.perf_counter()
            for e in out:
                if not isinstance(e, EncodingError):
                    _json_line2("r1", e)
            row["json_per_s_wall"] = len(identities) / (time.perf_counter() - t)
        print(json.dumps(row), flush=True)


def _run(which: str, n: int, passes: int, with_json: bool) -> list[dict]:
    cmd = [sys.executable, __file__, "--child", which, "--passes", str(passes)]
    cmd += ["--old-n" if which == "old" else "--n", str(n)]
    if with_json:
        cmd.append("--json")
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="identities for the batch encoder")
    ap.add_argument("--old-n", type=int, default=20_000, help="identities for encode2")
    ap.add_argument("--passes", type=int, default=2, help="passes per process (1 cold)")
    ap.add_argument("--json", action="store_true", help="also time the JSON lines")
    ap.add_argument("--million", action="store_true", help="also 1,000,000 identities (batch only)")
    ap.add_argument("--child", choices=["old", "new", "new-discard"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        n = args.old_n if args.child == "old" else args.n
        child(args.child, n, args.passes, args.json and args.child == "new")
        return
    rows = []
    rows += _run("old", args.old_n, args.passes, False)
    rows += _run("new", args.old_n, args.passes, args.json)
    if args.n != args.old_n:
        rows += _run("new", args.n, args.passes, args.json)
    if args.million:
        rows += _run("new-discard", 1_000_000, args.passes, False)
    print(
        "| encoder | pass | identities | per s, wall clock | per CPU second | load before/after |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        extra = f"; JSON lines {r['json_per_s_wall']:,.0f}/s" if "json_per_s_wall" in r else ""
        extra += " (slices of 100,000, results dropped)" if r["slices"] else ""
        print(
            f"| {r['encoder']} | {r['phase']} | {r['n']:,} | {r['per_s_wall']:,.0f} | "
            f"{r['per_s_cpu']:,.0f}{extra} | {r['load_before']:.1f} / {r['load_after']:.1f} |"
        )


if __name__ == "__main__":
    main()
