import datetime as dt

import pytest

from notifications.workdays import add_working_days, is_working_day


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # The example: across Christmas, New Year and Epiphany.
        (dt.date(2026, 12, 18), 10, dt.date(2027, 1, 8)),
        # Easter 2027: Good Friday 26 March and Easter Monday 29 March.
        (dt.date(2027, 3, 25), 1, dt.date(2027, 3, 30)),
        # Midsommarafton 2027 is Friday 25 June (de facto).
        (dt.date(2027, 6, 24), 1, dt.date(2027, 6, 28)),
        # Ascension Day 2026 is Thursday 14 May.
        (dt.date(2026, 5, 13), 1, dt.date(2026, 5, 15)),
        # An ordinary week, and zero days.
        (dt.date(2026, 11, 23), 5, dt.date(2026, 11, 30)),
        (dt.date(2026, 11, 23), 0, dt.date(2026, 11, 23)),
    ],
)
def test_add_working_days(start, days, due):
    assert add_working_days(start, days) == due


def test_de_facto_holidays_are_not_working_days():
    for day in (dt.date(2026, 12, 24), dt.date(2026, 12, 31), dt.date(2026, 6, 19)):
        assert not is_working_day(day)
    assert is_working_day(dt.date(2026, 12, 23))
