"""A burst of simultaneous wrong passwords at the lockout limit gets no extra tries: after
N wrong passwords for one (username, IP address) no further password is checked, however
many attempts were in flight together (zicht.accounts.lockout), with the attempts in
flight counted in the database table or in a real Redis server."""

import threading
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client

from tests.accounts.test_login import post_auth
from tests.factories import PASSWORD, MembershipFactory, TOTPDeviceFactory
from zicht.accounts.constants import Role

THREADS = 12
LIMIT = 5


@pytest.fixture
def checked(monkeypatch):
    """Counts the passwords actually checked; each check takes a while, so the burst's
    attempts are all in flight together."""
    calls = []
    lock = threading.Lock()
    original = ModelBackend.authenticate

    def slow_check(self, request, username=None, password=None, **kwargs):
        with lock:
            calls.append(password)
        time.sleep(0.3)
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", slow_check)
    return calls


@pytest.fixture
def member(transactional_db, settings, shared_store):
    """A member, with the attempts in flight counted in the database, then in Redis."""
    settings.AXES_FAILURE_LIMIT = LIMIT
    membership = MembershipFactory(role=Role.PROFESSIONAL)
    TOTPDeviceFactory(user=membership.user)
    return membership


def _burst(username, password="wrong-password", threads=THREADS):
    """Login attempts released at the same moment; their status codes."""
    barrier = threading.Barrier(threads)
    codes, errors = [], []

    def run():
        try:
            client = Client()
            barrier.wait()
            codes.append(post_auth(client, username, password).status_code)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    assert errors == []
    return codes


def test_a_burst_of_wrong_passwords_gets_exactly_the_limit_checked(member, checked):
    codes = _burst(member.user.username)
    assert len(checked) == LIMIT
    # The wrong passwords answered as such, the rest (and whichever check reached the
    # limit) as a lockout.
    assert set(codes) == {200, 429}
    assert codes.count(429) >= THREADS - LIMIT + 1
    failures = sum(AccessAttempt.objects.values_list("failures_since_start", flat=True))
    assert failures == LIMIT  # only the checked passwords counted
    # Now locked: even the right password is not checked.
    assert post_auth(Client(), member.user.username).status_code == 429
    assert len(checked) == LIMIT


def test_a_burst_after_earlier_failures_gets_only_the_tries_left(member, checked):
    client = Client()
    for _ in range(LIMIT - 2):
        assert post_auth(client, member.user.username, "wrong-password").status_code == 200
    _burst(member.user.username)
    assert len(checked) == LIMIT
    assert post_auth(Client(), member.user.username).status_code == 429


def test_attempts_in_flight_do_not_outlast_their_check(member, checked):
    """Right passwords give their unit back at once and wrong ones once counted: after
    bursts of right passwords, all N tries are still there."""
    for _ in range(3):
        codes = _burst(member.user.username, password=PASSWORD, threads=LIMIT)
        assert codes == [200] * LIMIT  # each now asks for the second factor
    assert len(checked) == 3 * LIMIT
    checked.clear()
    client = Client()
    for _ in range(LIMIT - 1):
        assert post_auth(client, member.user.username, "wrong-password").status_code == 200
    assert post_auth(client, member.user.username, "wrong-password").status_code == 429
    assert len(checked) == LIMIT
    failures = sum(AccessAttempt.objects.values_list("failures_since_start", flat=True))
    assert failures == LIMIT
