"""The audit chain detects tampering, insertion and deletion."""

import pytest
from django.core.management import call_command
from django.db import connection

from zicht.audit import services
from zicht.audit.models import AuditEvent, AuditLogImmutableError
from zicht.audit.selectors import verify_chain


@pytest.fixture
def chain(db):
    for i in range(5):
        services.record(action="test.event", object_type="thing", object_id=i, details={"n": i})
    return list(AuditEvent.objects.order_by("seq"))


def test_intact_chain_verifies(chain):
    assert verify_chain() == (5, None)
    call_command("verify_audit_chain")


def test_altered_details_are_detected(chain):
    AuditEvent.objects.filter(seq=3).update(details={"n": 99})
    checked, problem = verify_chain()
    assert problem.seq == 3 and "altered" in problem.reason
    with pytest.raises(SystemExit) as exc:
        call_command("verify_audit_chain")
    assert exc.value.code == 1


def test_altered_actor_is_detected(chain):
    AuditEvent.objects.filter(seq=2).update(actor_label="someone-else")
    assert verify_chain()[1].seq == 2


def test_deleted_event_in_the_middle_is_detected(chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 4")
    problem = verify_chain()[1]
    assert problem.seq == 4 and problem.reason == "missing event"


def test_deleted_last_event_is_detected(chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 5")
    problem = verify_chain()[1]
    assert problem.seq == 5 and problem.reason == "missing event"


def test_events_cannot_be_changed_or_deleted_through_the_application(chain):
    event = chain[0]
    event.action = "changed"
    with pytest.raises(AuditLogImmutableError):
        event.save()
    with pytest.raises(AuditLogImmutableError):
        chain[1].delete()


def test_admin_offers_no_change_or_delete(chain, admin_client):
    from django.contrib import admin as django_admin

    model_admin = django_admin.site._registry[AuditEvent]
    assert not model_admin.has_delete_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_add_permission(None)


def test_record_joins_the_callers_transaction(db):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.record(action="test.rolled_back")
        raise RuntimeError
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    assert verify_chain() == (0, None)
