"""The ages Zicht is for, in one place: the scope (who can be recorded), the age of majority
and the retention cut-off by age band.

The approach Zicht supports is preventive and covers children, young people and young
adults from 8 up to and including 27 (DOMAIN.md, "Age scope"): a 24-year-old recruited at
16 and still exploited must be recorded, referred and counted. The bounds are settings
(``ZICHT_AGE_MIN``, ``ZICHT_AGE_MAX``, checked at start-up in ``zicht.conf.settings``) and
are read here at call time, so every form, serializer, service and report uses the same
values.

Retention follows the age band at contact. A minor's signal keeps the Verwijsindex rule
(24 months, at the latest the 23rd birthday); a young adult's signal stays 24 months after
recording (``ZICHT_YOUNG_ADULT_RETENTION_MONTHS``) and at the latest until the birthday
after the upper bound (the 28th by default), so no signal is kept about someone Zicht is
no longer for.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

AGE_MIN_DEFAULT = 8
AGE_MAX_DEFAULT = 27
# Sanity limits of the settings: the scope must contain the age of majority's neighbourhood
# and no one is 120 or older.
AGE_SETTING_LIMIT = 120

ADULT_AGE = 18
# Verwijsindex rule for minors' signals: removed at the latest at the 23rd birthday.
MINOR_RETENTION_BIRTHDAY = 23
RETENTION_MONTHS_DEFAULT = 24

__all__ = [
    "ADULT_AGE",
    "AGE_MAX_DEFAULT",
    "AGE_MIN_DEFAULT",
    "MINOR_RETENTION_BIRTHDAY",
    "RETENTION_MONTHS_DEFAULT",
    "AGE_GROUPS",
    "age_error",
    "age_group",
    "age_max",
    "age_min",
    "age_on",
    "is_minor",
    "retention",
    "validate_bounds",
]


def age_min() -> int:
    return int(getattr(settings, "ZICHT_AGE_MIN", AGE_MIN_DEFAULT))


def age_max() -> int:
    return int(getattr(settings, "ZICHT_AGE_MAX", AGE_MAX_DEFAULT))


def validate_bounds(lower: int, upper: int) -> str | None:
    """Why a pair of bounds cannot be used (for the start-up check), or ``None``."""
    if not 0 <= lower <= upper:
        return f"ZICHT_AGE_MIN ({lower}) must be at least 0 and not above ZICHT_AGE_MAX ({upper})."
    if upper >= AGE_SETTING_LIMIT:
        return f"ZICHT_AGE_MAX must be below {AGE_SETTING_LIMIT}, not {upper}."
    return None


def age_on(on: dt.date, date_of_birth: dt.date) -> int:
    """Whole years of age on a day."""
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )


def is_minor(age: int | None) -> bool:
    """Under 18; an unknown age is not treated as a minor (no parental consent asked)."""
    return age is not None and age < ADULT_AGE


def age_error(age: int | None) -> str | None:
    """The message for an age outside the scope, naming the bound it crosses; ``None``
    for an age inside it (or unknown)."""
    if age is None:
        return None
    lower, upper = age_min(), age_max()
    if age < lower:
        return _(
            "Zicht is for young people aged %(min)s to %(max)s: this young person is "
            "%(age)s, younger than %(min)s."
        ) % {"min": lower, "max": upper, "age": age}
    if age > upper:
        return _(
            "Zicht is for young people aged %(min)s to %(max)s: this young person is "
            "%(age)s, older than %(max)s."
        ) % {"min": lower, "max": upper, "age": age}
    return None


def retention(age_at_contact: int | None) -> tuple[int, int | None]:
    """(months after recording, birthday at which the signal goes at the latest) for a
    signal about someone of this age at contact. A minor keeps the Verwijsindex rule; a
    young adult is kept the young adults' period, until the birthday after the upper
    bound. An unknown age (no date of birth, no estimate) gets the minors' period and no
    birthday: there is none to count from."""
    minors_months = int(
        getattr(settings, "ZICHT_SIGNAL_RETENTION_MONTHS", RETENTION_MONTHS_DEFAULT)
    )
    if age_at_contact is None:
        return minors_months, None
    if is_minor(age_at_contact):
        return minors_months, MINOR_RETENTION_BIRTHDAY
    months = getattr(settings, "ZICHT_YOUNG_ADULT_RETENTION_MONTHS", RETENTION_MONTHS_DEFAULT)
    return int(months), age_max() + 1


# Age groups at contact, as the national rapporteur reports them: young adults in two
# groups (18-22 and 23-27). Ages outside the scope come only from signals recorded before
# it changed and are counted under "<8" or "28+", never dropped.
AGE_GROUPS: tuple[tuple[int, int, str], ...] = (
    (0, 7, "<8"),
    (8, 11, "8-11"),
    (12, 15, "12-15"),
    (16, 17, "16-17"),
    (18, 22, "18-22"),
    (23, 27, "23-27"),
    (28, 200, "28+"),
)


def age_group(age: int | None) -> str:
    """The age group label of an age ("?" when unknown)."""
    if age is None:
        return "?"
    for lo, hi, label in AGE_GROUPS:
        if lo <= age <= hi:
            return label
    return "?"
