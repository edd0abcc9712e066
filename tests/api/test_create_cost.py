"""What one API signal POST costs in SQL queries, pinned so that it cannot creep back up
(issue 18: ~40 queries per POST was a large part of its time), and that the answer built
from what was just written is exactly what a read of the signal returns."""

import uuid
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers

from tests.api.conftest import api_signal
from zicht.api import serializers as s
from zicht.core import ratelimit
from zicht.intake.models import Signal

pytestmark = pytest.mark.django_db

SIGNALS = "/api/v1/signals/"

# Queries of one POST outside the person index (the index's own queries belong to the
# linkage app and vary with the candidates found). The test's transaction turns each
# transaction of the request into a SAVEPOINT / RELEASE pair; they are counted too.
#   the API key; the rate counter (one upsert); [the idempotency lookup;] savepoint;
#   catalogue; municipality; reference check; signal; revision; identity; search tokens;
#   [the idempotency record;] audit chain head, events, head update; release.
# (19 and 21 before the rate counter's upsert and the nested audit block's savepoint went.)
WITHOUT_KEY = 14
WITH_KEY = 16


def _queries_outside_the_index(client, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(SIGNALS, api_signal(), format="json", **headers)
    assert response.status_code == 201, response.json()
    return [q["sql"] for q in captured.captured_queries if "linkage_" not in q["sql"]]


def test_one_post_costs_a_fixed_number_of_queries(partner, monkeypatch):
    # One rate-limit window for all three requests (a new window's first hit inserts).
    now = timezone.now()
    monkeypatch.setattr(ratelimit, "timezone", SimpleNamespace(now=lambda: now))
    member, key, client = partner()
    client.post(SIGNALS, api_signal(), format="json")  # the first request warms caches up
    plain = _queries_outside_the_index(client)
    keyed = _queries_outside_the_index(client, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert len(plain) == WITHOUT_KEY, "\n".join(plain)
    assert len(keyed) == WITH_KEY, "\n".join(keyed)
    # Nothing written is read back: the answer comes from the objects just saved.
    for sql in keyed:
        assert not sql.startswith('SELECT "intake_signal"'), sql
        assert "intake_signalidentity" not in sql or sql.startswith("INSERT"), sql


def test_the_answer_to_a_create_is_what_a_read_returns(partner):
    member, key, client = partner()
    created = client.post(SIGNALS, api_signal(), format="json").json()
    assert created.pop("new_matches") == 0
    read = client.get(f"{SIGNALS}{created['id']}/").json()
    assert created == read
    assert created["identity"]["surname"] == "El Amrani"
    assert Signal.objects.get(pk=created["id"]).catalogue.is_current


def test_a_key_used_after_its_window_stores_the_new_answer(partner, settings):
    member, key, client = partner()
    first = client.post(SIGNALS, api_signal(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    settings.ZICHT_API_IDEMPOTENCY_HOURS = 0  # the stored answer is now out of its window
    second = client.post(SIGNALS, api_signal(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert second.status_code == 201
    assert "Idempotent-Replayed" not in second.headers
    assert second.json()["id"] != first.json()["id"]
    settings.ZICHT_API_IDEMPOTENCY_HOURS = 24
    replay = client.post(SIGNALS, api_signal(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == second.json()["id"]


class _FieldsPerInstance(s.SignalCreateSerializer):
    """DRF's own behaviour: the declared fields deep-copied for every instance."""

    fields = serializers.Serializer.fields


BAD_REQUESTS = [
    {"setting": "moon", "forms": ["nothing"], "indicator_codes": ["no.such.code"]},
    {"contact_date": "tomorrow", "immediate_danger": "perhaps"},
    {"bsn": "123456789", "phone": "12-34", "municipality": "GM9999"},
    {"given_names": "", "surname": "!!!", "date_of_birth": "2040-01-01"},
    {"age_at_contact": 16},
]


@pytest.mark.parametrize("change", BAD_REQUESTS)
def test_request_fields_built_once_answer_as_fields_built_per_request(partner, change):
    body = api_signal(**{k: v for k, v in change.items() if k != "age_at_contact"})
    body.update({k: v for k, v in change.items() if k == "age_at_contact"})
    fresh = _FieldsPerInstance(data=body)
    assert not fresh.is_valid()
    once = s.SignalCreateSerializer(data=body)
    assert not once.is_valid()
    assert once.errors == fresh.errors
    # A valid request after it carries nothing over, and the bad one answers the same again.
    valid = s.SignalCreateSerializer(data=api_signal())
    assert valid.is_valid(), valid.errors
    again = s.SignalCreateSerializer(data=body)
    assert not again.is_valid() and again.errors == fresh.errors
    assert again.fields is once.fields is valid.fields  # built once, not per request
