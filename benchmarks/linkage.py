"""Benchmark and calibration of zicht.linkage (zicht-pprl-1).

    PYTHONPATH=src .venv/bin/python benchmarks/linkage.py            # full (~10 min)
    PYTHONPATH=src .venv/bin/python benchmarks/linkage.py --quick    # smoke (~1 min)

Prints: encoding throughput; calibration of MATCH/POSSIBLE thresholds on synthetic noisy
identities with precision/recall/F1 against a plaintext rapidfuzz Jaro–Winkler baseline
(thresholds chosen on one population, evaluated on another); exact and fuzzy lookup
latency p50/p95 (blocked query and full-scan query_all); bulk deduplication time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import pickle
import platform
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from linkage_eval import baseline_scores, encode_records, pprl_scores, sweep  # noqa: E402

from zicht.pprl import fuzzy  # noqa: E402
from zicht.pprl.bulk import link_sources  # noqa: E402
from zicht.pprl.encoding import Encoding, Probe, encode  # noqa: E402
from zicht.pprl.keys import PseudonymKey  # noqa: E402
from zicht.pprl.normalise import first_given, surname_core  # noqa: E402
from zicht.pprl.spec import BLOOM_BITS, BLOOM_BYTES, SPEC_VERSION  # noqa: E402
from zicht.simulation.identities import (  # noqa: E402
    canonical_pair,
    make_population,
    precision_recall_f1,
    true_pairs,
)

KEY = PseudonymKey.from_bytes(bytes(range(32)))
GRID = [round(x, 2) for x in np.arange(0.70, 1.0001, 0.01)]


def pct(values, q):
    return float(np.percentile(np.asarray(values), q))


def section(title):
    print(f"\n### {title}", flush=True)


# --- encoding throughput -------------------------------------------------------------


#: The encoder before the fast path (commit "encode: cached per-bigram filter words"):
#: timed side by side with the current one, so the machine's load affects both alike.
BASELINE_REV = "eca647a"


def _encoder_at(rev):
    """The ``encode`` function of zicht-pprl-1 as it was at git revision ``rev``
    (imports pointed at the package that holds the current encoder), or None."""
    import subprocess
    import types

    root = Path(__file__).resolve().parents[1]
    package = encode.__module__.rsplit(".", 1)[0]
    try:
        source = subprocess.run(
            ["git", "show", f"{rev}:src/zicht/linkage/encoding.py"],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType(f"baseline_encoding_{rev}")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(
        compile(source.replace("zicht.linkage", package), module.__name__, "exec"), module.__dict__
    )
    return module.encode


def bench_encoding(n, rounds=3):
    """Identities per second on one core: the baseline revision's ``encode`` and the
    current one, interleaved (best of ``rounds``; caches warmed on the
    same identities first). Wall-clock and CPU time (``time.process_time``) are both
    reported: on a shared machine the CPU time is what the process itself spent."""
    recs = make_population(n, dup_rate=0.0, seed=11)
    idents = [r.identity for r in recs]
    contenders = [("encode", lambda xs: [encode(i, KEY) for i in xs])]
    old = _encoder_at(BASELINE_REV)
    if old is None:
        print(f"(baseline {BASELINE_REV} not available: no git checkout)")
    else:
        contenders.insert(0, (f"baseline {BASELINE_REV}", lambda xs: [old(i, KEY) for i in xs]))
    for _, fn in contenders:
        fn(idents[: n // 10])
    best, best_cpu = {}, {}
    for _ in range(rounds):
        for label, fn in contenders:
            t, c = time.perf_counter(), time.process_time()
            fn(idents)
            wall, cpu = time.perf_counter() - t, time.process_time() - c
            best[label] = max(best.get(label, 0.0), len(idents) / wall)
            best_cpu[label] = max(best_cpu.get(label, 0.0), len(idents) / cpu)
    for label, rate in best.items():
        print(f"{label}: {rate:,.0f} identities/s wall clock, {best_cpu[label]:,.0f} per CPU "
              f"second, one core (best of {rounds} x {n:,})")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.2f}")
    return best["encode"]


def bench_encoding2(n, rounds=2):
    """zicht-pprl-2 ``encode2`` against the plain transcription it replaced
    (tests/pprl/reference_pprl2.py), interleaved: a cold pass (fresh caches, so every
    name under every anchor is new) and warm passes over the same identities."""
    import datetime as dt

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.pprl.reference_pprl2 import reference_encode2

    from zicht.pprl import pprl2

    today = dt.date(2026, 6, 1)
    idents = [r.identity for r in make_population(n, dup_rate=0.0, seed=12)]
    contenders = [
        ("plain transcription", lambda i: reference_encode2(i, KEY, today)),
        ("encode2", lambda i: pprl2.encode2(i, KEY, today=today)),
    ]
    pprl2._KEYS.clear()
    for r in range(1 + rounds):
        for label, fn in contenders:
            t, c = time.perf_counter(), time.process_time()
            for ident in idents:
                fn(ident)
            rate = len(idents) / (time.perf_counter() - t)
            cpu = len(idents) / (time.process_time() - c)
            phase = "cold" if r == 0 else "warm"
            print(f"encode2 {label}, {phase}: {rate:,.0f} identities/s wall clock, "
                  f"{cpu:,.0f} per CPU second, one core ({n:,})")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.2f}")


# --- calibration & quality -----------------------------------------------------------


def choose_thresholds(rows, min_precision=0.99, min_recall=0.99):
    """MATCH: the lowest threshold whose precision ('exact or Dice >= t') reaches
    ``min_precision`` (a false 'match' links two different children, a missed one still
    shows up as 'possible'); POSSIBLE: the highest threshold <= MATCH whose recall of
    'match or possible' reaches ``min_recall``. Also returns the F1-optimal threshold."""
    f1_best = max(rows, key=lambda r: (r[3], r[0]))
    precise = [r for r in rows if r[1] >= min_precision]
    match_t = min(r[0] for r in precise) if precise else f1_best[0]
    ok = [r for r in rows if r[0] <= match_t and r[2] >= min_recall]
    possible_t = max(r[0] for r in ok) if ok else min(r[0] for r in rows)
    return match_t, possible_t, f1_best


def quality(n_entities):
    out = {}
    cal = make_population(n_entities, seed=1)
    test = make_population(n_entities, seed=2)
    for name, recs in (("calibration", cal), ("test", test)):
        truth = true_pairs(recs)
        t = time.perf_counter()
        enc = encode_records(recs, KEY)
        sc, ex, comps = pprl_scores(enc)
        t_pprl = time.perf_counter() - t
        t = time.perf_counter()
        bs_naive, bex = baseline_scores(recs, swap_aware=False)
        bs_swap, _ = baseline_scores(recs, swap_aware=True)
        bs_date, _ = baseline_scores(recs, swap_aware=True, same_day_month=True)
        t_base = time.perf_counter() - t
        out[name] = (recs, truth, sc, ex, bs_naive, bs_swap, bs_date, bex, comps)
        print(
            f"{name}: {len(recs)} records, {len(truth)} true pairs, {comps:,} blocked "
            f"comparisons; encode+link {t_pprl:.1f}s, baseline {t_base:.1f}s"
        )
    recs, truth, sc, ex, bn, bsw, bdt, bex, _ = out["calibration"]
    rows = sweep(sc, ex, truth, GRID)
    match_t, possible_t, f1_best = choose_thresholds(rows)
    base_naive_t = max(sweep(bn, bex, truth, GRID), key=lambda r: r[3])[0]
    base_swap_t = max(sweep(bsw, bex, truth, GRID), key=lambda r: r[3])[0]
    base_date_t = max(sweep(bdt, bex, truth, GRID), key=lambda r: r[3])[0]
    print(
        f"calibrated on seed 1: MATCH={match_t:.2f} (lowest with precision >= 0.99) "
        f"POSSIBLE={possible_t:.2f} (highest with recall >= 0.99); F1-optimal threshold "
        f"{f1_best[0]:.2f} (F1 {f1_best[3]:.4f}); shipped MATCH={fuzzy.MATCH_THRESHOLD:.2f} "
        f"POSSIBLE={fuzzy.POSSIBLE_THRESHOLD:.2f}"
    )
    if (match_t, possible_t) != (fuzzy.MATCH_THRESHOLD, fuzzy.POSSIBLE_THRESHOLD):
        print("NOTE: calibrated thresholds differ from the shipped constants")
    print(
        "\ncalibration sweep (seed 1): threshold | PPRL P R F1 | JW swap-aware P R F1"
        " | JW swap-aware, same day/month P R F1"
    )
    drows = sweep(bdt, bex, truth, GRID)
    brows = sweep(bsw, bex, truth, GRID)
    for r, b, d in zip(rows, brows, drows, strict=True):
        if r[0] >= 0.80:
            print(
                f"  {r[0]:.2f} | {r[1]:.4f} {r[2]:.4f} {r[3]:.4f} | {b[1]:.4f} {b[2]:.4f} {b[3]:.4f}"
                f" | {d[1]:.4f} {d[2]:.4f} {d[3]:.4f}"
            )

    recs, truth, sc, ex, bn, bsw, bdt, bex, _ = out["test"]
    m_t, p_t = fuzzy.MATCH_THRESHOLD, fuzzy.POSSIBLE_THRESHOLD
    match_pred = ex | {p for p, s in sc.items() if s >= m_t}
    any_pred = ex | {p for p, s in sc.items() if s >= p_t}
    res = {
        "pprl_match": precision_recall_f1(match_pred, truth),
        "pprl_match_or_possible": precision_recall_f1(any_pred, truth),
        "pprl_exact_only": precision_recall_f1(ex, truth),
        "jw_naive": precision_recall_f1(
            bex | {p for p, s in bn.items() if s >= base_naive_t}, truth
        ),
        "jw_swap": precision_recall_f1(
            bex | {p for p, s in bsw.items() if s >= base_swap_t}, truth
        ),
        "jw_date": precision_recall_f1(
            bex | {p for p, s in bdt.items() if s >= base_date_t}, truth
        ),
    }
    print(f"\nheld-out test population (seed 2), shipped thresholds MATCH={m_t} POSSIBLE={p_t}:")
    print("| method | threshold | precision | recall | F1 |")
    print("|---|---|---|---|---|")
    labels = {
        "pprl_match": ("zicht-pprl-1: exact tokens or Dice >= MATCH ('match')", f"{m_t:.2f}"),
        "pprl_match_or_possible": ("zicht-pprl-1: 'match' or 'possible'", f"{p_t:.2f}"),
        "pprl_exact_only": ("zicht-pprl-1: exact tokens only", "-"),
        "jw_naive": ("plaintext JW 'given surname' + BSN", f"{base_naive_t:.2f}"),
        "jw_swap": ("plaintext JW, swap-aware + BSN", f"{base_swap_t:.2f}"),
        "jw_date": ("plaintext JW, swap-aware, same day/month + BSN", f"{base_date_t:.2f}"),
    }
    for k, (label, thr) in labels.items():
        p, r, f = res[k]
        print(f"| {label} | {thr} | {p:.4f} | {r:.4f} | {f:.4f} |")
    best_base = max(res["jw_naive"][2], res["jw_swap"][2], res["jw_date"][2])
    print(f"F1 difference vs best plaintext baseline: {res['pprl_match'][2] - best_base:+.4f}")
    return res


# --- lookup latency ----------------------------------------------------------------


def synthetic_index_data(n, rng):
    """n random balanced filters (a random 256-bit base followed by its complement:
    exactly 256 of 512 bits set) with the real keyed block tokens of random birth dates
    in 2003-2014 (day <= 12 adds the swapped month, as the encoder does). Real
    encodings are not needed to time a popcount scan; the block sizes are realistic."""
    from zicht.pprl.encoding import _encoder

    words = BLOOM_BITS // 128
    base = rng.integers(0, 2**63, size=(n, words), dtype=np.int64).view(np.uint64)
    base ^= rng.integers(0, 2, size=(n, words), dtype=np.int64).view(np.uint64) << np.uint64(63)
    blooms = np.ascontiguousarray(np.hstack([base, ~base]))
    enc = _encoder(KEY)
    years = rng.integers(2003, 2015, n)
    months = rng.integers(1, 13, n)
    days = rng.integers(1, 29, n)
    tokens = []
    for y, m, d in zip(years.tolist(), months.tolist(), days.tolist(), strict=True):
        t = {enc.block(y, m)}
        if d <= 12:
            t.add(enc.block(y, d))
        tokens.append(tuple(t))
    return blooms, tokens


def _spin(stop):
    """Keep one core busy (pure Python arithmetic) until ``stop`` is set."""
    while not stop.is_set():
        sum(i * i for i in range(10_000))


class _BusyOtherCore:
    """Pin this process to CPU 0 and keep CPU 1 busy with a spinning process: the lookup
    goal is "one core while the other core is busy"."""

    def __enter__(self):
        self.affinity = os.sched_getaffinity(0)
        ctx = mp.get_context("fork")
        self.stop = ctx.Event()
        self.proc = ctx.Process(target=_spin, args=(self.stop,), daemon=True)
        self.proc.start()
        os.sched_setaffinity(self.proc.pid, {1})
        os.sched_setaffinity(0, {0})
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.proc.join(5)
        os.sched_setaffinity(0, self.affinity)


def bench_lookup(n, n_queries, rng, busy_other_core=False):
    t = time.perf_counter()
    blooms, tokens = synthetic_index_data(n, rng)
    print(f"generated {n:,} synthetic balanced filters in {time.perf_counter() - t:.1f}s")
    # Plant real encodings so queries have true neighbours.
    recs = make_population(n_queries, dup_rate=1.0, seed=5)
    enc = encode_records(recs, KEY)
    base = [e for (_, e), r in zip(enc, recs, strict=True)]
    ix = fuzzy.FuzzyIndex(capacity=n)
    t = time.perf_counter()
    raw = blooms.tobytes()
    ix.add_many(
        (i, raw[i * BLOOM_BYTES : (i + 1) * BLOOM_BYTES], tokens[i]) for i in range(n - len(base))
    )
    ix.add_many((n - len(base) + j, e.bloom, e.block_tokens) for j, e in enumerate(base))
    print(f"FuzzyIndex.add_many of {len(ix):,} entries: {time.perf_counter() - t:.1f}s")
    queries = base[:n_queries]
    # Exact tokens: an in-memory dict (the Django side uses a DB index).
    exact = {}
    for i in range(n):
        exact[f"{i:032x}"] = i
    for j, e in enumerate(base):
        for tok in e.exact_tokens:
            exact[tok] = n - len(base) + j
    lat = []
    for e in queries:
        t = time.perf_counter_ns()
        _ = [exact.get(tok) for tok in e.exact_tokens]
        lat.append((time.perf_counter_ns() - t) / 1e6)
    print(
        f"exact token lookup (dict, {len(exact):,} tokens): p50 {pct(lat, 50):.4f} ms, p95 {pct(lat, 95):.4f} ms"
    )
    res = {"exact_p50": pct(lat, 50), "exact_p95": pct(lat, 95)}
    ix.query(queries[0].bloom, queries[0].block_tokens, 0.8)  # warm up / JIT
    ix.query_all(queries[0].bloom, 0.8)
    if busy_other_core:
        with _BusyOtherCore():
            print(f"pinned to CPU 0, CPU 1 kept busy; load average {os.getloadavg()[0]:.2f}")
            return _time_queries(ix, queries, n, res)
    return _time_queries(ix, queries, n, res)


def _time_queries(ix, queries, n, res):
    """p50/p95 of the fuzzy lookups, and the numpy full scan for reference."""
    for label, fn in (
        (
            "query (blocked, own year; cold: first touch builds each block's contiguous copy)",
            lambda e: ix.query(e.bloom, e.block_tokens, fuzzy.POSSIBLE_THRESHOLD),
        ),
        (
            "query (blocked, own year; warm)",
            lambda e: ix.query(e.bloom, e.block_tokens, fuzzy.POSSIBLE_THRESHOLD),
        ),
        (
            "query_encoding (blocked, ±1 year)",
            lambda e: ix.query_encoding(e, fuzzy.POSSIBLE_THRESHOLD),
        ),
        ("query_all (full scan)", lambda e: ix.query_all(e.bloom, fuzzy.POSSIBLE_THRESHOLD)),
    ):
        lat = []
        hits = 0
        for e in queries:
            t = time.perf_counter_ns()
            r = fn(e)
            lat.append((time.perf_counter_ns() - t) / 1e6)
            hits += len(r)
        p50, p95 = pct(lat, 50), pct(lat, 95)
        extra = f", {n / (p50 / 1000):,.0f} comparisons/s at p50" if "full" in label else ""
        print(
            f"fuzzy {label} at {n:,} entries: p50 {p50:.2f} ms, p95 {p95:.2f} ms ({hits / len(queries):.1f} hits/query{extra})"
        )
        res[label] = (p50, p95)
    # Reference: plain numpy popcount full scan.
    q = np.frombuffer(queries[0].bloom, np.uint64)
    m = ix._matrix[: len(ix)]
    lat = []
    for _ in range(10):
        t = time.perf_counter_ns()
        np.bitwise_count(m & q).sum(axis=1)
        lat.append((time.perf_counter_ns() - t) / 1e6)
    print(f"reference: numpy bitwise_count full scan at {n:,}: p50 {pct(lat, 50):.1f} ms")
    res["numpy_p50"] = pct(lat, 50)
    return res


# --- bulk deduplication ----------------------------------------------------------------


def _encode_chunk(args):
    n, seed, offset = args
    recs = make_population(n, dup_rate=0.1, seed=seed, entity_offset=offset)
    out = []
    for r in recs:
        e = encode(r.identity, KEY)
        i = r.identity
        # Normalised name + birth date (kept in memory only) to analyse false matches.
        plain = f"{first_given(i.given_names)}|{surname_core(i.surname)}|{i.date_of_birth}"
        out.append((f"{seed}-{r.record_id}", r.entity_id, e.exact_tokens, e.bloom, e.block_tokens,
                    [(p.year_offset, p.bloom, p.block_tokens) for p in e.probes], e.bsn_token, plain))  # fmt: skip
    return seed, out


def bench_bulk(n_entities, processes, cache_dir=None, organisations=1):
    per = 25_000
    jobs = [
        (min(per, n_entities - i), 1000 + k, i) for k, i in enumerate(range(0, n_entities, per))
    ]
    # The file name carries a fingerprint of the current encoder output, so a changed
    # encoder never reuses stale encodings.
    probe_id = make_population(3, seed=1)[0].identity
    code_fp = hashlib.sha256(json.dumps(encode(probe_id, KEY).to_json()).encode()).hexdigest()[:10]
    name = f"bulk-{SPEC_VERSION}-{code_fp}-{n_entities}.pickle"
    cache = Path(cache_dir) / name if cache_dir else None
    t_enc = None
    if cache is not None and cache.exists():
        with open(cache, "rb") as fh:
            parts = pickle.load(fh)
        print(f"loaded cached encodings from {cache} (encoding not timed in this run)")
    else:
        t = time.perf_counter()
        with mp.get_context("fork").Pool(processes) as pool:
            parts = pool.map(_encode_chunk, jobs)
        t_enc = time.perf_counter() - t
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            with open(cache, "wb") as fh:
                pickle.dump(parts, fh, protocol=pickle.HIGHEST_PROTOCOL)
    records = []
    truth_ent = []
    plain_of = {}
    for _seed, rows in parts:
        for rid, ent, ex, bloom, blocks, probes, bsn_token, plain in rows:
            plain_of[rid] = plain
            records.append((rid, Encoding(SPEC_VERSION, KEY.key_id, ex, bloom, blocks,
                                          tuple(Probe(*p) for p in probes), bsn_token)))  # fmt: skip
            truth_ent.append(ent)
    n = len(records)
    if t_enc is not None:
        print(f"generated and encoded {n:,} records ({n_entities:,} people, 10% with noisy "
              f"duplicates) with {processes} processes in {t_enc:.1f}s = {n / t_enc:,.0f} records/s")  # fmt: skip
    if organisations > 1:
        # Each record is held by one of the organisations (a stable hash of its id),
        # so most duplicates of a person sit in two different organisations' files.
        by_org = [[] for _ in range(organisations)]
        for rec in records:
            by_org[int(hashlib.sha256(rec[0].encode()).hexdigest()[:8], 16) % organisations].append(rec)  # fmt: skip
        sources = by_org
        what = f"cross-organisation linkage ({organisations} organisations)"
    else:
        sources = [records]
        what = "dedup"
    t = time.perf_counter()
    stats = {}
    pairs = link_sources(sources, threads=2, stats=stats)
    dt = time.perf_counter() - t
    by_ent = {}
    for (rid, _), ent in zip(records, truth_ent, strict=True):
        by_ent.setdefault(ent, []).append(rid)
    truth = {
        canonical_pair(a, b)
        for ids in by_ent.values()
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
    }
    if organisations > 1:  # only pairs across organisations can be found
        org_of = {rid: k for k, recs in enumerate(sources) for rid, _ in recs}
        truth = {pair for pair in truth if org_of[pair[0]] != org_of[pair[1]]}
    pred = {canonical_pair(p.id_a, p.id_b) for p in pairs if p.decision == "match"}
    p, r, f = precision_recall_f1(pred, truth)
    print(f"bulk {what} (link_sources, 2 threads) of {n:,} records: {dt:.1f}s "
          f"(load average {os.getloadavg()[0]:.2f}); "
          f"{len(pairs):,} pairs; {stats['comparisons']:,} Dice comparisons "
          f"({stats['comparisons'] / dt:,.0f}/s overall); match-decision P={p:.4f} R={r:.4f} F1={f:.4f}")  # fmt: skip
    exact_pred = {
        canonical_pair(x.id_a, x.id_b) for x in pairs if x.decision == "match" and x.score == 1.0
    }
    pe, re_, _ = precision_recall_f1(exact_pred, truth)
    false = pred - truth
    twins = sum(1 for a, b in false if plain_of[a] == plain_of[b])
    print(f"  of {len(false):,} false 'match' pairs, {twins:,} are different synthetic people with "
          f"identical normalised first given name, surname and birth date (indistinguishable "
          f"for any name+date method); score-1.0 pairs: P={pe:.4f} R={re_:.4f}; "
          f"{len(truth):,} true pairs")  # fmt: skip
    return n, dt, t_enc, (p, r, f)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="small sizes, ~1 minute")
    ap.add_argument("--index-size", type=int, default=None)
    ap.add_argument("--skip-1m-bulk", action="store_true", help="skip the 1,000,000 dedup")
    ap.add_argument(
        "--busy-other-core",
        action="store_true",
        help="lookup: pin to CPU 0 and keep CPU 1 busy while timing the queries",
    )
    ap.add_argument(
        "--cache-dir",
        default=None,
        help="keep the generated bulk encodings here and reuse them (the key is fixed)",
    )
    ap.add_argument(
        "--organisations",
        type=int,
        nargs="+",
        default=[1, 10],
        help="bulk: link as one file (1: deduplicate) and/or split over N organisations",
    )
    ap.add_argument(
        "--only",
        choices=["encoding", "quality", "lookup", "bulk"],
        action="append",
        help="run only these sections (repeatable)",
    )
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    random.seed(7)
    print(f"## zicht.linkage benchmark ({SPEC_VERSION}, {BLOOM_BITS}-bit balanced filters)")
    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
          f"{'quick' if args.quick else 'full'} run")  # fmt: skip
    only = set(args.only or ["encoding", "quality", "lookup", "bulk"])
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    if "encoding" in only:
        section("Encoding throughput")
        bench_encoding(2_000 if args.quick else 30_000)
        bench_encoding2(1_000 if args.quick else 10_000)
    if "quality" in only:
        section("Linkage quality")
        quality(3_000 if args.quick else 20_000)
    if "lookup" in only:
        section("Lookup latency")
        n_index = args.index_size or (200_000 if args.quick else 1_000_000)
        bench_lookup(n_index, 200 if args.quick else 1_000, rng, args.busy_other_core)
    if "bulk" in only:
        section("Bulk deduplication")
        sizes = [20_000] if args.quick else [91_000, 910_000]
        if args.skip_1m_bulk:
            sizes = sizes[:1]
        for s in sizes:
            for orgs in args.organisations:
                bench_bulk(s, 2, args.cache_dir, organisations=orgs)
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
