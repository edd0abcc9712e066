"""Backups: ``manage.py backup`` and ``restore`` (pg_dump/pg_restore), and the restore
drill of issue 18 on PostgreSQL: create data, back up, drop the database, restore into a
new empty one, and find the audit chain intact and every count the same."""

import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

REPO = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith(("postgres://", "postgresql://"))

DATA = """
from tests.factories import MembershipFactory, TOTPDeviceFactory
from zicht.accounts.constants import Role
from zicht.api import scopes, services
member = MembershipFactory(role=Role.PROFESSIONAL)
TOTPDeviceFactory(user=member.user)
admin = MembershipFactory(role=Role.ORG_ADMIN, organisation=member.organisation)
for name in ("one", "two", "three"):
    services.api_key_create(by=admin, name=name, contact=member, scopes=[scopes.SIGNALS_READ])
"""

LATER = """
from tests.factories import UserFactory
UserFactory(username="after-the-backup")
"""

COUNTS = """
import json
from django.apps import apps
print(json.dumps({label: apps.get_model(label).objects.count() for label in (
    "audit.AuditEvent", "accounts.User", "accounts.Membership", "accounts.Organisation",
    "api.OrganisationAPIKey", "accounts.Municipality")}))
"""


@pytest.mark.django_db
def test_sqlite_is_refused_with_the_sqlite_way_to_copy_it(settings, tmp_path):
    if ON_POSTGRES:
        pytest.skip("this installation runs on PostgreSQL; the drill below covers it")
    with pytest.raises(CommandError, match=r"uses SQLite.*sqlite3 .*\.backup"):
        call_command("backup", out=str(tmp_path / "x.dump"))
    with pytest.raises(CommandError, match="uses SQLite"):
        call_command("restore", str(tmp_path / "x.dump"))
    assert not (tmp_path / "x.dump").exists()


def _counts(manage) -> dict:
    return json.loads(manage("shell", "-c", COUNTS).stdout.strip().splitlines()[-1])


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)


@pytest.fixture
def drill(tmp_path):
    """manage.py in a subprocess on a database of its own (created here, dropped after)."""
    if not ON_POSTGRES:
        pytest.skip("the restore drill runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")
    base, _, _ = POSTGRES_URL.rpartition("/")
    name = f"zicht_drill_{secrets.token_hex(4)}"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZICHT_", "DJANGO_", "DATABASE_URL"))
    }
    # One set of generated secrets (and so one audit key) for every step.
    env.update(DATABASE_URL=f"{base}/{name}", ZICHT_VAR_DIR=str(tmp_path / "var"))

    def manage(*args, check=True):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if check:
            assert done.returncode == 0, done.stderr
        return done

    def recreate():
        with _admin(POSTGRES_URL) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')

    recreate()
    yield manage, recreate
    with _admin(POSTGRES_URL) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_drill_keeps_the_audit_chain_and_every_count(drill, tmp_path):
    manage, recreate = drill
    manage("migrate", "--noinput")
    manage("shell", "-c", DATA)
    before = _counts(manage)
    assert before["audit.AuditEvent"] >= 3 and before["api.OrganisationAPIKey"] == 3

    dump = tmp_path / "zicht.dump"
    assert "Backup written" in manage("backup", "--out", str(dump)).stdout
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600  # personal data: the owner only
    again = manage("backup", "--out", str(dump), check=False)
    assert again.returncode != 0 and "exists already" in again.stderr

    recreate()  # the database is lost; a new, empty one takes its place
    assert manage("shell", "-c", COUNTS, check=False).returncode != 0
    assert "Restored" in manage("restore", str(dump)).stdout
    assert _counts(manage) == before
    verified = manage("verify_audit_chain")
    assert f"Audit chain intact: {before['audit.AuditEvent']} events verified" in verified.stdout
    assert "No migrations to apply" in manage("migrate", "--noinput").stdout

    # A database with contents is not overwritten by accident; --force replaces them.
    refused = manage("restore", str(dump), check=False)
    assert refused.returncode != 0 and "is not empty" in refused.stderr
    manage("shell", "-c", LATER)  # more data after the backup ...
    manage("restore", "--force", str(dump))
    assert _counts(manage) == before  # ... is gone again
    manage("verify_audit_chain")


@pytest.mark.django_db
def test_missing_tools_and_files_get_a_clear_message(monkeypatch, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the checks after the database check need PostgreSQL")
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "none.dump"))
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(
        CommandError, match="pg_dump is missing: install Debian's postgresql-client"
    ):
        call_command("backup", out=str(tmp_path / "x.dump"))
    assert not (tmp_path / "x.dump").exists()
