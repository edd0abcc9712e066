"""Database connections are kept between requests (``ZICHT_DB_CONN_MAX_AGE``, issue 18: a
new PostgreSQL connection per request cost a process fork, a SCRAM handshake and cold
catalogue caches each time), and a kept connection that broke meanwhile (a database
restart, an administrator ending it) is replaced when the next request starts instead of
failing that request."""

import pytest
from django.conf import settings
from django.db import close_old_connections, connection, connections

from zicht.accounts.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


def test_connections_are_kept_and_checked_before_reuse():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ends a PostgreSQL backend")
def test_a_request_after_the_kept_connection_broke_reconnects():
    Organisation.objects.count()  # the connection a worker keeps between requests
    close_old_connections()  # the end of that request: the connection stays open
    backend = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    finally:
        other.close()
    close_old_connections()  # the next request starts
    assert Organisation.objects.count() >= 0
    assert connection.connection.info.backend_pid != backend
