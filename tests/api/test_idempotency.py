"""Idempotency-Key: a retry returns the first response and never creates a duplicate."""

import datetime as dt

import pytest
from django.db import connection

from tests.api.conftest import IDENTITY_STRINGS, api_signal
from zicht.api.models import IdempotencyRecord
from zicht.api.services import api_data_purge
from zicht.audit.models import AuditEvent
from zicht.intake.models import Signal

pytestmark = pytest.mark.django_db

SIGNALS = "/api/v1/signals/"


def post(client, body, key):
    return client.post(SIGNALS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_retry_returns_the_first_response(partner):
    _, key, client = partner()
    first = post(client, api_signal(), "abc-1")
    retry = post(client, api_signal(), "abc-1")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() and retry["Location"] == first["Location"]
    assert retry["Idempotent-Replayed"] == "true"
    assert Signal.objects.count() == 1
    replay = AuditEvent.objects.get(action="api.request_replayed")
    assert replay.object_id == first.json()["id"] and replay.details["api_key"] == key.prefix


def test_same_key_other_body_is_422(partner):
    _, _, client = partner()
    post(client, api_signal(), "abc-2")
    response = post(client, api_signal(surname="Jansen"), "abc-2")
    assert response.status_code == 422
    assert response.json()["type"] == "urn:zicht:problem:idempotency-key-reused"
    assert Signal.objects.count() == 1


def test_errors_are_not_stored(partner):
    _, _, client = partner()
    assert post(client, api_signal(bsn="123456789"), "abc-3").status_code == 400
    assert post(client, api_signal(), "abc-3").status_code == 201
    assert Signal.objects.count() == 1


def test_keys_are_per_api_key(partner):
    _, _, one = partner()
    _, _, two = partner()
    assert post(one, api_signal(), "same").status_code == 201
    assert post(two, api_signal(), "same").status_code == 201
    assert Signal.objects.count() == 2


def test_invalid_header_is_400(partner):
    _, _, client = partner()
    response = post(client, api_signal(), "ä" * 3)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_stored_response_is_encrypted_and_expires(partner):
    _, _, client = partner()
    post(client, api_signal(bsn="111222333"), "abc-4")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body, request_hash FROM api_idempotencyrecord")
        stored = " ".join(cursor.fetchone())
    for plain in IDENTITY_STRINGS:
        assert plain not in stored
    IdempotencyRecord.objects.update(created_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert post(client, api_signal(bsn="111222333"), "abc-4").status_code == 201
    assert Signal.objects.count() == 2  # the window has passed: a new request
    IdempotencyRecord.objects.update(created_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert api_data_purge()["idempotency_records"] == 1


def test_withdraw_retry(partner):
    _, _, client = partner()
    signal_id = client.post(SIGNALS, api_signal(), format="json").json()["id"]
    url = f"{SIGNALS}{signal_id}/withdraw/"
    first = client.post(url, {"reason": "Dubbel"}, format="json", HTTP_IDEMPOTENCY_KEY="w-1")
    retry = client.post(url, {"reason": "Dubbel"}, format="json", HTTP_IDEMPOTENCY_KEY="w-1")
    assert first.status_code == retry.status_code == 200  # not 409: the retry is answered
    assert retry.json() == first.json()
