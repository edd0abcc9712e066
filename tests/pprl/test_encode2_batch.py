"""The batch zicht-pprl-2 encoder must give the spec's bytes, identity by identity."""

import csv
import datetime as dt
import json
import threading
from pathlib import Path

import pytest

from tests.linkage.test_encoding_speed import _random_identities
from tests.pprl.reference_pprl2 import reference_encode2
from zicht.pprl import _pprl2_fast, cli
from zicht.pprl._pprl2_fast import encode2_many
from zicht.pprl.encoding import EncodingError, Identity, encode
from zicht.pprl.keys import PseudonymKey
from zicht.pprl.pprl2 import Encoding2, encode2
from zicht.pprl.wire import to_wire
from zicht.simulation.identities import make_population

TODAY = dt.date(2026, 6, 1)
KEY_A = PseudonymKey.from_bytes(bytes(range(32)))
KEY_B = PseudonymKey.from_bytes(b"\x07" * 40)
KEY_C = PseudonymKey.from_bytes(bytes(range(100, 164)))
VECTORS = Path(__file__).parents[1] / "linkage" / "data" / "test_vectors_pprl2.json"

#: Long names (messages longer than one SHA-256 block), diacritics, particles only,
#: swapped fields, nicknames, a refused BSN, a missing date and an estimated age.
EDGE_CASES = [
    Identity(
        "Maximiliaan Alexander Johannes",
        "van der Oppenheimer-Schwarzeneggerbergh",
        dt.date(2009, 3, 14),
        "M",
        "",
    ),
    Identity("Zoë-Ilse", "Çelik-Öztürk", dt.date(2010, 12, 1), "F", "111222333"),
    Identity("van der", "de", dt.date(2011, 1, 31), "", ""),
    Identity("El Amrani", "Mohamed", dt.date(2008, 2, 29), "M", ""),
    Identity("Jan", "Jansen", dt.date(2012, 10, 10), "X", "123456789"),
    Identity("Aya", "Bakker", None, "F", ""),
    Identity("Aya", "Bakker", None, "F", "", birth_year_estimate=2010),
    Identity("Sara", "", dt.date(2010, 5, 5), "F", ""),
    Identity("'t", "Hooft", dt.date(2030, 1, 1), "M", ""),
]


def _reference(identities, key):
    out = []
    for identity in identities:
        try:
            out.append(reference_encode2(identity, key, TODAY))
        except EncodingError as exc:
            out.append(("error", exc.field, exc.reason))
    return out


def _batch(identities, key):
    return [
        ("error", r.field, r.reason) if isinstance(r, EncodingError) else r
        for r in encode2_many(identities, key, today=TODAY)
    ]


def _people(seed: int) -> list[Identity]:
    people = [r.identity for r in make_population(2500, seed=seed)]
    return people + _random_identities(2000, seed=seed + 1) + EDGE_CASES


def test_the_compiled_hmac_is_in_use():
    """On a machine with OpenSSL the batch path runs compiled, not the fallback."""
    assert _pprl2_fast._usable()


def test_batch_reproduces_the_published_test_vectors():
    vectors = json.loads(VECTORS.read_text())
    key = PseudonymKey.from_bytes(bytes.fromhex(vectors["master_key_hex"]))
    identities = []
    for case in vectors["cases"]:
        i = case["identity"]
        dob = dt.date.fromisoformat(i["date_of_birth"])
        identities.append(Identity(i["given_names"], i["surname"], dob, i["sex"], i["bsn"]))
    got = encode2_many(identities, key, today=TODAY)
    assert [g.to_json() for g in got] == [c["encoding"] for c in vectors["cases"]]


@pytest.mark.parametrize("key", [KEY_A, KEY_B], ids=["key-a", "key-b"])
def test_batch_is_byte_identical_to_the_spec_transcription(key):
    people = _people(seed=21)
    assert len(people) > 5000
    want = _reference(people, key)
    # In three batches (the later ones reuse and extend what the first computed), then
    # all at once again, served from the tables.
    third = len(people) // 3
    first = _batch(people[:third], key) + _batch(people[third : 2 * third], key)
    first += _batch(people[2 * third :], key)
    assert first == want
    assert _batch(people, key) == want
    errors = sum(isinstance(w, tuple) for w in want)
    assert 0 < errors < len(people) // 2


def test_nothing_computed_under_one_key_is_returned_under_another():
    people = _people(seed=31)[:1500] + EDGE_CASES
    under_a = _batch(people, KEY_A)
    under_c = _batch(people, KEY_C)
    assert under_c == _reference(people, KEY_C)
    encoded = [(a, c) for a, c in zip(under_a, under_c, strict=True) if not isinstance(a, tuple)]
    assert encoded
    assert all(a.given != c.given and a.block_tokens != c.block_tokens for a, c in encoded)
    # And back to key A, after key C filled its own tables.
    assert _batch(people, KEY_A) == under_a


def test_batch_equals_the_single_identity_encoder_in_order():
    """What the platform calls one at a time (encode2) and the batch agree, with the
    refusals in their places."""
    people = EDGE_CASES + [r.identity for r in make_population(200, seed=5)]
    single = []
    for identity in people:
        try:
            single.append(encode2(identity, KEY_B, today=TODAY))
        except EncodingError as exc:
            single.append(("error", exc.field, exc.reason))
    assert _batch(people, KEY_B) == single


def test_without_the_compiled_hmac_the_batch_falls_back_to_encode2(monkeypatch):
    monkeypatch.setattr(_pprl2_fast, "_SELF_TEST", [False])
    people = EDGE_CASES + [r.identity for r in make_population(100, seed=6)]
    assert _batch(people, KEY_A) == _reference(people, KEY_A)


def _write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "given_names", "surname", "date_of_birth", "sex", "bsn", "municipality"])
        w.writerows(rows)


def test_encode_command_writes_and_reports_rows_in_order(tmp_path, monkeypatch, capsys):
    """The command's batches give the lines the row-by-row loop gave: every good row's
    encoding in input order, every bad row reported by line number, and a duplicate id
    judged against the rows really written (an id whose first row failed is still free)."""
    monkeypatch.setattr(cli._Batch2, "SIZE", 7)
    key_file = tmp_path / "key.hex"
    key_file.write_text(KEY_A.to_hex() + "\n")
    people = [r.identity for r in make_population(30, seed=8)]
    rows = [
        [f"p{i}", p.given_names, p.surname, p.date_of_birth.isoformat(), p.sex, p.bsn, ""]
        for i, p in enumerate(people)
    ]
    rows[3][0] = rows[1][0]  # duplicate of a written row
    rows[5][3] = ""  # no date of birth: refused by zicht-pprl-2
    rows[6][0] = rows[5][0]  # same id as the refused row: still free
    rows[9][5] = "123456780"  # fails the eleven-test
    rows[12][0] = ""
    _write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out.jsonl"
    argv = ["encode", "--spec", "zicht-pprl-2", "--key-file", key_file, "--in"]
    code = cli.main([str(a) for a in [*argv, tmp_path / "in.csv", "--out", out]])
    err = capsys.readouterr().err
    assert code == 1
    assert [ln for ln in err.splitlines() if ln.startswith("line ")] == [
        "line 5: id: duplicate id",
        "line 7: date_of_birth: required by zicht-pprl-2",
        "line 11: bsn: fails the eleven-test",
        "line 14: id: empty",
    ]
    lines = out.read_text().splitlines()
    bad = {3, 5, 9, 12}
    good = [(r[0], p) for i, (r, p) in enumerate(zip(rows, people, strict=True)) if i not in bad]
    assert len(lines) == len(good)
    for line, (rid, person) in zip(lines, good, strict=True):
        want = encode2(person, KEY_A)
        assert line == json.dumps({"id": rid, **want.to_json()}, separators=(",", ":"))


def test_encode_command_json_lines_are_json_dumps_text():
    """The hand-written JSON line is exactly what json.dumps writes, ids with quotes,
    backslashes and accents included."""
    people = _people(seed=41)[:1500]
    encodings = [e for e in encode2_many(people, KEY_B, today=TODAY) if isinstance(e, Encoding2)]
    ids = ['r"1', "r\\2", "Zoë", "plain", "tab\there"]
    for n, enc in enumerate(encodings):
        rid = ids[n % len(ids)]
        want = json.dumps({"id": rid, **enc.to_json()}, separators=(",", ":")) + "\n"
        assert cli._json_line2(rid, enc) == want


def test_birth_years_beyond_the_packed_range_still_encode_to_the_spec():
    later = dt.date(2050, 1, 1)
    people = [Identity("Noor", "Visser", dt.date(2047, 5, 5), "F", ""), *EDGE_CASES[:3]]
    got = encode2_many(people, KEY_A, today=later)
    assert got == [reference_encode2(p, KEY_A, later) for p in people]


def test_batches_from_two_threads_at_once_keep_their_bytes():
    people = [r.identity for r in make_population(400, seed=9)]
    results: dict[str, list] = {}

    def run(name, key):
        results[name] = _batch(people, key)

    threads = [
        threading.Thread(target=run, args=("a", KEY_A)),
        threading.Thread(target=run, args=("c", KEY_C)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["a"] == _reference(people, KEY_A)
    assert results["c"] == _reference(people, KEY_C)


def test_encode_command_with_pprl1_writes_the_wire_form_in_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(cli._Batch2, "SIZE", 5)
    key_file = tmp_path / "key.hex"
    key_file.write_text(KEY_A.to_hex() + "\n")
    people = [r.identity for r in make_population(12, seed=10)]
    rows = [
        [f"p{i}", p.given_names, p.surname, p.date_of_birth.isoformat(), p.sex, p.bsn, ""]
        for i, p in enumerate(people)
    ]
    _write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out.jsonl"
    argv = ["encode", "--spec", "zicht-pprl-2", "--with-pprl1", "--key-file", key_file]
    assert cli.main([str(a) for a in [*argv, "--in", tmp_path / "in.csv", "--out", out]]) == 0
    want = [
        json.dumps(
            {"id": r[0], **to_wire(encode2(p, KEY_A), encode(p, KEY_A))}, separators=(",", ":")
        )
        for r, p in zip(rows, people, strict=True)
    ]
    assert out.read_text().splitlines() == want
