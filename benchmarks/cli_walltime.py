"""Wall time of the estimation command line, the way a user meets it (interpreter start,
imports, reading the CSV, the estimate, printing).

Usage::

    .venv/bin/python benchmarks/cli_walltime.py [FILE.csv] [--runs 15]
        [--compare OTHER_SRC_DIR] [-- extra CLI arguments]

Runs ``python -m zicht.estimation estimate FILE.csv --method stepwise`` ``--runs`` times and
prints the median, minimum and maximum wall time and the 1-minute load average before and
after, beside two baselines run in the same rounds: ``python -c pass`` (starting the
interpreter) and ``python -c "import numpy"`` (the floor for any numpy program). With
``--compare DIR`` the runs alternate between this checkout's ``src`` and ``DIR``
(for example an export of an older commit: ``git archive main src | tar -x -C /tmp/old``), so
both see the same machine load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_run(src: Path, args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return _timed([sys.executable, "-m", "zicht.estimation", "estimate", *args], env)


def _timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


BASELINES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    'python -c "import numpy"': [sys.executable, "-c", "import numpy"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(ROOT / "docs/examples/UKdat_5.csv"))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--compare", type=Path, default=None)
    parser.add_argument("extra", nargs="*")
    a = parser.parse_args()
    cli = [a.file, "--method", "stepwise", *a.extra]
    sources = {"this checkout": ROOT / "src"}
    if a.compare is not None:
        sources["compare"] = a.compare.resolve()
    for src in sources.values():  # warm-up: byte code and numba caches
        one_run(src, cli)
    load_before = os.getloadavg()[0]
    times: dict[str, list[float]] = {k: [] for k in [*sources, *BASELINES]}
    for _ in range(a.runs):
        for name, src in sources.items():
            times[name].append(one_run(src, cli))
        for name, command in BASELINES.items():
            times[name].append(_timed(command))
    load_after = os.getloadavg()[0]
    print(f"command: python -m zicht.estimation estimate {' '.join(cli)}")
    print(f"1-minute load average: {load_before:.1f} before, {load_after:.1f} after")
    start = statistics.median(times["python -c pass"])
    for name, values in times.items():
        where = f" ({sources[name]})" if name in sources else ""
        print(
            f"{name}{where}: median {statistics.median(values):.2f} s, "
            f"min {min(values):.2f} s, max {max(values):.2f} s, {len(values)} runs, "
            f"{statistics.median(values) / start:.1f}x python -c pass"
        )
    under = sum(v < 0.5 for v in times["this checkout"])
    print(f"this checkout under 0.5 s in {under} of {len(times['this checkout'])} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
