"""Helpers for the help-page tests: solve the proof-of-work like the browser does."""

import hashlib
import re

import pytest

from zicht.help import pow as proof


def solve(challenge: str) -> str:
    bits = proof._payload(challenge)["b"]
    counter = 0
    while True:
        digest = hashlib.sha256(f"{challenge}:{counter}".encode("ascii")).digest()
        if proof.leading_zero_bits(digest) >= bits:
            return str(counter)
        counter += 1


@pytest.fixture(autouse=True)
def _cheap_proof_of_work(settings):
    settings.ZICHT_HELP_POW_BITS = 8


@pytest.fixture
def start_conversation(client):
    """Start a conversation through the public form; return (response, code, passphrase)."""

    def start(message="Iemand wil dat ik pakketjes wegbreng.", http_client=None):
        c = http_client or client
        page = c.get("/hulp/gesprek/nieuw/")
        challenge = re.search(r'name="challenge" value="([^"]+)"', page.content.decode()).group(1)
        response = c.post(
            "/hulp/gesprek/nieuw/",
            {
                "message": message,
                "challenge": challenge,
                "solution": solve(challenge),
                "website": "",
            },
        )
        html = response.content.decode()
        code = re.search(r'data-testid="case-code">([^<]+)<', html).group(1)
        passphrase = re.search(r'data-testid="passphrase">([^<]+)<', html).group(1)
        return response, code, passphrase

    return start
