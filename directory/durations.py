"""Durations and deadlines: the rule table, with sources and dates of effect. Data, not
literals in code.

Each row is a value in a unit (days, working days, months, or an hour of the day) with the
source a user reads and the dates it is in force. A row whose sources leave the value to the
organisation (``overridable``) can be overridden per organisation from a date on
(``directory.models.DurationOverride``, edited in the admin); the others are law or the
regional agreement and hold for everyone. ``duration_for`` (directory.selectors) answers
which value is in force for an organisation on a day.

Rows marked ``proposal`` come from a government inquiry, not from law in force: they are
off (``enabled=False``) for everyone, and in force only for an organisation that has switched
their ``switch`` on (``directory.switches``). A proposal row that ``replaces`` another then
answers for it: ``duration_for`` gives that organisation the proposal's value, wherever the
law row is read.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .rules import Source
from .switches import SOU_2020_47, SOU_2023_66, SwitchCode


class DurationUnit(models.TextChoices):
    DAYS = "days", _("dagar")
    WORKING_DAYS = "working_days", _("arbetsdagar")
    MONTHS = "months", _("månader")
    HOUR = "hour", _("klockslag (timme)")


class DurationCode(models.TextChoices):
    CONSENT_VALIDITY_MAX = "consent_validity_max", _("Samtyckets längsta giltighetstid")
    CONSENT_VALIDITY_DEFAULT = "consent_validity_default", _("Samtyckets giltighetstid som förval")
    CONSENT_EXPIRY_REMINDER = (
        "consent_expiry_reminder",
        _("Påminnelse innan ett samtycke går ut"),
    )
    SIP_ANSWER_WORKING_DAYS = "sip_answer_working_days", _("Svarstid för en SIP-kallelse")
    REMINDER_HOUR = "reminder_hour", _("Klockslag för påminnelser och sammanställningar")
    SIP_FOLLOW_UP_INTERVAL = (
        "sip_follow_up_interval",
        _("Föreslagen tid till nästa uppföljning av en SIP"),
    )
    PLACEMENT_SOL_REVIEW = "placement_sol_review", _("Övervägande av en placering enligt SoL")
    PLACEMENT_LVU_REVIEW = "placement_lvu_review", _("Övervägande och omprövning enligt LVU")
    PLACEMENT_LVM_MAX = "placement_lvm_max", _("Längsta vårdtid enligt LVM")
    ACUTE_COST_ALLOCATION = (
        "acute_cost_allocation",
        _("Kostnadsfördelning efter en akut placering"),
    )
    PLACEMENT_REVIEW_NOTICE = (
        "placement_review_notice",
        _("Påminnelse innan ett övervägande ska göras"),
    )
    ACUTE_COST_ALLOCATION_REMINDER = (
        "acute_cost_allocation_reminder",
        _("Påminnelse innan kostnadsfördelningen efter en akut placering ska vara klar"),
    )
    PLACEMENT_ENDING_PLANNING = (
        "placement_ending_planning",
        _("Planeringen av avslutet börjar före det planerade slutdatumet"),
    )
    AFTER_PLACEMENT_FOLLOW_UP = (
        "after_placement_follow_up",
        _("Uppföljning efter avslutad placering"),
    )
    HEALTH_EXAMINATION_DUE = (
        "health_examination_due",
        _("Hälsoundersökning av ett placerat barn ska vara erbjuden"),
    )
    AFTER_PLACEMENT_FOLLOW_UP_PROPOSAL = (
        "after_placement_follow_up_proposal",
        _("Uppföljning efter avslutad placering (förslag)"),
    )
    PLACEMENT_FOLLOW_UP_VISIT = (
        "placement_follow_up_visit",
        _("Tid mellan uppföljningsbesök under en placering"),
    )
    PLACEMENT_FIRST_YEAR_CONTACT_PROPOSAL = (
        "placement_first_year_contact_proposal",
        _("Kontakt med barnet under placeringens första år (förslag)"),
    )
    PLACEMENT_FIRST_YEAR_PROPOSAL = (
        "placement_first_year_proposal",
        _("Placeringens första år (förslag)"),
    )
    PLACEMENT_PRIVATE_TALK_PROPOSAL = (
        "placement_private_talk_proposal",
        _("Enskilt samtal med barnet (förslag)"),
    )
    DEVIATION_ALLOCATION_REMINDER = (
        "deviation_allocation_reminder",
        _("Påminnelse tills en tillfällig ansvarsfördelning i en avvikelse är överenskommen"),
    )
    DISPUTE_NOTICE_BEFORE_MEETING = (
        "dispute_notice_before_meeting",
        _("Avisering av en tvist före Länschefsnätverkets möte"),
    )


@dataclass(frozen=True)
class Duration:
    code: str
    value: int
    unit: str
    source: Source
    effective_from: dt.date
    effective_until: dt.date | None = None
    #: The sources leave the value to the organisation: it may override it within bounds.
    overridable: bool = False
    minimum: int | None = None
    maximum: int | None = None
    #: A proposal (SOU), not law in force: off until switched on.
    proposal: bool = False
    enabled: bool = True
    #: The rule switch (directory.switches) that puts a proposal in force for an
    #: organisation that has switched it on.
    switch: str = ""
    #: The row a switched-on proposal answers for (its code), if any.
    replaces: str = ""
    #: A deployment-wide setting that, when set, replaces ``value`` (not an organisation's
    #: override): kept for installations that configured it before the table existed.
    setting: str = ""

    @property
    def unit_label(self) -> str:
        return str(DurationUnit(self.unit).label)

    def in_force(self, on: dt.date, *, switched: bool = False) -> bool:
        """In force on ``on``; a proposal only where its switch is on (``switched``)."""
        return (
            (self.enabled or (self.proposal and bool(self.switch) and switched))
            and self.effective_from <= on
            and (self.effective_until is None or on <= self.effective_until)
        )

    def within_bounds(self, value: int) -> bool:
        return (self.minimum is None or self.minimum <= value) and (
            self.maximum is None or value <= self.maximum
        )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has no such day
    (29 February + 12 months is 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if day.day <= 28:  # every month has it
        return day.replace(year=year, month=month)
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def add_calendar(day: dt.date, value: int, unit: str) -> dt.date:
    """``day`` plus ``value`` days or months. Working days need the holiday calendar and are
    counted by the caller (notifications.workdays.add_working_days)."""
    if unit == DurationUnit.MONTHS:
        return add_months(day, value)
    if unit == DurationUnit.DAYS:
        return day + dt.timedelta(days=value)
    raise ValueError(f"{unit} is not a calendar unit")


# --- Sources ---------------------------------------------------------------------------------

# The regional agreement's section headings (see consent/rules.py for the consent rows).
CONSENT_IN_SIP = _("Samtycke och sekretess i SIP")
VOLUNTARY_OR_COMPULSORY = _(
    "Skillnader mellan frivillig placering (SoL) och placering vid tvångsvård (LVU, LVM)"
)
COST_RESPONSIBILITY = _("Kostnadsansvar")
PLACEMENT_RESPONSIBILITY = _("Socialtjänstens ansvar vid HVB placering")
DEVIATIONS = _("Avvikelsehantering för att utveckla samverkan")

SIP_LAW = _("SoL (2025:400) 10 kap 8 §, HSL (2017:30) 16 kap 4 §")
#: For the values no law or agreement sets: the organisation decides, sipflow proposes one.
NO_SOURCE = _(
    "Ingen lag eller överenskommelse anger tiden; organisationen bestämmer den själv "
    "(standardvärde i sipflow)"
)

#: The day the regional agreement came into force.
AGREEMENT_FROM = dt.date(2025, 7, 1)
AGREEMENT_UNTIL = dt.date(2033, 6, 30)

DURATIONS: tuple[Duration, ...] = (
    # Consent: at most one year, for everyone; an organisation may propose a shorter one.
    Duration(
        code=DurationCode.CONSENT_VALIDITY_MAX,
        value=12,
        unit=DurationUnit.MONTHS,
        source=Source(law=SIP_LAW, section=CONSENT_IN_SIP, ref="004 ≈L651-679"),
        effective_from=dt.date(2010, 1, 1),
    ),
    Duration(
        code=DurationCode.CONSENT_VALIDITY_DEFAULT,
        value=12,
        unit=DurationUnit.MONTHS,
        source=Source(law=SIP_LAW, section=CONSENT_IN_SIP, ref="004 ≈L651-679"),
        effective_from=dt.date(2010, 1, 1),
        overridable=True,
        minimum=1,
        maximum=12,  # never beyond CONSENT_VALIDITY_MAX
    ),
    Duration(
        code=DurationCode.CONSENT_EXPIRY_REMINDER,
        value=30,
        unit=DurationUnit.DAYS,
        source=Source(law=NO_SOURCE),
        effective_from=dt.date(2010, 1, 1),
    ),
    # SIP: no source sets an answer deadline, a reminder time or a follow-up interval
    # (RULES.md §1): organisation settings with a default.
    Duration(
        code=DurationCode.SIP_ANSWER_WORKING_DAYS,
        value=10,
        unit=DurationUnit.WORKING_DAYS,
        source=Source(law=NO_SOURCE, ref="RULES.md §1 Follow-up"),
        effective_from=dt.date(2010, 1, 1),
        overridable=True,
        minimum=1,
        maximum=60,
        setting="SIP_ANSWER_WORKING_DAYS",
    ),
    Duration(
        code=DurationCode.REMINDER_HOUR,
        value=7,
        unit=DurationUnit.HOUR,
        source=Source(law=NO_SOURCE),
        effective_from=dt.date(2010, 1, 1),
        overridable=True,
        minimum=0,
        maximum=23,
    ),
    Duration(
        code=DurationCode.SIP_FOLLOW_UP_INTERVAL,
        value=3,
        unit=DurationUnit.MONTHS,
        source=Source(law=NO_SOURCE, ref="RULES.md §1 Follow-up; 004 ≈L1290"),
        effective_from=dt.date(2010, 1, 1),
        overridable=True,
        minimum=1,
        maximum=24,
    ),
    # Placement (data only for now; the placement process reads them).
    Duration(
        code=DurationCode.PLACEMENT_SOL_REVIEW,
        value=6,
        unit=DurationUnit.MONTHS,
        source=Source(
            law=_("Socialtjänstlagen (2025:400), övervägande av vården minst var sjätte månad"),
            section=VOLUNTARY_OR_COMPULSORY,
            ref="004 ≈L783-922",
        ),
        effective_from=AGREEMENT_FROM,
    ),
    Duration(
        code=DurationCode.PLACEMENT_LVU_REVIEW,
        value=6,
        unit=DurationUnit.MONTHS,
        source=Source(
            law=_("LVU (1990:52) 13 §"), section=VOLUNTARY_OR_COMPULSORY, ref="004 ≈L895-900"
        ),
        effective_from=dt.date(1990, 7, 1),
    ),
    Duration(
        code=DurationCode.PLACEMENT_LVM_MAX,
        value=6,
        unit=DurationUnit.MONTHS,
        source=Source(
            law=_("LVM (1988:870) 20 §"), section=VOLUNTARY_OR_COMPULSORY, ref="004 ≈L912"
        ),
        effective_from=dt.date(1989, 1, 1),
    ),
    Duration(
        code=DurationCode.ACUTE_COST_ALLOCATION,
        value=2,
        unit=DurationUnit.MONTHS,
        source=Source(
            law=_("Kostnadsfördelning och folkbokföringskommun klarlagda efter akut placering"),
            section=COST_RESPONSIBILITY,
            ref="004 ≈L1320-1327",
        ),
        effective_from=AGREEMENT_FROM,
        effective_until=AGREEMENT_UNTIL,
    ),
    # Placement notices: no source sets them (RULES.md §3 says "in good time").
    Duration(
        code=DurationCode.PLACEMENT_REVIEW_NOTICE,
        value=30,
        unit=DurationUnit.DAYS,
        source=Source(law=NO_SOURCE, ref="RULES.md §3 Under"),
        effective_from=dt.date(2010, 1, 1),
        overridable=True,
        minimum=1,
        maximum=90,
    ),
    Duration(
        code=DurationCode.ACUTE_COST_ALLOCATION_REMINDER,
        value=14,
        unit=DurationUnit.DAYS,
        source=Source(law=NO_SOURCE, ref="004 ≈L1320-1327"),
        effective_from=dt.date(2010, 1, 1),
        overridable=True,
        minimum=1,
        maximum=60,
    ),
    Duration(
        code=DurationCode.PLACEMENT_ENDING_PLANNING,
        value=2,
        unit=DurationUnit.MONTHS,
        source=Source(law=NO_SOURCE, ref="RULES.md §3 Avslut; 004 ≈L1249-1262"),
        effective_from=dt.date(2010, 1, 1),
        overridable=True,
        minimum=1,
        maximum=12,
    ),
    Duration(
        code=DurationCode.AFTER_PLACEMENT_FOLLOW_UP,
        value=2,
        unit=DurationUnit.MONTHS,
        source=Source(
            law=_("Socialtjänstlagen, uppföljning av barnets situation efter avslutad placering"),
            ref="003 ≈L4611-4613 (11 kap 4 a–b §§ SoL 2001:453)",
        ),
        effective_from=dt.date(2013, 1, 1),
    ),
    # HSLF-FS 2019:19 and the agreement (HälsoSAMS) say the region offers the examination
    # when the care starts, without a number of days: a month by default, per organisation.
    Duration(
        code=DurationCode.HEALTH_EXAMINATION_DUE,
        value=30,
        unit=DurationUnit.DAYS,
        source=Source(
            law=_(
                "HSLF-FS 2019:19, hälsoundersökning när ett barn placeras (HälsoSAMS); "
                "ingen föreskrift anger antalet dagar, organisationen bestämmer det"
            ),
            ref="RULES.md §2 (HälsoSAMS)",
        ),
        effective_from=dt.date(2020, 1, 1),
        overridable=True,
        minimum=7,
        maximum=90,
    ),
    # SOU 2020:47 proposes six months instead of two (003 ≈L4611-4617): an organisation that
    # switches it on follows up for six months wherever the two are read.
    Duration(
        code=DurationCode.AFTER_PLACEMENT_FOLLOW_UP_PROPOSAL,
        value=6,
        unit=DurationUnit.MONTHS,
        source=SOU_2020_47,
        effective_from=dt.date(2020, 1, 1),
        proposal=True,
        enabled=False,
        switch=SwitchCode.AFTERCARE_SIX_MONTHS,
        replaces=DurationCode.AFTER_PLACEMENT_FOLLOW_UP,
    ),
    # Under: the socialtjänst follows the placement up regularly, by talks with the person,
    # the HVB's staff, the health care and närstående (004 ≈L1160-1168); no law sets how
    # often, so the organisation decides (a visit a quarter by default).
    Duration(
        code=DurationCode.PLACEMENT_FOLLOW_UP_VISIT,
        value=3,
        unit=DurationUnit.MONTHS,
        source=Source(
            law=_(
                "Socialtjänsten följer upp placeringen regelbundet; ingen lag anger hur ofta, "
                "organisationen bestämmer det (standardvärde i sipflow)"
            ),
            section=PLACEMENT_RESPONSIBILITY,
            ref="004 ≈L1160-1168",
        ),
        effective_from=dt.date(2010, 1, 1),
        overridable=True,
        minimum=1,
        maximum=6,
    ),
    # SOU 2023:66 (000 ≈L486-507): contact at least once a month in the first year of each
    # placement, and a private talk with the child at least every six months.
    Duration(
        code=DurationCode.PLACEMENT_FIRST_YEAR_CONTACT_PROPOSAL,
        value=1,
        unit=DurationUnit.MONTHS,
        source=SOU_2023_66,
        effective_from=dt.date(2023, 1, 1),
        proposal=True,
        enabled=False,
        switch=SwitchCode.CONTACT_MONTHLY_FIRST_YEAR,
    ),
    Duration(
        code=DurationCode.PLACEMENT_FIRST_YEAR_PROPOSAL,
        value=12,
        unit=DurationUnit.MONTHS,
        source=SOU_2023_66,
        effective_from=dt.date(2023, 1, 1),
        proposal=True,
        enabled=False,
        switch=SwitchCode.CONTACT_MONTHLY_FIRST_YEAR,
    ),
    Duration(
        code=DurationCode.PLACEMENT_PRIVATE_TALK_PROPOSAL,
        value=6,
        unit=DurationUnit.MONTHS,
        source=SOU_2023_66,
        effective_from=dt.date(2023, 1, 1),
        proposal=True,
        enabled=False,
        switch=SwitchCode.PRIVATE_TALK,
    ),
    # Avvikelser between kommun and region (RULES.md §4): the parties agree a temporary
    # allocation of responsibility at once ("omgående"); how often sipflow reminds them until
    # they have is the organisation's choice.
    Duration(
        code=DurationCode.DEVIATION_ALLOCATION_REMINDER,
        value=1,
        unit=DurationUnit.DAYS,
        source=Source(
            law=_(
                "Parterna ska omgående komma överens om en tillfällig ansvarsfördelning; hur "
                "ofta påminnelsen går bestämmer organisationen (standardvärde i sipflow)"
            ),
            section=DEVIATIONS,
            ref="004 ≈L1356-1359",
        ),
        effective_from=dt.date(2010, 1, 1),
        overridable=True,
        minimum=1,
        maximum=7,
    ),
    # Tvist på regional nivå: the shortcoming is announced to the steering group of
    # Länschefsnätverket at least one month ahead, then in writing. The substance-abuse
    # agreement that says so ran from 2021-07-01 (to 2024-06-30, prolonged by 12 months
    # while revised); the texts we hold have no successor, so the row stays open-ended until
    # one replaces it.
    Duration(
        code=DurationCode.DISPUTE_NOTICE_BEFORE_MEETING,
        value=1,
        unit=DurationUnit.MONTHS,
        source=Source(
            law=_(
                "Länsövergripande överenskommelse om samverkan rörande personer som "
                "missbrukar alkohol, narkotika, andra beroendeframkallande medel, läkemedel, "
                "dopningsmedel eller spel om pengar (Region Dalarna och kommunerna i "
                "Dalarna), avsnitt 7.1.2 Tvist på regional nivå"
            ),
            ref="001 ≈L1875-1879",
        ),
        effective_from=dt.date(2021, 7, 1),
    ),
)

OVERRIDABLE_CODES = frozenset(row.code for row in DURATIONS if row.overridable)


def duration_row(*, code: str, on: dt.date, switched: bool = False) -> Duration:
    """The table's row for ``code`` in force on ``on``; a proposal row only ``switched`` on
    (for an organisation: directory.selectors.OrganisationRules)."""
    for row in DURATIONS:
        if row.code == code and row.in_force(on, switched=switched):
            return row
    raise LookupError(f"No duration {code!r} is in force on {on.isoformat()}")
