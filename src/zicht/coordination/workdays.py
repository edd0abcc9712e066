"""Working days in the Netherlands, for screening deadlines.

A working day is Monday to Friday and not a public holiday. The holidays are those
of the Algemene termijnenwet (the Dutch act on legal time limits), computed per
year so that no year is hard-coded:

- New Year's Day (1 January);
- Easter Monday, Ascension Day (Easter + 39 days) and Whit Monday (Easter + 50);
- King's Day: 27 April, or Saturday 26 April when 27 April is a Sunday;
- Liberation Day (5 May, every year in the Termijnenwet);
- Christmas Day and Boxing Day (25 and 26 December).

Easter Sunday comes from the Gregorian computus (``dateutil.easter``; the
``holidays`` package agrees, see the tests). Good Friday is not a general day off
and is a working day here.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dateutil.easter import easter

__all__ = ["holidays_in", "is_working_day", "add_working_days", "working_days_between"]


@lru_cache(maxsize=64)
def holidays_in(year: int) -> frozenset[dt.date]:
    sunday = easter(year)
    kings_day = dt.date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = dt.date(year, 4, 26)
    return frozenset(
        {
            dt.date(year, 1, 1),
            sunday + dt.timedelta(days=1),
            sunday + dt.timedelta(days=39),
            sunday + dt.timedelta(days=50),
            kings_day,
            dt.date(year, 5, 5),
            dt.date(year, 12, 25),
            dt.date(year, 12, 26),
        }
    )


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in holidays_in(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when end < start)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
