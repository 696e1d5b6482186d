"""Swedish personal identity numbers: personnummer and samordningsnummer.

Accepted input forms (spaces are ignored):

* ten digits, ``YYMMDD-NNNC``, ``YYMMDD+NNNC`` or ``YYMMDDNNNC``: the century is taken
  from the separator — ``-`` (or none) for someone who turns at most 99 this year, ``+``
  from the year they turn 100 (Skatteverket, SKV 704);
* twelve digits, ``YYYYMMDDNNNC`` or ``YYYYMMDD-NNNC``.

The last digit is a Luhn check digit over the ten digits ``YYMMDDNNN``. A samordningsnummer
(coordination number) has 60 added to the day of birth. The canonical stored form is the
twelve digits without separator.

The century digits of the twelve-digit form are not covered by the check digit; a wrong
century is caught only where it makes the date impossible (in the future, or older than
``MAX_AGE_YEARS``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

COORDINATION_DAY_OFFSET = 60
# No living person is older than this; it stops a mistyped century from passing.
MAX_AGE_YEARS = 125

_PATTERN = re.compile(
    r"^(?P<century>\d{2})?(?P<date>\d{6})(?P<sep>[-+]?)(?P<serial>\d{3})(?P<check>\d)$"
)


@dataclass(frozen=True)
class IdentityNumber:
    canonical: str
    birth_date: dt.date
    is_coordination_number: bool

    @property
    def display(self) -> str:
        """``YYYYMMDD-NNNN``, the form used on screen and in documents."""
        return f"{self.canonical[:8]}-{self.canonical[8:]}"

    @property
    def serial_sex_digit(self) -> int:
        """The ninth digit: odd for men, even for women (legal sex at assignment)."""
        return int(self.canonical[10])


def luhn_check_digit(nine_digits: str) -> int:
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _birth_year_from_short(yy: int, separator: str, today: dt.date) -> int:
    # With "-" the person turns 0..99 this year; with "+" 100..199.
    offset = 100 if separator == "+" else 0
    return today.year - offset - ((today.year - offset - yy) % 100)


def parse_identity_number(value: str, *, today: dt.date | None = None) -> IdentityNumber:
    """Validate ``value`` and return it in canonical form, or raise ``ValidationError``."""
    today = today or dt.date.today()
    compact = re.sub(r"\s+", "", value or "")
    match = _PATTERN.match(compact)
    if not match:
        raise ValidationError(
            _(
                "Ange personnumret med 10 eller 12 siffror, till exempel "
                "ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN."
            ),
            code="format",
        )
    century, date_digits, separator = match["century"], match["date"], match["sep"]
    serial, check = match["serial"], int(match["check"])

    if century is not None and separator == "+":
        raise ValidationError(
            _("Plustecken används bara i den tiosiffriga formen (ÅÅMMDD+NNNN)."),
            code="format",
        )
    if luhn_check_digit(date_digits + serial) != check:
        raise ValidationError(
            _("Kontrollsiffran stämmer inte. Kontrollera att numret är rätt skrivet."),
            code="checksum",
        )

    yy, month, day = int(date_digits[:2]), int(date_digits[2:4]), int(date_digits[4:6])
    is_coordination = day > COORDINATION_DAY_OFFSET
    if is_coordination:
        day -= COORDINATION_DAY_OFFSET
    year = (
        int(century) * 100 + yy
        if century is not None
        else _birth_year_from_short(yy, separator, today)
    )
    try:
        birth_date = dt.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("Numret innehåller ett datum som inte finns."), code="impossible_date"
        ) from None
    if birth_date > today:
        raise ValidationError(_("Födelsedatumet i numret ligger i framtiden."), code="future_date")
    if today.year - birth_date.year > MAX_AGE_YEARS:
        raise ValidationError(
            _("Födelseåret i numret är inte rimligt. Kontrollera seklet."),
            code="implausible_date",
        )
    canonical = f"{year:04d}{date_digits[2:]}{serial}{check}"
    return IdentityNumber(
        canonical=canonical, birth_date=birth_date, is_coordination_number=is_coordination
    )


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Completed years on ``on`` (a 29 February birthday counts from 1 March in common years)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
