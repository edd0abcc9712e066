"""No code under src/ imports a package that only the development install provides.

A deployment installs ``[project] dependencies`` only: a module that imports a dev or
bench extra (rapidfuzz, pytest, locust, ...) - even inside a function - fails there the
first time that line runs. The linkage evaluation helpers that need rapidfuzz live in
benchmarks/ for that reason."""

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _dist(requirement: str) -> str:
    """The normalised distribution name of a requirement such as 'psycopg[binary]==3.3'."""
    name = re.split(r"[\[=<>!~; ]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _dev_only_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_dist(r) for r in project["dependencies"]}
    extras = {_dist(r) for group in project["optional-dependencies"].values() for r in group}
    return extras - runtime


def _imported_top_level_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


def test_the_dev_only_set_is_read_from_pyproject():
    dev_only = _dev_only_distributions()
    assert {"rapidfuzz", "pytest", "locust"} <= dev_only
    assert not {"numpy", "django", "faker"} & dev_only


def test_no_module_under_src_imports_a_dev_only_dependency():
    dev_only = _dev_only_distributions()
    dists_of = packages_distributions()
    offenders = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        for module in _imported_top_level_modules(path):
            dists = {_dist(d) for d in dists_of.get(module, ())}
            if dists and dists <= dev_only:
                offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert offenders == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from rapidfuzz import process\n    import pytest.mark\n")
    assert _imported_top_level_modules(module) == {"rapidfuzz", "pytest"}
