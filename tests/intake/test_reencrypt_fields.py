"""Rotating the field encryption key (ADR 0005): put the new key in front, re-encrypt,
check, drop the old key - and every identity still reads."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from zicht.audit.models import AuditEvent
from zicht.intake.models import Signal, SignalIdentity

pytestmark = pytest.mark.django_db

OLD, NEW = "old-key-" + "1" * 56, "new-key-" + "2" * 56


def _raw_surname(signal) -> str:
    """The stored ciphertext of the (only) identity, as the database holds it."""
    assert SignalIdentity.objects.values_list("signal_id", flat=True).get() == signal.pk
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT surname FROM {SignalIdentity._meta.db_table}")  # noqa: S608
        (value,) = cursor.fetchall()
        return value[0]


def _run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("reencrypt_fields", *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_rotation_re_encrypts_every_field_and_the_old_key_can_go(
    settings, professional, login, post_data
):
    from django.urls import reverse

    settings.FIELD_ENCRYPTION_KEY = OLD
    login(professional).post(reverse("intake:signal_create"), post_data(surname="Bakker"))
    signal = Signal.objects.get()
    before = _raw_surname(signal)
    assert "Bakker" not in before

    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    status, out = _run("--check")
    assert status == 1 and "intake.SignalIdentity" in out and "keep it" in out

    status, out = _run()
    assert status == 0 and "Done:" in out
    assert _raw_surname(signal) != before
    assert "Bakker" not in out
    assert AuditEvent.objects.filter(action="security.field_key_rotated").exists()
    assert _run("--check") == (0, "Every encrypted value reads with the first key alone.\n")

    settings.FIELD_ENCRYPTION_KEY = NEW
    assert SignalIdentity.objects.get().surname == "Bakker"
    assert Signal.objects.get().account == signal.account


def test_a_value_no_key_reads_stops_the_model_unchanged(settings, professional, login, post_data):
    from django.urls import reverse

    settings.FIELD_ENCRYPTION_KEY = OLD
    login(professional).post(reverse("intake:signal_create"), post_data())
    signal = Signal.objects.get()
    before = _raw_surname(signal)
    settings.FIELD_ENCRYPTION_KEY = NEW  # the old key forgotten too early
    with pytest.raises(CommandError, match="none of the configured keys"):
        call_command("reencrypt_fields", stdout=io.StringIO())
    assert _raw_surname(signal) == before
