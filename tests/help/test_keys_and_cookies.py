"""The rate-limit table keeps no reversible trace of case codes, and no cookie set on a
help page outlives the browser session."""

import hashlib
import hmac
from http.cookies import Morsel

import pytest

from zicht.core import ratelimit
from zicht.core.models import RateCounter

pytestmark = pytest.mark.django_db


def test_case_codes_are_rate_limited_under_a_keyed_hash(client, settings):
    code = "ABCDEFGH"
    client.post("/hulp/gesprek/terug/", {"code": code, "passphrase": "appel peer kaas"})
    keys = list(RateCounter.objects.values_list("key", flat=True))
    plain = hashlib.sha256(code.encode()).hexdigest()[:40]
    assert keys and not [k for k in keys if plain in k]
    # The key is Django's salted_hmac of the code under SECRET_KEY: HMAC-SHA256 with
    # SHA-256(salt + secret) as the key.
    secret = hashlib.sha256(f"zicht.help.ratelimit.login{settings.SECRET_KEY}".encode()).digest()
    expected = hmac.new(secret, code.encode(), hashlib.sha256).hexdigest()[:40]
    assert f"login:{expected}" in keys
    # Without the key, trying every code offline finds nothing: another key gives others.
    settings.SECRET_KEY = "een-ander-geheim-" * 4
    assert ratelimit.hashed("login", code) not in keys


def _outlives_session(morsel: Morsel) -> bool:
    """A cookie with a lifetime of its own; an expired one (a deletion) does not count."""
    if morsel["max-age"] not in ("", 0, "0"):
        return True
    return bool(morsel["expires"]) and "1970" not in morsel["expires"]


def test_no_help_page_sets_a_cookie_that_outlives_the_browser_session(client, start_conversation):
    responses = [client.get(path) for path in ("/hulp/", "/hulp/zelftest/", "/hulp/gesprek/")]
    responses.append(client.get("/hulp/gesprek/nieuw/"))
    assert "csrftoken" in responses[-1].cookies  # the form page sets one...
    started, code, passphrase = start_conversation()
    responses.append(started)
    assert "sessionid" in started.cookies
    responses.append(client.post("/hulp/gesprek/schrijven/", {"body": "Nog een vraag."}))
    responses.append(client.post("/hulp/gesprek/verlaten/"))
    responses.append(client.get("/hulp/gesprek/terug/"))
    responses.append(client.post("/hulp/gesprek/terug/", {"code": code, "passphrase": passphrase}))
    responses.append(client.get("/en/hulp/gesprek/nieuw/"))
    seen = {name for r in responses for name in r.cookies}
    assert {"csrftoken", "sessionid"} <= seen
    lasting = [
        f"{name}: {morsel.OutputString()}"
        for r in responses
        for name, morsel in r.cookies.items()
        if _outlives_session(morsel)
    ]
    assert not lasting  # ...but only for as long as the browser is open
