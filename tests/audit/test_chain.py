"""The keyed audit chain detects tampering, insertion, deletion and reordering."""

import hashlib

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.audit.conftest import tamper
from zicht.audit import services
from zicht.audit.catalogue import AuditAction
from zicht.audit.models import HASH_KEYED, AuditEvent, AuditLogImmutableError, ChainHead
from zicht.audit.selectors import verify_chain


def run_verify(capsys, *args):
    """Run verify_audit_chain; return (exit code, stdout, stderr)."""
    try:
        call_command("verify_audit_chain", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_intact_chain_verifies(chain, capsys):
    assert verify_chain() == (5, None)
    code, out, _ = run_verify(capsys)
    assert code == 0 and "5 events verified" in out


def test_events_are_hashed_with_the_key_not_plain_sha256(chain, settings):
    event = chain[0]
    assert event.hash_version == HASH_KEYED
    fields = {
        "seq": event.seq,
        "timestamp": services.canonical_timestamp(event.timestamp),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    assert services.event_hash(**fields) == event.hash
    assert services.event_hash(**fields, hash_version=1) != event.hash
    settings.AUDIT_KEY = "another-key-" + "9" * 40
    assert services.event_hash(**fields) != event.hash


def test_altered_details_are_detected(chain, capsys):
    tamper("UPDATE audit_auditevent SET details = %s WHERE seq = 3", ['{"n": 99}'])
    checked, problem = verify_chain()
    assert checked == 2 and problem.seq == 3 and "altered" in problem.reason
    code, _, err = run_verify(capsys)
    assert code == 1
    assert err.strip() == (
        "Audit chain broken at event #3: content was altered (2 events verified before it)."
    )


def test_altered_actor_is_detected(chain):
    tamper("UPDATE audit_auditevent SET actor_label = 'someone-else' WHERE seq = 2")
    assert verify_chain()[1].seq == 2


def test_deleted_event_in_the_middle_is_detected(chain):
    tamper("DELETE FROM audit_auditevent WHERE seq = 4")
    problem = verify_chain()[1]
    assert problem.seq == 4 and problem.reason == "missing event"


def test_deleted_last_event_is_detected(chain):
    tamper("DELETE FROM audit_auditevent WHERE seq = 5")
    problem = verify_chain()[1]
    assert problem.seq == 5 and problem.reason == "missing event"


def test_reordered_events_are_detected(chain):
    tamper("UPDATE audit_auditevent SET seq = 100 WHERE seq = 2")
    tamper("UPDATE audit_auditevent SET seq = 2 WHERE seq = 3")
    tamper("UPDATE audit_auditevent SET seq = 3 WHERE seq = 100")
    problem = verify_chain()[1]
    assert problem.seq == 2 and problem.reason == "previous hash does not match"


def rewrite_and_rehash(chain, *, from_seq, hash_version):
    """Edit one event and recompute every later hash and the head, as an attacker would
    who knows the hashing rule but not the key (they use their own guess)."""
    prev = chain[from_seq - 2].hash
    for event in chain[from_seq - 1 :]:
        details = {"n": 99} if event.seq == from_seq else event.details
        digest = services.event_hash(
            seq=event.seq,
            timestamp=services.canonical_timestamp(event.timestamp),
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            organisation_id=event.organisation_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            details=details,
            prev_hash=prev,
            hash_version=hash_version,
        )
        tamper(
            "UPDATE audit_auditevent SET details = %s, prev_hash = %s, hash = %s, "
            "hash_version = %s WHERE seq = %s",
            [services.json.dumps(details), prev, digest, hash_version, event.seq],
        )
        prev = digest
    tamper("UPDATE audit_chainhead SET last_hash = %s WHERE id = 1", [prev])


def test_rewrite_and_rehash_with_a_guessed_key_is_detected(chain, settings, capsys):
    real_key = settings.AUDIT_KEY
    settings.AUDIT_KEY = "the-attackers-guess-" + "0" * 40
    rewrite_and_rehash(chain, from_seq=3, hash_version=HASH_KEYED)
    settings.AUDIT_KEY = real_key
    problem = verify_chain()[1]
    assert problem.seq == 3 and problem.reason == "content was altered"
    assert run_verify(capsys)[0] == 1


def test_rewrite_and_rehash_as_unkeyed_old_events_is_detected(chain):
    rewrite_and_rehash(chain, from_seq=3, hash_version=1)
    problem = verify_chain()[1]
    assert problem.seq == 3 and "another rule" in problem.reason
    # Moving the signed boundary up so the rewritten events pass as old ones fails too.
    tamper("UPDATE audit_chainhead SET keyed_from_seq = 6 WHERE id = 1")
    problem = verify_chain()[1]
    assert problem.reason == "the chain head's signature is invalid"


def test_events_cannot_be_changed_or_deleted_through_the_application(chain):
    event = chain[0]
    event.action = "changed"
    with pytest.raises(AuditLogImmutableError):
        event.save()
    with pytest.raises(AuditLogImmutableError):
        chain[1].delete()


def test_admin_offers_no_change_or_delete(chain):
    from django.contrib import admin as django_admin

    model_admin = django_admin.site._registry[AuditEvent]
    assert not model_admin.has_delete_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_add_permission(None)


def test_record_joins_the_callers_transaction(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.record(action=AuditAction.AUTH_LOGIN)
        raise RuntimeError
    assert not AuditEvent.objects.filter(action=AuditAction.AUTH_LOGIN).exists()
    assert verify_chain() == (0, None)


def test_a_new_database_is_keyed_from_the_first_event(chain):
    head = ChainHead.objects.get(id=1)
    assert head.keyed_from_seq == 1
    assert head.keyed_from_mac == services.head_anchor_mac(1)
    assert head.keyed_from_mac != hashlib.sha256(b"keyed_from_seq=1").hexdigest()


def test_a_deleted_chain_head_is_detected(chain, capsys):
    tamper("DELETE FROM audit_chainhead")
    problem = verify_chain()[1]
    assert problem.seq == 5 and problem.reason == "the chain head is missing"
    assert run_verify(capsys)[0] == 1
