"""What the HVB placement contributes to the chef's statistics (ISU): placements by phase
and by legal basis, reviews (övervägande, omprövning) on time, and placements ended as
planned (cases.registry.StatisticsMeasure; the overview splits them by legal sex and age at
the event). A placement counts for its placing unit and for its HVB."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, DateField, F, Q, Value
from django.db.models.functions import Greatest, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from cases.registry import (
    MeasureKind,
    StatisticsEvents,
    StatisticsMeasure,
    StatisticsPeriod,
    register_statistics_measure,
)

from .models import Placement, Review
from .rules import LegalBasis

PLACEMENTS = _("Placeringar")


def _placements_of(units: list[int], prefix: str = "") -> Q:
    return Q(**{f"{prefix}placing_unit__in": units}) | Q(**{f"{prefix}hvb_unit__in": units})


#: The steps of a placement counted by phase: (group code, label, the date it happened).
PHASE_EVENTS = (
    ("opened", _("Utredningar inledda"), "opened_at"),
    ("decided", _("Placeringar beslutade"), "decided_on"),
    ("moved_in", _("Inflyttningar"), "start_date"),
    ("moved_out", _("Utflyttningar"), "ended_on"),
)


def placements_by_phase(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    queries = []
    for code, _label, field in PHASE_EVENTS:
        if field == "opened_at":  # a timestamp: its local day
            rows = Placement.objects.filter(
                opened_at__gte=period.starts_at, opened_at__lt=period.ends_at
            ).annotate(stat_on=TruncDate("opened_at"))
        else:
            rows = Placement.objects.filter(
                **{f"{field}__gte": period.start, f"{field}__lte": period.end}
            ).annotate(stat_on=F(field))
        rows = rows.filter(_placements_of(units)).annotate(
            stat_group=Value(code, output_field=CharField())
        )
        queries.append(StatisticsEvents(rows))
    return queries


def placements_by_basis(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    """Placements in care (moved in, not yet moved out) on some day of the period, by their
    legal basis; the age on the first such day."""
    rows = (
        Placement.objects.filter(_placements_of(units), start_date__lte=period.end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
        .exclude(legal_basis="")
        .annotate(
            stat_on=Greatest(F("start_date"), Value(period.start, output_field=DateField())),
            stat_group=F("legal_basis"),
        )
    )
    return [StatisticsEvents(rows)]


def reviews_on_time(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    """Reviews due in the period that are held, or whose day has passed: held by the day
    they were due (on time) or not."""
    rows = (
        Review.objects.filter(
            _placements_of(units, "placement__"),
            due_on__gte=period.start,
            due_on__lte=period.end,
        )
        .filter(Q(held_on__isnull=False) | Q(due_on__lt=today))
        .annotate(stat_on=F("due_on"), stat_flag=LessThanOrEqual(F("held_on"), F("due_on")))
    )
    return [StatisticsEvents(rows, person="placement__person")]


def ended_as_planned(*, units: list[int], period: StatisticsPeriod, today: dt.date):
    """Placements whose person moved out in the period: as planned when not before the
    planned end date (one with no planned end date, or broken off before it, is not)."""
    rows = Placement.objects.filter(
        _placements_of(units), ended_on__gte=period.start, ended_on__lte=period.end
    ).annotate(
        stat_on=F("ended_on"), stat_flag=LessThanOrEqual(F("planned_end_date"), F("ended_on"))
    )
    return [StatisticsEvents(rows)]


MEASURES = (
    StatisticsMeasure(
        code="placements_by_phase",
        section=PLACEMENTS,
        title=_("Placeringar per fas"),
        description=_(
            "Steg som togs under perioden: utredningar inledda, placeringar beslutade, "
            "inflyttningar och utflyttningar. Ålder den dagen."
        ),
        kind=MeasureKind.COUNT,
        events=placements_by_phase,
        groups=tuple((code, label) for code, label, _field in PHASE_EVENTS),
        order=40,
    ),
    StatisticsMeasure(
        code="placements_by_basis",
        section=PLACEMENTS,
        title=_("Placeringar per lagrum"),
        description=_(
            "Placeringar där personen bodde på HVB någon dag under perioden, efter "
            "placeringens lagrum. Ålder den första av de dagarna i perioden."
        ),
        kind=MeasureKind.COUNT,
        events=placements_by_basis,
        groups=tuple(LegalBasis.choices),
        order=41,
    ),
    StatisticsMeasure(
        code="placement_reviews_on_time",
        section=PLACEMENTS,
        title=_("Överväganden och omprövningar gjorda i tid, procent"),
        description=_(
            "Överväganden och omprövningar som skulle göras under perioden: andelen som "
            "gjordes senast den dag de skulle vara gjorda. Ålder den dagen."
        ),
        kind=MeasureKind.SHARE,
        events=reviews_on_time,
        order=42,
    ),
    StatisticsMeasure(
        code="placements_ended_as_planned",
        section=PLACEMENTS,
        title=_("Placeringar avslutade enligt plan, procent"),
        description=_(
            "Placeringar där personen flyttade ut under perioden: andelen som inte avbröts "
            "före det planerade slutdatumet. En placering utan planerat slutdatum räknas inte "
            "som enligt plan. Ålder vid utflyttningen."
        ),
        kind=MeasureKind.SHARE,
        events=ended_as_planned,
        order=43,
    ),
)


def placement_statistics_register() -> None:
    for measure in MEASURES:
        register_statistics_measure(measure)
