import datetime as dt
import itertools
import random
import sys
from pathlib import Path

import numpy as np
import pytest

from zicht.pprl import fuzzy
from zicht.pprl.bulk import link, link_arrays, link_sources
from zicht.pprl.encoding import EncodingError, Identity, encode
from zicht.pprl.keys import PseudonymKey
from zicht.simulation.identities import (
    canonical_pair,
    make_population,
    precision_recall_f1,
    true_pairs,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from linkage_eval import baseline_scores, encode_records, sweep  # noqa: E402

KEY = PseudonymKey.from_bytes(bytes(range(32)))


def rec(rid, given, surname, dob, bsn=""):
    return rid, encode(Identity(given, surname, dob, bsn=bsn), KEY)


def test_dedup_and_cross_link():
    d = dt.date(2008, 3, 7)
    a = [
        rec("a1", "Mohammed", "El Amrani", d, "111222333"),
        rec("a2", "Muhammad", "Amrani", dt.date(2008, 7, 3)),
        rec("a3", "Shurendy", "Martina", dt.date(2007, 12, 30)),
    ]
    b = [
        rec("b1", "Pieter", "Jansen", d, "111222333"),  # BSN only
        rec("b2", "Shurendy", "Martinz", dt.date(2007, 12, 30)),  # fuzzy
        rec("b3", "Xaviera", "Wijngaarde", dt.date(2006, 8, 19)),
    ]
    stats = {}
    dedup = link(a, stats=stats)
    assert stats["comparisons"] >= 1 and stats["exact_groups"] >= 1
    assert [(p.id_a, p.id_b, p.decision, p.score) for p in dedup] == [("a1", "a2", "match", 1.0)]
    cross = link(a, b)
    got = {(p.id_a, p.id_b): p for p in cross}
    assert set(got) >= {("a1", "b1"), ("a3", "b2")}
    assert all(p.id_a.startswith("a") and p.id_b.startswith("b") for p in cross)
    assert got[("a1", "b1")].score == 1.0 and got[("a1", "b1")].decision == "match"
    s = got[("a3", "b2")].score
    assert s == pytest.approx(fuzzy.dice(a[2][1].bloom, b[1][1].bloom), abs=1e-6)
    assert got[("a3", "b2")].decision == ("match" if s >= fuzzy.MATCH_THRESHOLD else "possible")
    assert ("a1", "a2") not in got  # same-source pairs are not reported across files


def test_year_tolerance_uses_probes():
    a = rec("x", "Shurendy", "Martina", dt.date(2007, 12, 30))
    b = rec("y", "Shurendy", "Martina", dt.date(2008, 12, 30))  # year typo
    assert link([a, b], year_tolerance=False) == []
    (p,) = link([a, b])
    # Identical names and day/month, birth years one apart: left to human review.
    assert (p.id_a, p.id_b, p.score, p.decision) == ("x", "y", 1.0, "possible")


def test_different_bsns_are_never_a_match():
    d = dt.date(2008, 3, 7)
    a = rec("x", "Mohammed", "Aboutaleb", d, "111222333")
    b = rec("y", "Mohamed", "Aboutaleb", d, "123456782")
    c = rec("z", "Mohamed", "Aboutaleb", d)
    assert a[1].bsn_token and a[1].bsn_token in a[1].exact_tokens and not c[1].bsn_token
    got = {(p.id_a, p.id_b): p.decision for p in link([a, b, c])}
    assert got == {("x", "y"): "possible", ("x", "z"): "match", ("y", "z"): "match"}


def test_possible_band_and_threshold_validation():
    a = rec("x", "Shurendy", "Martina", dt.date(2007, 12, 30))
    b = rec("y", "Shurendy", "Martinz", dt.date(2007, 12, 30))
    s = fuzzy.dice(a[1].bloom, b[1].bloom)
    (p,) = link([a, b], match_threshold=1.0, possible_threshold=s)
    assert p.decision == "possible"
    assert link([a, b], match_threshold=1.0, possible_threshold=min(1.0, s + 0.01)) == []
    with pytest.raises(ValueError):
        link([a, b], match_threshold=0.5, possible_threshold=0.9)


def test_mixed_keys_are_refused():
    other = PseudonymKey.from_bytes(bytes(range(1, 33)))
    a = rec("x", "Jan", "Jansen", dt.date(2007, 12, 30))
    b = ("y", encode(Identity("Jan", "Jansen", dt.date(2007, 12, 30)), other))
    with pytest.raises(EncodingError):
        link([a, b])


@pytest.mark.parametrize("cross", [False, True])
def test_link_arrays_equals_brute_force(cross):
    rng = np.random.default_rng(5 + cross)
    n, w, n_blocks = 400, 8, 6
    # Correlated filters so that some pairs pass the threshold.
    protos = rng.integers(0, 2**63, size=(20, w), dtype=np.int64).view(np.uint64)
    noise = rng.integers(0, 2**63, size=(n, w), dtype=np.int64).view(np.uint64)
    keep = rng.integers(0, 2**63, size=(n, w), dtype=np.int64).view(np.uint64)
    main = (protos[rng.integers(0, 20, n)] & keep) | (noise & ~keep & noise)
    # Two probes per record (years -1 and +1), rows owned by record p % n.
    probe = (protos[rng.integers(0, 20, 2 * n)] & np.vstack([keep, keep])) | np.vstack(
        [noise & ~keep, ~noise & ~keep]
    )
    owner = np.concatenate([np.arange(n), np.arange(n)])
    blocks = [sorted(set(rng.integers(0, n_blocks, 2).tolist())) for _ in range(n)]
    pblocks = [[int(rng.integers(0, n_blocks))] for _ in range(2 * n)]
    source = rng.integers(0, 2, n).astype(np.int32) if cross else None
    thr = 0.5
    fp = link_arrays(main, blocks, n_blocks, probe=probe, probe_blocks=pblocks,
                     probe_owner=owner, source=source, threshold=thr)  # fmt: skip
    got = {(a, b): s for a, b, s in zip(fp.a.tolist(), fp.b.tolist(), fp.score.tolist())}

    def d(x, y):
        return fuzzy.dice(x.tobytes(), y.tobytes())

    want = {}
    for i, j in itertools.combinations(range(n), 2):
        if cross and source[i] == source[j]:
            continue
        best = -1.0
        if set(blocks[i]) & set(blocks[j]):
            best = d(main[i], main[j])
        for p in (i, i + n):
            if set(pblocks[p]) & set(blocks[j]):
                best = max(best, d(probe[p], main[j]))
        for p in (j, j + n):
            if set(pblocks[p]) & set(blocks[i]):
                best = max(best, d(probe[p], main[i]))
        if best >= thr:
            want[(i, j)] = best
    assert len(want) > 4096  # exercises the buffer-growth path
    assert got.keys() == want.keys()
    assert all(abs(got[k] - want[k]) < 1e-9 for k in want)


def test_quality_on_synthetic_population_vs_plaintext_baseline():
    """Held-out check of the shipped thresholds (the full calibration is in benchmarks)."""
    recs = make_population(1500, seed=99)
    truth = true_pairs(recs)
    pairs = link(encode_records(recs, KEY))
    pred = {canonical_pair(p.id_a, p.id_b) for p in pairs if p.decision == "match"}
    p, r, f1 = precision_recall_f1(pred, truth)
    both = {canonical_pair(p.id_a, p.id_b) for p in pairs}
    _, r_any, _ = precision_recall_f1(both, truth)
    assert f1 >= 0.9 and p >= 0.9 and r_any >= 0.97
    bs, bex = baseline_scores(recs)
    best_baseline = max(row[3] for row in sweep(bs, bex, truth, np.arange(0.80, 1.0, 0.01)))
    assert f1 >= best_baseline - 0.02


def test_random_population_link_is_symmetric_in_input_order():
    recs = make_population(300, seed=3)
    enc = encode_records(recs, KEY)
    shuffled = enc[:]
    random.Random(1).shuffle(shuffled)
    a = {(canonical_pair(p.id_a, p.id_b), p.decision, p.score) for p in link_sources([enc])}
    b = {(canonical_pair(p.id_a, p.id_b), p.decision, p.score) for p in link_sources([shuffled])}
    assert a == b
