"""Reads of placements: the clocks, all from the rule tables (directory.durations through
``duration_for``/``duration_end``, placement.rules for the ages) and the placing unit's
organisation, and the placements a user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cases.selectors import visible_case_ids
from directory.durations import DurationCode, add_months
from directory.models import Membership, Person, User
from directory.selectors import CASE_ROLES, duration_end, duration_for

from .access import PLACEMENT_ROLES, placement_access
from .grants import CASE_KIND
from .models import AssessmentTemplate, Audience, Placement
from .rules import BASES, CHILD_TEMPLATE_BEFORE_AGE, LVM_END_WARNING_DAYS, birthday


def _organisation_id(placement: Placement) -> int:
    return placement.placing_unit.organisation_id


def next_review_date(*, placement: Placement, on: dt.date) -> dt.date | None:
    """Nästa övervägande/omprövning (SoL; LVU 13 §): the first review on or after ``on``,
    every N months (the rule table's interval) counted from the start date, each from the
    start itself so that month ends do not drift (31 Aug → 28/29 Feb → 31 Aug). None before
    the start, and for a basis without reviews (LVM)."""
    basis = BASES.get(placement.legal_basis)
    if basis is None or basis.review is None or placement.start_date is None:
        return None
    start = placement.start_date
    months = duration_for(code=basis.review, organisation=_organisation_id(placement), on=start)
    count = 1
    while (review := add_months(start, months * count)) < on:
        count += 1
    return review


def lvm_end(*, placement: Placement) -> dt.date | None:
    """The last day LVM care may go on: the start plus the longest care (LVM 20 §)."""
    basis = BASES.get(placement.legal_basis)
    if basis is None or basis.maximum is None or placement.start_date is None:
        return None
    return duration_end(
        code=basis.maximum,
        organisation=_organisation_id(placement),
        start=placement.start_date,
    )


def lvm_end_approaching(*, placement: Placement, on: dt.date) -> bool:
    """The LVM end is within its warning window (or passed) on ``on``."""
    end = lvm_end(placement=placement)
    return end is not None and on >= end - dt.timedelta(days=LVM_END_WARNING_DAYS)


def lvu_end(*, placement: Placement) -> dt.date | None:
    """The last day of LVU care by age: the day before the 18th birthday under 2 §, the day
    before the 21st under 3 § (LVU 21 §)."""
    basis = BASES.get(placement.legal_basis)
    if basis is None or basis.ends_before_age is None:
        return None
    return birthday(placement.person, basis.ends_before_age) - dt.timedelta(days=1)


def legal_end(*, placement: Placement) -> dt.date | None:
    """The last day the legal basis allows the care: the LVU age limit or the LVM maximum."""
    return lvu_end(placement=placement) or lvm_end(placement=placement)


def acute_cost_allocation_due(*, placement: Placement) -> dt.date | None:
    """When the cost allocation and folkbokföringskommun of an acute placement are due: the
    rule table's time after the start (004 ≈L1320-1327). None for a planned placement."""
    if not placement.acute or placement.start_date is None:
        return None
    return duration_end(
        code=DurationCode.ACUTE_COST_ALLOCATION,
        organisation=_organisation_id(placement),
        start=placement.start_date,
    )


@dataclass(frozen=True)
class Clocks:
    next_review: dt.date | None
    legal_end: dt.date | None
    lvm_end_approaching: bool
    cost_allocation_due: dt.date | None


def placement_clocks(*, placement: Placement, on: dt.date) -> Clocks:
    """Every clock of the placement on ``on``."""
    return Clocks(
        next_review=next_review_date(placement=placement, on=on),
        legal_end=legal_end(placement=placement),
        lvm_end_approaching=lvm_end_approaching(placement=placement, on=on),
        cost_allocation_due=acute_cost_allocation_due(placement=placement),
    )


def assessment_template_for(*, placement: Placement, on: dt.date) -> AssessmentTemplate:
    """The utredning template for the person's age: the placing organisation's own, or the
    national default."""
    audience = (
        Audience.CHILDREN
        if placement.person.age_on(on) < CHILD_TEMPLATE_BEFORE_AGE
        else Audience.ADULTS
    )
    templates = AssessmentTemplate.objects.filter(audience=audience)
    own = templates.filter(organisation=_organisation_id(placement)).order_by("pk").first()
    return own or templates.filter(organisation__isnull=True).order_by("pk").first()


def placements_for_user(*, user: User, at: dt.datetime | None = None) -> QuerySet[Placement]:
    """The placements the user may see: one SQL filter over the placements' grants
    (placement.grants); every placement for a superuser."""
    if not user.is_authenticated or not user.is_active:
        return Placement.objects.none()
    placements = Placement.objects.select_related("person", "placing_unit", "hvb_unit")
    if user.is_superuser:
        return placements.all()
    on = timezone.localdate(at) if at else None
    return placements.filter(
        pk__in=visible_case_ids(user=user, case_kind=CASE_KIND, on=on, roles=PLACEMENT_ROLES)
    )


def placement_for_user(*, user: User, pk: int) -> tuple[Placement, str]:
    """The placement and how the user may see it (placement.access); 404 otherwise, as for
    a placement that does not exist."""
    placement = (
        Placement.objects.select_related("person", "placing_unit", "hvb_unit", "caseworker")
        .filter(pk=pk)
        .first()
    )
    kind = placement_access(user=user, placement=placement) if placement else None
    if kind is None:
        raise Http404
    return placement, kind


@dataclass(frozen=True)
class PlacementRow:
    placement: Placement
    clocks: Clocks

    @property
    def next_deadline(self) -> dt.date | None:
        """The nearest of the placement's clocks."""
        dates = [
            self.clocks.next_review,
            self.clocks.legal_end,
            self.clocks.cost_allocation_due,
        ]
        return min((date for date in dates if date), default=None)


def placements_of_caseworker(*, user: User, on: dt.date) -> list[PlacementRow]:
    """The placements the user works in full (her units' placements she may see), open
    ones first by their next deadline, each with its clocks."""
    placements = placements_for_user(user=user)
    if not user.is_superuser:
        placements = placements.filter(
            placing_unit__in=Membership.objects.filter(user=user, role__in=CASE_ROLES).values(
                "unit_id"
            )
        )
    rows = [
        PlacementRow(placement=placement, clocks=placement_clocks(placement=placement, on=on))
        for placement in placements.order_by("-opened_at", "-pk")
    ]
    return sorted(
        rows,
        key=lambda row: (
            row.placement.phase in Placement.ENDED,
            row.next_deadline or dt.date.max,
        ),
    )


def placements_in_users_hvb(*, user: User, on: dt.date | None = None) -> QuerySet[Placement]:
    """HVB staff's start page: the youths placed or to be placed in the user's HVB."""
    hvb_units = Membership.objects.filter(user=user, role=Membership.Role.HVB_STAFF).values(
        "unit_id"
    )
    return (
        placements_for_user(user=user)
        .filter(hvb_unit__in=hvb_units, phase__in=Placement.WITH_HVB)
        .select_related("caseworker")
        .order_by("start_date", "pk")
    )


def process_persons(*, process_ids) -> QuerySet[Person]:
    """The people whose placements these viewflow processes are."""
    return Person.objects.filter(placements__process_id__in=process_ids).distinct()
