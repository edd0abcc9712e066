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
    # Every 400 has "errors"; unparsable JSON is an error of the request as a whole.
    assert [e["field"] for e in body["errors"]] == [None]
    assert body["errors"][0]["message"] == body["detail"]


def test_a_page_past_the_end_is_a_documented_404(partner):
    import yaml

    from tests.api.test_schema import COMMITTED

    _, _, client = partner()
    assert_problem(client.get(SIGNALS, {"page": 2}), 404)
    assert_problem(client.get(SIGNALS, {"page": 0}), 404)
    document = yaml.safe_load(COMMITTED.read_text())
    for path in ("/api/v1/signals/", "/api/v1/matches/"):
        assert "404" in document["paths"][path]["get"]["responses"]


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


def _signal_count():
    from zicht.intake.models import Signal

    return Signal.objects.count()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[" * 100_000, id="100000-open-brackets"),
        pytest.param('{"identity": ' * 5_000 + "{}" + "}" * 5_000, id="5000-nested-objects"),
        pytest.param("[" * 21 + "]" * 21, id="21-levels"),
    ],
)
def test_deeply_nested_json_is_a_400_problem_and_records_nothing(partner, body):
    _, _, client = partner()
    before = _signal_count()
    response = client.post(SIGNALS, body, content_type="application/json")
    problem = assert_problem(response, 400)
    assert problem["type"] == "urn:zicht:problem:malformed-request"
    assert "20 niveaus diep" in problem["detail"]  # Dutch by default
    assert _signal_count() == before


def test_a_signal_with_an_encoding_is_not_too_deep(partner):
    from zicht.api.parsers import MAX_DEPTH, _too_deep

    # The deepest request of the API: body → encoding → probes → probe → tokens.
    deepest = {"encoding": {"probes": [{"exact_tokens": ["a"]}]}}
    assert not _too_deep(deepest, MAX_DEPTH)
    assert _too_deep([[[]]], 2) and not _too_deep([[]], 2)


def test_a_body_over_the_limit_is_a_413_problem_and_records_nothing(partner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    _, _, client = partner()
    before = _signal_count()
    big = {**api_signal(), "account": "x" * 20_000}
    response = client.post(SIGNALS, big, format="json", HTTP_IDEMPOTENCY_KEY="big-1")
    problem = assert_problem(response, 413)
    assert problem["type"] == "urn:zicht:problem:payload-too-large"
    assert "10000" in problem["detail"]
    assert _signal_count() == before
    # Under the limit the same client records the signal.
    assert client.post(SIGNALS, api_signal(), format="json").status_code == 201


def test_too_many_query_parameters_is_a_400_problem(partner):
    _, _, client = partner()
    query = "&".join(f"q{i}=1" for i in range(1_100))  # over DATA_UPLOAD_MAX_NUMBER_FIELDS
    body = assert_problem(client.get(f"{SIGNALS}?{query}"), 400)
    assert body["type"] == "urn:zicht:problem:malformed-request"
