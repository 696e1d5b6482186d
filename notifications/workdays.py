"""Working days in Sweden: not Saturday or Sunday, not a public holiday (helgdag) and not a
de-facto holiday (julafton, midsommarafton, nyårsafton)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    calendar = holidays.country_holidays(
        "SE", years=year, categories=(holidays.PUBLIC, holidays.DE_FACTO)
    )
    return frozenset(calendar.keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The date ``count`` working days after ``day`` (``day`` itself is not counted)."""
    if count < 0:
        raise ValueError("count must be zero or more")
    while count:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
