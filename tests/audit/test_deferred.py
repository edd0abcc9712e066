"""Events recorded inside ``audit.deferred()`` are appended at the end of the block, in
order, exactly when the change commits; the chain stays verifiable (issue 18)."""

import pytest
from django.db import transaction

from zicht.audit import services
from zicht.audit.catalogue import AuditAction
from zicht.audit.models import AuditEvent, ChainHead
from zicht.audit.selectors import verify_chain


@pytest.mark.django_db
def test_deferred_events_are_appended_at_the_end_in_order():
    services.record(action=AuditAction.AUTH_LOGIN)
    with services.deferred():
        first = services.record(action=AuditAction.INTAKE_SIGNAL_CREATED, object_id=1)
        services.record(action=AuditAction.LINKAGE_MATCH_FOUND, object_id=2)
        # Nothing is appended yet: the head row is not touched before the end.
        assert ChainHead.objects.get().last_seq == 1
        assert not AuditEvent.objects.filter(action="intake.signal_created").exists()
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["auth.login", "intake.signal_created", "linkage.match_found"]
    assert first.seq == 2 and first.pk is not None
    assert ChainHead.objects.get().last_seq == 3
    assert verify_chain() == (3, None)


@pytest.mark.django_db
def test_an_error_discards_the_deferred_events_with_the_change():
    services.record(action=AuditAction.AUTH_LOGIN)
    with pytest.raises(RuntimeError), services.deferred():
        services.record(action=AuditAction.INTAKE_SIGNAL_CREATED)
        raise RuntimeError("the change fails")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["auth.login"]
    assert verify_chain() == (1, None)


@pytest.mark.django_db
def test_events_of_a_rolled_back_savepoint_are_not_appended():
    with services.deferred():
        services.record(action=AuditAction.AUTH_LOGIN)
        try:
            with transaction.atomic():
                services.record(action=AuditAction.AUTH_LOGIN_FAILED)
                raise ValueError("caught below: only this savepoint is rolled back")
        except ValueError:
            pass
        with services.deferred():  # nested: joins the outer block
            services.record(action=AuditAction.AUTH_LOGOUT)
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["auth.login", "auth.logout"]
    assert verify_chain() == (2, None)


@pytest.mark.django_db
def test_a_nested_block_joins_the_outer_one_without_a_savepoint():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.record(action=AuditAction.AUTH_LOGIN)
    with CaptureQueriesContext(connection) as captured, services.deferred():
        with services.deferred():
            services.record(action=AuditAction.INTAKE_SIGNAL_CREATED, object_id=1)
        savepoints_inside = [q["sql"] for q in captured.captured_queries]
    assert not any("SAVEPOINT" in sql for sql in savepoints_inside[1:]), savepoints_inside
    assert verify_chain() == (2, None)


@pytest.mark.django_db
def test_an_error_in_a_nested_block_discards_everything_of_the_outer_one():
    services.record(action=AuditAction.AUTH_LOGIN)
    with pytest.raises(RuntimeError), services.deferred():
        services.record(action=AuditAction.LINKAGE_MATCH_FOUND, object_id=2)
        with services.deferred():
            services.record(action=AuditAction.INTAKE_SIGNAL_CREATED, object_id=1)
            raise RuntimeError("the inner change fails")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["auth.login"]
    assert verify_chain() == (1, None)


@pytest.mark.django_db
def test_appending_does_not_sign_the_head_boundary_again(monkeypatch):
    # The head row exists (its migration creates it, signed); appends only lock it.
    assert ChainHead.objects.filter(id=1).exists()
    calls = []
    real = services.head_anchor_mac
    monkeypatch.setattr(services, "head_anchor_mac", lambda seq: calls.append(seq) or real(seq))
    services.record(action=AuditAction.AUTH_LOGIN)
    services.record(action=AuditAction.AUTH_LOGIN)
    with services.deferred():
        services.record(action=AuditAction.INTAKE_SIGNAL_CREATED, object_id=1)
    assert calls == []
    assert verify_chain() == (3, None)
