"""A light proof-of-work for the start form, instead of a third-party captcha.

The server hands out a signed challenge (random nonce, time, difficulty). The
browser (``static/help/help.js``) searches a counter such that
``SHA-256(challenge + ":" + counter)`` starts with ``bits`` zero bits: about
2**bits hashes, well under a second on a phone at the default of 14 bits, but a
real cost for a script that wants to open thousands of conversations. Each solved
challenge is accepted once (a rate counter keyed by its hash) and for one hour.

**The cost rises with load** (``start_bits``): at most ``conf.starts_per_hour()``
starts an hour get the base difficulty; every doubling of the starts of the last 10-20
minutes above that adds one bit, i.e. doubles the work per start, up to
``conf.pow_max_bits()``. Each challenge carries its own difficulty (signed), and a
solved one is accepted once and only if it is worth at least the current difficulty
less one bit. So a script pays for every conversation in proportion to the load it
causes (measured in ``benchmarks/RESULTS.md``: one attacking process fell from about
one start a second to a third of that), while the door never closes: a real visitor pays the
current price once, a few seconds of their browser's work at worst, instead of being
told that it is too busy.

Without JavaScript there is no proof; the form then relies on a honeypot field that
people never see, a minimum time to fill in the form and a smaller hourly limit for
such starts (see ``conf.nojs_starts_per_hour``). That trade-off is deliberate: the
conversation must stay reachable for someone who has JavaScript switched off.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime, timedelta

from django.core import signing
from django.utils import timezone

from zicht.core import ratelimit
from zicht.help import conf

__all__ = [
    "start_bits",
    "start_load",
    "start_counted",
    "new_challenge",
    "challenge_bits",
    "verify",
    "verified_bits",
    "leading_zero_bits",
    "form_age_seconds",
    "mark_used",
]

SALT = "zicht.help.pow"
MAX_AGE = 3600
LOAD_WINDOW_MINUTES = 10
START_KEY = "start"


def start_load(now: datetime | None = None) -> int:
    """Conversations started in the current and the previous 10-minute window."""
    now = now or timezone.now()
    earlier = now - timedelta(minutes=LOAD_WINDOW_MINUTES)
    return ratelimit.count(START_KEY, minutes=LOAD_WINDOW_MINUTES, now=now) + ratelimit.count(
        START_KEY, minutes=LOAD_WINDOW_MINUTES, now=earlier
    )


def start_bits(now: datetime | None = None) -> int:
    """The start form's current difficulty: the base, plus one bit per doubling of the
    load above the base budget (a third of ``conf.starts_per_hour()`` per two windows)."""
    budget = max(1, conf.starts_per_hour() // 3)
    extra = (start_load(now) // budget).bit_length()
    return min(conf.pow_bits() + extra, conf.pow_max_bits())


def start_counted(now: datetime | None = None) -> None:
    """Count one started conversation in the load."""
    ratelimit.hit(START_KEY, minutes=LOAD_WINDOW_MINUTES, now=now)


def new_challenge(bits: int | None = None) -> str:
    """A signed challenge of ``bits`` leading zero bits (default ``conf.pow_bits()``)."""
    bits = conf.pow_bits() if bits is None else max(1, min(int(bits), conf.pow_max_bits()))
    return signing.dumps({"n": secrets.token_hex(12), "b": bits, "t": int(time.time())}, salt=SALT)


def challenge_bits(challenge: str) -> int:
    """The difficulty a (validly signed) challenge asks for; 0 for an invalid one."""
    payload = _payload(challenge)
    return int(payload.get("b", 0)) if payload else 0


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def _payload(challenge: str, max_age: int = MAX_AGE) -> dict | None:
    try:
        return signing.loads(challenge, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None


def form_age_seconds(challenge: str) -> float | None:
    """Seconds since the challenge (and so the form) was handed out, or None if invalid."""
    payload = _payload(challenge)
    if payload is None:
        return None
    return time.time() - float(payload.get("t", 0))


def mark_used(challenge: str) -> bool:
    """Record that this challenge was used; False if it had been used before."""
    return ratelimit.hit(ratelimit.hashed("pow", challenge), minutes=120) == 1


def verified_bits(challenge: str, solution: str) -> int:
    """The work proven by a correctly solved, fresh challenge signed by this server, once:
    its number of bits; 0 for anything else (unsigned, expired, wrong or used before)."""
    payload = _payload(challenge)
    if payload is None or not solution or len(solution) > 20 or not solution.isdigit():
        return 0
    bits = int(payload.get("b", conf.pow_bits()))
    digest = hashlib.sha256(f"{challenge}:{solution}".encode("ascii")).digest()
    if leading_zero_bits(digest) < bits:
        return 0
    return bits if mark_used(challenge) else 0


def verify(challenge: str, solution: str) -> bool:
    """True once for a correctly solved, fresh challenge signed by this server."""
    return verified_bits(challenge, solution) > 0
