"""The ``encode`` command's bulk JSON lines and the batch encoder on held-out
identities: the same text and bytes as the one-at-a-time paths and the spec."""

import base64
import dataclasses
import datetime as dt
import gc
import json
import os
import random

import pytest
from benchmarks.heldout_identities import population

from tests.pprl.reference_pprl2 import reference_encode2
from zicht.pprl import _pprl2_fast, cli, pprl2
from zicht.pprl._pprl2_fast import encode2_many
from zicht.pprl.encoding import EncodingError, Identity
from zicht.pprl.keys import PseudonymKey
from zicht.pprl.pprl2 import Encoding2

TODAY = dt.date(2026, 6, 1)
KEY = PseudonymKey.from_bytes(bytes(range(7, 39)))


def _heldout(n: int, seed: int) -> list[Identity]:
    records = population(n, seed)[:n]
    return [
        Identity(r.given_names, r.surname, r.date_of_birth, r.sex, r.bsn, r.municipality)
        for r in records
    ]


def test_batch_on_heldout_identities_is_the_spec_transcription():
    people = _heldout(1200, seed=77)
    want = []
    for p in people:
        try:
            want.append(reference_encode2(p, KEY, TODAY))
        except EncodingError as exc:
            want.append(("error", exc.field, exc.reason))
    got = encode2_many(people, KEY, today=TODAY)
    got = [("error", g.field, g.reason) if isinstance(g, EncodingError) else g for g in got]
    assert got == want


def test_filter_arrays_are_base64_of_each_filter():
    rng = random.Random(3)
    filters = [bytes(rng.randrange(256) for _ in range(32)) for _ in range(300)]
    filters += [b"\0" * 32, b"\xff" * 32, os.urandom(32)]
    triples = [tuple(filters[k : k + 3]) for k in range(0, 303, 3)]
    text = cli._filter_arrays(triples)
    w = cli._TRIPLE_WIDTH
    assert text is not None and len(text) == w * len(triples)
    for k, t in enumerate(triples):
        want = json.dumps([base64.b64encode(f).decode() for f in t], separators=(",", ":"))
        assert text[k * w : (k + 1) * w] == want
    assert cli._filter_arrays([]) == ""
    assert cli._filter_arrays([(b"\0" * 32, b"\0" * 31, b"\0" * 33)]) is None
    assert cli._filter_arrays([(b"\0" * 32, b"\0" * 32)]) is None
    assert cli._filter_arrays([(b"\0" * 32,) * 2, (b"\0" * 32,) * 4]) is None


def test_bulk_json_lines_are_json_dumps_text():
    people = _heldout(800, seed=78)
    encodings = [e for e in encode2_many(people, KEY, today=TODAY) if isinstance(e, Encoding2)]
    ids = ['r"1', "r\\2", "Zoë", "plain", "tab\there", "del\x7f", "with space"]
    rids = [ids[n % len(ids)] + str(n) for n in range(len(encodings))]
    want = [
        json.dumps({"id": rid, **enc.to_json()}, separators=(",", ":")) + "\n"
        for rid, enc in zip(rids, encodings, strict=True)
    ]
    assert cli._json_lines2(rids, encodings) == want
    assert [cli._json_line2(r, e) for r, e in zip(rids, encodings, strict=True)] == want


def test_bulk_json_lines_fall_back_for_an_encoding_without_probes():
    people = _heldout(20, seed=79)
    encodings = [e for e in encode2_many(people, KEY, today=TODAY) if isinstance(e, Encoding2)]
    data = encodings[0].to_json()
    data["probes"] = []
    odd = Encoding2.from_json(data)
    mixed = [odd, *encodings[1:]]
    rids = [f"r{n}" for n in range(len(mixed))]
    want = [
        json.dumps({"id": rid, **enc.to_json()}, separators=(",", ":")) + "\n"
        for rid, enc in zip(rids, mixed, strict=True)
    ]
    assert cli._json_lines2(rids, mixed) == want


def test_the_batch_builds_ordinary_frozen_encodings():
    """The batch fills Encoding2/Probe2 through slot twins: the results are the
    dataclasses themselves (frozen, equal, hashable), and a twin that no longer has a
    class's fields is refused."""
    people = _heldout(30, seed=80)
    enc = next(e for e in encode2_many(people, KEY, today=TODAY) if isinstance(e, Encoding2))
    assert type(enc) is Encoding2 and all(type(p) is pprl2.Probe2 for p in enc.probes)
    again = Encoding2.from_json(enc.to_json())
    assert enc == again and hash(enc) == hash(again)
    with pytest.raises(dataclasses.FrozenInstanceError):
        enc.key_id = "x"  # type: ignore[misc]

    class Short:
        __slots__ = ("year_offset", "given", "surname", "name_tokens")

    with pytest.raises(RuntimeError, match="fields changed"):
        _pprl2_fast._check_twin(pprl2.Probe2, Short)


def test_the_encode_command_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    key_file = tmp_path / "key.hex"
    key_file.write_text(KEY.to_hex() + "\n")
    with open(tmp_path / "in.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("id,given_names,surname,date_of_birth,sex,bsn,municipality\n")
        fh.write("a,Aya,Bakker,2010-01-02,F,,\nb,Sem,de Vries,2011-03-04,M,,\n")
    argv = ["encode", "--spec", "zicht-pprl-2", "--key-file", str(key_file), "--quiet"]
    argv += ["--in", str(tmp_path / "in.csv"), "--out", str(tmp_path / "out.jsonl")]
    assert gc.isenabled()
    assert cli.main(argv) == 0
    assert gc.isenabled()
    gc.disable()
    try:
        assert cli.main(argv) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 2
