"""The working-day calendar of screening deadlines.

Expected dates: Rijksoverheid, "Officiële feestdagen" and the Algemene termijnenwet
(art. 3: New Year, Easter Monday, Ascension, Whit Monday, Christmas and Boxing Day,
the King's birthday as celebrated, and 5 May). King's Day moves to Saturday
26 April when 27 April is a Sunday (Wet viering Koningsdag; 2014 and 2025).
"""

import datetime as dt

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zicht.coordination.workdays import (
    add_working_days,
    holidays_in,
    is_working_day,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("year", "easter_monday", "ascension", "whit_monday"),
    [
        (2024, D(2024, 4, 1), D(2024, 5, 9), D(2024, 5, 20)),
        (2025, D(2025, 4, 21), D(2025, 5, 29), D(2025, 6, 9)),
        (2026, D(2026, 4, 6), D(2026, 5, 14), D(2026, 5, 25)),
        (2038, D(2038, 4, 26), D(2038, 6, 3), D(2038, 6, 14)),  # latest Easter this century
    ],
)
def test_easter_dependent_holidays(year, easter_monday, ascension, whit_monday):
    days = holidays_in(year)
    assert {easter_monday, ascension, whit_monday} <= days
    assert not any(is_working_day(d) for d in (easter_monday, ascension, whit_monday))


def test_kings_day_moves_to_saturday_when_27_april_is_a_sunday():
    assert D(2025, 4, 27).weekday() == 6
    assert D(2025, 4, 26) in holidays_in(2025)
    assert D(2025, 4, 27) not in holidays_in(2025)
    assert D(2014, 4, 26) in holidays_in(2014)
    # An ordinary year: Monday 27 April 2026 is not a working day.
    assert D(2026, 4, 27) in holidays_in(2026)
    assert not is_working_day(D(2026, 4, 27))


def test_fixed_holidays_and_good_friday():
    for year in (2025, 2026, 2030):
        for month, day in ((1, 1), (5, 5), (12, 25), (12, 26)):
            assert D(year, month, day) in holidays_in(year)
    assert is_working_day(D(2025, 4, 18))  # Good Friday is not in the Termijnenwet


@pytest.mark.parametrize("year", range(2014, 2041))
def test_agrees_with_the_holidays_package(year):
    """Every computed holiday except 5 May is a public holiday in ``holidays``."""
    public = set(holidays.Netherlands(years=year))
    assert holidays_in(year) - {D(year, 5, 5)} <= public


@pytest.mark.parametrize(
    ("start", "days", "deadline"),
    [
        (D(2026, 11, 23), 5, D(2026, 11, 30)),  # Monday -> next Monday
        (D(2025, 4, 17), 5, D(2025, 4, 25)),  # over Easter Monday (Good Friday counts)
        (D(2026, 4, 24), 1, D(2026, 4, 28)),  # over the weekend and King's Day
        (D(2025, 12, 24), 1, D(2025, 12, 29)),  # over Christmas
        (D(2025, 5, 28), 2, D(2025, 6, 2)),  # over Ascension Day
        (D(2026, 11, 28), 5, D(2026, 12, 4)),  # a Saturday start
        (D(2026, 11, 23), 0, D(2026, 11, 23)),
    ],
)
def test_add_working_days(start, days, deadline):
    assert add_working_days(start, days) == deadline
    assert working_days_between(start, deadline) == days


@given(
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)),
    days=st.integers(min_value=1, max_value=30),
)
def test_deadline_is_a_working_day_n_working_days_later(start, days):
    deadline = add_working_days(start, days)
    assert is_working_day(deadline)
    assert working_days_between(start, deadline) == days
    assert working_days_between(deadline, start) == -days


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), -1)
