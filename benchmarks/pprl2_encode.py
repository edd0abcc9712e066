"""zicht-pprl-2 encoding throughput on one core: ``encode2`` (one identity at a time)
against the batch encoder ``encode2_many``, side by side.

    PYTHONPATH=src .venv/bin/python benchmarks/pprl2_encode.py [--n 100000] [--old-n 20000]
        [--json] [--million] [--heldout] [--base-src OTHER/src --rounds 3] [--cli 20000]

Every measurement runs in a fresh process pinned to CPU 0 (``cold``: empty caches,
numba kernels loaded from their on-disk cache), then repeats the same identities in that
process (``warm``). The identities come from ``zicht.simulation.identities`` (seed 12, no
duplicates) and are made before the clock starts. Prints identities per second (wall
clock and per CPU second) and the load average before and after each run; the old
encoder runs on the first ``--old-n`` identities so the pair fits in a few minutes.
With ``--json`` the batch results are also serialised as the ``encode`` command writes
them (one JSON line each), timed separately.

Side by side with another checkout (``--base-src``, e.g. ``main`` in a second worktree):
the batch encoder of that checkout and of this one run alternately, ``--rounds`` times,
each in a fresh process pinned to CPU 0, on the same identities (``--heldout``: the
independent generator of ``benchmarks/heldout_identities.py``, seed 5); every process
prints a SHA-256 of its JSON lines, and the run stops if the two differ. ``--cli N``
does the same for the ``encode`` command end to end (process start, CSV, JSON lines)
on N held-out identities, and compares the output files byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The source tree under test: this checkout's, or another's for a side-by-side run.
SRC = os.environ.get("PPRL2_ENCODE_SRC", str(ROOT / "src"))
sys.path.insert(0, SRC)
sys.path.insert(1, str(ROOT / "benchmarks"))

from zicht.pprl import pprl2  # noqa: E402
from zicht.pprl._pprl2_fast import _usable, encode2_many  # noqa: E402
from zicht.pprl.cli import _json_line2  # noqa: E402
from zicht.pprl.encoding import EncodingError, Identity  # noqa: E402
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


def _heldout(n: int) -> list[Identity]:
    """``n`` records of the independent held-out generator (seed 5)."""
    from heldout_identities import population  # noqa: PLC0415 - only for --heldout

    records = population(n * 3 // 4 + 10, seed=5)[:n]
    return [
        Identity(r.given_names, r.surname, r.date_of_birth, r.sex, r.bsn, r.municipality)
        for r in records
    ]


def _identities(n: int, heldout: bool) -> list[Identity]:
    if heldout:
        return _heldout(n)
    return [r.identity for r in make_population(n, dup_rate=0.0, seed=12)][:n]


def _digest(out) -> str:
    """SHA-256 of the results as JSON lines (an error as its field and reason)."""
    h = hashlib.sha256()
    for k, e in enumerate(out):
        text = (
            f"{e.field}:{e.reason}\n" if isinstance(e, EncodingError) else _json_line2(f"r{k}", e)
        )
        h.update(text.encode())
    return h.hexdigest()


def child(which: str, n: int, passes: int, with_json: bool, heldout: bool = False) -> None:
    os.sched_setaffinity(0, {0})
    identities = _identities(n, heldout)
    fn = {"old": _old, "new": _new, "new-discard": _new_discarding}[which]
    load_cpu = 0.0
    if which != "old":
        # The first compiled call of the process loads numba and the kernels' cache
        # (timed apart from the passes; the passes load the remaining kernels).
        c = time.process_time()
        assert _usable(), "compiled HMAC unavailable: the batch would fall back to encode2"
        load_cpu = time.process_time() - c
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
            "kernel_load_cpu": load_cpu if p == 0 else 0.0,
        }
        if heldout and out is not None:
            row["sha256"] = _digest(out)
            row["src"] = SRC
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


def _side_by_side(base_src: str, n: int, rounds: int, passes: int) -> list[dict]:
    """The batch encoder of ``base_src`` and of this checkout, alternately, on the same
    held-out identities; their outputs must be the same bytes."""
    rows = []
    for _ in range(rounds):
        for label, src in (("before", base_src), ("after", str(ROOT / "src"))):
            env = {**os.environ, "PPRL2_ENCODE_SRC": src, "PYTHONPATH": src}
            cmd = [sys.executable, __file__, "--child", "new", "--passes", str(passes)]
            cmd += ["--n", str(n), "--heldout"]
            res = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
            for line in res.stdout.splitlines():
                if line.startswith("{"):
                    rows.append({**json.loads(line), "label": label})
    digests = {r["sha256"] for r in rows}
    if len(digests) != 1:
        raise SystemExit(f"outputs differ between the checkouts: {sorted(digests)}")
    return rows


def _cli_side_by_side(base_src: str | None, n: int, rounds: int) -> list[dict]:
    """``python -m zicht.pprl encode --spec zicht-pprl-2`` of both checkouts on the
    same CSV of ``n`` held-out identities, alternately, pinned to CPU 0; CPU time from
    the children's rusage. The output files must be byte for byte the same."""
    tmp = Path(tempfile.mkdtemp(prefix="pprl2-encode-"))
    key_file = tmp / "key.hex"
    key_file.write_text(KEY.to_hex() + "\n")
    with open(tmp / "in.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "given_names", "surname", "date_of_birth", "sex", "bsn", "municipality"])
        for k, p in enumerate(_heldout(n)):
            dob = p.date_of_birth.isoformat() if p.date_of_birth else ""
            w.writerow([f"r{k}", p.given_names, p.surname, dob, p.sex, p.bsn, p.municipality])
    srcs = [("before", base_src)] if base_src else []
    srcs.append(("after", str(ROOT / "src")))
    rows, outputs = [], {}
    for r in range(rounds):
        for label, src in srcs:
            out = tmp / f"{label}-{r}.jsonl"
            cmd = ["taskset", "-c", "0", sys.executable, "-m", "zicht.pprl", "encode"]
            cmd += ["--spec", "zicht-pprl-2", "--key-file", str(key_file), "--quiet"]
            cmd += ["--in", str(tmp / "in.csv"), "--out", str(out)]
            load = os.getloadavg()[0]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, check=False, env={**os.environ, "PYTHONPATH": src})
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            outputs.setdefault(out.read_bytes(), []).append(out.name)
            rows.append(
                {"label": label, "n": n, "wall": wall, "cpu": cpu, "load": load}
                | {"load_after": os.getloadavg()[0]}
            )
    if len(outputs) != 1:
        raise SystemExit(f"encode outputs differ: {list(outputs.values())}")
    return rows


def _print_side_by_side(rows: list[dict], cli_rows: list[dict]) -> None:
    if rows:
        print(
            "| checkout | pass | identities | per s, wall clock | per CPU second "
            "| numba + kernel cache load before the pass, CPU s | load |"
        )
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            print(
                f"| {r['label']} | {r['phase']} | {r['n']:,} | {r['per_s_wall']:,.0f} | "
                f"{r['per_s_cpu']:,.0f} | {r['kernel_load_cpu']:.2f} | "
                f"{r['load_before']:.1f} / {r['load_after']:.1f} |"
            )
        print(f"outputs identical (sha256 {rows[0]['sha256'][:16]}...)")
    if cli_rows:
        print("| checkout | rows | wall s | CPU s | rows per CPU second | load |")
        print("|---|---|---|---|---|---|")
        for r in cli_rows:
            print(
                f"| {r['label']} | {r['n']:,} | {r['wall']:.2f} | {r['cpu']:.2f} | "
                f"{r['n'] / r['cpu']:,.0f} | {r['load']:.1f} / {r['load_after']:.1f} |"
            )
        print("encode outputs byte for byte identical")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="identities for the batch encoder")
    ap.add_argument("--old-n", type=int, default=20_000, help="identities for encode2")
    ap.add_argument("--passes", type=int, default=2, help="passes per process (1 cold)")
    ap.add_argument("--json", action="store_true", help="also time the JSON lines")
    ap.add_argument("--million", action="store_true", help="also 1,000,000 identities (batch only)")
    ap.add_argument("--heldout", action="store_true", help="held-out identities (seed 5)")
    ap.add_argument("--base-src", help="src/ of another checkout: side by side with it")
    ap.add_argument("--rounds", type=int, default=3, help="alternations for --base-src")
    ap.add_argument("--cli", type=int, default=0, help="also the encode command on N rows")
    ap.add_argument("--child", choices=["old", "new", "new-discard"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        n = args.old_n if args.child == "old" else args.n
        child(args.child, n, args.passes, args.json and args.child == "new", args.heldout)
        return
    if args.base_src or args.cli:
        rows = []
        if args.base_src and args.n:  # --n 0: the encode command only
            rows = _side_by_side(args.base_src, args.n, args.rounds, args.passes)
        cli_rows = _cli_side_by_side(args.base_src, args.cli, args.rounds) if args.cli else []
        _print_side_by_side(rows, cli_rows)
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
