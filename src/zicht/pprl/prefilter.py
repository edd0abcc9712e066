"""A cheap first pass before ``pprl2.compare``: which index entries can reach a decision.

A zicht-pprl-2 lookup used to read every entry sharing a block with the new signal
(about 1/144 of a cohort per year-month block), parse its stored JSON and compare it in
pure Python, so its cost grew with the index. Every ``pprl2.decide`` outcome other than
"no link" needs either the same BSN or a surname of level ``medium`` or better (straight
or swapped; also under a different BSN, where both names must be ``high``). A surname
below ``medium`` has every filter Dice below 0.5, the given-name Dice under the ``n``
anchor below 0.5 (which would certify it equal) and no sorted-letters token in common
(which would lift it to ``high``). So an entry that passes none of the tests below
cannot be a ``match`` or ``possible`` and is dropped before it is parsed:

* the same BSN token (first 8 bytes);
* any field filter of one record against any field filter of the other under the same
  anchor (given and surname, straight and crossed: 12 pairs) with Dice >= 0.5
  (``4 * common >= weight_a + weight_b``, in integers: the same boundary as
  ``pprl2``'s float ``2c / (wa + wb) >= 0.5``);
* any sorted-letters name token in common (given name or surname, any anchor).

This is a superset of what ``decide`` needs, so it drops no linked pair (tested on
synthetic populations with twins and date typos, tests/linkage/test_pprl2_prefilter.py);
under an anchor two records do not share, filters agree only by chance (Dice about 0.1),
so nearly every unrelated block member is dropped. Each zicht-pprl-2 entry keeps these
bytes in ``IndexEntry.prefilter`` (248 bytes, no plaintext: the filters and tokens of its
stored encoding, nothing more).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numba import njit

from zicht.pprl._popcount import _popcnt64
from zicht.pprl.pprl2 import ANCHORS, FIELD_BYTES, MEDIUM_DICE, TOKENS_PER_FIELD, Encoding2

_K = len(ANCHORS)
_WORDS = FIELD_BYTES // 8  # uint64 words per filter
#: Layout: given filters (one per anchor), surname filters, the six sorted-letters name
#: tokens (given, then surname; 8 bytes each), the first 8 bytes of the BSN token (or 0).
PREFILTER_BYTES = 2 * _K * FIELD_BYTES + 2 * _K * 8 + 8
_COLS = PREFILTER_BYTES // 8
_LETTERS = slice(2 * _K * _WORDS, 2 * _K * _WORDS + 2 * _K)
_BSN = _COLS - 1
#: ``4 * common >= wa + wb`` is Dice >= 0.5: ``pprl2.MEDIUM_DICE`` and ``ANCHOR_DICE``
#: (a test holds them to it).
DICE_FLOOR = MEDIUM_DICE


def _letters(name_tokens: Sequence[str]) -> list[str]:
    """The sorted-letters tokens (every second one) of the given name, then the surname."""
    return [name_tokens[k] for k in range(1, 2 * TOKENS_PER_FIELD, 2)]


def _pack(
    given: Sequence[bytes], surname: Sequence[bytes], name_tokens: Sequence[str], bsn: str
) -> bytes:
    parts = [*given, *surname]
    parts += [bytes.fromhex(t[:16]).rjust(8, b"\0") for t in _letters(name_tokens)]
    parts.append(bytes.fromhex(bsn[:16]) if bsn else bytes(8))
    out = b"".join(parts)
    if len(out) != PREFILTER_BYTES:
        raise ValueError("prefilter: malformed encoding")
    return out


def pack(enc: Encoding2) -> bytes:
    """The first-pass bytes of a stored zicht-pprl-2 entry (its own birth year)."""
    return _pack(enc.given, enc.surname, enc.name_tokens, enc.bsn_token)


def query(enc: Encoding2, probe=None) -> np.ndarray:
    """The query side as uint64 words: the encoding's names, or a ±1-year probe's."""
    src = probe if probe is not None else enc
    raw = _pack(src.given, src.surname, src.name_tokens, enc.bsn_token)
    return np.frombuffer(raw, dtype=np.uint64)


def matrix(rows: Sequence[bytes]) -> np.ndarray:
    """Stored first-pass bytes as an (n, 31) uint64 matrix."""
    buf = b"".join(rows)
    return np.frombuffer(buf, dtype=np.uint64).reshape(-1, _COLS)


def _filters(words: np.ndarray) -> np.ndarray:
    """(..., 2*K*W) words -> (..., 2, K, W): field (given, surname), anchor, word."""
    return words.reshape(*words.shape[:-1], 2, _K, _WORDS)


def can_link(q: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Boolean per row of ``m``: the entry may reach ``match`` or ``possible`` against
    the query ``q`` (see the module docstring); False only when it cannot. Compiled, one
    pass per row that stops at the first test it passes; the same as
    :func:`can_link_numpy` (tests/pprl/test_prefilter_kernel.py)."""
    out = np.zeros(m.shape[0], dtype=np.bool_)
    if m.shape[0]:
        _can_link_rows(np.ascontiguousarray(q), m, out)
    return out


@njit(cache=True, nogil=True)
def _can_link_rows(q, m, out):  # pragma: no cover - compiled by numba
    fields = 2 * _K
    letters = fields * _WORDS
    qw = np.zeros(fields, dtype=np.int64)
    for f in range(fields):
        for w in range(_WORDS):
            qw[f] += _popcnt64(q[f * _WORDS + w])
    for i in range(m.shape[0]):
        if q[_BSN] != 0 and m[i, _BSN] == q[_BSN]:
            out[i] = True
            continue
        found = False
        for x in range(fields):
            for y in range(fields):
                if m[i, letters + x] == q[letters + y]:
                    found = True
        if found:
            out[i] = True
            continue
        for b in range(2):
            for k in range(_K):
                mf = (b * _K + k) * _WORDS
                mw = 0
                for w in range(_WORDS):
                    mw += _popcnt64(m[i, mf + w])
                for a in range(2):
                    qf = (a * _K + k) * _WORDS
                    common = 0
                    for w in range(_WORDS):
                        common += _popcnt64(m[i, mf + w] & q[qf + w])
                    if 4 * common >= qw[a * _K + k] + mw:
                        found = True
        out[i] = found


def can_link_numpy(q: np.ndarray, m: np.ndarray) -> np.ndarray:
    """:func:`can_link` in numpy, as it was written first: the reference for the kernel."""
    if m.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    qf = _filters(q[: 2 * _K * _WORDS])  # (2, K, W)
    mf = _filters(m[:, : 2 * _K * _WORDS])  # (n, 2, K, W)
    qw = np.bitwise_count(qf).sum(axis=-1, dtype=np.int64)  # (2, K)
    mw = np.bitwise_count(mf).sum(axis=-1, dtype=np.int64)  # (n, 2, K)
    keep = np.zeros(m.shape[0], dtype=bool)
    for a in range(2):
        for b in range(2):
            common = np.bitwise_count(mf[:, b] & qf[a]).sum(axis=-1, dtype=np.int64)  # (n, K)
            keep |= (4 * common >= qw[a] + mw[:, b]).any(axis=1)
    keep |= (m[:, _LETTERS][:, :, None] == q[_LETTERS][None, None, :]).any(axis=(1, 2))
    if q[_BSN]:
        keep |= m[:, _BSN] == q[_BSN]
    return keep
