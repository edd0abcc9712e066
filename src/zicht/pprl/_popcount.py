"""Numba kernels: popcount-based Dice coefficients over uint64 bit matrices."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic


@intrinsic
def _ctpop64(typingctx, x):  # pragma: no cover - compiled by numba
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):
        fnty = ir.FunctionType(ir.IntType(64), [ir.IntType(64)])
        fn = builder.module.declare_intrinsic("llvm.ctpop", [ir.IntType(64)], fnty)
        return builder.call(fn, [args[0]])

    return sig, codegen


# The Python signature above is numba's typing hook (the typing context first); compiled
# code calls the intrinsic with the value alone. This tells mypy the compiled signature;
# at run time it is the same object.
_popcnt64 = cast(Callable[[int], int], _ctpop64)


@njit(cache=True, nogil=True)
def popcounts(matrix):
    n, w = matrix.shape
    out = np.empty(n, dtype=np.int32)
    for i in range(n):
        c = 0
        for k in range(w):
            c += _popcnt64(matrix[i, k])
        out[i] = c
    return out


@njit(cache=True, nogil=True)
def scan_all(matrix, counts, n, query, qcount, threshold, out_rows, out_scores):
    """Dice of ``query`` against the first ``n`` rows of ``matrix`` (full scan)."""
    w = matrix.shape[1]
    m = 0
    for r in range(n):
        c = 0
        for k in range(w):
            c += _popcnt64(matrix[r, k] & query[k])
        denom = qcount + counts[r]
        if denom > 0:
            s = 2.0 * c / denom
            if s >= threshold:
                out_rows[m] = r
                out_scores[m] = s
                m += 1
    return m


@njit(cache=True, nogil=True)
def block_pairs(
    main,
    main_counts,
    probe,
    probe_counts,
    probe_owner,
    source,
    cross_only,
    block_offsets,
    block_members,
    probe_offsets,
    probe_members,
    b_start,
    b_end,
    threshold,
    out_a,
    out_b,
    out_s,
    out_p,
):
    """All-pairs Dice inside blocks [b_start, b_end).

    Within a block: every pair of main members (main vs main); then every probe member
    against every main member (probe filter vs main filter, the ±1-year comparison).
    Probe row ``p`` belongs to record ``probe_owner[p]``; ``out_p`` is 1 for a pair
    found through a probe (the two birth years differ by one), else 0.
    With ``cross_only`` pairs from the same source are skipped. Stops at a block
    boundary when the output buffers could overflow; returns (n_written, next_block).
    """
    w = main.shape[1]
    m = 0
    loose = threshold - 1e-9  # cheap multiply-only prefilter; exact test on the score
    qrow = np.empty(w, np.uint64)
    for b in range(b_start, b_end):
        lo = block_offsets[b]
        size = block_offsets[b + 1] - lo
        if size == 0:
            continue
        members = block_members[lo : lo + size]
        local, lcount, lsrc = _gather(main, main_counts, source, members)
        m_next = _main_pairs(
            local, lcount, lsrc, members, cross_only, threshold, loose,
            out_a, out_b, out_s, out_p, m,
        )  # fmt: skip
        if m_next >= 0:
            m_next = _probe_pairs(
                probe, probe_counts, probe_owner, source, probe_members,
                probe_offsets[b], probe_offsets[b + 1], qrow, local, lcount, lsrc, members,
                cross_only, threshold, loose, out_a, out_b, out_s, out_p, m_next,
            )  # fmt: skip
        if m_next < 0:
            return m, b  # the buffers are full: the caller resumes at this block
        m = m_next
    return m, b_end


@njit(cache=True, nogil=True, inline="always")
def _gather(main, main_counts, source, members):
    """The block's rows copied into one contiguous array (cache-friendly all-pairs),
    with their popcounts and sources."""
    size = members.shape[0]
    w = main.shape[1]
    local = np.empty((size, w), np.uint64)
    lcount = np.empty(size, np.int64)
    lsrc = np.empty(size, np.int32)
    for x in range(size):
        r = members[x]
        lcount[x] = main_counts[r]
        lsrc[x] = source[r]
        for k in range(w):
            local[x, k] = main[r, k]
    return local, lcount, lsrc


@njit(cache=True, nogil=True, inline="always")
def _main_pairs(
    local, lcount, lsrc, members, cross_only, threshold, loose, out_a, out_b, out_s, out_p, m
):
    """Every pair of main members of one block, written from ``out_*[m]`` on. Returns
    the new count, or -1 when the buffers overflowed."""
    size = local.shape[0]
    w = local.shape[1]
    cap = out_a.shape[0]
    for x in range(size):
        ci = lcount[x]
        si = lsrc[x]
        for y in range(x + 1, size):
            if cross_only and lsrc[y] == si:
                continue
            c = 0
            for k in range(w):
                c += _popcnt64(local[x, k] & local[y, k])
            denom = ci + lcount[y]
            if denom > 0 and 2.0 * c >= loose * denom:
                s = 2.0 * c / denom
                if s >= threshold:
                    if m >= cap:
                        return -1
                    out_a[m] = members[x]
                    out_b[m] = members[y]
                    out_s[m] = s
                    out_p[m] = 0
                    m += 1
    return m


@njit(cache=True, nogil=True, inline="always")
def _probe_pairs(
    probe, probe_counts, probe_owner, source, probe_members, p_lo, p_hi, qrow,
    local, lcount, lsrc, members, cross_only, threshold, loose, out_a, out_b, out_s, out_p, m,
):  # fmt: skip
    """Every probe member of one block (rows ``probe_members[p_lo:p_hi]``) against every
    main member. Returns the new count, or -1 when the buffers overflowed."""
    size = local.shape[0]
    w = local.shape[1]
    cap = out_a.shape[0]
    for x in range(p_lo, p_hi):
        pi = probe_members[x]
        i = probe_owner[pi]
        ci = probe_counts[pi]
        si = source[i]
        for k in range(w):
            qrow[k] = probe[pi, k]
        for y in range(size):
            j = members[y]
            if j == i or (cross_only and lsrc[y] == si):
                continue
            c = 0
            for k in range(w):
                c += _popcnt64(qrow[k] & local[y, k])
            denom = ci + lcount[y]
            if denom > 0 and 2.0 * c >= loose * denom:
                s = 2.0 * c / denom
                if s >= threshold:
                    if m >= cap:
                        return -1
                    out_a[m] = i
                    out_b[m] = j
                    out_s[m] = s
                    out_p[m] = 1
                    m += 1
    return m
