"""Evaluation helpers of the linkage tests and benchmarks: encode a synthetic population,
score its blocked pairs with zicht-pprl-1, score the same pairs with a plaintext
Jaro-Winkler baseline (rapidfuzz, a development dependency - which is why these live
here and not under src/), and sweep thresholds.

The populations come from :mod:`zicht.simulation.identities`.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from zicht.pprl.encoding import Identity
from zicht.simulation.identities import (
    SyntheticRecord,
    canonical_pair,
    precision_recall_f1,
)


def encode_records(records: Iterable[SyntheticRecord], key) -> list[tuple[str, object]]:
    from zicht.pprl.encoding import encode

    return [(r.record_id, encode(r.identity, key)) for r in records]


def _probe_arrays(encs: list, code_of: dict[str, int]):
    """The year-tolerance probes of every record that share a block with some record:
    (bloom matrix, block codes per probe, index of the record each probe belongs to)."""
    import numpy as np

    from zicht.pprl import fuzzy

    rows = [
        (i, p.bloom, [code_of[t] for t in p.block_tokens if t in code_of])
        for i, e in enumerate(encs)
        for p in e.probes
    ]
    rows = [r for r in rows if r[2]]
    probe = fuzzy.blooms_to_matrix(b for _, b, _ in rows)
    return probe, [c for _, _, c in rows], np.asarray([i for i, _, _ in rows], np.int64)


def _exact_pairs(encoded: list[tuple[str, object]]) -> set[tuple[str, str]]:
    """Every pair of records that share an exact token (such as the BSN)."""
    by_token: dict[str, list[str]] = {}
    for rid, e in encoded:
        for t in e.exact_tokens:
            by_token.setdefault(t, []).append(rid)
    return {
        canonical_pair(a, b) for members in by_token.values() for a, b in combinations(members, 2)
    }


def pprl_scores(
    encoded: list[tuple[str, object]], floor: float = 0.70, year_tolerance: bool = True
) -> tuple[dict[tuple[str, str], float], set[tuple[str, str]], int]:
    """Blocked Dice scores >= floor and the exact-token pairs of encoded records.

    Returns (scores, exact_pairs, comparisons)."""
    from zicht.pprl import fuzzy
    from zicht.pprl.bulk import link_arrays

    ids = [rid for rid, _ in encoded]
    encs = [e for _, e in encoded]
    code_of: dict[str, int] = {}
    main_blocks = [[code_of.setdefault(t, len(code_of)) for t in e.block_tokens] for e in encs]
    main = fuzzy.blooms_to_matrix(e.bloom for e in encs)
    probe = probe_blocks = owner = None
    if year_tolerance:
        probe, probe_blocks, owner = _probe_arrays(encs, code_of)
    fp = link_arrays(
        main,
        main_blocks,
        len(code_of),
        probe=probe,
        probe_blocks=probe_blocks,
        probe_owner=owner,
        threshold=floor,
    )
    scores = {
        canonical_pair(ids[a], ids[b]): s
        for a, b, s in zip(fp.a.tolist(), fp.b.tolist(), fp.score.tolist(), strict=True)
    }
    return scores, _exact_pairs(encoded), fp.comparisons


def plaintext_blocks(ident: Identity, year_offset: int = 0) -> list[tuple[int, int]]:
    dob = ident.date_of_birth
    months = {dob.month, dob.day} if dob.day <= 12 else {dob.month}
    return [(dob.year + year_offset, m) for m in sorted(months)]


def baseline_scores(
    records: list[SyntheticRecord],
    floor: float = 0.70,
    year_tolerance: bool = True,
    swap_aware: bool = True,
    same_day_month: bool = False,
) -> tuple[dict[tuple[str, str], float], set[tuple[str, str]]]:
    """Plaintext baseline: rapidfuzz Jaro–Winkler similarity of the lower-cased,
    accent-stripped full name 'given_names surname', on the same candidate pairs as the
    encoded linkage (same year-month blocks with day/month swaps; a birth year ±1 with
    the same day and month), plus exact BSN
    agreement. With ``swap_aware`` the score is the maximum over the straight and the
    swapped ('surname given_names') order of the second record. Needs rapidfuzz (dev
    dependency). With ``same_day_month`` a pair also needs the same birth day and month
    (in either order)."""
    import numpy as np
    from rapidfuzz import process
    from rapidfuzz.distance import JaroWinkler

    from zicht.pprl.normalise import fold

    names = [fold(f"{r.identity.given_names} {r.identity.surname}") for r in records]
    swapped = [fold(f"{r.identity.surname} {r.identity.given_names}") for r in records]
    dm = [
        tuple(sorted((r.identity.date_of_birth.month, r.identity.date_of_birth.day)))
        for r in records
    ]
    blocks: dict[tuple[int, int], list[int]] = {}
    for i, r in enumerate(records):
        for b in plaintext_blocks(r.identity):
            blocks.setdefault(b, []).append(i)
    scores: dict[tuple[str, str], float] = {}

    def add(rows: list[int], cols: list[int], same: bool) -> None:
        m = process.cdist(
            [names[i] for i in rows],
            [names[j] for j in cols],
            scorer=JaroWinkler.normalized_similarity,
            score_cutoff=floor,
            dtype=np.float32,
            workers=2,
        )
        if swap_aware:
            m2 = process.cdist(
                [names[i] for i in rows],
                [swapped[j] for j in cols],
                scorer=JaroWinkler.normalized_similarity,
                score_cutoff=floor,
                dtype=np.float32,
                workers=2,
            )
            m = np.maximum(m, m2)
        xs, ys = np.nonzero(m >= floor)
        for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
            a, b = rows[x], cols[y]
            if a == b or (same and a > b):
                continue
            if same_day_month and dm[a] != dm[b]:
                continue
            pair = canonical_pair(records[a].record_id, records[b].record_id)
            s = float(m[x, y])
            if s > scores.get(pair, -1.0):
                scores[pair] = s

    for members in blocks.values():
        add(members, members, True)
    if year_tolerance:
        day_blocks: dict[tuple[int, int, int], list[int]] = {}
        for i, r in enumerate(records):
            day_blocks.setdefault((r.identity.date_of_birth.year, *dm[i]), []).append(i)
        for (y, lo, hi), members in day_blocks.items():
            nxt = day_blocks.get((y + 1, lo, hi))
            if nxt:
                add(members, nxt, False)
    bsn: dict[str, list[str]] = {}
    for r in records:
        if r.identity.bsn:
            bsn.setdefault(r.identity.bsn, []).append(r.record_id)
    exact = {
        canonical_pair(m[i], m[j])
        for m in bsn.values()
        for i in range(len(m))
        for j in range(i + 1, len(m))
    }
    return scores, exact


def sweep(
    scores: dict[tuple[str, str], float],
    exact: set[tuple[str, str]],
    truth: set[tuple[str, str]],
    thresholds: Iterable[float],
) -> list[tuple[float, float, float, float]]:
    """(threshold, precision, recall, F1) for 'exact or score >= threshold'."""
    out = []
    for t in thresholds:
        pred = set(exact)
        pred.update(p for p, s in scores.items() if s >= t)
        out.append((t, *precision_recall_f1(pred, truth)))
    return out
