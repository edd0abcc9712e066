"""Coming back to a conversation: unknown codes cost no slow hash, the total work is
bounded, and wrong passphrases never lock the right one out (issue 10)."""

import re
from unittest import mock

import pytest

from tests.help.conftest import solve
from zicht.audit.models import AuditEvent
from zicht.help import services

pytestmark = pytest.mark.django_db

RESUME = "/hulp/gesprek/terug/"


@pytest.fixture
def returning(client, start_conversation):
    """A started conversation whose visitor has left: (code, passphrase)."""
    _, code, passphrase = start_conversation()
    client.post("/hulp/gesprek/verlaten/")
    return code, passphrase


@pytest.fixture
def hashing():
    """Count the slow password hashes the resume path runs (check and make)."""
    with (
        mock.patch.object(services, "check_password", wraps=services.check_password) as check,
        mock.patch.object(services, "make_password", wraps=services.make_password) as make,
        mock.patch.object(services.time, "sleep") as sleep,
    ):
        yield check, make, sleep


def test_an_unknown_code_runs_no_slow_hash_but_waits_as_long(client, returning, hashing):
    check, make, sleep = hashing
    response = client.post(RESUME, {"code": "ABCD-EFGH", "passphrase": "appel peer kaas"})
    assert "passen niet bij elkaar" in response.content.decode()
    assert check.call_count == 0 and make.call_count == 0
    # Instead of hashing it waits about as long as a real check takes, so the answer
    # does not tell that the code does not exist.
    assert sleep.call_count == 1 and sleep.call_args.args[0] > 0
    code, _passphrase = returning
    client.post(RESUME, {"code": code, "passphrase": "appel peer kaas"})
    assert check.call_count == 1 and make.call_count == 0 and sleep.call_count == 1


def test_slow_checks_are_bounded_for_all_codes_together(client, returning, settings, hashing):
    check, _make, _sleep = hashing
    settings.ZICHT_HELP_RESUME_CHECKS_PER_MINUTE = 3
    settings.ZICHT_HELP_LOGIN_ATTEMPTS = 100
    code, passphrase = returning
    for _ in range(3):
        client.post(RESUME, {"code": code, "passphrase": "appel peer kaas"})
    assert check.call_count == 3
    # The bound is reached: every try is answered "busy" before any code is looked up,
    # the right passphrase and an unknown code alike, and no further hash runs.
    for typed in (
        {"code": code, "passphrase": passphrase},
        {"code": "ABCD-EFGH", "passphrase": "x"},
    ):
        response = client.post(RESUME, typed)
        assert "over een minuut" in response.content.decode()
    assert check.call_count == 3
    assert client.get("/hulp/gesprek/lezen/").status_code == 302


def _challenge(html: str) -> tuple[str, int]:
    challenge = re.search(r'name="challenge" value="([^"]+)"', html).group(1)
    bits = int(re.search(r'data-pow-bits="(\d+)"', html).group(1))
    return challenge, bits


def test_the_right_passphrase_still_works_after_five_wrong_ones(client, returning):
    code, passphrase = returning
    for _ in range(5):
        response = client.post(RESUME, {"code": code, "passphrase": "appel peer kaas"})
        assert "passen niet bij elkaar" in response.content.decode()
    assert AuditEvent.objects.filter(action="help.resume_proof_required").count() == 1
    # The sixth try is not refused for a quarter of an hour: it asks for the browser's
    # proof-of-work first, the right passphrase included.
    response = client.post(RESUME, {"code": code, "passphrase": passphrase})
    html = response.content.decode()
    assert "korte berekening" in html and response.status_code == 200
    challenge, bits = _challenge(html)
    response = client.post(
        RESUME,
        {
            "code": code,
            "passphrase": passphrase,
            "challenge": challenge,
            "solution": solve(challenge),
        },
    )
    assert response.status_code == 302 and response["Location"] == "/hulp/gesprek/lezen/"
    assert "pakketjes" in client.get("/hulp/gesprek/lezen/").content.decode()


def test_each_further_wrong_guess_needs_twice_the_work(client, returning, settings):
    code, _passphrase = returning
    for _ in range(5):
        client.post(RESUME, {"code": code, "passphrase": "appel peer kaas"})
    seen = []
    for _ in range(3):
        html = client.post(RESUME, {"code": code, "passphrase": "fout"}).content.decode()
        challenge, bits = _challenge(html)
        seen.append(bits)
        solved = {"challenge": challenge, "solution": solve(challenge)}
        html = client.post(RESUME, {"code": code, "passphrase": "fout", **solved}).content.decode()
        assert "passen niet bij elkaar" in html
        # A solved challenge counts once: sending it again proves nothing.
        html = client.post(RESUME, {"code": code, "passphrase": "fout", **solved}).content.decode()
        assert "korte berekening" in html
    assert seen == [8, 9, 10]  # the tests' base difficulty (conftest) plus one per failure
    # Capped: the person with the right passphrase never needs more than the maximum.
    settings.ZICHT_HELP_POW_MAX_BITS = 9
    assert services.resume_proof_bits(50) == 9


def test_an_unknown_code_asks_for_the_same_proof_as_a_known_one(client, returning):
    code, _passphrase = returning
    for typed in (code, "ABCD-EFGH"):
        for _ in range(5):
            client.post(RESUME, {"code": typed, "passphrase": "appel peer kaas"})
        html = client.post(RESUME, {"code": typed, "passphrase": "x"}).content.decode()
        assert _challenge(html)[1] == 8
