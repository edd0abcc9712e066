"""CLI: ``--method lcmcr`` and ``--method dga``."""

import json
from pathlib import Path

from zicht.estimation.cli import main

DATA = Path(__file__).parent / "data"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_dga_json_is_r_dga_result(capsys):
    code, out, _ = run(capsys, "estimate", DATA / "HIV_Rome.csv", "--method", "dga", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["method"] == "dga" and d["estimate"] == 11220.0 and d["ci"] == [9404.0, 14096.0]
    assert d["diagnostics"]["graphs"] == 61


def test_lcmcr_prints_a_table_and_progress_on_stderr(capsys):
    code, out, err = run(
        capsys, "estimate", DATA / "Korea.csv", "--method", "lcmcr", "--seed", "3",
        "--burnin", "2000", "--samples", "200", "--thinning", "10", "--chains", "2",
    )  # fmt: skip
    assert code == 0
    assert "latent-class model" in out and "95% credible interval" in out
    assert "R-hat" in out
    assert "lcmcr sweeps: 9000/9000" in err


def test_lcmcr_json_is_reproducible_with_a_seed(capsys):
    args = ["estimate", DATA / "Korea.csv", "--method", "lcmcr", "--seed", "5", "--json",
            "--burnin", "500", "--samples", "100", "--quiet"]  # fmt: skip
    first = json.loads(run(capsys, *args)[1])
    second = json.loads(run(capsys, *args)[1])
    assert first["estimate"] == second["estimate"] and first["ci"] == second["ci"]
    assert first["settings"]["burnin"] == 500 and first["settings"]["seed"] == 5


def test_dga_declines_six_lists_with_status_1(capsys):
    code, out, _ = run(capsys, "estimate", DATA / "UKdat.csv", "--method", "dga")
    assert code == 1
    assert "none (lists)" in out and "3 to 5 lists" in out


def test_bayesian_methods_refuse_strata(capsys):
    try:
        main(["estimate", str(DATA / "Korea.csv"), "--method", "dga", "--strata", "x"])
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("expected a usage error")
