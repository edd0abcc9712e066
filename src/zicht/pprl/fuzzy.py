"""Fuzzy matching of zicht-pprl-1 Bloom filters: Dice kernel and an in-memory index.

Scores are computed only here, inside the index process; they are never part of an
encoding and never leave the index except as the decision for a pair (see the threat
model in docs/linkage.md).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np

from zicht.pprl import _popcount as kern
from zicht.pprl.spec import BLOOM_BYTES

__all__ = [
    "MATCH_THRESHOLD",
    "POSSIBLE_THRESHOLD",
    "FuzzyIndex",
    "decide",
    "dice",
    "dice_many",
]

#: Dice score at or above which a fuzzy comparison is a ``match``: the lowest threshold
#: (0.01 grid) at which precision reaches 0.99 on the synthetic calibration population
#: of benchmarks/linkage.py (seed 1, 20,000 people, 27,196 records, 8,419 true pairs):
#: precision 0.991, recall 0.958, F1 0.975 (exact-token matches included; the
#: F1-optimal threshold there is 0.87 with F1 0.975). Held-out figures (seed 2) are in
#: benchmarks/results/linkage.md.
MATCH_THRESHOLD = 0.88
#: Dice score at or above which (and below MATCH_THRESHOLD) a pair is ``possible``
#: (for human review): the highest threshold at which recall of 'match or possible'
#: reaches 0.99 on the calibration population (there: precision 0.873, recall 0.990).
POSSIBLE_THRESHOLD = 0.81


def dice(a: bytes, b: bytes) -> float:
    """Dice coefficient 2|a∧b| / (|a|+|b|) of two equal-length bit strings (0.0 if both
    are empty)."""
    if len(a) != len(b):
        raise ValueError("dice: filters must have the same length")
    x = int.from_bytes(a, "big")
    y = int.from_bytes(b, "big")
    denom = x.bit_count() + y.bit_count()
    if denom == 0:
        return 0.0
    return 2.0 * (x & y).bit_count() / denom


def decide(score: float, *, exact: bool = False) -> str | None:
    """'match', 'possible' or None for a score (exact-token agreement is a match)."""
    if exact or score >= MATCH_THRESHOLD:
        return "match"
    if score >= POSSIBLE_THRESHOLD:
        return "possible"
    return None


def blooms_to_matrix(blooms: Iterable[bytes], nbytes: int = BLOOM_BYTES) -> np.ndarray:
    """Stack filters into a contiguous (n, nbytes/8) uint64 matrix."""
    buf = b"".join(blooms)
    if len(buf) % nbytes:
        raise ValueError("bloom: wrong length")
    return np.frombuffer(buf, dtype=np.uint64).reshape(-1, nbytes // 8).copy()


def dice_many(query: bytes, blooms: np.ndarray) -> np.ndarray:
    """Dice of one filter against every row of a uint64 matrix (numba kernel)."""
    q = np.frombuffer(query, dtype=np.uint64)
    counts = kern.popcounts(blooms)
    qc = int(kern.popcounts(q.reshape(1, -1))[0])
    n = blooms.shape[0]
    rows = np.empty(n, np.int64)
    scores = np.empty(n, np.float64)
    m = kern.scan_all(blooms, counts, n, q, qc, -1.0, rows, scores)
    out = np.zeros(n, np.float64)
    out[rows[:m]] = scores[:m]
    return out


class FuzzyIndex:
    """In-memory index of (entry_id, bloom, block_tokens), scored with a numba popcount
    kernel over one contiguous uint64 matrix. Thread-safe (one lock)."""

    def __init__(self, bloom_bytes: int = BLOOM_BYTES, capacity: int = 1024) -> None:
        if bloom_bytes % 8:
            raise ValueError("bloom_bytes must be a multiple of 8")
        self._nbytes = bloom_bytes
        self._words = bloom_bytes // 8
        cap = max(16, capacity)
        self._matrix = np.zeros((cap, self._words), dtype=np.uint64)
        self._counts = np.zeros(cap, dtype=np.int32)
        self._ids = np.zeros(cap, dtype=np.int64)
        self._n = 0
        self._row_of: dict[int, int] = {}
        self._tokens_of: dict[int, tuple[str, ...]] = {}
        self._blocks: dict[str, set[int]] = {}
        self._block_rows: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._scratch_rows = np.empty(0, np.int64)
        self._scratch_scores = np.empty(0, np.float64)
        self._lock = threading.RLock()

    # -- size --------------------------------------------------------------------
    def __len__(self) -> int:
        return self._n

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._row_of

    def _grow(self, needed: int) -> None:
        cap = self._matrix.shape[0]
        if needed <= cap:
            return
        new = max(needed, cap * 2)
        m = np.zeros((new, self._words), dtype=np.uint64)
        m[: self._n] = self._matrix[: self._n]
        c = np.zeros(new, dtype=np.int32)
        c[: self._n] = self._counts[: self._n]
        ids = np.zeros(new, dtype=np.int64)
        ids[: self._n] = self._ids[: self._n]
        self._matrix, self._counts, self._ids = m, c, ids

    def _row_vector(self, bloom: bytes) -> np.ndarray:
        if not isinstance(bloom, bytes | bytearray | memoryview) or len(bloom) != self._nbytes:
            raise ValueError(f"bloom: must be {self._nbytes} bytes")
        return np.frombuffer(bytes(bloom), dtype=np.uint64)

    # -- mutation ----------------------------------------------------------------
    def add(self, entry_id: int, bloom: bytes, block_tokens: Iterable[str]) -> None:
        """Add (or replace) one entry."""
        self.add_many([(entry_id, bloom, block_tokens)])

    def add_many(self, entries: Iterable[tuple[int, bytes, Iterable[str]]]) -> None:
        """Add (or replace) many entries at once."""
        items = [(int(e), b, tuple(t)) for e, b, t in entries]
        if not items:
            return
        for _, b, _ in items:
            self._row_vector(b)  # validate before mutating
        with self._lock:
            seen: dict[int, int] = {}
            for pos, (eid, _, _) in enumerate(items):
                seen[eid] = pos  # last one wins
            items = [items[p] for p in sorted(seen.values())]
            for eid, _, _ in items:
                if eid in self._row_of:
                    self._remove_locked(eid)
            start = self._n
            self._grow(start + len(items))
            vec = blooms_to_matrix((b for _, b, _ in items), self._nbytes)
            end = start + len(items)
            self._matrix[start:end] = vec
            self._counts[start:end] = kern.popcounts(vec)
            self._ids[start:end] = [eid for eid, _, _ in items]
            for offset, (eid, _, toks) in enumerate(items):
                self._row_of[eid] = start + offset
                self._tokens_of[eid] = toks
                for t in toks:
                    self._blocks.setdefault(t, set()).add(eid)
                    self._block_rows.pop(t, None)
            self._n = end

    def remove(self, entry_id: int) -> bool:
        """Remove an entry; returns False if it was not present."""
        with self._lock:
            if entry_id not in self._row_of:
                return False
            self._remove_locked(entry_id)
            return True

    def _remove_locked(self, entry_id: int) -> None:
        row = self._row_of.pop(entry_id)
        for t in self._tokens_of.pop(entry_id):
            members = self._blocks.get(t)
            if members is not None:
                members.discard(entry_id)
                if not members:
                    del self._blocks[t]
            self._block_rows.pop(t, None)
        last = self._n - 1
        if row != last:
            moved = int(self._ids[last])
            self._matrix[row] = self._matrix[last]
            self._counts[row] = self._counts[last]
            self._ids[row] = moved
            self._row_of[moved] = row
            for t in self._tokens_of[moved]:
                self._block_rows.pop(t, None)
        self._matrix[last] = 0
        self._counts[last] = 0
        self._n = last

    # -- queries -----------------------------------------------------------------
    def _block(self, token: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(entry ids, contiguous copy of their filters, popcounts) of one block, cached
        until the block changes. Contiguous copies make a blocked scan a sequential read
        instead of thousands of random row reads."""
        cached = self._block_rows.get(token)
        if cached is None:
            members = self._blocks.get(token)
            if not members:
                return None
            rows = np.fromiter((self._row_of[e] for e in members), np.int64, len(members))
            rows.sort()
            cached = (self._ids[rows].copy(), self._matrix[rows], self._counts[rows])
            self._block_rows[token] = cached
        return cached

    def _results(self, rows: np.ndarray, scores: np.ndarray) -> list[tuple[int, float]]:
        ids = self._ids[rows]
        order = np.argsort(-scores, kind="stable")
        return [(int(ids[i]), float(scores[i])) for i in order]

    def query(
        self, bloom: bytes, block_tokens: Iterable[str], threshold: float
    ) -> list[tuple[int, float]]:
        """Entries sharing at least one block token with Dice >= threshold, best first."""
        q = self._row_vector(bloom)
        qc = int.from_bytes(bytes(bloom), "big").bit_count()
        best: dict[int, float] = {}
        with self._lock:
            for t in set(block_tokens):
                block = self._block(t)
                if block is None:
                    continue
                ids, matrix, counts = block
                n = ids.shape[0]
                out_r = np.empty(n, np.int64)
                out_s = np.empty(n, np.float64)
                m = kern.scan_all(matrix, counts, n, q, qc, float(threshold), out_r, out_s)
                for eid, score in zip(ids[out_r[:m]].tolist(), out_s[:m].tolist(), strict=True):
                    best[eid] = score
        return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))

    def query_all(self, bloom: bytes, threshold: float) -> list[tuple[int, float]]:
        """Full scan of every entry (no blocking), best first."""
        q = self._row_vector(bloom)
        qc = int.from_bytes(bytes(bloom), "big").bit_count()
        with self._lock:
            n = self._n
            if self._scratch_rows.shape[0] < n:
                self._scratch_rows = np.empty(self._matrix.shape[0], np.int64)
                self._scratch_scores = np.empty(self._matrix.shape[0], np.float64)
            m = kern.scan_all(
                self._matrix,
                self._counts,
                n,
                q,
                qc,
                float(threshold),
                self._scratch_rows,
                self._scratch_scores,
            )
            return self._results(self._scratch_rows[:m].copy(), self._scratch_scores[:m].copy())

    def query_encoding(self, encoding, threshold: float) -> list[tuple[int, float]]:
        """Query with an Encoding's own filter and its ±1-year probes; best score per
        entry, best first."""
        best: dict[int, float] = {}
        for bloom, tokens in encoding.all_queries():
            for eid, s in self.query(bloom, tokens, threshold):
                if s > best.get(eid, -1.0):
                    best[eid] = s
        return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
