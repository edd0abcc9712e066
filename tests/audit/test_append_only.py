"""The database itself refuses to change or delete an audit event (PostgreSQL and SQLite
triggers from migration 0003), and a database from before the keyed chain still verifies."""

import hashlib
import importlib
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from tests.audit.conftest import tamper
from zicht.audit import services
from zicht.audit.catalogue import AuditAction
from zicht.audit.models import HASH_KEYED, HASH_LEGACY, AuditEvent, ChainHead
from zicht.audit.selectors import verify_chain


def refused(sql, params=()):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_database_refuses_update_and_delete_of_events(chain):
    assert connection.vendor in ("sqlite", "postgresql")
    refused("UPDATE audit_auditevent SET action = 'test.edited' WHERE seq = 2")
    refused("DELETE FROM audit_auditevent WHERE seq = 5")
    refused("DELETE FROM audit_auditevent")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=3).update(details={"n": 99})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq__gte=4).delete()
    assert AuditEvent.objects.count() == 5
    assert verify_chain() == (5, None)
    # Appending is untouched.
    services.record(action=AuditAction.AUTH_LOGIN)
    assert verify_chain() == (6, None)


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_database():
    # The test runner flushes between transactional tests like this one; the trigger must
    # not stand in its way, and must be back afterwards.
    services.record(action=AuditAction.AUTH_LOGIN)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    services.record(action=AuditAction.AUTH_LOGOUT)
    refused("DELETE FROM audit_auditevent")
    assert verify_chain() == (1, None)


def legacy_hash(seq, prev_hash, when):
    payload = {
        "seq": seq,
        "timestamp": when,
        "actor_id": None,
        "actor_label": "",
        "organisation_id": None,
        "action": "legacy.event",
        "object_type": "",
        "object_id": "",
        "details": {},
        "prev_hash": prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def test_events_from_before_the_key_keep_verifying_below_the_signed_boundary(db):
    """A database written by the unkeyed version: events hashed with plain SHA-256 (the
    old rule, reproduced here independently), then migration 0002 anchors the boundary."""
    prev = services.GENESIS_HASH
    when = "2026-11-30T10:00:00.000000Z"
    for seq in (1, 2, 3):
        digest = legacy_hash(seq, prev, when)
        tamper(
            "INSERT INTO audit_auditevent (seq, timestamp, actor_label, action, object_type, "
            "object_id, details, prev_hash, hash, hash_version) "
            "VALUES (%s, %s, '', 'legacy.event', '', '', '{}', %s, %s, 1)",
            [seq, "2026-11-30 10:00:00+00:00", prev, digest],
        )
        prev = digest
    tamper("UPDATE audit_chainhead SET last_seq = 3, last_hash = %s WHERE id = 1", [prev])

    migration = importlib.import_module("zicht.audit.migrations.0002_keyed_chain")

    class SchemaEditor:
        pass

    editor = SchemaEditor()
    editor.connection = connection
    migration.anchor_keyed_chain(apps, editor)
    head = ChainHead.objects.get(id=1)
    assert head.keyed_from_seq == 4

    services.record(action=AuditAction.AUTH_LOGIN)
    assert list(AuditEvent.objects.order_by("seq").values_list("hash_version", flat=True)) == [
        HASH_LEGACY,
        HASH_LEGACY,
        HASH_LEGACY,
        HASH_KEYED,
    ]
    assert verify_chain() == (4, None)
    tamper("UPDATE audit_auditevent SET action = 'legacy.edited' WHERE seq = 2")
    problem = verify_chain()[1]
    assert problem.seq == 2 and problem.reason == "content was altered"
