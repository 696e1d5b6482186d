"""Validators shared by the forms of several apps."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: No date in a case lies outside these: a date beyond them is a typing error, and near
#: the calendar's ends (year 1 or 9999) date arithmetic fails.
FIRST_PLAUSIBLE_DATE = dt.date(1900, 1, 1)
LAST_PLAUSIBLE_DATE = dt.date(2199, 12, 31)


def validate_plausible_date(value: dt.date) -> None:
    if not FIRST_PLAUSIBLE_DATE <= value <= LAST_PLAUSIBLE_DATE:
        raise ValidationError(
            _("Ange ett datum mellan %(first)s och %(last)s."),
            code="implausible_date",
            params={
                "first": FIRST_PLAUSIBLE_DATE.isoformat(),
                "last": LAST_PLAUSIBLE_DATE.isoformat(),
            },
        )
