"""Rule switches: proposals from government inquiries that an organisation may choose to
follow before they are law, each with its source. Data, not code paths.

A proposal is off for everyone until an organisation switches it on from a date
(``directory.models.RuleSwitch``, edited in the admin); ``rule_switch_on``
(directory.selectors) answers whether it is on for an organisation on a day. A proposal that
changes a time limit has its row in the duration table (``directory.durations``, rows with
``proposal=True`` naming their switch): the row is in force only for an organisation that has
switched it on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .rules import Source


class SwitchCode(models.TextChoices):
    CONTACT_MONTHLY_FIRST_YEAR = (
        "contact_monthly_first_year",
        _("Kontakt med barnet varje månad under placeringens första år"),
    )
    PRIVATE_TALK = (
        "private_talk",
        _("Enskilt samtal med barnet minst var sjätte månad"),
    )
    FIRST_REVIEW_HEALTH_CHECK = (
        "first_review_health_check",
        _(
            "Vid det första övervägandet: kontroll att en hälsoundersökning har erbjudits och "
            "en kunskapsbedömning har gjorts"
        ),
    )
    AFTERCARE_SIX_MONTHS = (
        "aftercare_six_months",
        _("Uppföljning i sex månader efter att en placering har upphört"),
    )


#: What a user reads as the source of each proposal: the inquiry by name, never the seed.
SOU_2023_66 = Source(law=_("Förslag i SOU 2023:66 (inte gällande lag)"), ref="000 ≈L486-507")
SOU_2020_47 = Source(
    law=_("Förslag i SOU 2020:47 (inte gällande lag)"),
    ref="003 ≈L4611-4617 (Botkyrka's summary of SOU 2020:47)",
)


@dataclass(frozen=True)
class Switch:
    code: str
    source: Source
    #: The earliest day it can be switched on from: the inquiry's year.
    available_from: dt.date

    @property
    def label(self) -> str:
        return str(SwitchCode(self.code).label)


SWITCHES: tuple[Switch, ...] = (
    Switch(
        code=SwitchCode.CONTACT_MONTHLY_FIRST_YEAR,
        source=SOU_2023_66,
        available_from=dt.date(2023, 1, 1),
    ),
    Switch(code=SwitchCode.PRIVATE_TALK, source=SOU_2023_66, available_from=dt.date(2023, 1, 1)),
    Switch(
        code=SwitchCode.FIRST_REVIEW_HEALTH_CHECK,
        source=SOU_2023_66,
        available_from=dt.date(2023, 1, 1),
    ),
    Switch(
        code=SwitchCode.AFTERCARE_SIX_MONTHS,
        source=SOU_2020_47,
        available_from=dt.date(2020, 1, 1),
    ),
)


def switch_row(*, code: str) -> Switch:
    for row in SWITCHES:
        if row.code == code:
            return row
    raise LookupError(f"No rule switch {code!r}")
