"""The development default is not unsafe by surprise (issue 10): the var directory and its
files are private to the account that runs Zicht, and DEBUG pages are never served to
other machines."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from zicht.conf.debug import is_loopback, runserver_address, runserver_refusal

REPO = Path(__file__).resolve().parents[2]


def _env(tmp_path, **environment) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZICHT_", "DJANGO_", "DATABASE_URL"))
    }
    env.update({"ZICHT_VAR_DIR": str(tmp_path / "var"), **environment})
    return env


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_var_dir_is_0700_and_the_database_and_secrets_0600(tmp_path):
    """A fresh start under a permissive umask: the SQLite database (with its -wal and -shm
    files while a connection is open) and the generated secrets are 0600, the directories
    0700."""
    code = (
        "import os, stat, django; os.umask(0o022); django.setup(); "
        "from django.conf import settings; from django.db import connection; "
        "cursor = connection.cursor(); cursor.execute('CREATE TABLE t (x)'); "
        "cursor.execute('INSERT INTO t VALUES (1)'); "
        "name = settings.DATABASES['default']['NAME']; "
        "print(*(oct(stat.S_IMODE(os.stat(str(name) + s).st_mode)) for s in ('', '-wal', '-shm')))"
    )
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="zicht.conf.settings")
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        umask=0o022,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0o600", "0o600", "0o600"]
    var = tmp_path / "var"
    assert _mode(var) == 0o700
    assert _mode(var / "secrets") == 0o700
    secrets = sorted((var / "secrets").iterdir())
    assert {
        "django_secret_key",
        "zicht_field_encryption_key",
        "zicht_pseudonym_key",
    } <= {p.name for p in secrets}
    assert all(_mode(p) == 0o600 for p in secrets)
    assert _mode(var / "zicht.sqlite3") == 0o600


def test_an_existing_loose_var_dir_is_tightened(tmp_path):
    var = tmp_path / "var"
    (var / "secrets").mkdir(parents=True)
    var.chmod(0o755)
    (var / "zicht.sqlite3").write_bytes(b"")
    (var / "zicht.sqlite3").chmod(0o644)
    (var / "secrets" / "django_secret_key").write_text("x" * 64)
    (var / "secrets" / "django_secret_key").chmod(0o644)
    code = "import django; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=_env(tmp_path, DJANGO_SETTINGS_MODULE="zicht.conf.settings"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert _mode(var) == 0o700
    assert _mode(var / "zicht.sqlite3") == 0o600
    assert _mode(var / "secrets" / "django_secret_key") == 0o600
    assert (var / "secrets" / "django_secret_key").read_text() == "x" * 64  # kept


def _debug(tmp_path, **environment) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=_env(tmp_path, DJANGO_SETTINGS_MODULE="zicht.conf.settings", **environment),
        capture_output=True,
        text=True,
    )


def test_debug_is_on_for_loopback_development_only(tmp_path):
    assert _debug(tmp_path).stdout.strip() == "True"
    # A process answering to a real host name (gunicorn behind a proxy) runs without DEBUG.
    public = _debug(tmp_path, DJANGO_ALLOWED_HOSTS="zicht.example.nl")
    assert public.returncode == 0, public.stderr
    assert public.stdout.strip() == "False"
    assert _debug(tmp_path, DJANGO_ALLOWED_HOSTS="*").stdout.strip() == "False"


def test_debug_asked_for_with_a_public_host_is_refused(tmp_path):
    result = _debug(tmp_path, DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="localhost,10.0.0.5")
    assert result.returncode != 0
    assert "DJANGO_DEBUG is on while DJANGO_ALLOWED_HOSTS names a non-loopback host" in (
        result.stderr
    )


def test_runserver_on_a_public_address_with_debug_refuses_to_start(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "runserver", "0.0.0.0:8799", "--noreload"],
        cwd=REPO,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Refusing to run with DEBUG on a non-loopback address (0.0.0.0)")


@pytest.mark.parametrize(
    ("args", "address", "refused"),
    [
        (["runserver"], "127.0.0.1", False),
        (["runserver", "8001"], "127.0.0.1", False),
        (["runserver", "127.0.0.1:8000"], "127.0.0.1", False),
        (["runserver", "localhost:8000"], "localhost", False),
        (["runserver", "--ipv6", "[::1]:8000"], "[::1]", False),
        (["runserver", "0.0.0.0:8000"], "0.0.0.0", True),
        (["runserver", "0:8000"], "0.0.0.0", True),
        (["runserver", "[::]:8000"], "[::]", True),
        (["runserver", "192.168.1.20:8000"], "192.168.1.20", True),
        (["runserver", "zicht.example.nl:80"], "zicht.example.nl", True),
        (["migrate"], None, False),
    ],
)
def test_runserver_address_rule(args, address, refused):
    assert runserver_address(args) == address
    assert (runserver_refusal(args, debug=True) is not None) is refused
    assert runserver_refusal(args, debug=False) is None


def test_loopback_names():
    assert all(map(is_loopback, ["127.0.0.1", "127.0.0.2", "localhost", "[::1]", "testserver"]))
    assert not any(map(is_loopback, ["0.0.0.0", "*", "zicht.example.nl", "[::]", "10.1.2.3"]))
