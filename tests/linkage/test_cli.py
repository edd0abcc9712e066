import base64
import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from zicht.pprl.cli import main
from zicht.pprl.keys import PseudonymKey

DATA = Path(__file__).parent / "data"
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def key_file(tmp_path):
    p = tmp_path / "key.hex"
    p.write_text(bytes(range(32)).hex() + "\n")
    return p


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def plaintext_values(csv_path):
    """Every plaintext value of the CSV except ids, plus common date renderings."""
    values = set()
    with open(csv_path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for col in ("given_names", "surname", "bsn", "municipality", "date_of_birth"):
                v = (row[col] or "").strip()
                if v:
                    values.add(v)
                    values.update(w for w in re.split(r"[\s,]+", v) if len(w) >= 3)
            d = row["date_of_birth"]
            if d:
                y, m, dd = d.split("-")
                values.update({f"{dd}-{m}-{y}", f"{y}{m}{dd}", f"{dd}{m}{y}", f"{m}/{dd}/{y}"})
    return values


def test_encode_writes_no_plaintext(tmp_path, key_file, capsys):
    out = tmp_path / "enc.jsonl"
    code, _, err = run(["encode", "--key-file", key_file, "--in", DATA / "people.csv",
                        "--out", out], capsys)  # fmt: skip
    assert code == 0, err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12
    stripped = []
    for line in lines:
        obj = json.loads(line)
        assert set(obj) == {"id", "spec_version", "key_id", "exact_tokens", "bloom",
                            "block_tokens", "probes", "bsn_token"}  # fmt: skip
        assert obj["bsn_token"] == "" or obj["bsn_token"] in obj["exact_tokens"]
        assert obj["spec_version"] == "zicht-pprl-1"
        assert len(base64.b64decode(obj["bloom"])) == 64
        assert all(re.fullmatch(r"[0-9a-f]{32}", t) for t in obj["exact_tokens"])
        assert all(re.fullmatch(r"[0-9a-f]{16}", t) for t in obj["block_tokens"])
        # Base64 could contain short letter sequences by chance: check it separately.
        obj["bloom"] = ""
        for p in obj["probes"]:
            p["bloom"] = ""
        stripped.append(json.dumps(obj, ensure_ascii=False))
    text = "\n".join(stripped).lower() + "\n" + err.lower()
    for value in plaintext_values(DATA / "people.csv"):
        assert value.lower() not in text, "plaintext leaked into output"
    # The blooms are exactly the library's encodings (not plaintext-derived strings).
    assert all(re.fullmatch(r"[A-Za-z0-9+/]{86}==", json.loads(line)["bloom"]) for line in lines)


def test_encode_reports_bad_rows_and_keeps_good_ones(tmp_path, key_file, capsys):
    out = tmp_path / "enc.jsonl"
    code, _, err = run(["encode", "--key-file", key_file, "--in", DATA / "bad_rows.csv",
                        "--out", out, "--quiet"], capsys)  # fmt: skip
    assert code == 1
    reported = err.strip().splitlines()
    assert reported == [
        "line 2: date_of_birth: not an ISO date YYYY-MM-DD",
        "line 3: bsn: fails the eleven-test",
        "line 4: surname: empty after normalisation",
        "line 5: date_of_birth: missing and no birth_year_estimate",
        "line 6: sex: must be M, F, X or empty",
        "line 8: date_of_birth: out of range",
    ]
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["b06"]
    for value in plaintext_values(DATA / "bad_rows.csv"):
        assert value.lower() not in err.lower()


def test_encode_duplicate_ids_and_estimate_column(tmp_path, key_file, capsys):
    src = tmp_path / "in.csv"
    src.write_text(
        "id,given_names,surname,date_of_birth,sex,bsn,municipality,birth_year_estimate\n"
        "1,Jan,Jansen,,M,,X,2009\n"
        "1,Jan,Jansen,2009-01-01,M,,X,\n"
        "2,Jan,Jansen,,M,,X,twenty\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.jsonl"
    code, _, err = run(["encode", "--key-file", key_file, "--in", src, "--out", out,
                        "--quiet"], capsys)  # fmt: skip
    assert code == 1
    assert err.splitlines() == [
        "line 3: id: duplicate id",
        "line 4: birth_year_estimate: not an integer",
    ]
    (line,) = out.read_text().splitlines()
    assert len(json.loads(line)["block_tokens"]) == 12


def test_encode_fatal_errors_are_one_line(tmp_path, key_file, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,given_names,surname\n1,a,b\n")
    code, out, err = run(["encode", "--key-file", key_file, "--in", bad,
                          "--out", tmp_path / "o"], capsys)  # fmt: skip
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "missing required column(s): date_of_birth, sex, bsn, municipality" in err
    code, _, err = run(["encode", "--key-file", tmp_path / "nokey", "--in", DATA / "people.csv",
                        "--out", tmp_path / "o"], capsys)  # fmt: skip
    assert code == 2 and err.count("\n") == 1 and "cannot read key file" in err
    short = tmp_path / "short.key"
    short.write_text("00ff")
    code, _, err = run(["encode", "--key-file", short, "--in", DATA / "people.csv",
                        "--out", tmp_path / "o"], capsys)  # fmt: skip
    assert code == 2 and "too short" in err and "Traceback" not in err
    code, _, err = run(["encode", "--key-file", key_file, "--in", tmp_path / "none.csv",
                        "--out", tmp_path / "o"], capsys)  # fmt: skip
    assert code == 2 and err.startswith("error: cannot read")


def test_keygen(tmp_path, capsys):
    p = tmp_path / "k"
    code, _, err = run(["keygen", "--out", p], capsys)
    assert code == 0
    key = PseudonymKey.from_file(p)
    assert key.key_id in err and key.to_hex() not in err
    assert os.stat(p).st_mode & 0o077 == 0
    code, _, err = run(["keygen", "--out", p], capsys)
    assert code == 2 and "exists" in err


def encode_csv(tmp_path, key_file, capsys, name, rows):
    src = tmp_path / f"{name}.csv"
    header = "id,given_names,surname,date_of_birth,sex,bsn,municipality\n"
    src.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / f"{name}.jsonl"
    code, _, err = run(["encode", "--key-file", key_file, "--in", src, "--out", out,
                        "--quiet"], capsys)  # fmt: skip
    assert code == 0, err
    return out


def read_pairs(path):
    with open(path, encoding="utf-8") as fh:
        reader = csv.reader(fh)
        assert next(reader) == ["id_a", "id_b", "score", "decision"]
        return {(r[0], r[1]): (float(r[2]), r[3]) for r in reader}


def test_link_dedup_and_cross(tmp_path, key_file, capsys):
    enc = tmp_path / "people.jsonl"
    run(["encode", "--key-file", key_file, "--in", DATA / "people.csv", "--out", enc,
         "--quiet"], capsys)  # fmt: skip
    out = tmp_path / "pairs.csv"
    code, _, err = run(["link", enc, "--out", out], capsys)
    assert code == 0, err
    pairs = read_pairs(out)
    assert {k for k, (_, d) in pairs.items() if d == "match"} >= {
        ("p01", "p02"),  # transliteration, particle, middle name, day/month swap
        ("p03", "p04"),  # diacritics, particles
        ("p05", "p06"),  # swapped names
        ("p07", "p08"),  # Joesoef/Youssef, day/month swap, typo
        ("p09", "p10"),  # typo
    }
    assert not any("p11" in k or "p12" in k for k in pairs)
    assert "linked 12 record(s)" in err

    a = encode_csv(tmp_path, key_file, capsys, "a", ["a1,Jan,Jansen,2009-01-05,M,,X",
                                                     "a2,Jan,Janssen,2009-01-05,M,,X"])  # fmt: skip
    b = encode_csv(tmp_path, key_file, capsys, "b", ["b1,Jan,Jansen,2009-05-01,M,,Y"])
    out2 = tmp_path / "cross.csv"
    code, _, _ = run(["link", a, b, "--out", out2, "--quiet"], capsys)
    assert code == 0
    assert set(read_pairs(out2)) == {("a1", "b1"), ("a2", "b1")}  # never a1-a2


def test_link_bad_input(tmp_path, key_file, capsys):
    enc = encode_csv(tmp_path, key_file, capsys, "a", ["a1,Jan,Jansen,2009-01-05,M,,X"])
    with open(enc, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
        fh.write('{"id": "z", "spec_version": "zicht-pprl-9"}\n')
    code, _, err = run(["link", enc, "--out", tmp_path / "p.csv", "--quiet"], capsys)
    assert code == 1
    assert ": line 2: not valid JSON" in err and ": line 3: spec_version: unsupported" in err
    other = tmp_path / "other.key"
    other.write_text(bytes(range(1, 33)).hex())
    enc_b = tmp_path / "b.jsonl"
    src = tmp_path / "b.csv"
    src.write_text(
        "id,given_names,surname,date_of_birth,sex,bsn,municipality\nb1,Jan,Jansen,2009-01-05,M,,X\n"
    )
    run(["encode", "--key-file", other, "--in", src, "--out", enc_b, "--quiet"], capsys)
    code, _, err = run(["link", enc, enc_b, "--out", tmp_path / "p.csv"], capsys)
    assert code == 2 and "different keys" in err
    code, _, err = run(["link", enc, "--out", tmp_path / "p.csv", "--match-threshold", "0.5",
                        "--possible-threshold", "0.9"], capsys)  # fmt: skip
    assert code == 2


@pytest.mark.parametrize("argv", [["--help"], ["encode", "--help"], ["link", "--help"],
                                  ["keygen", "--help"]])  # fmt: skip
def test_help(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_module_entry_point():
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    r = subprocess.run([sys.executable, "-m", "zicht.linkage", "--help"], capture_output=True,
                       text=True, env=env, timeout=60)  # fmt: skip
    assert r.returncode == 0 and "encode" in r.stdout and "link" in r.stdout


def test_keygen_into_a_missing_directory_is_one_line(tmp_path, capsys):
    target = tmp_path / "nonexist" / "k.key"
    code, _, err = run(["keygen", "--out", target], capsys)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: cannot write") and str(target) in err
    assert not target.exists()


LATIN1_CSV = (
    "id,given_names,surname,date_of_birth,sex,bsn,municipality\n"
    "1,Jérôme,Smit,2010-01-01,M,,GM0363\n"
).encode("latin-1")


@pytest.mark.parametrize("rows_before", [0, 3000])  # in the first block of text, or later
def test_encode_a_non_utf8_csv_is_one_line_naming_the_file(tmp_path, key_file, capsys, rows_before):
    src = tmp_path / "latin1.csv"
    header, bad = LATIN1_CSV.split(b"\n", 1)
    good = b"".join(b"g%d,Jan,Jansen,2009-01-05,M,,X\n" % i for i in range(rows_before))
    src.write_bytes(header + b"\n" + good + bad)
    out = tmp_path / "o.jsonl"
    code, _, err = run(["encode", "--key-file", key_file, "--in", src, "--out", out], capsys)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: {src} is not UTF-8 text")
    assert "Jérôme" not in err and "Smit" not in err
    assert not out.exists()  # no half result left behind


def test_link_a_non_utf8_file_is_one_line_naming_the_file(tmp_path, key_file, capsys):
    enc = encode_csv(tmp_path, key_file, capsys, "a", ["a1,Jan,Jansen,2009-01-05,M,,X"])
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "\xe9"}\n')
    code, _, err = run(["link", enc, bad, "--out", tmp_path / "p.csv", "--quiet"], capsys)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: {bad} is not UTF-8 text")
    code, _, err = run(["link", tmp_path, "--out", tmp_path / "p.csv"], capsys)
    assert code == 2 and err.startswith(f"error: cannot read {tmp_path}")


def test_module_reports_errors_without_traceback(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    r = subprocess.run([sys.executable, "-m", "zicht.linkage", "keygen", "--out",
                        str(tmp_path / "no" / "k.key")], capture_output=True, text=True,
                       env=env, timeout=60)  # fmt: skip
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        f"error: cannot write {tmp_path / 'no' / 'k.key'}: No such file or directory"
    ]


def test_pprl2_encode_and_link_report_evidence_without_scores(tmp_path, key_file, capsys):
    """Two organisations encode their own files with --spec zicht-pprl-2 and link them:
    every pair comes with the levels that agreed, and no score or plaintext."""
    a = tmp_path / "a.csv"
    a.write_text(
        "id,given_names,surname,date_of_birth,sex,bsn,municipality\n"
        "a1,Aya,El Idrissi,2011-05-09,F,,Utrecht\n"
        "a2,Johannes Pieter,de Vries,2009-04-13,M,,Utrecht\n"
    )
    b = tmp_path / "b.csv"
    b.write_text(
        "id,given_names,surname,date_of_birth,sex,bsn,municipality\n"
        "b1,Sara,El Idrissi,2011-05-09,F,,Utrecht\n"  # a1's twin: never a match
        "b2,Jan,de Vries,2009-03-14,M,,Utrecht\n"  # a2, call name and a date typo
    )
    encoded = []
    for name, path in (("a", a), ("b", b)):
        out = tmp_path / f"{name}.jsonl"
        code, _, err = run(["encode", "--spec", "zicht-pprl-2", "--key-file", key_file,
                            "--in", path, "--out", out], capsys)  # fmt: skip
        assert code == 0, err
        assert "spec zicht-pprl-2" in err
        text = out.read_text().lower()
        assert "idrissi" not in text and "vries" not in text and "2009" not in text
        encoded.append(out)
    pairs_csv = tmp_path / "pairs.csv"
    code, _, err = run(["link", *encoded, "--out", pairs_csv], capsys)
    assert code == 0, err
    rows = list(csv.DictReader(pairs_csv.open(encoding="utf-8")))
    assert [(r["id_a"], r["id_b"], r["decision"]) for r in rows] == [("a2", "b2", "possible")]
    assert "score" not in rows[0]
    assert rows[0]["given_name"] == "equal"  # Jan is Johannes
    assert rows[0]["date_of_birth"] == "digits_transposed"


def test_link_refuses_mixed_spec_versions(tmp_path, key_file, capsys):
    one = encode_csv(tmp_path, key_file, capsys, "one", ["x1,Jan,Jansen,2009-01-05,M,,X"])
    two = tmp_path / "two.jsonl"
    run(["encode", "--spec", "zicht-pprl-2", "--key-file", key_file, "--in",
         tmp_path / "one.csv", "--out", two, "--quiet"], capsys)  # fmt: skip
    code, _, err = run(["link", one, two, "--out", tmp_path / "p.csv"], capsys)
    assert code == 2 and "spec versions" in err


def test_pprl2_dedup_of_the_example_file(tmp_path, key_file, capsys):
    enc = tmp_path / "people2.jsonl"
    run(["encode", "--spec", "zicht-pprl-2", "--key-file", key_file, "--in",
         DATA / "people.csv", "--out", enc, "--quiet"], capsys)  # fmt: skip
    out = tmp_path / "pairs2.csv"
    code, _, err = run(["link", enc, "--out", out, "--quiet"], capsys)
    assert code == 0, err
    rows = {(r["id_a"], r["id_b"]): r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(rows) == {("p01", "p02"), ("p03", "p04"), ("p05", "p06"), ("p07", "p08"),
                         ("p09", "p10")}  # fmt: skip
    assert rows[("p05", "p06")]["fields_swapped"] == "True"
    assert rows[("p07", "p08")]["date_of_birth"] == "day_month_swapped"
    assert rows[("p09", "p10")]["decision"] == "match"


@pytest.mark.parametrize("module", ["zicht.pprl", "zicht.linkage"])
def test_both_entry_points_encode_and_link_alike(module, tmp_path, key_file):
    """``python -m zicht.pprl`` is the library's own entry point; the older
    ``python -m zicht.linkage`` keeps working and writes the same bytes."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}

    def cli(*args):
        return subprocess.run([sys.executable, "-m", module, *map(str, args)], env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    out = tmp_path / "enc.jsonl"
    r = cli("encode", "--key-file", key_file, "--in", DATA / "people.csv", "--out", out, "--quiet")
    assert r.returncode == 0, r.stderr
    reference = tmp_path / "reference.jsonl"
    assert main(["encode", "--key-file", str(key_file), "--in", str(DATA / "people.csv"),
                 "--out", str(reference), "--quiet"]) == 0  # fmt: skip
    assert out.read_bytes() == reference.read_bytes()
    r = cli("link", out, "--out", tmp_path / "pairs.csv")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "pairs.csv").read_text().startswith("id_a,id_b")
