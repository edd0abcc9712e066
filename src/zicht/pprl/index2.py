"""An in-memory zicht-pprl-2 index: the candidates of one new record among many.

``link2`` links whole files; a new record that arrives on its own (one organisation's
new registration against everything indexed before) needs its candidates without
comparing it with every member of its blocks. :class:`Index2` does what the platform's
lookup does (``zicht.linkage.services._candidates_v2``), in memory: the entries sharing
a block token with the record or with one of its ±1-year probes, the first pass of
:mod:`zicht.pprl.prefilter` over their 248 first-pass bytes (numpy, one contiguous copy
per block), then ``pprl2.compare`` and ``pprl2.decide`` for the few that pass. The
decisions are those of comparing every block member (the first pass is a superset of
``decide``'s floors; tests/linkage/test_pprl2_prefilter.py,
tests/pprl/test_index2.py).

At 10^6 entries a year-month block holds some 7,000 entries (births over 12 years): the
first pass over them is what keeps a lookup in milliseconds (benchmarks/RESULTS.md,
"zicht-pprl-2 lookup at 1,000,000 entries").
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np

from zicht.pprl import pprl2, prefilter
from zicht.pprl.pprl2 import Encoding2, Evidence, Probe2

_RANK = {"match": 0, "possible": 1}
_COLS = prefilter.PREFILTER_BYTES // 8


class Index2:
    """Entries (id, zicht-pprl-2 encoding) and their block tokens, for lookups of one
    record at a time. Not thread-safe: one index per thread, or a lock around it."""

    def __init__(self, capacity: int = 1024) -> None:
        self._packed = np.zeros((max(16, capacity), _COLS), dtype=np.uint64)
        self._ids: list[Hashable] = []
        self._encs: list[Encoding2] = []
        self._blocks: dict[str, list[int]] = {}
        #: Per block, its rows and a contiguous copy of their first-pass bytes, made at
        #: the first query that reaches the block and dropped when the block grows.
        self._block_rows: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def add_many(self, entries: Iterable[tuple[Hashable, Encoding2]]) -> None:
        """Add entries; an id given twice is two entries (the caller keeps ids unique)."""
        items = list(entries)
        start = len(self._ids)
        end = start + len(items)
        if end > self._packed.shape[0]:
            grown = np.zeros((max(end, 2 * self._packed.shape[0]), _COLS), dtype=np.uint64)
            grown[:start] = self._packed[:start]
            self._packed = grown
        if items:
            self._packed[start:end] = prefilter.matrix([prefilter.pack(e) for _, e in items])
        for row, (entry_id, enc) in enumerate(items, start):
            self._ids.append(entry_id)
            self._encs.append(enc)
            for token in enc.block_tokens:
                self._blocks.setdefault(token, []).append(row)
                self._block_rows.pop(token, None)

    def _block(self, token: str) -> tuple[np.ndarray, np.ndarray] | None:
        cached = self._block_rows.get(token)
        if cached is None:
            rows = self._blocks.get(token)
            if not rows:
                return None
            ordered = np.asarray(rows, dtype=np.int64)
            cached = self._block_rows[token] = (ordered, self._packed[ordered])
        return cached

    def _worth_comparing(self, enc: Encoding2, year_tolerance: bool) -> dict[int, list]:
        """Per row the queries (None: own year, or a probe) whose first pass can link."""
        queries: list[tuple[Probe2 | None, tuple[str, ...]]] = [(None, enc.block_tokens)]
        if year_tolerance:
            queries += [(p, p.block_tokens) for p in enc.probes]
        todo: dict[int, list[Probe2 | None]] = {}
        for probe, tokens in queries:
            q = prefilter.query(enc, probe)
            seen: set[int] = set()
            for token in dict.fromkeys(tokens):
                block = self._block(token)
                if block is None:
                    continue
                rows, packed = block
                for row in rows[prefilter.can_link(q, packed)].tolist():
                    if row not in seen:
                        seen.add(row)
                        todo.setdefault(row, []).append(probe)
        return todo

    def query(
        self, enc: Encoding2, *, year_tolerance: bool = True
    ) -> list[tuple[Hashable, str, Evidence]]:
        """(entry id, ``match`` or ``possible``, evidence) of every entry that ``enc``
        links to, in the order the entries were added; per entry the best decision over
        its own year and the ±1-year probes (those only with ``year_tolerance``)."""
        out = []
        todo = self._worth_comparing(enc, year_tolerance)
        for row in sorted(todo):
            other = self._encs[row]
            best: tuple[str, Evidence] | None = None
            for probe in todo[row]:
                ev = pprl2.compare(enc, other, probe=probe)
                decision = pprl2.decide(ev)
                if decision and (best is None or _RANK[decision] < _RANK[best[0]]):
                    best = (decision, ev)
            if best is not None:
                out.append((self._ids[row], *best))
        return out
