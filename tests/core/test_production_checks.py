"""ZICHT_ENV=production refuses to start on a SQLite database unless explicitly allowed."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SECRETS = {
    "DJANGO_SECRET_KEY": "s" * 64,
    "ZICHT_PSEUDONYM_KEY": "ab" * 32,
    "ZICHT_FIELD_ENCRYPTION_KEY": "cd" * 32,
    "ZICHT_AUDIT_KEY": "ef" * 32,
    "DJANGO_ALLOWED_HOSTS": "zicht.example.nl",
}


def _start(tmp_path, **environment) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZICHT_", "DJANGO_", "DATABASE_URL"))
    }
    env.update({"ZICHT_VAR_DIR": str(tmp_path / "var"), **environment})
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "zicht.conf.settings"},
        capture_output=True,
        text=True,
    )


def test_production_refuses_sqlite_with_one_clear_line(tmp_path):
    result = _start(tmp_path, ZICHT_ENV="production", **SECRETS)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line == (
        "django.core.exceptions.ImproperlyConfigured: ZICHT_ENV=production refuses a SQLite "
        "database: set DATABASE_URL to PostgreSQL (or ZICHT_ALLOW_SQLITE_IN_PRODUCTION=1 "
        "for a single-machine installation)."
    )


def test_production_on_sqlite_starts_when_explicitly_allowed(tmp_path):
    result = _start(
        tmp_path, ZICHT_ENV="production", ZICHT_ALLOW_SQLITE_IN_PRODUCTION="1", **SECRETS
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_production_on_postgresql_needs_no_permission(tmp_path):
    # Settings only parse the URL; nothing connects, so no server is needed here.
    result = _start(
        tmp_path,
        ZICHT_ENV="production",
        DATABASE_URL="postgres://zicht:zicht@127.0.0.1:5432/zicht",
        **SECRETS,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_development_keeps_sqlite_as_its_default(tmp_path):
    result = _start(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_production_still_refuses_missing_secrets(tmp_path):
    result = _start(tmp_path, ZICHT_ENV="production", ZICHT_ALLOW_SQLITE_IN_PRODUCTION="1")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
