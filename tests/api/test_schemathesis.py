"""Schemathesis against the partner API, in-process (issue 10).

Every operation of the committed OpenAPI document gets a bounded number of generated
requests, valid and invalid, authenticated with a key of a seeded organisation. Each
response must not be a server error and must conform to the document: its status code
is documented, its content type is the documented one and its body fits the documented
schema. The run is deterministic, so a failure reproduces.
"""

from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import zicht.api
from tests.api.conftest import api_signal
from zicht.conf.wsgi import application

COMMITTED = Path(zicht.api.__file__).parent / "openapi.yaml"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_path(COMMITTED)
schema.app = application
# Per operation; valid and invalid requests (schemathesis' positive and negative modes).
EXAMPLES = 25
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True)


@pytest.fixture
def authorization(partner, settings, django_capture_on_commit_callbacks):
    """The header of an all-scopes key of a seeded organisation: it has a signal and a
    possible match with another organisation, so the lists answer with items. As
    Django's test client does, the requests leave the test's database connection open
    (a real WSGI request closes it at its end)."""
    settings.ZICHT_API_RATE_LIMIT = "100000/minute"
    _police, _key, police = partner("Politie Test")
    _care, _key, care = partner("Jeugdzorg Test")
    with django_capture_on_commit_callbacks(execute=True):
        assert police.post("/api/v1/signals/", api_signal(), format="json").status_code == 201
        care.post("/api/v1/signals/", api_signal(surname="Elamrani"), format="json")
    assert police.get("/api/v1/matches/").json()["count"] == 1
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield police._credentials["HTTP_AUTHORIZATION"]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same requests on every run
    database=None,  # nothing kept between runs
    deadline=None,  # a shared CI machine can be slow; the count bounds the run
    # The key is a pytest-django fixture (one organisation for all examples of an
    # operation); requests through the whole stack are slower than Hypothesis expects.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_the_api_conforms_to_its_document(case, authorization):
    case.call_and_validate(headers={"Authorization": authorization}, checks=CHECKS)
