"""Bulk linkage (deduplication or cross-source linkage) of zicht-pprl-1 encodings.

Candidate pairs come from shared keyed block tokens (birth year-month, with day/month
swaps, and the birth date) and, for the ±1-year tolerance, from each record's -1 and +1
year probes against the neighbouring years' blocks. Every candidate pair is scored with the numba popcount Dice kernel
on two threads (the kernel releases the GIL). Exact-token agreement is always a match.
"""

from __future__ import annotations

import gc
import itertools
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from zicht.pprl import _popcount as kern
from zicht.pprl import fuzzy
from zicht.pprl.encoding import Encoding, EncodingError

__all__ = ["LinkedPair", "link", "link_arrays", "link_sources"]

ProgressFn = Callable[[str, int, int], None]


class LinkedPair(NamedTuple):
    id_a: str
    id_b: str
    score: float
    decision: str  # "match" | "possible"


@dataclass
class FuzzyPairs:
    """Result of :func:`link_arrays`: record indices a < b and their best Dice."""

    a: np.ndarray
    b: np.ndarray
    score: np.ndarray
    comparisons: int
    #: True where the pair was found through a ±1-year probe (different birth years).
    via_probe: np.ndarray


def _csr(codes_per_record: Sequence[Sequence[int]], n_blocks: int) -> tuple[np.ndarray, np.ndarray]:
    """Block -> members as CSR arrays (offsets of length n_blocks + 1, member indices)."""
    n = len(codes_per_record)
    lengths = np.fromiter((len(c) for c in codes_per_record), np.int64, n)
    total = int(lengths.sum())
    flat = np.fromiter(itertools.chain.from_iterable(codes_per_record), np.int64, total)
    recs = np.repeat(np.arange(n, dtype=np.int64), lengths)
    order = np.argsort(flat, kind="stable")
    offsets = np.zeros(n_blocks + 1, np.int64)
    if total:
        offsets[1:] = np.cumsum(np.bincount(flat, minlength=n_blocks))
    return offsets, recs[order]


def link_arrays(
    main: np.ndarray,
    main_blocks: Sequence[Sequence[int]],
    n_blocks: int,
    *,
    probe: np.ndarray | None = None,
    probe_blocks: Sequence[Sequence[int]] | None = None,
    probe_owner: np.ndarray | None = None,
    source: np.ndarray | None = None,
    threshold: float,
    threads: int | None = None,
    progress: ProgressFn | None = None,
) -> FuzzyPairs:
    """Low-level blocked all-pairs Dice.

    ``main`` is an (n, words) uint64 matrix of filters; ``main_blocks[i]`` the integer
    block codes (0..n_blocks-1) of record i. ``probe``/``probe_blocks`` are the ±1-year
    probe filters and their block codes (optional); probe row p belongs to record
    ``probe_owner[p]`` (default: record p). With ``source`` given, only pairs from
    different sources are compared. Returns unique pairs (a < b) with best score.
    """
    n = main.shape[0]
    main = np.ascontiguousarray(main, dtype=np.uint64)
    if probe is None:
        probe = np.zeros((0, main.shape[1]), np.uint64)
        probe_blocks = []
    probe = np.ascontiguousarray(probe, dtype=np.uint64)
    if probe_owner is None:
        probe_owner = np.arange(probe.shape[0], dtype=np.int64)
    probe_owner = np.ascontiguousarray(probe_owner, dtype=np.int64)
    if (
        probe_blocks is None
        or probe_owner.shape[0] != probe.shape[0]
        or len(probe_blocks) != probe.shape[0]
    ):
        raise ValueError("probe, probe_blocks and probe_owner must have the same length")
    cross_only = source is not None
    src = np.zeros(n, np.int32) if source is None else np.asarray(source, np.int32)
    b_off, b_mem = _csr(main_blocks, n_blocks)
    p_off, p_mem = _csr(probe_blocks, n_blocks)
    main_counts = kern.popcounts(main)
    probe_counts = kern.popcounts(probe)

    sizes = np.diff(b_off)
    psizes = np.diff(p_off)
    work = sizes * (sizes - 1) // 2 + psizes * sizes
    total_work = int(work.sum())
    # Split the blocks into chunks of roughly equal work (for progress and threads).
    n_chunks = max(1, min(n_blocks, 64))
    cum = np.cumsum(work)
    bounds = [0]
    for c in range(1, n_chunks):
        cut = int(np.searchsorted(cum, total_work * c / n_chunks))
        if cut > bounds[-1]:
            bounds.append(cut)
    bounds.append(n_blocks)
    chunks = [
        (bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1) if bounds[i] < bounds[i + 1]
    ]

    def run(chunk: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        b0, b1 = chunk
        parts_a, parts_b, parts_s, parts_p = [], [], [], []
        cap = 4096
        while b0 < b1:
            oa = np.empty(cap, np.int64)
            ob = np.empty(cap, np.int64)
            os_ = np.empty(cap, np.float64)
            op = np.empty(cap, np.uint8)
            m, nxt = kern.block_pairs(
                main, main_counts, probe, probe_counts, probe_owner, src, cross_only,
                b_off, b_mem, p_off, p_mem, b0, b1, float(threshold), oa, ob, os_, op,
            )  # fmt: skip
            parts_a.append(oa[:m])
            parts_b.append(ob[:m])
            parts_s.append(os_[:m])
            parts_p.append(op[:m])
            if nxt == b0 and m == 0:
                cap *= 4  # one block alone overflowed the buffer
            b0 = nxt
        return (
            np.concatenate(parts_a),
            np.concatenate(parts_b),
            np.concatenate(parts_s),
            np.concatenate(parts_p),
        )

    threads = threads or min(2, os.cpu_count() or 1)
    results = []
    done_work = 0
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for (b0, b1), res in zip(chunks, pool.map(run, chunks), strict=True):
            results.append(res)
            done_work += int(work[b0:b1].sum())
            if progress is not None:
                progress("comparing", done_work, total_work)
    if results:
        a = np.concatenate([r[0] for r in results])
        b = np.concatenate([r[1] for r in results])
        s = np.concatenate([r[2] for r in results])
        pf = np.concatenate([r[3] for r in results])
    else:
        a = b = np.empty(0, np.int64)
        s = np.empty(0, np.float64)
        pf = np.empty(0, np.uint8)
    lo = np.minimum(a, b)
    hi = np.maximum(a, b)
    key = lo * max(n, 1) + hi
    # Keep the best score per unique pair.
    order = np.lexsort((-s, key))
    key, lo, hi, s, pf = key[order], lo[order], hi[order], s[order], pf[order]
    first = np.ones(key.shape[0], bool)
    first[1:] = key[1:] != key[:-1]
    return FuzzyPairs(lo[first], hi[first], s[first], total_work, pf[first].astype(bool))


def link_sources(
    sources: Sequence[Sequence[tuple[str, Encoding]]],
    *,
    match_threshold: float | None = None,
    possible_threshold: float | None = None,
    year_tolerance: bool = True,
    threads: int | None = None,
    progress: ProgressFn | None = None,
    stats: dict | None = None,
) -> list[LinkedPair]:
    """Link records. One source: deduplicate it. Several: pairs across sources only.

    Each record is ``(record_id, Encoding)``; all encodings must share spec version and
    key id. Pairs are returned with ``id_a``/``id_b`` in input order (a's source first),
    sorted by decision, descending score, ids.
    """
    match_t = fuzzy.MATCH_THRESHOLD if match_threshold is None else match_threshold
    poss_t = fuzzy.POSSIBLE_THRESHOLD if possible_threshold is None else possible_threshold
    if poss_t > match_t:
        raise ValueError("possible_threshold must not exceed match_threshold")
    # Millions of small objects are created below; the cyclic garbage collector would
    # rescan all of them repeatedly (nothing here creates reference cycles).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _link_sources(sources, match_t, poss_t, year_tolerance, threads, progress, stats)
    finally:
        if gc_was_enabled:
            gc.enable()


class _Records(NamedTuple):
    """All records of all sources in one list, in input order."""

    ids: list[str]
    encodings: list[Encoding]
    source: np.ndarray  # source index of each record
    cross: bool  # several sources: only pairs across sources count


def _gather(sources: Sequence[Sequence[tuple[str, Encoding]]]) -> _Records:
    ids: list[str] = []
    encs: list[Encoding] = []
    src: list[int] = []
    for s_idx, records in enumerate(sources):
        for rid, enc in records:
            ids.append(str(rid))
            encs.append(enc)
            src.append(s_idx)
    if len({e.key_id for e in encs}) > 1:
        raise EncodingError("key_id: encodings were made with different keys", "key_id")
    return _Records(ids, encs, np.asarray(src, np.int32), len(sources) > 1)


class _Blocks(NamedTuple):
    """Inputs of :func:`link_arrays`: filters and integer block codes."""

    main: np.ndarray
    main_blocks: list[list[int]]
    n_blocks: int
    probe: np.ndarray | None
    probe_blocks: list[list[int]] | None
    probe_owner: np.ndarray | None


def _blocks(encs: Sequence[Encoding], year_tolerance: bool) -> _Blocks:
    """Number the block tokens; with ``year_tolerance`` keep each record's ±1-year
    probes whose tokens some record is indexed under (others cannot produce pairs)."""
    code_of: dict[str, int] = {}
    main_blocks = [[code_of.setdefault(t, len(code_of)) for t in e.block_tokens] for e in encs]
    main = fuzzy.blooms_to_matrix(e.bloom for e in encs)
    if not year_tolerance:
        return _Blocks(main, main_blocks, len(code_of), None, None, None)
    p_blooms: list[bytes] = []
    probe_blocks: list[list[int]] = []
    owners: list[int] = []
    for i, e in enumerate(encs):
        for p in e.probes:
            codes = [code_of[t] for t in p.block_tokens if t in code_of]
            if codes:
                p_blooms.append(p.bloom)
                probe_blocks.append(codes)
                owners.append(i)
    probe = (
        fuzzy.blooms_to_matrix(p_blooms) if p_blooms else np.zeros((0, main.shape[1]), np.uint64)
    )
    return _Blocks(
        main, main_blocks, len(code_of), probe, probe_blocks, np.asarray(owners, np.int64)
    )


def _exact_groups(encs: Sequence[Encoding]) -> list[list[int]]:
    """Records sharing an exact token, one list per token held more than once."""
    first_holder: dict[str, int] = {}
    groups: dict[str, list[int]] = {}
    for i, e in enumerate(encs):
        for t in e.exact_tokens:
            j = first_holder.setdefault(t, i)
            if j != i:
                groups.setdefault(t, [j]).append(i)
    return list(groups.values())


def _exact_pairs(groups: list[list[int]], recs: _Records) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (a < b) inside an exact-token group (across sources when linking
    several): an exact match, score 1.0."""
    src = recs.source.tolist()
    los: list[int] = []
    his: list[int] = []
    for members in groups:
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                if a == b or (recs.cross and src[a] == src[b]):
                    continue
                los.append(min(a, b))
                his.append(max(a, b))
    return np.asarray(los, np.int64), np.asarray(his, np.int64)


def _id_ranks(ids: list[str]) -> np.ndarray:
    """Each record id's rank in sorted order (equal ids, equal rank): sorting pairs by
    rank sorts them by id without comparing strings per pair."""
    rank = {rid: r for r, rid in enumerate(sorted(set(ids)))}
    return np.fromiter((rank[rid] for rid in ids), np.int64, len(ids))


def _decide(
    fp: FuzzyPairs, groups: list[list[int]], recs: _Records, match_t: float, poss_t: float
) -> list[LinkedPair]:
    """Decisions, best first. Exact-token agreement is a match; otherwise the best Dice
    decides. Different valid BSNs (different people unless a BSN was mis-recorded) and a
    pair found only across neighbouring birth years (weaker evidence) are lowered from
    ``match`` to ``possible``: left to human review.

    Array work over all candidate pairs (there are millions at national scale): Python
    objects are made only for the pairs returned, already in order."""
    n = len(recs.ids)
    ea, eb = _exact_pairs(groups, recs)
    a = np.concatenate([ea, fp.a.astype(np.int64)])
    b = np.concatenate([eb, fp.b.astype(np.int64)])
    score = np.concatenate([np.ones(ea.shape[0]), fp.score])
    exact = np.concatenate([np.ones(ea.shape[0], bool), np.zeros(fp.a.shape[0], bool)])
    via_probe = np.concatenate([np.zeros(ea.shape[0], bool), fp.via_probe.astype(bool)])
    # One row per pair; an exact-token pair wins over its Dice score (stable sort keeps
    # the exact rows, which come first, in front).
    key = a * max(n, 1) + b
    order = np.argsort(key, kind="stable")
    first = np.ones(order.shape[0], bool)
    first[1:] = key[order][1:] != key[order][:-1]
    keep = order[first]
    a, b, score, exact, via_probe = a[keep], b[keep], score[keep], exact[keep], via_probe[keep]
    is_match = exact | (score >= match_t)
    listed = is_match | (score >= poss_t)
    a, b, score, is_match, via_probe = (
        a[listed],
        b[listed],
        score[listed],
        is_match[listed],
        via_probe[listed],
    )
    bsn_code: dict[str, int] = {}
    bsn = np.fromiter(
        (bsn_code.setdefault(e.bsn_token, len(bsn_code)) if e.bsn_token else -1
         for e in recs.encodings),
        np.int64, n,
    )  # fmt: skip
    conflict = (bsn[a] >= 0) & (bsn[b] >= 0) & (bsn[a] != bsn[b])
    is_match &= ~(conflict | via_probe)
    if recs.cross:
        swap = recs.source[a] > recs.source[b]
        a, b = np.where(swap, b, a), np.where(swap, a, b)
    rounded = [round(x, 6) for x in score.tolist()]
    rank = _id_ranks(recs.ids)
    order = np.lexsort((rank[b], rank[a], -np.asarray(rounded), ~is_match))
    ids = recs.ids
    return [
        LinkedPair(ids[i], ids[j], rounded[k], "match" if m else "possible")
        for k, i, j, m in zip(
            order.tolist(), a[order].tolist(), b[order].tolist(), is_match[order].tolist(),
            strict=True,
        )
    ]  # fmt: skip


def _link_sources(sources, match_t, poss_t, year_tolerance, threads, progress, stats):
    """Gather, block, score (numba), add exact-token pairs, decide."""
    recs = _gather(sources)
    n = len(recs.encodings)
    if n < 2:
        return []
    blocks = _blocks(recs.encodings, year_tolerance)
    if progress is not None:
        progress("blocking", n, n)
    fp = link_arrays(
        blocks.main, blocks.main_blocks, blocks.n_blocks,
        probe=blocks.probe, probe_blocks=blocks.probe_blocks, probe_owner=blocks.probe_owner,
        source=recs.source if recs.cross else None,
        threshold=poss_t, threads=threads, progress=progress,
    )  # fmt: skip
    del blocks
    groups = _exact_groups(recs.encodings)
    if stats is not None:
        stats["comparisons"] = fp.comparisons
        stats["exact_groups"] = len(groups)
    return _decide(fp, groups, recs, match_t, poss_t)


def link(
    records_a: Iterable[tuple[str, Encoding]],
    records_b: Iterable[tuple[str, Encoding]] | None = None,
    **kwargs,
) -> list[LinkedPair]:
    """Deduplicate ``records_a``, or link it against ``records_b`` (cross pairs only).

    Keyword arguments are those of :func:`link_sources` (``match_threshold``,
    ``possible_threshold``, ``year_tolerance``, ``threads``, ``progress``).
    """
    sources = [list(records_a)]
    if records_b is not None:
        sources.append(list(records_b))
    return link_sources(sources, **kwargs)
