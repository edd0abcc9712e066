"""The standard-library special functions of the quick path agree with scipy's, and the
command line's stepwise estimate does not import scipy (it costs 0.5-1.3 s to import)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.special as sc

from zicht.estimation import _special

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("scale", [1, 10, 100, 1_000, 10_000])
def test_poisson_tails_agree_with_scipy(scale):
    rng = np.random.default_rng(scale)
    k = np.floor(rng.random(500) * 2 * scale)
    m = rng.random(500) * 2 * scale + 1e-3
    for ours, theirs in ((_special.pdtr, sc.pdtr), (_special.pdtrc, sc.pdtrc)):
        a, b = ours(k, m), theirs(k, m)
        big = b > 1e-290
        assert np.allclose(a[big], b[big], rtol=1e-9, atol=0)
        assert np.all(a[~big] < 1e-280)
    assert _special.pdtrc(-1.0, 3.0) == 1.0 and _special.pdtr(0.0, 0.0) == 1.0


def test_normal_and_log_factorials_agree_with_scipy():
    for p in (1e-12, 0.025, 0.5, 0.975, 0.995):
        assert _special.ndtri(p) == pytest.approx(sc.ndtri(p), rel=1e-13)
        assert _special.ndtr(_special.ndtri(p)) == pytest.approx(p, rel=1e-12)
    assert _special.ndtri(0.0) == -np.inf and _special.ndtri(1.0) == np.inf
    y = np.random.default_rng(3).integers(0, 5_000, 63)
    assert _special.log_factorial_sum(y) == pytest.approx(sc.gammaln(y + 1.0).sum(), rel=1e-14)


def test_the_stepwise_command_imports_neither_scipy_nor_numba():
    code = (
        "import sys\n"
        "from zicht.estimation.cli import main\n"
        f"main(['estimate', {str(DATA / 'UKdat.csv')!r}, '--method', 'stepwise', '--json'])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'numba'))\n"
        "print('HEAVY', heavy)\n"
    )
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert res.returncode == 0, res.stderr
    *answer, heavy = res.stdout.strip().splitlines()
    assert heavy == "HEAVY []"
    assert round(json.loads("\n".join(answer))["estimate"]) == 11418  # Silverman (2014)
