"""What SIP contributes to the chef's statistics (ISU, individbaserad systematisk
uppföljning): SIPs started, held, followed up and closed, the time from need to the first
meeting, how kallelser are answered, follow-ups on time and what the follow-ups found.

Each measure is a query of events in the period (cases.registry.StatisticsMeasure); the
overview splits them by legal sex and age at the event, suppresses small cells and exports
them. A SIP counts for the units that started or lead it; a kallelse for the unit it went
to (one sent to a whole organisation counts once it is forwarded to a unit)."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import TruncDate
from django.db.models.lookups import Exact, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from cases.registry import (
    MeasureKind,
    StatisticsEvents,
    StatisticsMeasure,
    StatisticsPeriod,
    register_statistics_measure,
)
from core.databases import DaysBetween

from .models import ActionReview, FollowUp, Invitation, Meeting, SipPlan

SIP = _("SIP")
INVITATIONS = _("Kallelser")
OUTCOMES = _("Uppföljningens resultat (ISU)")


def _plans_of(units: list[int], prefix: str = "") -> Q:
    """The SIPs the units started or lead."""
    return Q(**{f"{prefix}started_unit__in": units}) | Q(**{f"{prefix}lead_unit__in": units})


def _in(period: StatisticsPeriod, field: str) -> Q:
    """A timestamp within the period (an index range, not a cast of every row)."""
    return Q(**{f"{field}__gte": period.starts_at, f"{field}__lt": period.ends_at})


def sips_started(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    rows = SipPlan.objects.filter(_plans_of(units), _in(period, "started_at"))
    return [StatisticsEvents(rows.annotate(stat_on=TruncDate("started_at")))]


def _first_meetings(units: list[int], period: StatisticsPeriod):
    return Meeting.objects.filter(
        _plans_of(units, "plan__"), _in(period, "held_at"), kind=Meeting.Kind.FIRST
    ).annotate(stat_on=TruncDate("held_at"))


def sips_held(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    return [StatisticsEvents(_first_meetings(units, period), person="plan__person")]


def sips_followed_up(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    """Each SIP once, at its first follow-up in the period."""
    earlier = FollowUp.objects.filter(plan=OuterRef("plan"), held_at__gte=period.starts_at).filter(
        Q(held_at__lt=OuterRef("held_at")) | Q(held_at=OuterRef("held_at"), pk__lt=OuterRef("pk"))
    )
    rows = FollowUp.objects.filter(_plans_of(units, "plan__"), _in(period, "held_at")).filter(
        ~Exists(earlier)
    )
    return [StatisticsEvents(rows.annotate(stat_on=TruncDate("held_at")), person="plan__person")]


def sips_closed(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    rows = SipPlan.objects.filter(
        _plans_of(units), _in(period, "closed_at"), phase=SipPlan.Phase.CLOSED
    )
    return [StatisticsEvents(rows.annotate(stat_on=TruncDate("closed_at")))]


def days_to_first_meeting(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    """From upptäckt behov (the SIP started) to its first meeting, for meetings held in the
    period."""
    rows = _first_meetings(units, period).annotate(
        stat_value=DaysBetween(TruncDate("held_at"), TruncDate("plan__started_at"))
    )
    return [StatisticsEvents(rows, person="plan__person")]


def follow_ups_on_time(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    """Every follow-up date in the period: held by that day (on time) or later, or passed
    while the SIP waits for it (late). A date still to come that is not yet held does not
    count."""
    held = FollowUp.objects.filter(
        _plans_of(units, "plan__"), due_on__gte=period.start, due_on__lte=period.end
    ).annotate(stat_on=F("due_on"), stat_flag=LessThanOrEqual(TruncDate("held_at"), F("due_on")))
    waiting = SipPlan.objects.filter(
        _plans_of(units),
        phase__in=[SipPlan.Phase.MEETING_HELD, SipPlan.Phase.FOLLOW_UP],
        next_follow_up__gte=period.start,
        next_follow_up__lte=period.end,
        next_follow_up__lt=today,
    ).annotate(stat_on=F("next_follow_up"), stat_flag=Value(False, output_field=BooleanField()))
    return [StatisticsEvents(held, person="plan__person"), StatisticsEvents(waiting)]


def days_to_answer(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    """From the kallelse (or the moved meeting's new kallelse) to its answer, for answers
    given in the period."""
    rows = Invitation.objects.filter(
        _in(period, "answered_at"), unit__in=units, sent_at__isnull=False
    ).annotate(
        stat_on=TruncDate("answered_at"),
        stat_value=DaysBetween(TruncDate("answered_at"), TruncDate("sent_at")),
    )
    return [StatisticsEvents(rows, person="meeting__plan__person")]


def invitations_on_time(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    """Kallelser whose last answer day is in the period and has passed, or which are
    answered: answered by that day (on time) or not."""
    rows = (
        Invitation.objects.filter(
            unit__in=units,
            meeting__answer_by__gte=period.start,
            meeting__answer_by__lte=period.end,
        )
        .exclude(status=Invitation.Status.CANCELLED)
        .filter(Q(meeting__answer_by__lt=today) | Q(answered_at__isnull=False))
        .annotate(
            stat_on=F("meeting__answer_by"),
            stat_flag=LessThanOrEqual(TruncDate("answered_at"), F("meeting__answer_by")),
        )
    )
    return [StatisticsEvents(rows, person="meeting__plan__person")]


def _reviews(units: list[int], period: StatisticsPeriod, question: str):
    rows = ActionReview.objects.filter(
        _plans_of(units, "follow_up__plan__"), _in(period, "follow_up__held_at")
    ).annotate(
        stat_on=TruncDate("follow_up__held_at"),
        stat_flag=Exact(F(question), ActionReview.Answer.YES),
    )
    return [StatisticsEvents(rows, person="follow_up__plan__person")]


def reviews_done_as_planned(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    return _reviews(units, period, "done_as_planned")


def reviews_goal_met(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    return _reviews(units, period, "goal_met")


MEASURES = (
    StatisticsMeasure(
        code="sip_started",
        section=SIP,
        title=_("SIP:ar som startade"),
        description=_("Upptäckt behov registrerat under perioden. Ålder när SIP:en startade."),
        kind=MeasureKind.COUNT,
        events=sips_started,
        order=10,
    ),
    StatisticsMeasure(
        code="sip_held",
        section=SIP,
        title=_("SIP:ar där det första mötet hölls"),
        description=_("Första SIP-mötet hållet under perioden. Ålder vid mötet."),
        kind=MeasureKind.COUNT,
        events=sips_held,
        order=11,
    ),
    StatisticsMeasure(
        code="sip_followed_up",
        section=SIP,
        title=_("SIP:ar som följdes upp"),
        description=_(
            "SIP:ar med minst en uppföljning under perioden, var och en räknad en gång. "
            "Ålder vid periodens första uppföljning."
        ),
        kind=MeasureKind.COUNT,
        events=sips_followed_up,
        order=12,
    ),
    StatisticsMeasure(
        code="sip_closed",
        section=SIP,
        title=_("SIP:ar som avslutades"),
        description=_("Avslutade under perioden (inte stoppade). Ålder vid avslutet."),
        kind=MeasureKind.COUNT,
        events=sips_closed,
        order=13,
    ),
    StatisticsMeasure(
        code="sip_days_to_meeting",
        section=SIP,
        title=_("Dagar från behov till första möte, median"),
        description=_(
            "Dagar från att SIP:en startade till det första mötet, för möten hållna under "
            "perioden. Ålder vid mötet."
        ),
        kind=MeasureKind.MEDIAN,
        events=days_to_first_meeting,
        order=14,
    ),
    StatisticsMeasure(
        code="sip_follow_ups_on_time",
        section=SIP,
        title=_("Uppföljningar gjorda i tid, procent"),
        description=_(
            "Uppföljningar planerade till ett datum under perioden: andelen som gjordes senast "
            "det datumet. En uppföljning som ännu inte är gjord när datumet passerat räknas "
            "som sen. Ålder på det planerade datumet."
        ),
        kind=MeasureKind.SHARE,
        events=follow_ups_on_time,
        order=15,
    ),
    StatisticsMeasure(
        code="invitation_days_to_answer",
        section=INVITATIONS,
        title=_("Dagar att svara på en kallelse, median"),
        description=_(
            "Dagar från att kallelsen skickades (eller mötet flyttades) till svaret, för svar "
            "under perioden från dina enheter. Ålder vid svaret."
        ),
        kind=MeasureKind.MEDIAN,
        events=days_to_answer,
        order=20,
    ),
    StatisticsMeasure(
        code="invitations_on_time",
        section=INVITATIONS,
        title=_("Kallelser besvarade i tid, procent"),
        description=_(
            "Kallelser till dina enheter vars sista svarsdag låg under perioden: andelen som "
            "besvarades senast den dagen. Ålder på sista svarsdagen."
        ),
        kind=MeasureKind.SHARE,
        events=invitations_on_time,
        order=21,
    ),
    StatisticsMeasure(
        code="review_done_as_planned",
        section=OUTCOMES,
        title=_("Insatser genomförda som planerat, procent"),
        description=_(
            "Insatser bedömda vid uppföljningar under perioden: andelen där svaret var ja "
            "(delvis och nej räknas inte). Ålder vid uppföljningen."
        ),
        kind=MeasureKind.SHARE,
        events=reviews_done_as_planned,
        order=30,
    ),
    StatisticsMeasure(
        code="review_goal_met",
        section=OUTCOMES,
        title=_("Insatser där målet nåddes, procent"),
        description=_(
            "Insatser bedömda vid uppföljningar under perioden: andelen där målet nåddes (ja; "
            "delvis och nej räknas inte). Ålder vid uppföljningen."
        ),
        kind=MeasureKind.SHARE,
        events=reviews_goal_met,
        order=31,
    ),
)


def sip_statistics_register() -> None:
    for measure in MEASURES:
        register_statistics_measure(measure)
