"""Batch zicht-pprl-2 encoder: the same bytes as :func:`zicht.pprl.pprl2.encode2`, for
many identities at once.

Why a batch path: a zicht-pprl-2 encoding takes some 190 HMACs (18 anchored name
filters of ~7 bigrams each, their 36 tokens, date and block tokens). Called one message
at a time from Python, each HMAC costs 0.7 µs of interpreter work around 0.1 µs of
hashing, and a population repeats little of it: the anchors (the other name, the
month/day) make most (name, anchor) pairs unique. Here a batch is encoded in three bulk
steps instead:

1. every identity is checked and normalised, the distinct given-name and surname
   strings once each (bounded caches), exactly as ``encode2`` checks them;
2. the 18 (birth year, anchor, name) combinations of every identity become one integer
   each; the distinct ones not yet known are computed by one compiled loop
   (:func:`_anchored_kernel`) that builds the messages itself, shares a bigram's HMAC
   between the names under one salt, and calls OpenSSL's SHA-256 block function
   (the one ``hashlib`` uses, with the CPU's SHA instructions) for HMAC-SHA256;
3. the other tokens (name blocks, other given names, BSN) are collected as messages,
   the distinct unknown ones hashed by the same compiled HMAC loop, and the encodings
   are assembled from the tables.

Everything is keyed per :class:`~zicht.pprl.keys.PseudonymKey` (its ``key_id``), so no
value computed under one key is ever returned under another. When the OpenSSL block
function cannot be found, or a self-test against :func:`hmac.digest` fails, the batch
falls back to ``encode2`` one identity at a time (same bytes, slower).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import datetime as _dt
import gc
import hashlib
import hmac
import struct
import threading
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, cast

import numpy as np
from llvmlite import binding as llvm_binding
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from zicht.pprl import normalise as nz
from zicht.pprl import pprl2
from zicht.pprl.encoding import EncodingError, Identity, _check_text, normalise_bsn
from zicht.pprl.keys import PseudonymKey
from zicht.pprl.pprl2 import (
    BSN_TOKEN_HEX,
    FIELD_BYTES,
    PURPOSE_BLOCK,
    PURPOSE_BSN,
    PURPOSE_DATE,
    PURPOSE_FIELD,
    PURPOSE_NAME,
    SPEC_VERSION_2,
    TOKEN_HEX,
    Encoding2,
    Probe2,
    canonical_given,
    date_messages,
    date_tokens_of,
)

__all__ = ["encode2_many"]

_SHA256_IV = (
    0x6A09E667,
    0xBB67AE85,
    0x3C6EF372,
    0xA54FF53A,
    0x510E527F,
    0x9B05688C,
    0x1F83D9AB,
    0x5BE0CD19,
)


def _load_libcrypto() -> bool:
    """Make OpenSSL's ``SHA256_Transform`` callable from compiled code (the libcrypto
    that Python's ``hashlib`` links to). False when there is none."""
    names = [ctypes.util.find_library("crypto"), "libcrypto.so.3", "libcrypto.so.1.1"]
    for name in names:
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            lib.SHA256_Transform  # noqa: B018 - raises AttributeError when absent
            llvm_binding.load_library_permanently(ctypes.util.find_library(name) or name)
        except (OSError, AttributeError, RuntimeError):
            continue
        return True
    return False


_HAVE_LIBCRYPTO = _load_libcrypto()


@intrinsic
def _sha256_block_intrinsic(typingctx, ctx, buf, offset):  # pragma: no cover - compiled by numba
    """``SHA256_Transform(ctx, buf + offset)``: one 64-byte block into the state whose
    first eight 32-bit words are the chaining value."""
    sig = types.void(ctx, buf, offset)

    def codegen(context, builder, signature, args):
        ctx_arr = context.make_array(signature.args[0])(context, builder, args[0])
        buf_arr = context.make_array(signature.args[1])(context, builder, args[1])
        i8p = ir.IntType(8).as_pointer()
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i8p])
        fn = _declare(builder.module, fnty, "SHA256_Transform")
        data = builder.gep(buf_arr.data, [args[2]])
        builder.call(fn, [builder.bitcast(ctx_arr.data, i8p), builder.bitcast(data, i8p)])
        return context.get_dummy_value()

    return sig, codegen


# The Python signature above is numba's typing hook; compiled code calls the intrinsic
# with (ctx, buf, offset). This tells mypy the compiled signature.
_sha256_block = cast(Callable[[np.ndarray, np.ndarray, int], None], _sha256_block_intrinsic)


def _declare(module, fnty, name):
    """The declaration of external function ``name`` in ``module`` (added once)."""
    try:
        return module.get_global(name)
    except KeyError:
        return ir.Function(module, fnty, name=name)


@njit(cache=True, nogil=True)
def _hmac_into(istate, ostate, ctx, scratch, length, out, out_row):  # pragma: no cover
    """HMAC-SHA256 of ``scratch[:length]`` under the key whose padded blocks gave the
    chaining values ``istate`` / ``ostate``; the 32 bytes go to ``out[out_row]``.
    ``scratch`` must have room for the padding (``length`` + 72 bytes)."""
    n_blocks = (length + 8) // 64 + 1
    end = n_blocks * 64
    scratch[length] = 0x80
    for j in range(length + 1, end):
        scratch[j] = 0
    bits = (64 + length) * 8
    for j in range(8):
        scratch[end - 1 - j] = (bits >> (8 * j)) & 0xFF
    for j in range(8):
        ctx[j] = istate[j]
    for b in range(n_blocks):
        _sha256_block(ctx, scratch, b * 64)
    # Outer hash: the inner digest (big-endian words), padded, in one block.
    pad = scratch[end : end + 64]
    for j in range(8):
        w = ctx[j]
        pad[4 * j] = (w >> 24) & 0xFF
        pad[4 * j + 1] = (w >> 16) & 0xFF
        pad[4 * j + 2] = (w >> 8) & 0xFF
        pad[4 * j + 3] = w & 0xFF
    pad[32] = 0x80
    for j in range(33, 62):
        pad[j] = 0
    pad[62] = 0x03  # (64 + 32) * 8 = 768 bits = 0x0300
    pad[63] = 0x00
    for j in range(8):
        ctx[j] = ostate[j]
    _sha256_block(ctx, scratch, end)
    for j in range(8):
        w = ctx[j]
        out[out_row, 4 * j] = (w >> 24) & 0xFF
        out[out_row, 4 * j + 1] = (w >> 16) & 0xFF
        out[out_row, 4 * j + 2] = (w >> 8) & 0xFF
        out[out_row, 4 * j + 3] = w & 0xFF


@njit(cache=True, nogil=True)
def _hmac_many(istate, ostate, buf, offsets, max_len):  # pragma: no cover
    """HMAC-SHA256 of every message ``buf[offsets[i]:offsets[i + 1]]``."""
    n = offsets.shape[0] - 1
    out = np.empty((n, 32), dtype=np.uint8)
    ctx = np.zeros(28, dtype=np.uint32)
    scratch = np.zeros(max_len + 200, dtype=np.uint8)
    for i in range(n):
        a = offsets[i]
        length = offsets[i + 1] - a
        for j in range(length):
            scratch[j] = buf[a + j]
        _hmac_into(istate, ostate, ctx, scratch, length, out, i)
    return out


@njit(cache=True, nogil=True)
def _put(scratch, pos, strbuf, stroff, sid):  # pragma: no cover
    a = stroff[sid]
    b = stroff[sid + 1]
    for j in range(b - a):
        scratch[pos + j] = strbuf[a + j]
    return pos + b - a


@njit(cache=True, nogil=True)
def _anchored_kernel(
    f_istate,
    f_ostate,
    n_istate,
    n_ostate,
    keys,
    strbuf,
    stroff,
    phon_of,
    letters_of,
    max_len,
):  # pragma: no cover
    """Filter and (phonetic, letters) tokens of every anchored key.

    A key packs (birth year << 52 | anchor tag << 50 | anchor value id << 25 | word id);
    tag 0/1/2 is ``n``/``p``/``d`` and value and word are ids into the string table
    (``strbuf[stroff[i]:stroff[i + 1]]``). The salt is ``"year|tag|value"``; the filter
    sets, for each distinct padded bigram ``g`` of the word, the four bits
    ``d[3], d[7], d[11], d[15]`` of d = HMAC(K_field, "salt|g") (bit p is byte p // 8,
    bit 7 - p % 8). Keys come sorted, so names under one salt are adjacent and a
    bigram's HMAC is shared between them (``stamp``)."""
    m = keys.shape[0]
    filters = np.zeros((m, FIELD_BYTES), dtype=np.uint8)
    tokens = np.empty((2 * m, 32), dtype=np.uint8)
    ctx = np.zeros(28, dtype=np.uint32)
    scratch = np.zeros(2 * max_len + 300, dtype=np.uint8)
    digest = np.empty((1, 32), dtype=np.uint8)
    stamp = np.full(65536, -1, dtype=np.int64)
    gram_pos = np.empty((65536, 4), dtype=np.uint8)
    tags = np.array([ord("n"), ord("p"), ord("d")], dtype=np.uint8)
    salt_id = -1
    prev_salt = np.int64(-1)
    for i in range(m):
        k = keys[i]
        salt_key = k >> 25
        if salt_key != prev_salt:
            prev_salt = salt_key
            salt_id += 1
        year = k >> 52
        tag = (k >> 50) & 3
        value = (k >> 25) & 0x1FFFFFF
        word = k & 0x1FFFFFF
        # salt = "year|tag|value|"
        pos = 0
        digits = np.empty(6, dtype=np.uint8)
        nd = 0
        y = year
        while True:
            digits[nd] = 48 + y % 10
            nd += 1
            y //= 10
            if y == 0:
                break
        for j in range(nd):
            scratch[pos + j] = digits[nd - 1 - j]
        pos += nd
        scratch[pos] = 124  # '|'
        scratch[pos + 1] = tags[tag]
        scratch[pos + 2] = 124
        pos = _put(scratch, pos + 3, strbuf, stroff, value)
        scratch[pos] = 124
        salt_end = pos + 1
        # Bigrams of "_word_".
        wa = stroff[word]
        wl = stroff[word + 1] - wa
        for g in range(wl + 1):
            c1 = 95 if g == 0 else strbuf[wa + g - 1]
            c2 = 95 if g == wl else strbuf[wa + g]
            code = np.int64(c1) * 256 + np.int64(c2)
            if stamp[code] != salt_id:
                stamp[code] = salt_id
                scratch[salt_end] = c1
                scratch[salt_end + 1] = c2
                _hmac_into(f_istate, f_ostate, ctx, scratch, salt_end + 2, digest, 0)
                gram_pos[code, 0] = digest[0, 3]
                gram_pos[code, 1] = digest[0, 7]
                gram_pos[code, 2] = digest[0, 11]
                gram_pos[code, 3] = digest[0, 15]
            for h in range(4):
                p = gram_pos[code, h]
                filters[i, p >> 3] |= np.uint8(0x80 >> (p & 7))
        # Tokens: "salt|p|phonetic" and "salt|a|sorted letters".
        scratch[salt_end] = 112  # 'p'
        scratch[salt_end + 1] = 124
        end = _put(scratch, salt_end + 2, strbuf, stroff, phon_of[word])
        _hmac_into(n_istate, n_ostate, ctx, scratch, end, tokens, 2 * i)
        scratch[salt_end] = 97  # 'a'
        scratch[salt_end + 1] = 124
        end = _put(scratch, salt_end + 2, strbuf, stroff, letters_of[word])
        _hmac_into(n_istate, n_ostate, ctx, scratch, end, tokens, 2 * i + 1)
    return filters, tokens


def _chaining_values(key: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The SHA-256 chaining values after the HMAC key block XOR ipad / opad."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    block = key.ljust(64, b"\0")
    out = []
    for pad in (0x36, 0x5C):
        ctx = np.zeros(28, dtype=np.uint32)
        ctx[:8] = _SHA256_IV
        data = np.frombuffer(bytes(b ^ pad for b in block), dtype=np.uint8).copy()
        _block_once(ctx, data)
        out.append(ctx[:8].copy())
    return out[0], out[1]


@njit(cache=True)
def _block_once(ctx, data):  # pragma: no cover
    _sha256_block(ctx, data, 0)


#: Three filters (a field under one year's three anchors) as one unpacking format.
_TRIPLE = struct.Struct(f"{FIELD_BYTES}s" * 3)

#: Bits in a packed anchored key for the value and the word id.
_ID_BITS = 25
_TAG_N, _TAG_P, _TAG_D = 0, 1, 2


class _State:
    """What one key's batches share: sub-key chaining values, the string table, the
    known anchored results and token messages. Bounded: when a table is full, the state
    is emptied and refilled (same bytes, only slower)."""

    MAX_STRINGS = 1 << 22
    MAX_ANCHORED = 2_000_000  # about 110 MB of keys, filters and tokens
    MAX_TOKENS = 1_000_000
    MAX_NAMES = 200_000

    def __init__(self, key: PseudonymKey) -> None:
        self.key_id = key.key_id
        subkeys = {
            p: key.subkey(p, SPEC_VERSION_2)
            for p in (PURPOSE_FIELD, PURPOSE_NAME, PURPOSE_BLOCK, PURPOSE_BSN, PURPOSE_DATE)
        }
        self.field = _chaining_values(subkeys[PURPOSE_FIELD])
        self.name = _chaining_values(subkeys[PURPOSE_NAME])
        self.block = _chaining_values(subkeys[PURPOSE_BLOCK])
        self.bsn = _chaining_values(subkeys[PURPOSE_BSN])
        self.date = _chaining_values(subkeys[PURPOSE_DATE])
        self.reset()

    def reset(self) -> None:
        self.strings: dict[str, int] = {}
        self.phon_of: list[int] = []
        self.letters_of: list[int] = []
        self.store_keys = np.empty(0, dtype=np.int64)
        self.store_filters = np.empty((0, FIELD_BYTES), dtype=np.uint8)
        self.store_tokens = np.empty((0, 16), dtype=np.uint8)
        self.given: dict[str, tuple[tuple[str, ...], str]] = {}
        self.surnames: dict[str, tuple[str, str]] = {}
        self.word_info: dict[str, tuple[int, str, int, int]] = {}
        self.md_ids: dict[_dt.date, int] = {}

    def sid(self, s: str) -> int:
        """The id of ``s`` in the string table (a plain string; its phonetic code and
        sorted letters get ids of their own only for words, :meth:`word`)."""
        i = self.strings.get(s)
        if i is None:
            i = self.strings[s] = len(self.strings)
            self.phon_of.append(-1)
            self.letters_of.append(-1)
        return i

    def word(self, w: str) -> tuple[int, str, int, int]:
        """(id, phonetic code, id of the phonetic code, id of the first letter) of a
        name word."""
        info = self.word_info.get(w)
        if info is None:
            i = self.sid(w)
            phon = nz.phonetic(w)
            p = self.sid(phon)
            self.phon_of[i] = p
            self.letters_of[i] = self.sid("".join(sorted(w)))
            info = self.word_info[w] = (i, phon, p, self.sid(w[:1]))
        return info

    def string_table(self) -> tuple[np.ndarray, np.ndarray, int]:
        data = [s.encode("ascii") for s in self.strings]
        lengths = np.fromiter((len(s) for s in data), dtype=np.int64, count=len(data))
        offsets = np.zeros(len(data) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        buf = np.frombuffer(b"".join(data), dtype=np.uint8)
        return buf, offsets, int(lengths.max(initial=0))


_STATES: dict[str, _State] = {}


def _state(key: PseudonymKey) -> _State:
    st = _STATES.get(key.key_id)
    if st is None:
        if len(_STATES) > 8:
            _STATES.clear()
        st = _STATES[key.key_id] = _State(key)
    return st


_SEXES = ("M", "F", "V", "X", "")


class _Checked(NamedTuple):
    """One identity after the checks of ``encode2``, in its order."""

    given_tokens: tuple[str, ...]
    surname_core: str
    #: The first given name of the surname field and the surname core of the
    #: given-names field (the swapped reading, for blocking); "" if there is none.
    swapped_given: str
    swapped_surname: str
    bsn: str
    dob: _dt.date


def _check(identity: Identity, st: _State, today: _dt.date) -> _Checked:
    """The checks and normalisation of :func:`zicht.pprl.pprl2._checked_names` and
    ``_checked_date_of_birth`` in the same order (the same error for the same input),
    each distinct given-names and surname string normalised once."""
    given = _check_text(identity.given_names, "given_names")
    surname = _check_text(identity.surname, "surname")
    sex = _check_text(identity.sex, "sex").strip().upper()
    if sex not in _SEXES:
        raise EncodingError("sex: must be M, F, X or empty", "sex")
    bsn_raw = _check_text(identity.bsn, "bsn").strip()
    bsn = normalise_bsn(bsn_raw) if bsn_raw else ""
    sn = st.surnames.get(surname)
    if sn is None:
        swapped = [canonical_given(t) for t in nz.given_tokens(surname)]
        sn = st.surnames[surname] = (nz.surname_core(surname), swapped[0] if swapped else "")
    g = st.given.get(given)
    if g is None:
        tokens = [canonical_given(t) for t in nz.fold(given).replace("-", "").split()]
        tokens = [t for t in tokens if t not in nz.PARTICLES] or tokens
        g = st.given[given] = (tuple(tokens), nz.surname_core(given))
    if not sn[0]:
        raise EncodingError("surname: empty after normalisation", "surname")
    if not g[0]:
        raise EncodingError("given_names: empty after normalisation", "given_names")
    dob = pprl2._checked_date_of_birth(identity.date_of_birth, today)
    return _Checked(g[0], sn[0], sn[1], g[1], bsn, dob)


def _hex_tokens(
    chaining: tuple[np.ndarray, np.ndarray], messages: list[str], n_hex: int
) -> list[str]:
    """The first ``n_hex`` hex digits of the HMAC of every message, in one compiled loop."""
    if not messages:
        return []
    data = [m.encode("ascii") for m in messages]
    lengths = np.fromiter((len(d) for d in data), dtype=np.int64, count=len(data))
    offsets = np.zeros(len(data) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    buf = np.frombuffer(b"".join(data), dtype=np.uint8)
    digests = _hmac_many(chaining[0], chaining[1], buf, offsets, int(lengths.max()))
    h = np.ascontiguousarray(digests[:, : (n_hex + 1) // 2]).tobytes().hex()
    step = 2 * ((n_hex + 1) // 2)
    return [h[k : k + n_hex] for k in range(0, len(h), step)]


@njit(cache=True, nogil=True)
def _joined_kernel(istate, ostate, parts, strbuf, stroff, max_len):  # pragma: no cover
    """HMAC-SHA256 of every row of ``parts``: its string ids joined with ``|`` (a
    negative id ends the row)."""
    rows, width = parts.shape
    out = np.empty((rows, 32), dtype=np.uint8)
    ctx = np.zeros(28, dtype=np.uint32)
    scratch = np.zeros(width * (max_len + 1) + 200, dtype=np.uint8)
    for i in range(rows):
        pos = 0
        for k in range(width):
            sid = parts[i, k]
            if sid < 0:
                break
            if k:
                scratch[pos] = 124
                pos += 1
            pos = _put(scratch, pos, strbuf, stroff, sid)
        _hmac_into(istate, ostate, ctx, scratch, pos, out, i)
    return out


class _Table(NamedTuple):
    """The string table as the kernels read it."""

    buf: np.ndarray
    offsets: np.ndarray
    max_len: int

    def tokens(self, chaining, parts: np.ndarray) -> np.ndarray:
        """The first 8 bytes of the HMAC of every row of ``parts`` (joined with ``|``)."""
        if not len(parts):
            return np.empty((0, 8), dtype=np.uint8)
        digests = _joined_kernel(
            chaining[0], chaining[1], parts, self.buf, self.offsets, self.max_len
        )
        return np.ascontiguousarray(digests[:, :8])


#: Columns of :func:`_id_columns`.
_YEAR, _FG, _PFG, _SN, _PSN, _MD, _SW, _P1, _P2, _FG0, _SN0, _MONTH, _DAY = range(13)


def _distinct(values: list) -> tuple[list, np.ndarray]:
    """The distinct ``values`` in first-seen order, and each value's index among them."""
    index: dict = {}
    inverse = np.fromiter(
        (index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values)
    )
    return list(index), inverse


def _word_ids(word: Callable[[str], tuple[int, str, int, int]], words: list) -> np.ndarray:
    """(id, phonetic code id, first letter id) of every word, one row each."""
    return np.array([(i, p, f) for i, _, p, f in map(word, words)], dtype=np.int64)


def _id_columns(st: _State, recs: list[_Checked]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per identity: birth year; string ids of the first given name, its phonetic
    code, the surname core, its phonetic code, the sorted month/day; whether the swapped
    reading exists and the phonetic ids of its given name and surname; the ids of the
    first letters of given name and surname; month; day. Also, per given-name token of
    every identity, (identity row, token id).

    Each column group is computed once per distinct value (first given name, surname,
    date of birth, swapped reading, given-name tokens) and broadcast to the rows by
    numpy indexing: a population repeats its names and dates."""
    word, mds, sid = st.word, st.md_ids, st.sid
    a = np.empty((len(recs), 13), dtype=np.int64)
    firsts, inv = _distinct([r.given_tokens[0] for r in recs])
    a[:, [_FG, _PFG, _FG0]] = _word_ids(word, firsts)[inv]
    surnames, inv = _distinct([r.surname_core for r in recs])
    a[:, [_SN, _PSN, _SN0]] = _word_ids(word, surnames)[inv]
    dobs, inv = _distinct([r.dob for r in recs])
    per_dob = []
    for dob in dobs:
        md_id = mds.get(dob)
        if md_id is None:
            lo, hi = sorted((dob.month, dob.day))
            md_id = mds[dob] = sid(f"{lo:02d}{hi:02d}")
        per_dob.append((dob.year, md_id, dob.month, dob.day))
    a[:, [_YEAR, _MD, _MONTH, _DAY]] = np.array(per_dob, dtype=np.int64)[inv]
    swaps, inv = _distinct([(r.swapped_given, r.swapped_surname) for r in recs])
    per_swap = [(1, word(g)[2], word(x)[2]) if g and x else (0, -1, -1) for g, x in swaps]
    a[:, [_SW, _P1, _P2]] = np.array(per_swap, dtype=np.int64)[inv]
    given, inv = _distinct([r.given_tokens for r in recs])
    lengths = np.array([len(g) for g in given], dtype=np.int64)[inv]
    owners = np.repeat(np.arange(len(recs), dtype=np.int64), lengths)
    ids = [[sid(t) for t in g] for g in given]
    tokens = np.fromiter(
        (i for k in inv.tolist() for i in ids[k]), dtype=np.int64, count=int(lengths.sum())
    )
    return a, owners, tokens


def _key_columns(a: np.ndarray, offset: int) -> list[np.ndarray]:
    """The packed anchored keys of every identity for its birth year + ``offset``: the
    given name under ``n``, ``p``, ``d``, then the surname (encode2's order)."""
    year = (a[:, _YEAR] + offset) << 52
    given, p_given, surname, p_surname, md = (a[:, k] for k in (_FG, _PFG, _SN, _PSN, _MD))
    parts = [
        (_TAG_N, surname, given),
        (_TAG_P, p_surname, given),
        (_TAG_D, md, given),
        (_TAG_N, given, surname),
        (_TAG_P, p_given, surname),
        (_TAG_D, md, surname),
    ]
    return [year | (tag << 50) | (value << _ID_BITS) | w for tag, value, w in parts]


def _hex16(data: bytes) -> list[str]:
    """``data`` as 16-digit hex strings (8 bytes each), split in one pass: ``bytes.hex``
    puts a separator every 8 bytes and ``str.split`` cuts there, both in C (not a
    Python slice per token)."""
    return data.hex(" ", 8).split(" ") if data else []


def _anchored(st: _State, a: np.ndarray, table: _Table) -> tuple[bytes, list[str]]:
    """The 18 anchored filters (own year, the year before, the year after; per year
    the given name under ``n``, ``p``, ``d``, then the surname) of every identity, as
    one byte string of 18 x 32 bytes per identity, and their (phonetic, letters)
    tokens as 36 hex strings of 16 digits per identity."""
    keys = np.empty((len(a), 3, 6), dtype=np.int64)
    for j, off in enumerate((0, -1, 1)):
        for k, column in enumerate(_key_columns(a, off)):
            keys[:, j, k] = column
    uniq, inverse = np.unique(keys.ravel(), return_inverse=True)
    filters, tokens = _lookup(st, uniq, table)
    return filters[inverse].tobytes(), _hex16(tokens[inverse].tobytes())


def _lookup(st: _State, uniq: np.ndarray, table: _Table) -> tuple[np.ndarray, np.ndarray]:
    """Filters (m x 32 bytes) and token bytes (m x 16: phonetic, letters) of the sorted
    distinct keys ``uniq``: from the key's store, the missing ones computed and added."""
    known = st.store_keys
    pos = np.searchsorted(known, uniq)
    found = np.zeros(len(uniq), dtype=bool)
    inside = pos < len(known)
    found[inside] = known[pos[inside]] == uniq[inside]
    missing = uniq[~found]
    if len(missing):
        if len(known) + len(missing) > st.MAX_ANCHORED:
            st.store_keys = np.empty(0, dtype=np.int64)
            st.store_filters = np.empty((0, FIELD_BYTES), dtype=np.uint8)
            st.store_tokens = np.empty((0, 16), dtype=np.uint8)
            missing = uniq
        f, t = _anchored_kernel(
            st.field[0],
            st.field[1],
            st.name[0],
            st.name[1],
            missing,
            table.buf,
            table.offsets,
            np.asarray(st.phon_of, dtype=np.int64),
            np.asarray(st.letters_of, dtype=np.int64),
            table.max_len,
        )
        t16 = np.ascontiguousarray(t[:, :8]).reshape(len(missing), 16)
        if not len(st.store_keys):
            st.store_keys, st.store_filters, st.store_tokens = missing, f, t16
            if len(missing) == len(uniq):
                return f, t16
        else:
            at = np.searchsorted(st.store_keys, missing)
            st.store_keys = np.insert(st.store_keys, at, missing)
            st.store_filters = np.insert(st.store_filters, at, f, axis=0)
            st.store_tokens = np.insert(st.store_tokens, at, t16, axis=0)
    pos = np.searchsorted(st.store_keys, uniq)
    return st.store_filters[pos], st.store_tokens[pos]


#: Block tokens per identity, in this order: the name blocks of its own year, the year
#: before and the year after; the same for the swapped reading (when there is one);
#: given name with month, with day; surname with month, with day.
_BLOCKS = 10


def _block_rows(st: _State, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The block-token messages of every identity as rows of string ids (joined with
    ``|`` by the kernel), and which rows exist (the swapped ones only with a swapped
    reading): ``n|year|phon(given)|phon(surname)`` and
    ``gm|year|phon(given)|s|MM`` (``gd``, ``sm``, ``sd`` likewise)."""
    sid = st.sid
    year = a[:, _YEAR]
    years = np.zeros(int(year.max()) + 2, dtype=np.int64)
    for y in range(int(year.min()) - 1, int(year.max()) + 2):
        years[y] = sid(str(y))
    two = np.array([sid(f"{k:02d}") for k in range(32)], dtype=np.int64)
    tag = {t: sid(t) for t in ("n", "gm", "gd", "sm", "sd")}
    rows = np.full((len(a), _BLOCKS, 5), -1, dtype=np.int64)
    for k, off in enumerate((0, -1, 1)):
        y = years[year + off]
        rows[:, k, 0] = tag["n"]
        rows[:, k, 1] = y
        rows[:, k, 2] = a[:, _PFG]
        rows[:, k, 3] = a[:, _PSN]
        rows[:, 3 + k, 0] = tag["n"]
        rows[:, 3 + k, 1] = y
        rows[:, 3 + k, 2] = a[:, _P1]
        rows[:, 3 + k, 3] = a[:, _P2]
    for k, (name, word, initial, part) in enumerate(
        (("gm", _PFG, _SN0, _MONTH), ("gd", _PFG, _SN0, _DAY), ("sm", _PSN, _FG0, _MONTH))
        + (("sd", _PSN, _FG0, _DAY),)
    ):
        rows[:, 6 + k, 0] = tag[name]
        rows[:, 6 + k, 1] = years[year]
        rows[:, 6 + k, 2] = a[:, word]
        rows[:, 6 + k, 3] = a[:, initial]
        rows[:, 6 + k, 4] = two[a[:, part]]
    present = np.ones((len(a), _BLOCKS), dtype=bool)
    present[:, 3:6] = a[:, _SW, None] != 0
    return rows.reshape(-1, 5), present.ravel()


def _block_hex(st: _State, rows: np.ndarray, present: np.ndarray, table: _Table) -> list[str]:
    """The block tokens of every identity, 10 hex strings of 16 digits each (see
    :data:`_BLOCKS`; the swapped ones are zeros when there is no swapped reading)."""
    out = np.zeros((len(rows), 8), dtype=np.uint8)
    out[present] = table.tokens(st.block, rows[present])
    return _hex16(out.tobytes())


def _fill_dates(st: _State, ks: pprl2._Keys, dobs: set[_dt.date]) -> None:
    """Put the date tokens of every date in ``dobs`` that ``ks`` does not know into its
    cache: the same values as ``pprl2._date_tokens``, but the HMACs of all the dates
    in two compiled loops (date key, block key) instead of ~17 ``hmac`` calls from
    Python per date (a third of a cold batch, measured)."""
    missing = [d for d in dobs if not ks.has_date(d)]
    if not missing:
        return
    plan = [date_messages(d) for d in missing]
    date_hex = iter(_hex_tokens(st.date, [m for dm, _ in plan for m in dm], TOKEN_HEX))
    block_hex = iter(_hex_tokens(st.block, [m for _, bm in plan for m in bm], TOKEN_HEX))
    for dob, (dm, bm) in zip(missing, plan, strict=True):
        dates = [next(date_hex) for _ in dm]
        blocks = [next(block_hex) for _ in bm]
        ks.remember_date(dob, date_tokens_of(dates, blocks))


def encode2_many(
    identities: Sequence[Identity], key: PseudonymKey, *, today: _dt.date | None = None
) -> list[Encoding2 | EncodingError]:
    """``encode2`` of every identity, in order: its encoding, or the
    :class:`EncodingError` that ``encode2`` would raise for it. Byte-identical to
    ``encode2`` (tests/pprl/test_encode2_batch.py). Works in chunks of
    :data:`CHUNK` identities, so memory stays bounded for any number."""
    today = today or _dt.date.today()
    if not _usable():
        return [_one(identity, key, today) for identity in identities]
    out: list[Encoding2 | EncodingError] = []
    # A batch makes millions of small objects, none of them in a cycle: the cyclic
    # collector would traverse them again and again (a third of the time, measured).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for start in range(0, len(identities), CHUNK):
            out += _encode_chunk(identities[start : start + CHUNK], key, today)
    finally:
        if collecting:
            gc.enable()
    return out


#: Identities per compiled pass (some 1.5 kB of intermediate arrays each).
CHUNK = 100_000


def _encode_chunk(
    identities: Sequence[Identity], key: PseudonymKey, today: _dt.date
) -> list[Encoding2 | EncodingError]:
    # One batch at a time: a key's tables (string ids, stores) change during a batch.
    with _LOCK:
        st = _state(key)
        if len(st.strings) > st.MAX_STRINGS or len(st.given) + len(st.surnames) > st.MAX_NAMES:
            st.reset()
        out: list[Encoding2 | EncodingError] = [EncodingError("unused", "unused")] * len(identities)
        ok: list[int] = []
        recs: list[_Checked] = []
        for i, identity in enumerate(identities):
            try:
                recs.append(_check(identity, st, today))
            except EncodingError as exc:
                out[i] = exc
                continue
            ok.append(i)
        if not recs:
            return out
        if max(r.dob.year for r in recs) + 1 >= _MAX_YEAR:
            return [_one(identity, key, today) for identity in identities]
        for i, enc in zip(ok, _encode_checked(st, pprl2._keys(key), recs), strict=True):
            out[i] = enc
        return out


_LOCK = threading.Lock()
#: A packed anchored key holds the birth year in 11 bits (years up to 2047; later
#: ones go through ``encode2``).
_MAX_YEAR = 1 << 11


def _encode_checked(st: _State, ks: pprl2._Keys, recs: list[_Checked]) -> list[Encoding2]:
    a, owners, given_ids = _id_columns(st, recs)
    # Every string the messages need is interned before the table is built.
    o_tag = st.sid("o")
    years = {y: st.sid(str(y)) for y in {r.dob.year for r in recs}}
    block_rows, present = _block_rows(st, a)
    table = _Table(*st.string_table())
    fb, th = _anchored(st, a, table)
    bh = _block_hex(st, block_rows, present, table)
    o_rows = np.column_stack(
        (
            np.array([years[y] for y in a[owners, _YEAR].tolist()], dtype=np.int64),
            np.full(len(owners), o_tag, dtype=np.int64),
            a[owners, _SN],
            given_ids,
        )
    )
    others = _hex16(table.tokens(st.name, o_rows).tobytes())
    bsns = [r.bsn for r in recs if r.bsn]
    bsn_tokens = iter(_hex_tokens(st.bsn, [f"bsn|{b}" for b in bsns], BSN_TOKEN_HEX))
    key_id = ks.key_id
    _fill_dates(st, ks, {r.dob for r in recs})
    # Bulk splits: per identity 6 filter triples (given name, surname; own year, the
    # year before, the year after), 3 twelves of name tokens, 10 block tokens. The
    # triples come straight from the byte string (``struct`` cuts them in C).
    triples = list(_TRIPLE.iter_unpack(fb))
    twelves = list(zip(*[iter(th)] * 12, strict=True))
    tens = list(zip(*[iter(bh)] * _BLOCKS, strict=True))
    out = []
    o_at = 0
    for j, r in enumerate(recs):
        dates = ks.date_tokens(r.dob)
        g, d, bt = 6 * j, 3 * j, tens[j]
        n_given = len(r.given_tokens)
        if n_given == 1:
            other: tuple[str, ...] = (others[o_at],)
        else:
            first = others[o_at]
            other = (first, *sorted(set(others[o_at + 1 : o_at + n_given]) - {first}))
        o_at += n_given
        pb = dates.probe_blocks
        if r.swapped_surname and r.swapped_given:
            own = {*dates.blocks, bt[0], bt[3], bt[6], bt[7], bt[8], bt[9]}
            before, after = {bt[1], bt[4], pb[0]}, {bt[2], bt[5], pb[1]}
        else:
            own = {*dates.blocks, bt[0], bt[6], bt[7], bt[8], bt[9]}
            before, after = {bt[1], pb[0]}, {bt[2], pb[1]}
        out.append(
            _encoding(
                SPEC_VERSION_2,
                key_id,
                triples[g],
                triples[g + 1],
                twelves[d],
                other,
                dates.date_tokens,
                dates.date_near_tokens,
                next(bsn_tokens) if r.bsn else "",
                tuple(sorted(own)),
                (
                    _probe(
                        -1, triples[g + 2], triples[g + 3], twelves[d + 1], tuple(sorted(before))
                    ),
                    _probe(1, triples[g + 4], triples[g + 5], twelves[d + 2], tuple(sorted(after))),
                ),
            )
        )
    return out


class _Encoding2Slots:
    """The slots of :class:`Encoding2` without its frozen ``__setattr__``.

    Why: the generated ``__init__`` of a frozen dataclass stores every field through
    ``object.__setattr__`` (3.7 µs for an ``Encoding2``, a fifth of a batch), and
    calling the slot descriptors' setters one by one still costs some 0.15 µs a
    field. An object of this class is filled by plain attribute stores and then made
    an ``Encoding2`` by assigning ``__class__``, which CPython allows only between
    classes with the same slot layout (it raises TypeError otherwise): the result is
    an ordinary ``Encoding2`` (same class, fields, equality, hash, frozen)."""

    __slots__ = (
        "spec_version",
        "key_id",
        "given",
        "surname",
        "name_tokens",
        "other_given_tokens",
        "date_tokens",
        "date_near_tokens",
        "bsn_token",
        "block_tokens",
        "probes",
    )

    def __init__(
        self,
        spec_version: str,
        key_id: str,
        given: tuple[bytes, ...],
        surname: tuple[bytes, ...],
        name_tokens: tuple[str, ...],
        other_given_tokens: tuple[str, ...],
        date_tokens: tuple[str, ...],
        date_near_tokens: tuple[str, ...],
        bsn_token: str,
        block_tokens: tuple[str, ...],
        probes: tuple[Probe2, ...],
    ) -> None:
        self.spec_version = spec_version
        self.key_id = key_id
        self.given = given
        self.surname = surname
        self.name_tokens = name_tokens
        self.other_given_tokens = other_given_tokens
        self.date_tokens = date_tokens
        self.date_near_tokens = date_near_tokens
        self.bsn_token = bsn_token
        self.block_tokens = block_tokens
        self.probes = probes


class _Probe2Slots:
    """The slots of :class:`Probe2`, filled the same way (see :class:`_Encoding2Slots`)."""

    __slots__ = ("year_offset", "given", "surname", "name_tokens", "block_tokens")

    def __init__(
        self,
        year_offset: int,
        given: tuple[bytes, ...],
        surname: tuple[bytes, ...],
        name_tokens: tuple[str, ...],
        block_tokens: tuple[str, ...],
    ) -> None:
        self.year_offset = year_offset
        self.given = given
        self.surname = surname
        self.name_tokens = name_tokens
        self.block_tokens = block_tokens


def _check_twin(cls: type, twin: type) -> None:
    """``twin`` must have ``cls``'s fields as its slots, in order: a field added to the
    class cannot be left unset here."""
    fields = tuple(f.name for f in dataclasses.fields(cls))
    slots = getattr(twin, "__slots__", ())
    if fields != slots or getattr(cls, "__slots__", ()) != slots:
        raise RuntimeError(f"{cls.__name__} fields changed: {fields}")


_check_twin(Encoding2, _Encoding2Slots)
_check_twin(Probe2, _Probe2Slots)


def _encoding(*values: Any) -> Encoding2:
    obj = _Encoding2Slots(*values)
    obj.__class__ = Encoding2  # type: ignore[assignment]
    return cast(Encoding2, obj)


def _probe(*values: Any) -> Probe2:
    obj = _Probe2Slots(*values)
    obj.__class__ = Probe2  # type: ignore[assignment]
    return cast(Probe2, obj)


def _one(identity: Identity, key: PseudonymKey, today: _dt.date) -> Encoding2 | EncodingError:
    try:
        return pprl2.encode2(identity, key, today=today)
    except EncodingError as exc:
        return exc


_SELF_TEST: list[bool] = []


def _usable() -> bool:
    """Whether the compiled HMAC is available and gives :func:`hmac.digest`'s bytes
    (checked once per process, on short and multi-block messages)."""
    if not _SELF_TEST:
        good = _HAVE_LIBCRYPTO
        if good:
            key = bytes(range(40))
            messages = ["", "a", "x" * 55, "y" * 56, "z" * 64, "w" * 130]
            chaining = _chaining_values(key)
            got = _hex_tokens(chaining, messages, 64)
            want = [hmac.digest(key, m.encode(), "sha256").hex() for m in messages]
            good = got == want
        _SELF_TEST.append(good)
    return _SELF_TEST[0]
