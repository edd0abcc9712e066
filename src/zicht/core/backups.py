"""Backups of the PostgreSQL database with its own tools: ``pg_dump`` (custom format) and
``pg_restore`` (Debian's ``postgresql-client``). ``manage.py backup`` and ``restore`` are
the thin commands; docs/operations.md has the recipe and the restore drill.

The connection settings go to the tools as libpq environment variables, never as
arguments: a password on a command line is visible to every user of the machine (``ps``).
A backup holds personal data (identities encrypted at rest, but everything else in
clear), so its file is created readable by its owner only. The secrets are not in it:
without ``ZICHT_FIELD_ENCRYPTION_KEY`` and ``ZICHT_AUDIT_KEY`` a restored database can
neither show identities nor prove its audit chain.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from django.db import connections

__all__ = ["BackupError", "backup_create", "restore"]

SQLITE_HINT = (
    "This installation uses SQLite, and backup/restore use PostgreSQL's pg_dump. Copy a "
    "SQLite database while it runs with: sqlite3 {name} \".backup 'zicht-backup.sqlite3'\""
)


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message says why and what to do."""


def _postgres(alias: str) -> dict:
    database = connections[alias].settings_dict
    if "postgresql" not in database["ENGINE"]:
        if "sqlite" in database["ENGINE"]:
            raise BackupError(SQLITE_HINT.format(name=database["NAME"]))
        raise BackupError(f"backup and restore need PostgreSQL, not {database['ENGINE']}.")
    return database


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is missing: install Debian's postgresql-client.")
    return found


def _libpq_environment(database: dict) -> dict[str, str]:
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", database.get("HOST")),
        ("PGPORT", database.get("PORT")),
        ("PGUSER", database.get("USER")),
        ("PGPASSWORD", database.get("PASSWORD")),
        ("PGDATABASE", database.get("NAME")),
        ("PGSSLMODE", (database.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _run(command: list[str], database: dict) -> None:
    # The program is found by shutil.which; the arguments are paths and fixed options.
    done = subprocess.run(  # noqa: S603
        command, env=_libpq_environment(database), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def backup_create(*, out: Path, alias: str = "default") -> Path:
    """Write a ``pg_dump`` custom-format backup of the database to ``out`` (mode 0600).
    An existing file is never overwritten."""
    database = _postgres(alias)
    pg_dump = _tool("pg_dump")
    try:
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{out} exists already; choose a new file name.") from None
    except OSError as exc:
        raise BackupError(f"cannot create {out}: {exc.strerror}.") from None
    os.close(descriptor)
    try:
        _run(
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={out}"], database
        )
    except BackupError:
        out.unlink(missing_ok=True)
        raise
    return out


def _tables(alias: str) -> list[str]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    connection.close()  # pg_restore --clean must be able to drop what this connection saw
    return tables


def restore(*, dump: Path, force: bool = False, alias: str = "default") -> None:
    """Restore a ``backup_create`` file with ``pg_restore`` into the database, in one
    transaction (all or nothing). The database must be empty (``createdb``) unless
    ``force``, which drops every object the backup contains first."""
    database = _postgres(alias)
    pg_restore = _tool("pg_restore")
    if not dump.is_file():
        raise BackupError(f"{dump} is not a file.")
    tables = _tables(alias)
    if tables and not force:
        raise BackupError(
            f"the database {database['NAME']} is not empty ({len(tables)} tables). Restore "
            "into a new, empty database (createdb), or add --force to replace its contents."
        )
    command = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error"]
    command += ["--single-transaction", f"--dbname={database['NAME']}"]
    if tables:
        command += ["--clean", "--if-exists"]
    _run([*command, str(dump)], database)
