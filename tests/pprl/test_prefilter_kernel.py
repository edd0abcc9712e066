"""The compiled first pass (``prefilter.can_link``) keeps exactly the rows that the numpy
version it replaced keeps, on real encodings and on random bytes near the boundaries."""

import datetime as dt

import numpy as np

from zicht.pprl import pprl2, prefilter
from zicht.pprl.encoding import EncodingError
from zicht.pprl.keys import PseudonymKey
from zicht.simulation.identities import make_population

KEY = PseudonymKey.from_bytes(bytes(range(32)))
TODAY = dt.date(2026, 1, 1)


def test_same_rows_as_numpy_on_real_encodings():
    encs = []
    for r in make_population(400, dup_rate=0.5, seed=17):
        try:
            encs.append(pprl2.encode2(r.identity, KEY, today=TODAY))
        except EncodingError:
            continue
    m = prefilter.matrix([prefilter.pack(e) for e in encs])
    kept = 0
    for e in encs[:120]:
        for probe in (None, *e.probes):
            q = prefilter.query(e, probe)
            want = prefilter.can_link_numpy(q, m)
            np.testing.assert_array_equal(prefilter.can_link(q, m), want)
            kept += int(want.sum())
    assert 120 < kept < 120 * len(encs) // 4  # each keeps itself, and drops most


def test_same_rows_as_numpy_on_random_bytes_views_and_read_only_buffers():
    rng = np.random.default_rng(3)
    cols = prefilter.PREFILTER_BYTES // 8
    for density in (0.05, 0.2, 0.5):
        bits = rng.random((300, cols * 64)) < density
        m = np.packbits(bits, axis=1).view(np.uint64).copy()
        m[::7, -1] = 0  # no BSN
        q = m[5].copy()
        m[::11, 24] = q[26]  # a shared sorted-letters token
        m[::13, -1] = q[-1]  # the same BSN prefix
        for qq in (q, np.where(np.arange(cols) == cols - 1, 0, q).astype(np.uint64)):
            want = prefilter.can_link_numpy(qq, m)
            np.testing.assert_array_equal(prefilter.can_link(qq, m), want)
            wide = np.zeros((m.shape[0], cols + 1), dtype=np.uint64)
            wide[:, 1:] = m
            view = np.frombuffer(wide.tobytes(), dtype=np.uint64).reshape(-1, cols + 1)[:, 1:]
            np.testing.assert_array_equal(prefilter.can_link(qq, view), want)
    assert prefilter.can_link(q, m[:0]).shape == (0,)


def test_dice_of_exactly_one_half_is_kept_and_just_below_is_not():
    cols = prefilter.PREFILTER_BYTES // 8
    q = np.zeros(cols, dtype=np.uint64)
    q[24:30] = np.arange(1, 7, dtype=np.uint64)  # sorted-letters tokens, none shared
    q[-1] = 99  # BSN prefix, not shared
    m = np.zeros((2, cols), dtype=np.uint64)
    m[:, 24:30] = np.arange(11, 17, dtype=np.uint64)
    for f in range(6):  # every filter 8 bits, query and entry apart (no Dice 0/0)
        q[f * 4 + 1] = 0xFF
        m[:, f * 4 + 2] = 0xFF
    q[[1]] = 0
    m[:, 2] = 0
    q[0] = 0xFF  # the query's given name under the first anchor: 8 bits
    m[0, 0] = 0xFF0  # 8 bits, 4 in common: 4 * 4 == 8 + 8, Dice 0.5
    m[1, 0] = 0x1FF0  # 9 bits, 4 in common: 16 < 17
    want = [True, False]
    assert prefilter.can_link_numpy(q, m).tolist() == want
    assert prefilter.can_link(q, m).tolist() == want
