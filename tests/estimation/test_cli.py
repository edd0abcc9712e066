import json
import subprocess
import sys
from pathlib import Path

import pytest

from zicht.estimation.cli import main

DATA = Path(__file__).parent / "data"
SRC = Path(__file__).resolve().parents[2] / "src"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_default_table_shows_published_ukdat5_result(capsys):
    code, out, err = run(capsys, "estimate", DATA / "UKdat_5.csv", "--method", "stepwise")
    assert code == 0
    assert "11,313" in out and "9,884 - 13,027" in out
    assert "LA:NG, NG:GP, PFNCA:GP, LA:PFNCA, GO:GP, NG:GO" in out


def test_json_output(capsys):
    code, out, _ = run(capsys, "estimate", DATA / "UKdat_5.csv", "--method", "stepwise", "--json")
    assert code == 0
    d = json.loads(out)
    for key in (
        "observed",
        "estimate",
        "hidden",
        "ci",
        "ci_method",
        "model_terms",
        "method",
        "warnings",
    ):
        assert key in d
    assert d["observed"] == 2744 and round(d["estimate"]) == 11313
    assert len(d["ci"]) == 2 and d["ci_method"] == "quick" and d["method"] == "stepwise"
    assert d["model_terms"] == ["LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO"]


def test_fixed_profile_and_bootstrap_with_progress(capsys):
    code, out, _ = run(
        capsys,
        "estimate",
        DATA / "Korea.csv",
        "--method",
        "fixed",
        "--terms",
        "b:c",
        "--ci",
        "profile",
        "--json",
    )
    d = json.loads(out)
    assert code == 0 and d["model_terms"] == ["b:c"] and d["ci_method"] == "profile"
    code, out, err = run(
        capsys,
        "estimate",
        DATA / "Korea.csv",
        "--method",
        "stepwise",
        "--ci",
        "bootstrap",
        "--nboot",
        "30",
        "--seed",
        "3",
        "--json",
    )
    d = json.loads(out)
    assert code == 0 and d["bootstrap"]["nboot"] == 30 and d["bootstrap"]["seed"] == 3
    assert "bootstrap: 30/30" in err


def test_all_models_and_sensitivity(capsys):
    code, out, err = run(
        capsys, "estimate", DATA / "HIV_Rome.csv", "--method", "all", "--sensitivity"
    )
    assert code == 0 and "Stepwise model by threshold" in out and "all models" in err
    assert "heterogeneity Mth Darroch" in out


def test_sensitivity_command_json(capsys):
    code, out, _ = run(
        capsys,
        "sensitivity",
        DATA / "HIV_Rome.csv",
        "--methods",
        "stepwise,mth-darroch,lcmcr",
        "--seed",
        "1",
        "--json",
    )
    d = json.loads(out)
    assert code == 0 and [m["method"] for m in d["methods"]] == ["stepwise", "mth-darroch", "lcmcr"]
    assert round(d["methods"][0]["estimate"]) == 11125
    assert len(d["thresholds"]) == 8


def test_sensitivity_command_table(capsys):
    code, out, _ = run(capsys, "sensitivity", DATA / "Korea.csv", "--methods", "stepwise,best-bic")
    assert code == 0 and "best model by BIC" in out and "stepwise log-linear" in out


def test_json_when_the_method_declines(capsys):
    """Artificial_3 (Chan et al. 2019, Table 2): the model with A:B has no finite estimate;
    --json prints the reason with estimate and ci null (exit status 1)."""
    code, out, _ = run(
        capsys,
        "estimate",
        DATA / "Artificial_3.csv",
        "--method",
        "fixed",
        "--terms",
        "A:B",
        "--json",
    )
    d = json.loads(out)
    assert code == 1
    assert d["estimate"] is None and d["ci"] is None
    assert "does not exist" in d["reason"]
    assert d["method"] == "fixed" and d["ci_method"] == "quick" and d["warnings"] == []


def test_heterogeneity_method_on_the_command_line(capsys):
    code, out, _ = run(
        capsys, "estimate", DATA / "HIV_Rome.csv", "--method", "mth-poisson", "--json"
    )
    d = json.loads(out)
    assert code == 0 and d["method"] == "mth-poisson" and d["model"] == "Mth Poisson2"
    assert d["heterogeneity"]["theta"] == 2.0


def test_strata(tmp_path, capsys):
    rows = ["A,B,C,year,count"]
    for year, scale in (("2020", 1), ("2021", 2)):
        for pat, c in (
            ("1,0,0", 30),
            ("0,1,0", 20),
            ("0,0,1", 25),
            ("1,1,0", 8),
            ("1,0,1", 6),
            ("0,1,1", 5),
            ("1,1,1", 2),
        ):
            rows.append(f"{pat},{year},{c * scale}")
    p = tmp_path / "s.csv"
    p.write_text("\n".join(rows) + "\n")
    code, out, _ = run(
        capsys,
        "estimate",
        p,
        "--strata",
        "year",
        "--method",
        "stepwise",
        "--nboot",
        "20",
        "--seed",
        "1",
        "--json",
        "--quiet",
    )
    d = json.loads(out)
    assert code == 0 and set(d["strata"]) == {"2020", "2021"}
    assert d["estimate"] == pytest.approx(sum(s["estimate"] for s in d["strata"].values()))
    # the strata keep the interval asked for; only the total is always a bootstrap
    assert {s["ci_method"] for s in d["strata"].values()} == {"quick"}
    code, out, _ = run(
        capsys,
        "estimate",
        p,
        "--strata",
        "year",
        "--ci",
        "bootstrap",
        "--nboot",
        "40",
        "--seed",
        "2",
        "--json",
        "--quiet",
    )
    d = json.loads(out)
    assert code == 0 and d["ci_method"] == "bootstrap"
    for s in d["strata"].values():
        assert s["ci_method"] == "bootstrap" and s["bootstrap"]["nboot"] == 40
        assert s["ci"][0] <= s["estimate"] <= s["ci"][1]


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["estimate", "missing.csv"], 1, "cannot read"),
        (["estimate", DATA / "UKdat_5.csv", "--method", "nope"], 2, "invalid choice"),
        (["estimate", DATA / "UKdat_5.csv", "--method", "fixed"], 2, "needs --terms"),
        (
            ["estimate", DATA / "UKdat_5.csv", "--method", "fixed", "--terms", "LA:XX"],
            1,
            "unknown list",
        ),
        (["estimate", DATA / "UKdat_5.csv", "--pthresh", "2"], 2, "between 0 and 1"),
        (["estimate", DATA / "NewOrl.csv", "--method", "all"], 1, "limited to 6 lists"),
        (
            ["estimate", DATA / "Artificial_3.csv", "--method", "fixed", "--terms", "A:B"],
            1,
            "does not exist",
        ),
    ],
)
def test_errors_are_one_line_without_traceback(capsys, args, code, needle):
    with pytest.raises(SystemExit) if code == 2 else _nullcontext() as exc:
        got = main([str(a) for a in args])
    _, err = capsys.readouterr()
    status = exc.value.code if code == 2 else got
    assert status == code
    assert needle in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


class _nullcontext:
    def __enter__(self):
        return None

    def __exit__(self, *a):
        return False


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"A,B,count\n1,0,5\n0,1,3\n1,1,\xff2\n", "not UTF-8 text"),
        (b"A,B,count\n1,0,5\n0,1,3\n1,1,99999999999999999999\n", "implausibly large"),
    ],
)
def test_unreadable_or_absurd_files_are_named_in_one_line(tmp_path, capsys, content, needle):
    p = tmp_path / "odd.csv"
    p.write_bytes(content)
    code, _, err = run(capsys, "estimate", p)
    assert code == 1 and needle in err and str(p) in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_negative_seed_is_refused_by_name(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["estimate", str(DATA / "UKdat_5.csv"), "--seed", "-3"])
    assert exc.value.code == 2
    assert "--seed: must be 0 or more" in capsys.readouterr().err


def test_bad_csv_value_reports_line(tmp_path, capsys):
    p = tmp_path / "bad.csv"
    p.write_text("A,B,count\n1,0,4\n0,1,-1\n1,1,2\n")
    code, _, err = run(capsys, "estimate", p)
    assert code == 1 and "line 3" in err and "negative" in err


def test_module_entry_point_help_and_run():
    env = {"PYTHONPATH": str(SRC)}
    import os

    env = {**os.environ, **env}
    helped = subprocess.run(
        [sys.executable, "-m", "zicht.estimation", "estimate", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert helped.returncode == 0
    for option in (
        "--method",
        "--terms",
        "--pthresh",
        "--ci",
        "--nboot",
        "--seed",
        "--strata",
        "--json",
    ):
        assert option in helped.stdout
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "zicht.estimation",
            "estimate",
            str(DATA / "UKdat_5.csv"),
            "--method",
            "stepwise",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert round(json.loads(res.stdout)["estimate"]) == 11313
