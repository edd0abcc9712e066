"""The API with the database unreachable: a 503 problem, no traceback (issue 18)."""

import pytest
from django.db import connection

from tests.api.conftest import api_signal
from tests.core.test_database_down import refuse


@pytest.mark.django_db
def test_api_post_with_the_database_down_gets_a_503_problem(partner):
    _member, _key, client = partner()
    client.raise_request_exception = False
    with connection.execute_wrapper(refuse):
        response = client.post("/api/v1/signals/", api_signal(), format="json")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 503
    assert response["Retry-After"] == "30"
    assert "5432" not in response.content.decode()
