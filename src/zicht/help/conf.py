"""Settings of the help pages, each read with a default so that none is required.

| setting | default | meaning |
|---|---|---|
| ``ZICHT_HELP_EXIT_URL`` | the local neutral page (``help:neutral``) | where quick exit goes |
| ``ZICHT_HELP_RETENTION_DAYS`` | 90 | a conversation without new messages is deleted after this |
| ``ZICHT_HELP_WARNING_DAYS`` | 14 | the conversation shows a warning this long before deletion |
| ``ZICHT_HELP_POW_BITS`` | 14 | leading zero bits of the start form's proof-of-work |
| ``ZICHT_HELP_MIN_FORM_SECONDS`` | 3 | without proof-of-work, a start form sent faster is refused |
| ``ZICHT_HELP_STARTS_PER_HOUR`` | 120 | starts an hour at the base proof-of-work; each doubling above adds a bit |
| ``ZICHT_HELP_NOJS_STARTS_PER_HOUR`` | 20 | of those, started without proof-of-work (honeypot only) |
| ``ZICHT_HELP_MESSAGES_PER_HOUR`` | 10 | messages a person may write per conversation per hour |
| ``ZICHT_HELP_POW_MAX_BITS`` | 22 | the most proof-of-work any form asks for |
| ``ZICHT_HELP_LOGIN_ATTEMPTS`` | 5 | wrong passphrases per case code before each try needs proof-of-work |
| ``ZICHT_HELP_LOGIN_PAUSE_MINUTES`` | 15 | the window in which wrong passphrases are counted |
| ``ZICHT_HELP_RESUME_CHECKS_PER_MINUTE`` | 60 | slow passphrase checks per minute, all codes together |

None of them can switch a protection off entirely (every limit is at least 1).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from zicht.help.constants import DEFAULT_RETENTION_DAYS, DEFAULT_WARNING_DAYS


def _int(name: str, default: int, minimum: int = 1) -> int:
    return max(minimum, int(getattr(settings, name, default)))


def exit_url() -> str:
    configured = getattr(settings, "ZICHT_HELP_EXIT_URL", "")
    if configured:
        return configured
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("help:neutral")


def retention_days() -> int:
    return _int("ZICHT_HELP_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def warning_days() -> int:
    return min(_int("ZICHT_HELP_WARNING_DAYS", DEFAULT_WARNING_DAYS), retention_days())


def pow_max_bits() -> int:
    return min(_int("ZICHT_HELP_POW_MAX_BITS", 22, minimum=8), 26)


def pow_bits() -> int:
    return min(_int("ZICHT_HELP_POW_BITS", 14, minimum=8), 24, pow_max_bits())


def min_form_seconds() -> int:
    return _int("ZICHT_HELP_MIN_FORM_SECONDS", 3, minimum=0)


def starts_per_hour() -> int:
    return _int("ZICHT_HELP_STARTS_PER_HOUR", 120)


def nojs_starts_per_hour() -> int:
    return _int("ZICHT_HELP_NOJS_STARTS_PER_HOUR", 20)


def messages_per_hour() -> int:
    return _int("ZICHT_HELP_MESSAGES_PER_HOUR", 10)


def login_attempts() -> int:
    return _int("ZICHT_HELP_LOGIN_ATTEMPTS", 5)


def login_pause_minutes() -> int:
    return _int("ZICHT_HELP_LOGIN_PAUSE_MINUTES", 15)


def resume_checks_per_minute() -> int:
    return _int("ZICHT_HELP_RESUME_CHECKS_PER_MINUTE", 60)
