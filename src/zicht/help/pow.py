"""A light proof-of-work for the start form, instead of a third-party captcha.

The server hands out a signed challenge (random nonce, time, difficulty). The
browser (``static/help/help.js``) searches a counter such that
``SHA-256(challenge + ":" + counter)`` starts with ``bits`` zero bits: about
2**bits hashes, well under a second on a phone at the default of 14 bits, but a
real cost for a script that wants to open thousands of conversations. Each solved
challenge is accepted once (a rate counter keyed by its hash) and for one hour.

Without JavaScript there is no proof; the form then relies on a honeypot field that
people never see, a minimum time to fill in the form and a smaller hourly limit for
such starts (see ``conf.nojs_starts_per_hour``). That trade-off is deliberate: the
conversation must stay reachable for someone who has JavaScript switched off.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.core import signing

from zicht.help import conf, ratelimit

__all__ = [
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
