"""No identity plaintext in the index, the audit log, URLs or other organisations' views."""

import pytest
from django.db import connection

from tests.api.conftest import IDENTITY_STRINGS, api_signal
from zicht.audit.models import AuditEvent
from zicht.linkage.models import Match

pytestmark = pytest.mark.django_db

SIGNALS = "/api/v1/signals/"


def table_text(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
        return " ".join(str(v) for row in cursor.fetchall() for v in row)


def test_index_audit_and_stored_responses_hold_no_identity(partner):
    _, _, client = partner()
    body = api_signal(bsn="111222333")
    signal_id = client.post(SIGNALS, body, format="json", HTTP_IDEMPOTENCY_KEY="p-1").json()["id"]
    client.get(f"{SIGNALS}{signal_id}/")
    client.get(SIGNALS)
    for table in (
        "linkage_indexentry",
        "linkage_exacttoken",
        "linkage_blocktoken",
        "audit_auditevent",
        "api_idempotencyrecord",
        "api_organisationapikey",
    ):
        text = table_text(table)
        for plain in IDENTITY_STRINGS:
            assert plain not in text, (table, plain)


def test_same_organisation_matches_are_not_shown(partner):
    _, _, client = partner()
    client.post(SIGNALS, api_signal(), format="json")
    client.post(SIGNALS, api_signal(), format="json")
    internal = Match.objects.filter(status="internal").first()
    if internal is None:
        pytest.skip("this linkage version records no same-organisation matches")
    assert client.get("/api/v1/matches/").json()["count"] == 0
    assert client.get(f"/api/v1/matches/{internal.pk}/").status_code == 404
    assert client.post(f"/api/v1/matches/{internal.pk}/confirm/").status_code == 404
    internal.refresh_from_db()
    assert internal.status == "internal"
    assert AuditEvent.objects.filter(action="linkage.match_not_found").count() == 2
