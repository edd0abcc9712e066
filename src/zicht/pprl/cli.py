"""Command-line interface: ``python -m zicht.pprl {keygen,encode,link} ...``.

Exit codes: 0 success; 1 some input rows could not be encoded/read (the good rows are
still written); 2 usage error, missing columns, unreadable key or input file, an input
file that is not UTF-8, an output file that cannot be written.
Nothing printed by this module ever contains plaintext identity data.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import gc
import json
import os
import sys
import time
from binascii import b2a_base64
from collections.abc import Iterator, Sequence
from pathlib import Path

from zicht.pprl.encoding import Encoding, EncodingError, Identity, encode
from zicht.pprl.keys import PseudonymKey, PseudonymKeyError
from zicht.pprl.pprl2 import SPEC_VERSION_2, Encoding2, link2
from zicht.pprl.spec import SPEC_VERSION
from zicht.pprl.wire import to_wire

SPECS = (SPEC_VERSION, SPEC_VERSION_2)
#: Evidence columns of a zicht-pprl-2 ``link`` output (levels only, no score).
EVIDENCE_COLUMNS = (
    "given_name",
    "surname",
    "date_of_birth",
    "bsn",
    "fields_swapped",
    "year_offset",
)

REQUIRED_COLUMNS = ("id", "given_names", "surname", "date_of_birth", "sex", "bsn", "municipality")


class CliError(Exception):
    """A fatal, user-facing error: printed as one line, exit code 2."""


def _not_utf8(path, hint: str = "") -> CliError:
    return CliError(f"error: {path} is not UTF-8 text{hint}")


CSV_HINT = "; save it as UTF-8 (e.g. 'CSV UTF-8')"


def _os_error(action: str, path, exc: OSError) -> CliError:
    return CliError(f"error: cannot {action} {path}: {exc.strerror or type(exc).__name__}")


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class _Progress:
    def __init__(self, enabled: bool, every: float = 2.0) -> None:
        self.enabled = enabled
        self.every = every
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last >= self.every or done >= total:
            self.last = now
            pct = 100.0 * done / total if total else 100.0
            _err(f"{stage}: {done}/{total} ({pct:.0f}%)")


def _parse_date(text: str) -> _dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise EncodingError("date_of_birth: not an ISO date YYYY-MM-DD", "date_of_birth") from None


def _parse_year(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise EncodingError("birth_year_estimate: not an integer", "birth_year_estimate") from None


def cmd_keygen(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists() and not args.force:
        raise CliError(f"error: {out} exists (use --force to overwrite)")
    key = PseudonymKey.generate()
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key.to_hex() + "\n")
    except OSError as exc:
        raise _os_error("write", out, exc) from None
    _err(f"wrote a new key with key_id {key.key_id} to {out}")
    return 0


def _load_key(path: str) -> PseudonymKey:
    try:
        return PseudonymKey.from_file(path)
    except PseudonymKeyError as exc:
        raise CliError(f"error: key file {path}: {exc}") from None


def _csv_reader(fh, path) -> csv.DictReader:
    """A reader over ``fh`` whose header has every required column, or CliError."""
    reader = csv.DictReader(fh)
    try:
        header = reader.fieldnames or []
    except UnicodeDecodeError:
        raise _not_utf8(path, CSV_HINT) from None
    except csv.Error as exc:
        raise CliError(f"error: {path}: the header is not valid CSV ({exc})") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CliError(f"error: {path}: missing required column(s): {', '.join(missing)}")
    return reader


def _rows(reader: csv.DictReader, path):
    """(line number, row) per readable row; a row that is not valid CSV is reported and
    yielded as (line number, None). Text that is not UTF-8 stops everything: it is
    decoded in blocks, so the rows of a block are lost."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise _not_utf8(path, CSV_HINT) from None
        except csv.Error:
            yield reader.line_num, None
            continue
        yield reader.line_num, row


def _row_identity(row: dict, seen_ids: set[str]) -> tuple[str, Identity]:
    """The row's id and identity, or EncodingError naming the problem (never a value)."""
    rid = (row.get("id") or "").strip()
    if not rid:
        raise EncodingError("id: empty", "id")
    if rid in seen_ids:
        raise EncodingError("id: duplicate id", "id")
    if None in row:
        raise EncodingError("row: more fields than the header", "row")
    return rid, Identity(
        given_names=row.get("given_names") or "",
        surname=row.get("surname") or "",
        date_of_birth=_parse_date(row.get("date_of_birth") or ""),
        sex=row.get("sex") or "",
        bsn=row.get("bsn") or "",
        municipality=row.get("municipality") or "",
        birth_year_estimate=_parse_year(row.get("birth_year_estimate")),
    )


def _encode_rows(reader, args, key, out, progress) -> tuple[int, int]:
    """Encode every row into ``out`` (JSON lines); returns (written, failed)."""
    if args.spec == SPEC_VERSION_2:
        return _Batch2(args, key, out, progress).run(reader)
    encoder = encode
    seen_ids: set[str] = set()
    written = failed = 0
    for line, row in _rows(reader, args.input):
        try:
            if row is None:
                raise EncodingError("row is not valid CSV", "row")
            rid, ident = _row_identity(row, seen_ids)
            data = encoder(ident, key).to_json()
        except EncodingError as exc:
            failed += 1
            _err(f"line {line}: {exc.reason}")
            continue
        seen_ids.add(rid)
        out.write(json.dumps({"id": rid, **data}, separators=(",", ":")) + "\n")
        written += 1
        if written % 10000 == 0:
            progress("encoding", written, written)
    return written, failed


class _Batch2:
    """``encode --spec zicht-pprl-2``: rows are encoded in batches by ``encode2_many``
    (same bytes as ``encode2``, several times faster), and written and reported in
    input order, exactly as the row-by-row loop would. A row whose id is still pending
    in the batch first sends the batch off, so a duplicate is judged against the rows
    that were really written before it."""

    SIZE = 50_000

    def __init__(self, args: argparse.Namespace, key: PseudonymKey, out, progress) -> None:
        from zicht.pprl._pprl2_fast import encode2_many  # noqa: PLC0415 - lazy: numpy/numba

        self.encode_many = encode2_many
        self.args, self.key, self.out, self.progress = args, key, out, progress
        self.seen: set[str] = set()
        #: (line, id, identity) of a row to encode, or (line, None, the row's error).
        self.pending: list[tuple[int, str | None, Identity | EncodingError]] = []
        self.pending_ids: set[str] = set()
        self.written = self.failed = 0

    def run(self, reader) -> tuple[int, int]:
        """Read, encode and write every row, with the cyclic garbage collector paused.

        Why: a batch's encodings are some five million small container objects, none in
        a cycle, and the rows, names and cached values of a run are hundreds of
        thousands more. With the collector running, the first allocations after the
        encoder returned made it traverse all of them, and again in the older
        generations, and reading the next batch's rows did the same for the caches
        (about a tenth of the command's time at 100,000 rows, profiled). Everything a
        batch makes is freed by reference counting when the batch has been written."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._run(reader)
        finally:
            if collecting:
                gc.enable()

    def _run(self, reader) -> tuple[int, int]:
        try:
            for line, row in _rows(reader, self.args.input):
                self.add(line, row)
        except CliError:
            self.flush()  # what the row-by-row loop had written before the fatal error
            raise
        self.flush()
        return self.written, self.failed

    def add(self, line: int, row: dict | None) -> None:
        if row is not None and (row.get("id") or "").strip() in self.pending_ids:
            self.flush()
        try:
            if row is None:
                raise EncodingError("row is not valid CSV", "row")
            rid, ident = _row_identity(row, self.seen)
        except EncodingError as exc:
            self.pending.append((line, None, exc))
        else:
            self.pending.append((line, rid, ident))
            self.pending_ids.add(rid)
        if len(self.pending) >= self.SIZE:
            self.flush()

    def flush(self) -> None:
        todo = [(i, item) for i, (_, rid, item) in enumerate(self.pending) if rid is not None]
        results: list[Encoding2 | EncodingError | Identity] = [p[2] for p in self.pending]
        if todo:
            identities = [item for _, item in todo if isinstance(item, Identity)]
            encoded = self.encode_many(identities, self.key)
            for (i, _), result in zip(todo, encoded, strict=True):
                results[i] = result
        lines = self.lines(results)
        for (line, rid, ident), enc in zip(self.pending, results, strict=True):
            try:
                if isinstance(enc, EncodingError) or rid is None:
                    raise enc if isinstance(enc, EncodingError) else EncodingError("row", "row")
                assert isinstance(enc, Encoding2) and isinstance(ident, Identity)
                line_text = next(lines) if lines else self.line(rid, ident, enc)
            except EncodingError as exc:
                self.failed += 1
                _err(f"line {line}: {exc.reason}")
                continue
            self.seen.add(rid)
            self.out.write(line_text)
            self.written += 1
            if self.written % 10000 == 0:
                self.progress("encoding", self.written, self.written)
        self.pending.clear()
        self.pending_ids.clear()

    def lines(self, results: list) -> Iterator[str] | None:
        """The JSON lines of the batch's encodings in order, written in bulk
        (:func:`_json_lines2`); None with ``--with-pprl1`` (one line at a time)."""
        if self.args.with_pprl1:
            return None
        done = [
            (rid, enc)
            for (_, rid, _), enc in zip(self.pending, results, strict=True)
            if isinstance(enc, Encoding2) and rid is not None
        ]
        return iter(_json_lines2([rid for rid, _ in done], [enc for _, enc in done]))

    def line(self, rid: str, ident: Identity, enc: Encoding2) -> str:
        """The JSON line of one encoded row; with ``--with-pprl1`` the wire form with the
        same identity's zicht-pprl-1 encoding (which may refuse the row)."""
        if self.args.with_pprl1:
            data = to_wire(enc, encode(ident, self.key))
            return json.dumps({"id": rid, **data}, separators=(",", ":")) + "\n"
        return _json_line2(rid, enc)


def _strings(items) -> str:
    """A JSON array of strings that need no escaping (hex, base64)."""
    return '["' + '","'.join(items) + '"]' if items else "[]"


def _filters(items) -> str:
    return '["' + '","'.join([b2a_base64(f, newline=False).decode() for f in items]) + '"]'


def _json_line2(rid: str, enc: Encoding2) -> str:
    """``json.dumps({"id": rid, **enc.to_json()}, separators=(",", ":"))`` and a newline,
    written out by hand: json.dumps of the nested dict took longer than encoding the
    identity. Same text (tests/pprl/test_encode2_batch.py); only the id and key id can
    hold characters that need escaping, and they go through json.dumps."""
    probes = ",".join(
        [
            f'{{"year_offset":{p.year_offset},"given":{_filters(p.given)},'
            f'"surname":{_filters(p.surname)},"name_tokens":{_strings(p.name_tokens)},'
            f'"block_tokens":{_strings(p.block_tokens)}}}'
            for p in enc.probes
        ]
    )
    return (
        f'{{"id":{json.dumps(rid)},"spec_version":{json.dumps(enc.spec_version)},'
        f'"key_id":{json.dumps(enc.key_id)},"given":{_filters(enc.given)},'
        f'"surname":{_filters(enc.surname)},"name_tokens":{_strings(enc.name_tokens)},'
        f'"other_given_tokens":{_strings(enc.other_given_tokens)},'
        f'"date_tokens":{_strings(enc.date_tokens)},'
        f'"date_near_tokens":{_strings(enc.date_near_tokens)},'
        f'"bsn_token":"{enc.bsn_token}","block_tokens":{_strings(enc.block_tokens)},'
        f'"probes":[{probes}]}}\n'
    )


#: A JSON array of three base64 filters: ``["`` + 44 characters + ``","`` ... ``"]``.
_TRIPLE_WIDTH = 2 + 3 * 44 + 2 * 3 + 2


def _filter_arrays(triples: list[tuple[bytes, ...]]) -> str | None:
    """The JSON arrays of base64 filters (``_filters``) of every triple of 32-byte
    filters, one after the other, :data:`_TRIPLE_WIDTH` characters each; None when a
    triple does not hold three filters of 32 bytes.

    Why: one ``b2a_base64`` call per filter was a third of a JSON line's cost. Here the
    filters are joined with a zero byte after each, so every filter is 33 bytes (a
    multiple of 3) and one call encodes them all with the same 43 leading characters as
    alone (its 44th is "A" where alone it is the padding "="); numpy puts the quotes and
    commas around them."""
    import numpy as np  # noqa: PLC0415 - lazy, as the batch encoder

    if any(len(t) != 3 for t in triples):
        return None
    flat = [f for t in triples for f in t]
    if any(len(f) != 32 for f in flat):
        return None
    if not flat:
        return ""
    b64 = np.frombuffer(b2a_base64(b"\0".join(flat) + b"\0", newline=False), dtype=np.uint8)
    out = np.empty((len(triples), _TRIPLE_WIDTH), dtype=np.uint8)
    out[:] = np.frombuffer(b'["' + b'","'.join([b"=" * 44] * 3) + b'"]', dtype=np.uint8)
    cells = b64.reshape(len(triples), 3, 44)[:, :, :43]
    for k in range(3):
        at = 2 + 47 * k
        out[:, at : at + 43] = cells[:, k]
    return out.tobytes().decode("ascii")


def _quoted(text: str) -> str:
    """``json.dumps(text)``: directly for printable ASCII without quote or backslash
    (what ids mostly are), else through ``json.dumps``."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text)


def _json_lines2(rids: Sequence[str], encs: Sequence[Encoding2]) -> list[str]:
    """:func:`_json_line2` of every (id, encoding), the same text, in bulk: the filters
    of all encodings base64-encoded at once (:func:`_filter_arrays`) and the spec
    version and key id quoted once per distinct value."""
    triples = [
        t
        for e in encs
        for t in (e.given, e.surname, *(x for p in e.probes for x in (p.given, p.surname)))
    ]
    arrays = _filter_arrays(triples) if all(len(e.probes) == 2 for e in encs) else None
    if arrays is None:
        return [_json_line2(rid, enc) for rid, enc in zip(rids, encs, strict=True)]
    quoted: dict[str, str] = {}
    w = _TRIPLE_WIDTH
    lines = []
    for j, (rid, enc) in enumerate(zip(rids, encs, strict=True)):
        at = 6 * w * j
        p0, p1 = enc.probes
        head = quoted.get(enc.key_id + "\0" + enc.spec_version)
        if head is None:
            head = quoted[enc.key_id + "\0" + enc.spec_version] = (
                f'"spec_version":{json.dumps(enc.spec_version)},"key_id":{json.dumps(enc.key_id)}'
            )
        lines.append(
            f'{{"id":{_quoted(rid)},{head},"given":{arrays[at : at + w]},'
            f'"surname":{arrays[at + w : at + 2 * w]},'
            f'"name_tokens":{_strings(enc.name_tokens)},'
            f'"other_given_tokens":{_strings(enc.other_given_tokens)},'
            f'"date_tokens":{_strings(enc.date_tokens)},'
            f'"date_near_tokens":{_strings(enc.date_near_tokens)},'
            f'"bsn_token":"{enc.bsn_token}","block_tokens":{_strings(enc.block_tokens)},'
            f'"probes":[{{"year_offset":{p0.year_offset},'
            f'"given":{arrays[at + 2 * w : at + 3 * w]},'
            f'"surname":{arrays[at + 3 * w : at + 4 * w]},'
            f'"name_tokens":{_strings(p0.name_tokens)},'
            f'"block_tokens":{_strings(p0.block_tokens)}}},'
            f'{{"year_offset":{p1.year_offset},"given":{arrays[at + 4 * w : at + 5 * w]},'
            f'"surname":{arrays[at + 5 * w : at + 6 * w]},'
            f'"name_tokens":{_strings(p1.name_tokens)},'
            f'"block_tokens":{_strings(p1.block_tokens)}}}]}}\n'
        )
    return lines


def cmd_encode(args: argparse.Namespace) -> int:
    if args.with_pprl1 and args.spec != SPEC_VERSION_2:
        raise CliError(f"error: --with-pprl1 goes with --spec {SPEC_VERSION_2}")
    key = _load_key(args.key_file)
    try:
        fh = open(args.input, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CliError(f"error: cannot read {args.input}: {exc.strerror}") from None
    with fh:
        reader = _csv_reader(fh, args.input)
        out_path = args.out
        try:
            out = sys.stdout if out_path == "-" else open(out_path, "w", encoding="utf-8")
        except OSError as exc:
            raise CliError(f"error: cannot write {out_path}: {exc.strerror}") from None
        complete = False
        try:
            written, failed = _encode_rows(reader, args, key, out, _Progress(not args.quiet))
            complete = True
        finally:
            if out is not sys.stdout:
                out.close()
                if not complete:  # no half output that looks like a result
                    Path(out_path).unlink(missing_ok=True)
    if not args.quiet:
        _err(f"encoded {written} row(s), {failed} failed; spec {args.spec}, key_id {key.key_id}")
    return 1 if failed else 0


def _read_jsonl(path: str) -> tuple[list[tuple[str, Encoding | Encoding2]], int]:
    records: list[tuple[str, Encoding | Encoding2]] = []
    failed = 0
    try:
        fh = open(path, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"error: cannot read {path}: {exc.strerror}") from None
    with fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise EncodingError("line: not a JSON object", "line")
                rid = obj.get("id")
                if not isinstance(rid, str) or not rid:
                    raise EncodingError("id: missing", "id")
                reader = Encoding2 if obj.get("spec_version") == SPEC_VERSION_2 else Encoding
                records.append((rid, reader.from_json(obj)))
            except json.JSONDecodeError:
                failed += 1
                _err(f"{path}: line {lineno}: not valid JSON")
            except EncodingError as exc:
                failed += 1
                _err(f"{path}: line {lineno}: {exc.reason}")
    return records, failed


def _read_jsonl_file(path: str) -> tuple[list[tuple[str, Encoding | Encoding2]], int]:
    try:
        return _read_jsonl(path)
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    except OSError as exc:
        raise _os_error("read", path, exc) from None


def _thresholds(args: argparse.Namespace) -> tuple[float, float]:
    # numpy and numba load only for `link`: keygen and encode import this module in about
    # 0.06 s instead of 0.4 s with them (measured on the shared 2-core machine).
    from zicht.pprl import fuzzy  # noqa: PLC0415 - lazy: numpy/numba, needed by link only

    match_t = fuzzy.MATCH_THRESHOLD if args.match_threshold is None else args.match_threshold
    poss_t = (
        fuzzy.POSSIBLE_THRESHOLD if args.possible_threshold is None else args.possible_threshold
    )
    if not (0.0 <= poss_t <= match_t <= 1.0):
        raise CliError("error: need 0 <= possible threshold <= match threshold <= 1")
    return match_t, poss_t


def _read_sources(args: argparse.Namespace, progress) -> tuple[list, int]:
    """Every input file's records (and the count of bad lines); all files must share
    the key and the spec version."""
    sources = []
    failed = 0
    for path in args.inputs:
        recs, bad = _read_jsonl_file(path)
        failed += bad
        sources.append(recs)
        progress("reading", len(sources), len(args.inputs))
    if len({e.key_id for recs in sources for _, e in recs}) > 1:
        raise CliError("error: the input files were encoded with different keys (key_id differs)")
    if len({e.spec_version for recs in sources for _, e in recs}) > 1:
        raise CliError(
            "error: the input files use different spec versions; re-encode them all with "
            f"--spec {SPEC_VERSION_2}"
        )
    return sources, failed


def _write_pairs(path: str, pairs) -> None:
    try:
        out = sys.stdout if path == "-" else open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise CliError(f"error: cannot write {path}: {exc.strerror}") from None
    try:
        w = csv.writer(out)
        w.writerow(["id_a", "id_b", "score", "decision"])
        for p in pairs:
            w.writerow([p.id_a, p.id_b, f"{p.score:.4f}", p.decision])
    finally:
        if out is not sys.stdout:
            out.close()


def cmd_link(args: argparse.Namespace) -> int:
    from zicht.pprl.bulk import link_sources  # noqa: PLC0415 - lazy: numpy/numba, link only

    match_t, poss_t = _thresholds(args)
    progress = _Progress(not args.quiet)
    sources, failed = _read_sources(args, progress)
    if {e.spec_version for recs in sources for _, e in recs} == {SPEC_VERSION_2}:
        return _link_pprl2(args, sources, failed)
    t0 = time.monotonic()
    try:
        pairs = link_sources(
            sources,
            match_threshold=match_t,
            possible_threshold=poss_t,
            year_tolerance=not args.no_year_tolerance,
            progress=progress,
        )
    except EncodingError as exc:
        raise CliError(f"error: {exc.reason}") from None
    _write_pairs(args.out, pairs)
    if not args.quiet:
        n = sum(len(s) for s in sources)
        n_match = sum(1 for p in pairs if p.decision == "match")
        _err(
            f"linked {n} record(s) from {len(sources)} file(s): {n_match} match, "
            f"{len(pairs) - n_match} possible in {time.monotonic() - t0:.1f}s"
        )
    return 1 if failed else 0


def _link_pprl2(args: argparse.Namespace, sources, failed: int) -> int:
    """Link zicht-pprl-2 files: no score, the evidence levels of every pair instead."""
    t0 = time.monotonic()
    try:
        pairs = link2(sources, year_tolerance=not args.no_year_tolerance)
    except EncodingError as exc:
        raise CliError(f"error: {exc.reason}") from None
    try:
        out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise CliError(f"error: cannot write {args.out}: {exc.strerror}") from None
    try:
        w = csv.writer(out)
        w.writerow(["id_a", "id_b", "decision", *EVIDENCE_COLUMNS])
        for p in pairs:
            ev = p.evidence.to_dict()
            w.writerow([p.id_a, p.id_b, p.decision, *(ev[c] for c in EVIDENCE_COLUMNS)])
    finally:
        if out is not sys.stdout:
            out.close()
    if not args.quiet:
        n = sum(len(s) for s in sources)
        n_match = sum(1 for p in pairs if p.decision == "match")
        _err(
            f"linked {n} record(s) from {len(sources)} file(s) ({SPEC_VERSION_2}): {n_match} "
            f"match, {len(pairs) - n_match} possible in {time.monotonic() - t0:.1f}s"
        )
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m zicht.pprl",
        description=f"Privacy-preserving record linkage ({SPEC_VERSION}). See docs/linkage.md.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="{keygen,encode,link}")

    k = sub.add_parser("keygen", help="write a new random 32-byte master key (hex) to a file")
    k.add_argument("--out", required=True, help="key file to create (mode 0600)")
    k.add_argument("--force", action="store_true", help="overwrite an existing file")
    k.set_defaults(func=cmd_keygen)

    e = sub.add_parser(
        "encode",
        help="encode a CSV of identities into JSONL encodings",
        description=(
            "Read a CSV with header columns " + ",".join(REQUIRED_COLUMNS) + " (optional: "
            "birth_year_estimate) and write one JSON object per encodable row. Rows that "
            "cannot be encoded are reported on stderr with line number and reason; the exit "
            "code is then 1 but all good rows are written."
        ),
    )
    e.add_argument("--key-file", required=True, help="master key file: hex, base64 or raw bytes")
    e.add_argument("--in", dest="input", required=True, help="input CSV (UTF-8)")
    e.add_argument("--out", required=True, help="output JSONL ('-' for stdout)")
    e.add_argument("--quiet", action="store_true", help="no summary or progress on stderr")
    e.add_argument(
        "--spec",
        choices=SPECS,
        default=SPEC_VERSION,
        help=f"spec version (default {SPEC_VERSION}; {SPEC_VERSION_2} is field-aware and "
        "reports evidence per pair, but needs a full date of birth)",
    )
    e.add_argument(
        "--with-pprl1",
        action="store_true",
        help=f"with --spec {SPEC_VERSION_2}: add the same identity's {SPEC_VERSION} encoding "
        "under 'pprl1', the form the partner API accepts (docs/linkage.md, section 8)",
    )
    e.set_defaults(func=cmd_encode)

    link = sub.add_parser(
        "link",
        help="link encodings: deduplicate one file, or link across several",
        description=(
            "With one file: find duplicate pairs within it. With several: find pairs across "
            "different files only. Writes CSV id_a,id_b,score,decision (match|possible); for "
            f"{SPEC_VERSION_2} files id_a,id_b,decision and the evidence levels "
            "(" + ",".join(EVIDENCE_COLUMNS) + ") instead of a score."
        ),
    )
    link.add_argument("inputs", nargs="+", metavar="ENCODINGS.jsonl")
    link.add_argument("--out", required=True, help="output CSV ('-' for stdout)")
    link.add_argument(
        "--match-threshold", type=float, default=None, help=f"Dice for 'match' ({SPEC_VERSION})"
    )
    link.add_argument(
        "--possible-threshold",
        type=float,
        default=None,
        help=f"Dice for 'possible' ({SPEC_VERSION})",
    )
    link.add_argument(
        "--no-year-tolerance", action="store_true", help="do not compare neighbouring birth years"
    )
    link.add_argument("--quiet", action="store_true", help="no progress on stderr")
    link.set_defaults(func=cmd_link)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except CliError as exc:
        _err(str(exc))
        return 2
    except OSError as exc:  # e.g. a full disk while writing: one line, no traceback
        where = f" {exc.filename}" if exc.filename else ""
        _err(f"error:{where} {exc.strerror or type(exc).__name__}")
        return 2
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
