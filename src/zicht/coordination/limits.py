"""Bounds on what a coordinator or professional can type: text lengths and dates.

The forms check these for the user; the services check them again, so that input
reaching a service without a form (a script, another app) is refused the same way.
The texts are encrypted text columns without a length of their own.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext as _

# Reasons and notes: the same bound as a signal's account of what was seen or heard.
LONG_TEXT_MAX_LENGTH = 5000
TASK_TITLE_MAX_LENGTH = 200
REOPEN_REASON_MAX_LENGTH = 500
# Task due dates and measure dates lie within this many years of today.
DATE_WINDOW_YEARS = 5


def check_lengths(**texts: tuple[str | None, int]) -> None:
    """Refuse any ``name=(text, limit)`` longer than its limit, with Django's own message."""
    errors = {}
    for name, (text, limit) in texts.items():
        try:
            MaxLengthValidator(limit)(text or "")
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def date_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The earliest and latest date a task or measure may carry."""
    today = today or timezone.localdate()
    return _years_from(today, -DATE_WINDOW_YEARS), _years_from(today, DATE_WINDOW_YEARS)


def validate_date_window(day: dt.date | None) -> None:
    """A form and service validator: ``day`` lies within the window around today."""
    if day is None:
        return
    earliest, latest = date_window()
    if day < earliest:
        raise ValidationError(
            _("This date lies more than %(years)s years in the past.")
            % {"years": DATE_WINDOW_YEARS},
            code="date_too_early",
        )
    if day > latest:
        raise ValidationError(
            _("This date lies more than %(years)s years ahead.") % {"years": DATE_WINDOW_YEARS},
            code="date_too_late",
        )


def check_dates(**dates: dt.date | None) -> None:
    """Refuse any ``name=date`` outside the window, as errors of those fields."""
    errors = {}
    for name, day in dates.items():
        try:
            validate_date_window(day)
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)
