"""Helpers that play the attacker: someone with write access to the database who can
drop the append-only trigger, but who does not hold ZICHT_AUDIT_KEY."""

from contextlib import contextmanager

import pytest
from django.db import connection

from tests.coordination.conftest import make_signal  # noqa: F401 (a fixture, reused)
from zicht.audit import services, triggers
from zicht.audit.catalogue import AuditAction


@contextmanager
def trigger_lifted():
    triggers.remove(connection)
    try:
        yield
    finally:
        triggers.install(connection)


def tamper(sql, params=()):
    """Run raw SQL against the audit tables with the trigger out of the way."""
    with trigger_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def chain(db):
    from zicht.audit.models import AuditEvent

    for i in range(5):
        services.record(
            action=AuditAction.ADMIN_OBJECT_CHANGED,
            object_type="thing",
            object_id=i,
            details={"n": i},
        )
    return list(AuditEvent.objects.order_by("seq"))
