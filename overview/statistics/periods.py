"""The periods a chef can choose: a month ("2026-11"), a quarter ("2026-K4", kvartal) or a
year ("2026"), none later than the current one."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.registry import StatisticsPeriod

_CODE = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|K(?P<quarter>[1-4])))?$")
#: The earliest year offered.
FIRST_YEAR = 2020
#: How far back the picker lists months, quarters and years.
MONTHS, QUARTERS, YEARS = 24, 8, 5


@dataclass(frozen=True)
class Period:
    code: str
    label: str
    span: StatisticsPeriod


def _month(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    label = formats.date_format(start, "F Y")
    return Period(f"{year}-{month:02d}", label, StatisticsPeriod(start, end))


def _quarter(year: int, quarter: int) -> Period:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = _month(year, 3 * quarter).span.end
    label = gettext("kvartal %(quarter)d %(year)d") % {"quarter": quarter, "year": year}
    return Period(f"{year}-K{quarter}", label, StatisticsPeriod(start, end))


def _year(year: int) -> Period:
    return Period(
        str(year), str(year), StatisticsPeriod(dt.date(year, 1, 1), dt.date(year, 12, 31))
    )


def period_parse(code: str, *, today: dt.date) -> Period:
    """The period a code names; ValidationError (in Swedish) for anything else, or for a
    period that has not begun."""
    match = _CODE.match(code.strip())
    if match is None:
        raise ValidationError(
            _("Välj en månad, ett kvartal eller ett år, till exempel 2026-11, 2026-K4 eller 2026."),
            code="period_format",
        )
    year = int(match["year"])
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValidationError(_("Det finns ingen sådan månad."), code="period_month")
        period = _month(year, month)
    elif match["quarter"]:
        period = _quarter(year, int(match["quarter"]))
    else:
        period = _year(year)
    if year < FIRST_YEAR or period.span.start > today:
        raise ValidationError(
            _("Välj en period från %(first)d till i dag.") % {"first": FIRST_YEAR},
            code="period_range",
        )
    return period


def default_period(*, today: dt.date) -> Period:
    """This year so far."""
    return _year(today.year)


def period_choices(*, today: dt.date) -> list[tuple[str, list[tuple[str, str]]]]:
    """The periods the picker lists, newest first, grouped: years, quarters, months."""
    years = [_year(year) for year in range(today.year, today.year - YEARS, -1)]
    quarters, year, quarter = [], today.year, (today.month - 1) // 3 + 1
    for _step in range(QUARTERS):
        quarters.append(_quarter(year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    months, year, month = [], today.year, today.month
    for _step in range(MONTHS):
        months.append(_month(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return [
        (gettext("År"), [(p.code, p.label) for p in years if p.span.start.year >= FIRST_YEAR]),
        (
            gettext("Kvartal"),
            [(p.code, p.label) for p in quarters if p.span.start.year >= FIRST_YEAR],
        ),
        (
            gettext("Månader"),
            [(p.code, p.label) for p in months if p.span.start.year >= FIRST_YEAR],
        ),
    ]
