"""With the database unreachable, or failing in the middle of a write, a form gets a clear
503 page that says nothing was saved, and nothing is half-written (issue 18)."""

from unittest import mock

import pytest
from django.db import OperationalError, connection

from tests.intake.conftest import signal_post
from zicht.accounts.constants import Role
from zicht.intake.models import Signal, SignalIdentity, SignalRevision
from zicht.linkage.models import IndexEntry

FORM = "/signalen/nieuw/"


def refuse(execute, sql, params, many, context):
    raise OperationalError(
        'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
    )


def assert_clear_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "niet</strong> opgeslagen" in page and "not</strong> been saved" in page
    for leak in ("Traceback", "OperationalError", "5432", "Connection refused"):
        assert leak not in page


@pytest.mark.django_db
def test_form_post_with_the_database_down_gets_a_clear_503_page(make_member, login):
    client = login(make_member(role=Role.PROFESSIONAL))
    client.raise_request_exception = False
    with connection.execute_wrapper(refuse):
        response = client.post(FORM, signal_post())
    assert_clear_503(response)
    assert not Signal.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_write_that_fails_halfway_leaves_nothing_behind(make_member, login):
    """The signal row, its revision, identity and search tokens are written before the
    audit events are appended; the connection breaking then rolls all of it back."""
    client = login(make_member(role=Role.PROFESSIONAL))
    client.raise_request_exception = False
    broken = OperationalError("server closed the connection unexpectedly")
    with mock.patch("zicht.audit.services._append", side_effect=broken):
        response = client.post(FORM, signal_post())
    assert_clear_503(response)
    assert Signal.objects.count() == 0
    assert SignalIdentity.objects.count() == 0
    assert SignalRevision.objects.count() == 0
    assert IndexEntry.objects.count() == 0
    # The database back: the same form goes through.
    response = client.post(FORM, signal_post())
    assert response.status_code == 302
    assert Signal.objects.count() == 1


def test_any_other_error_keeps_the_plain_500_page(rf):
    from zicht.portal.views import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
