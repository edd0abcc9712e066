"""Database triggers that refuse UPDATE and DELETE of an audit event.

The application never changes or deletes an event (``AuditEvent.save``/``delete`` raise),
but a bug, a raw query or an SQL injection would go through the same database role. The
triggers make the database refuse every row-level UPDATE and DELETE on
``audit_auditevent``, for every role including the application's.

What they do not stop, by design: PostgreSQL's ``TRUNCATE`` fires no row triggers (the
test runner and ``manage.py flush`` empty tables with it; on SQLite ``flush`` lifts the
trigger for the moment it empties the tables, see the audit app's ``flush`` command), and
the owner of the table can drop or disable a trigger. Emptying or truncating the log is
exactly what the signed checkpoints outside the database catch.
"""

from __future__ import annotations

__all__ = ["install", "remove", "REFUSAL"]

REFUSAL = "audit events are append-only"

_POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL}: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change()
    """,
]
_POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse_change()",
]
_SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update
    BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE refused'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete
    BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE refused'); END
    """,
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]


def _statements(vendor: str, *, install_: bool) -> list[str]:
    if vendor == "postgresql":
        return _POSTGRESQL_INSTALL if install_ else _POSTGRESQL_REMOVE
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install_ else _SQLITE_REMOVE
    return []  # other databases: the keyed chain and checkpoints still detect changes


def install(connection) -> None:
    """Create the triggers (PostgreSQL and SQLite; nothing on other databases)."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install_=True):
            cursor.execute(sql)


def remove(connection) -> None:
    """Drop the triggers again (migration rollback, SQLite flush)."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install_=False):
            cursor.execute(sql)
