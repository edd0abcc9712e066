"""Settings of the help pages, read at call time so tests and operators can change them.

Every ``ZICHT_HELP_*`` variable is declared, with its default, bounds and help text, in
``zicht.conf.registry`` ("Help pages"; the configuration table in the README and
docs/operations.md is generated from it). The start-up check refuses a value outside the
bounds; the functions here clamp again, so a value set in code (a test's ``settings``
fixture) cannot switch a protection off either: every limit is at least 1, the
proof-of-work at least 8 bits.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from zicht.conf import registry


def _int(name: str) -> int:
    """``settings.<name>`` (its registry default when unset), never below the registry's
    minimum nor above its maximum."""
    variable = registry.get(name)
    number = int(getattr(settings, name, variable.default))
    if variable.maximum is not None:
        number = min(number, variable.maximum)
    return max(variable.minimum or 0, number)


def exit_url() -> str:
    configured = getattr(settings, "ZICHT_HELP_EXIT_URL", "")  # empty: the local page
    if configured:
        return configured
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("help:neutral")


def retention_days() -> int:
    return _int("ZICHT_HELP_RETENTION_DAYS")


def warning_days() -> int:
    return min(_int("ZICHT_HELP_WARNING_DAYS"), retention_days())


def pow_max_bits() -> int:
    return _int("ZICHT_HELP_POW_MAX_BITS")


def pow_bits() -> int:
    return min(_int("ZICHT_HELP_POW_BITS"), pow_max_bits())


def min_form_seconds() -> int:
    return _int("ZICHT_HELP_MIN_FORM_SECONDS")


def starts_per_hour() -> int:
    return _int("ZICHT_HELP_STARTS_PER_HOUR")


def nojs_starts_per_hour() -> int:
    return _int("ZICHT_HELP_NOJS_STARTS_PER_HOUR")


def messages_per_hour() -> int:
    return _int("ZICHT_HELP_MESSAGES_PER_HOUR")


def login_attempts() -> int:
    return _int("ZICHT_HELP_LOGIN_ATTEMPTS")


def login_pause_minutes() -> int:
    return _int("ZICHT_HELP_LOGIN_PAUSE_MINUTES")


def resume_checks_per_minute() -> int:
    return _int("ZICHT_HELP_RESUME_CHECKS_PER_MINUTE")
