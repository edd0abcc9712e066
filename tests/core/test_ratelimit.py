"""Rate limits hold exactly when requests arrive together: a limit of N admits N, on the
database table (SQLite or PostgreSQL, whichever DATABASE_URL names) and on a real Redis
server (``ZICHT_CACHE_URL=redis://…``)."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from zicht.api.models import OrganisationAPIKey
from zicht.api.throttling import APIKeyRateThrottle
from zicht.core import ratelimit

THREADS = 12
TRIES_PER_THREAD = 5
LIMIT = 17


def _together(work):
    """Run ``work`` in THREADS threads released at the same moment; their results."""
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.extend(work())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_a_limit_of_n_admits_exactly_n_when_all_arrive_at_once(shared_store):
    now = datetime(2026, 12, 3, 10, 0, 30, tzinfo=UTC)

    def work():
        return [
            ratelimit.take("burst", limit=LIMIT, minutes=1, now=now)
            for _ in range(TRIES_PER_THREAD)
        ]

    admitted = _together(work)
    assert len(admitted) == THREADS * TRIES_PER_THREAD
    assert admitted.count(True) == LIMIT
    # Refused tries took nothing: the count stands at the limit, not at every try.
    assert ratelimit.count("burst", minutes=1, now=now) == LIMIT


@pytest.mark.django_db(transaction=True)
def test_simultaneous_hits_each_get_their_own_number(shared_store):
    now = datetime(2026, 12, 3, 10, 0, 30, tzinfo=UTC)
    numbers = _together(lambda: [ratelimit.hit("numbers", minutes=5, now=now) for _ in range(3)])
    assert sorted(numbers) == list(range(1, THREADS * 3 + 1))


@pytest.mark.django_db(transaction=True)
def test_the_api_throttle_admits_exactly_its_rate_under_a_burst(shared_store, settings):
    settings.ZICHT_API_RATE_LIMIT = f"{LIMIT}/hour"

    class Request:
        auth = OrganisationAPIKey(prefix="burst001")
        META = {"REMOTE_ADDR": "192.0.2.1"}

    def work():
        return [
            APIKeyRateThrottle().allow_request(Request(), view=None)
            for _ in range(TRIES_PER_THREAD)
        ]

    assert _together(work).count(True) == LIMIT


@pytest.mark.django_db
def test_windows_keys_and_giving_back(shared_store):
    first = datetime(2026, 12, 3, 10, 0, 59, tzinfo=UTC)
    later = datetime(2026, 12, 3, 10, 1, 0, tzinfo=UTC)
    assert [ratelimit.hit("a", minutes=1, now=first) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.hit("b", minutes=1, now=first) == 1  # another key counts on its own
    assert ratelimit.hit("a", minutes=1, now=later) == 1  # a new window starts at zero
    ratelimit.undo("a", minutes=1, now=first)
    assert ratelimit.count("a", minutes=1, now=first) == 2
    for _ in range(3):
        ratelimit.undo("b", minutes=1, now=first)
    assert ratelimit.count("b", minutes=1, now=first) == 0  # never below zero
    assert ratelimit.count("never", minutes=1, now=first) == 0
    assert ratelimit.seconds_left(minutes=1, now=first) == 1
    assert ratelimit.seconds_left(seconds=3600, now=later) == 3540
    with pytest.raises(ValueError):
        ratelimit.hit("a", now=first)


@pytest.mark.django_db
def test_a_database_hit_is_one_statement(settings):
    from django.test.utils import CaptureQueriesContext

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    now = datetime(2026, 12, 3, 10, 0, 30, tzinfo=UTC)
    with CaptureQueriesContext(connection) as captured:
        numbers = [ratelimit.hit("one-statement", minutes=1, now=now) for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert len(captured.captured_queries) == 3
    assert all(q["sql"].startswith("INSERT") for q in captured.captured_queries)
    assert ratelimit.count("one-statement", minutes=1, now=now) == 3
