"""Every error is RFC 9457 problem+json: 400/401/403/404/405/409/415/422/429/500."""

import logging

import pytest

from tests.api.conftest import IDENTITY_STRINGS, api_signal

pytestmark = pytest.mark.django_db

SIGNALS = "/api/v1/signals/"
PROBLEM = "application/problem+json"
SECRET = " ".join(IDENTITY_STRINGS)  # built, so no source line in a traceback shows it


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    return body


def test_unknown_endpoint_is_a_404_problem(partner):
    _, _, client = partner()
    assert_problem(client.get("/api/v1/nothing/"), 404)
    assert_problem(client.get("/api/v1/signals"), 404)  # no trailing slash


def test_method_not_allowed(partner):
    _, _, client = partner()
    response = client.delete(SIGNALS)
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_unsupported_media_type_and_malformed_json(partner):
    _, _, client = partner()
    form = client.post(SIGNALS, "a=b", content_type="application/x-www-form-urlencoded")
    assert_problem(form, 415)
    body = assert_problem(
        client.post(SIGNALS, '{"identity": ', content_type="application/json"), 400
    )
    assert body["type"] == "urn:zicht:problem:malformed-request"


def test_validation_problem_lists_fields(partner):
    _, _, client = partner()
    body = assert_problem(client.post(SIGNALS, {"identity": {}}, format="json"), 400)
    fields = {e["field"] for e in body["errors"]}
    assert {"contact_date", "setting", "identity.given_names", "identity.surname"} <= fields


def test_rate_limit_per_key(partner, settings):
    settings.ZICHT_API_RATE_LIMIT = "2/minute"
    _, _, client = partner()
    _, _, other = partner()
    assert client.get(SIGNALS).status_code == 200
    assert client.get(SIGNALS).status_code == 200
    response = client.get(SIGNALS)
    body = assert_problem(response, 429)
    assert body["type"] == "urn:zicht:problem:rate-limited"
    assert int(response["Retry-After"]) > 0
    assert other.get(SIGNALS).status_code == 200  # another key has its own budget


def test_unexpected_error_is_a_500_problem_without_data_in_the_log(partner, monkeypatch, caplog):
    from zicht.intake import selectors

    def boom(**kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(selectors, "signal_list", boom)
    _, _, client = partner()
    with caplog.at_level(logging.DEBUG):
        response = client.get(SIGNALS)
    body = assert_problem(response, 500)
    assert body["type"] == "urn:zicht:problem:server-error"
    assert "RuntimeError" in caplog.text
    for plain in IDENTITY_STRINGS:
        assert plain not in caplog.text and plain not in response.content.decode()


def test_no_identity_in_logs_during_normal_use(partner, caplog):
    _, _, client = partner()
    with caplog.at_level(logging.DEBUG):
        signal_id = client.post(SIGNALS, api_signal(bsn="111222333"), format="json").json()["id"]
        client.get(SIGNALS)
        client.get(f"{SIGNALS}{signal_id}/")
        client.post(SIGNALS, api_signal(bsn="123456789"), format="json")
    for plain in IDENTITY_STRINGS:
        assert plain not in caplog.text
