"""What a partner sends: ``encode --spec zicht-pprl-2 --with-pprl1`` and its strict reader.

The partner API reads a submitted encoding with ``zicht.pprl.wire.from_wire``; these
tests hold the command line and the reader to each other, and every malformed member to
an error that names it (never a value)."""

import base64
import copy
import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from zicht.pprl.cli import main
from zicht.pprl.encoding import Encoding, EncodingError, Identity, encode
from zicht.pprl.keys import PseudonymKey
from zicht.pprl.pprl2 import encode2
from zicht.pprl.wire import EncodingPair, from_wire, to_wire

PEOPLE = Path(__file__).resolve().parents[1] / "linkage" / "data" / "people.csv"
KEY = PseudonymKey.from_bytes(bytes(range(32)))
ANNA = Identity("Anna Maria", "de Vries", dt.date(2009, 3, 14), "F", "111222333")


def _identity(row: dict) -> Identity:
    dob = dt.date.fromisoformat(row["date_of_birth"]) if row["date_of_birth"] else None
    return Identity(row["given_names"], row["surname"], dob, row["sex"], row["bsn"])


def test_encode_with_pprl1_writes_what_the_api_reads(tmp_path, capsys):
    key_file = tmp_path / "key.hex"
    key_file.write_text(KEY.to_hex() + "\n")
    out = tmp_path / "enc.jsonl"
    code = main(["encode", "--key-file", str(key_file), "--in", str(PEOPLE), "--out", str(out),
                 "--spec", "zicht-pprl-2", "--with-pprl1"])  # fmt: skip
    capsys.readouterr()
    rows = {r["id"]: r for r in csv.DictReader(PEOPLE.read_text(encoding="utf-8").splitlines())}
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines and code in (0, 1)  # rows without a full date of birth fail pprl-2
    for obj in lines:
        ident = _identity(rows[obj.pop("id")])
        pair = from_wire(obj)
        assert isinstance(pair, EncodingPair)
        assert pair.v2 == encode2(ident, KEY) and pair.v1 == encode(ident, KEY)


def test_with_pprl1_needs_pprl2(tmp_path, capsys):
    key_file = tmp_path / "key.hex"
    key_file.write_text(KEY.to_hex() + "\n")
    code = main(["encode", "--key-file", str(key_file), "--in", str(PEOPLE),
                 "--out", str(tmp_path / "x.jsonl"), "--with-pprl1"])  # fmt: skip
    assert code == 2 and "--with-pprl1" in capsys.readouterr().err


def test_a_pprl1_encoding_reads_as_before():
    enc = encode(ANNA, KEY)
    assert from_wire(enc.to_json()) == enc
    assert isinstance(from_wire(enc.to_json()), Encoding)


def _wire() -> dict:
    return to_wire(encode2(ANNA, KEY), encode(ANNA, KEY))


SHORT = base64.b64encode(bytes(31)).decode()


@pytest.mark.parametrize(
    ("member", "value", "field"),
    [
        ("spec_version", "zicht-pprl-3", "spec_version"),
        ("key_id", "KEY", "key_id"),
        ("given", [SHORT] * 3, "given"),
        ("surname", ["not base64!"] * 3, "surname"),
        ("name_tokens", ["0" * 16] * 11, "name_tokens"),
        ("other_given_tokens", [], "other_given_tokens"),
        ("date_tokens", ["0" * 16] * 3 + ["0" * 17], "date_tokens"),
        ("date_near_tokens", ["0" * 16] * 17, "date_near_tokens"),
        ("block_tokens", ["ABCDEF0123456789"], "block_tokens"),
        ("bsn_token", "0" * 16, "bsn_token"),
        ("probes", [{"year_offset": 3}], "probes"),
        ("pprl1", None, "pprl1"),
        ("pprl1", {"spec_version": "zicht-pprl-2"}, "pprl1.spec_version"),
    ],
)
def test_every_malformed_member_is_named(member, value, field):
    data = _wire()
    data[member] = value
    with pytest.raises(EncodingError) as info:
        from_wire(data)
    assert info.value.field == field


def test_the_twin_is_read_strictly_too():
    data = _wire()
    data["pprl1"]["bloom"] = SHORT
    with pytest.raises(EncodingError) as info:
        from_wire(data)
    assert info.value.field == "pprl1.bloom"


def test_the_twin_must_agree_on_the_bsn():
    data = _wire()
    data["pprl1"] = encode(Identity("Anna Maria", "de Vries", dt.date(2009, 3, 14)), KEY).to_json()
    with pytest.raises(EncodingError) as info:
        from_wire(data)
    assert info.value.field == "bsn_token"


def test_the_wire_form_round_trips_without_loss():
    data = _wire()
    pair = from_wire(copy.deepcopy(data))
    assert to_wire(pair.v2, pair.v1) == data
