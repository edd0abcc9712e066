import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import zicht.simulation
from zicht.simulation import SOURCE_TYPES, is_valid_bsn
from zicht.simulation.cli import main

SRC = str(Path(zicht.simulation.__file__).resolve().parents[2])
IDENTITY = ["given_names", "surname", "date_of_birth", "sex", "bsn", "municipality"]


def _run(*args: str, hashseed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": SRC, "PYTHONHASHSEED": hashseed}
    return subprocess.run(
        [sys.executable, "-m", "zicht.simulation", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_cli_writes_the_files(tmp_path, capsys):
    out = tmp_path / "sim"
    rc = main(["--population", "800", "--seed", "7", "--out", str(out)])
    assert rc == 0
    assert "written to" in capsys.readouterr().out
    for name in ("signals.csv", "truth.csv", "truth.json"):
        assert (out / name).is_file()
    signals = _read(out / "signals.csv")
    cols = list(signals[0])
    required = ["signal_id", "source_type", "organisation", "municipality", "date", *IDENTITY]
    assert set(required) <= set(cols)
    assert {"municipality_name", "forms", "indicators", "immediate_danger"} <= set(cols)
    assert all(r["bsn"] == "" or is_valid_bsn(r["bsn"]) for r in signals)
    assert {r["source_type"] for r in signals} <= set(SOURCE_TYPES)
    truth = _read(out / "truth.csv")
    assert list(truth[0]) == ["signal_id", "person_id"]
    assert [t["signal_id"] for t in truth] == [s["signal_id"] for s in signals]
    meta = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert meta["population"] == 800
    assert meta["detected"] == len({t["person_id"] for t in truth})
    assert meta["seed"] == 7
    assert meta["scenario"]["name"] == "default"
    assert meta["signals"] == len(signals)
    assert sum(meta["capture_histories"].values()) == meta["detected"]
    people = _read(out / "people.csv")
    assert len(people) == 800
    hist = _read(out / "capture_histories.csv")
    assert list(hist[0]) == [*SOURCE_TYPES, "count"]
    identities = _read(out / "identities.csv")
    assert list(identities[0]) == ["id", *IDENTITY]
    assert [r["id"] for r in identities] == [s["signal_id"] for s in signals]
    assert all(
        all(r[c] == s[c] for c in IDENTITY) for r, s in zip(identities, signals, strict=True)
    )


def test_cli_options(tmp_path):
    out = tmp_path / "o"
    rc = main(
        [
            "--population=300",
            "--seed=1",
            f"--out={out}",
            "--scenario=independent",
            "--start=2024-03-01",
            "--end=2024-06-30",
            "--municipalities=Rotterdam,Zaandam, GM0518",
        ]
    )
    assert rc == 0
    signals = _read(out / "signals.csv")
    assert {r["municipality"] for r in signals} == {"GM0599", "GM0479", "GM0518"}
    assert min(r["date"] for r in signals) >= "2024-03-01"
    assert max(r["date"] for r in signals) <= "2024-06-30"
    meta = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert meta["scenario"]["name"] == "independent"
    assert meta["scenario"]["start"] == "2024-03-01"


def test_cli_is_byte_deterministic_across_processes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    args = ["--population", "300", "--seed", "7", "--scenario", "noise_high"]
    assert _run(*args, "--out", str(a), hashseed="1").returncode == 0
    assert _run(*args, "--out", str(b), hashseed="2").returncode == 0
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert {"signals.csv", "truth.csv", "truth.json"} <= set(names)
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    c = tmp_path / "c"
    assert (
        main(["--population", "300", "--seed", "8", "--scenario", "noise_high", "--out", str(c)])
        == 0
    )
    assert (c / "signals.csv").read_bytes() != (a / "signals.csv").read_bytes()


def test_cli_help_explains_every_option():
    proc = _run("--help")
    assert proc.returncode == 0
    for opt in (
        "--population",
        "--seed",
        "--out",
        "--scenario",
        "--start",
        "--end",
        "--municipalities",
    ):
        assert opt in proc.stdout
    assert "positive_dependence" in proc.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--population", "10"], "--out"),
        (["--out", "X", "--population", "-5"], "population"),
        (["--out", "X", "--population", "many"], "not an integer"),
        (["--out", "X", "--seed", "abc"], "seed"),
        (["--out", "X", "--scenario", "nope"], "unknown scenario"),
        (["--out", "X", "--start", "2025-13-01"], "YYYY-MM-DD"),
        (["--out", "X", "--start", "2025-06-01", "--end", "2025-01-01"], "before start"),
        (["--out", "X", "--municipalities", "Atlantis"], "unknown municipality"),
        (["--out", "X", "--municipalities", ","], "no municipalities"),
        (["--out", "X", "--bogus"], "unrecognized"),
    ],
)
def test_cli_bad_arguments_fail_cleanly(args, message, capsys, tmp_path):
    args = [str(tmp_path / "x") if a == "X" else a for a in args]
    rc = main(args)
    assert rc == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_cli_bad_arguments_in_a_subprocess(tmp_path):
    proc = _run("--out", str(tmp_path / "x"), "--scenario", "nope")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_cli_unwritable_output(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    rc = main(["--population", "50", "--out", str(blocker / "sub")])
    assert rc == 1
    err = capsys.readouterr().err
    assert "cannot write" in err and len(err.strip().splitlines()) == 1
