"""zicht.pprl works without Django; the old module names still reach it."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PURE = ["keys", "normalise", "encoding", "fuzzy", "bulk", "cli", "spec", "pprl2", "evidence"]


def test_pprl_loads_and_encodes_without_django():
    code = (
        "import sys, datetime\n"
        + "".join(f"import zicht.pprl.{m}\n" for m in PURE)
        + "from zicht.pprl.encoding import Identity, encode\n"
        "from zicht.pprl.keys import PseudonymKey\n"
        "e = encode(Identity('Aya', 'El Idrissi', datetime.date(2011, 5, 9)),"
        " PseudonymKey.generate())\n"
        "assert len(e.bloom) == 64\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert 'zicht.linkage' not in sys.modules\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(SRC)
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                       timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("name", ["keys", "normalise", "encoding", "fuzzy", "bulk", "spec"])
def test_old_module_names_are_the_new_modules(name):
    old = importlib.import_module(f"zicht.linkage.{name}")
    assert old is importlib.import_module(f"zicht.pprl.{name}")
