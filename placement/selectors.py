"""Reads of placements: the clocks, all from the rule tables (directory.durations through
``duration_for``/``duration_end``, placement.rules for the ages) and the placing unit's
organisation, and the placements a user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.selectors import grants_in_force, visible_case_ids
from directory.durations import DurationCode, add_months
from directory.models import Membership, Person, Unit, User
from directory.selectors import CASE_ROLES, duration_end, duration_for

from .access import PLACEMENT_ROLES, handover_access, placement_access
from .grants import CASE_KIND, HEALTH_SOURCE, HVB_SOURCES
from .models import (
    AssessmentTemplate,
    Audience,
    CarePlanVersion,
    DentalHome,
    HealthExamRequest,
    Placement,
    RegionHandover,
    Review,
)
from .rules import BASES, CHILD_TEMPLATE_BEFORE_AGE, LVM_END_WARNING_DAYS, LegalBasis, birthday


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
    """Every clock of the placement on ``on``; no next review once the person has moved
    out."""
    moved_out = placement.ended_on is not None
    return Clocks(
        next_review=None if moved_out else next_review_date(placement=placement, on=on),
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
        pk__in=visible_case_ids(
            user=user, case_kind=CASE_KIND, on=on, roles=PLACEMENT_ROLES
        ).exclude(source=HEALTH_SOURCE)
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


def handover_for_user(*, user: User, placement_pk: int) -> tuple[RegionHandover, str]:
    """The placement's latest region handover and how the user may see it
    (placement.access.handover_access): for those who see the placement in full, and for
    the old and the new region's staff, who see only the handover; 404 otherwise."""
    handover = (
        RegionHandover.objects.select_related(
            "placement__person",
            "placement__placing_unit",
            "placement__caseworker",
            "from_region",
            "to_region",
            "started_by",
            "handed_over_by",
            "confirmed_by",
        )
        .filter(placement_id=placement_pk)
        .order_by("-started_on", "-pk")
        .first()
    )
    kind = handover_access(user=user, handover=handover) if handover else None
    if kind is None:
        raise Http404
    return handover, kind


def _region_organisations(user: User) -> QuerySet:
    """The organisations the user works with cases in (ids), for the regions' lists."""
    return Membership.objects.filter(user=user, role__in=CASE_ROLES).values("unit__organisation")


def health_requests_to_answer(*, user: User) -> QuerySet[HealthExamRequest]:
    """The open hälsoundersökning requests asked of the user's units, while the unit's
    health-only grant holds (the request page's own check), the earliest due first. One
    SQL filter, whatever the number of requests."""
    asked = grants_in_force(user=user).filter(
        case_kind=CASE_KIND,
        source=HEALTH_SOURCE,
        case_id=OuterRef("placement_id"),
        unit_id=OuterRef("region_unit_id"),
    )
    return (
        HealthExamRequest.objects.exclude(outcome__in=HealthExamRequest.FINAL)
        .filter(Exists(asked))
        .select_related("placement__person", "placement__hvb_unit", "region_unit")
        .order_by("due_on", "pk")
    )


def region_handovers(*, user: User, to_do: bool = False) -> QuerySet[RegionHandover]:
    """The open handovers between regions that involve the user's region, the oldest
    first; with ``to_do`` only those waiting for it: to hand over (the old region, until
    it has) or to confirm (the new region, once the old one has handed over)."""
    organisations = _region_organisations(user)
    if to_do:
        involved = Q(from_region__in=organisations, handed_over_at__isnull=True) | Q(
            to_region__in=organisations, handed_over_at__isnull=False
        )
    else:
        involved = Q(from_region__in=organisations) | Q(to_region__in=organisations)
    return (
        RegionHandover.objects.filter(confirmed_at__isnull=True)
        .filter(involved)
        .select_related("placement__person", "from_region", "to_region")
        .order_by("started_on", "pk")
    )


def region_handovers_to_do(*, user: User) -> QuerySet[RegionHandover]:
    """Region staff's start page: the handovers waiting for the user's region."""
    return region_handovers(user=user, to_do=True)


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
    """HVB staff's start page: the youths placed or to be placed in the user's HVB, by the
    HVB's grants in force (the HVB the person is placed at, and the one the person leaves
    after a change of HVB dated ahead, until the day before)."""
    hvb_units = Membership.objects.filter(user=user, role=Membership.Role.HVB_STAFF).values(
        "unit_id"
    )
    grants = grants_in_force(user=user, on=on, roles=PLACEMENT_ROLES).filter(
        case_kind=CASE_KIND, source__in=HVB_SOURCES, unit__in=hvb_units
    )
    return (
        Placement.objects.filter(pk__in=grants.values("case_id"), phase__in=Placement.WITH_HVB)
        .select_related("person", "placing_unit", "hvb_unit", "caseworker")
        .order_by("start_date", "pk")
    )


def process_persons(*, process_ids) -> QuerySet[Person]:
    """The people whose placements these viewflow processes are."""
    return Person.objects.filter(placements__process_id__in=process_ids).distinct()


# --- Under and avslut: who is told, and the chef's lists -------------------------------------

#: The phases in which the person lives at the HVB (or is about to): the placement runs.
RUNNING = (Placement.Phase.DECIDED, Placement.Phase.PLACED, Placement.Phase.ENDING)
#: The phases after the move in, before the move out.
LIVING_THERE = (Placement.Phase.PLACED, Placement.Phase.ENDING)


def unit_chefs(*, units) -> QuerySet[User]:
    """The active chefs of these units (units or their ids, or a QuerySet of them)."""
    return User.objects.filter(
        is_active=True,
        memberships__role=Membership.Role.MANAGER,
        memberships__unit__in=units,
    ).distinct()


def placing_chefs(*, placement: Placement) -> QuerySet[User]:
    """The placing unit's chefs."""
    return unit_chefs(units=[placement.placing_unit_id])


def region_chefs(*, regions) -> QuerySet[User]:
    """The chefs of the units of these regions (ids)."""
    return unit_chefs(units=Unit.objects.filter(organisation__in=regions))


def review_notice_start(*, review: Review) -> dt.date:
    """From when a review is due (the notice before its date, directory.durations)."""
    days = duration_for(
        code=DurationCode.PLACEMENT_REVIEW_NOTICE,
        organisation=_organisation_id(review.placement),
        on=review.due_on,
    )
    return review.due_on - dt.timedelta(days=days)


def ending_opens_on(*, placement: Placement) -> dt.date | None:
    """When ending planning opens: the configured time before the planned end, or before
    the legal end where that comes first."""
    ends = [day for day in (placement.planned_end_date, legal_end(placement=placement)) if day]
    if not ends or placement.start_date is None:
        return None
    end = min(ends)
    months = duration_for(
        code=DurationCode.PLACEMENT_ENDING_PLANNING,
        organisation=_organisation_id(placement),
        on=end,
    )
    return add_months(end, -months)


def _visible(user: User):
    return visible_case_ids(user=user, case_kind=CASE_KIND, roles=PLACEMENT_ROLES).exclude(
        source=HEALTH_SOURCE
    )


def _led(*, user: User, units) -> QuerySet[Placement]:
    """Running placements of these units that the user may see (one SQL filter)."""
    return (
        Placement.objects.filter(placing_unit__in=units, phase__in=RUNNING)
        .filter(pk__in=_visible(user))
        .select_related("person", "placing_unit", "hvb_unit")
    )


def reviews_due(*, user: User, units, today: dt.date) -> list[Review]:
    """Open reviews of the placements of these units that are due (within their notice) or
    overdue, of the placements the user may see."""
    horizon = today + dt.timedelta(days=90)  # the notice's largest value
    reviews = (
        Review.objects.filter(
            held_on__isnull=True,
            due_on__lte=horizon,
            placement__in=_led(user=user, units=units).filter(phase__in=LIVING_THERE),
        )
        .select_related("placement__person", "placement__placing_unit")
        .order_by("due_on", "pk")
    )
    return [review for review in reviews if review_notice_start(review=review) <= today]


def lvm_ends_approaching(*, user: User, units, today: dt.date) -> list[Placement]:
    """LVM placements of these units whose end is within its warning window (or past)."""
    placements = _led(user=user, units=units).filter(
        legal_basis=LegalBasis.LVM, phase__in=LIVING_THERE
    )
    rows = [p for p in placements if lvm_end_approaching(placement=p, on=today)]
    for placement in rows:
        placement.lvm_end = lvm_end(placement=placement)  # for the row's template
    return sorted(rows, key=lambda p: (p.lvm_end, p.pk))


def cost_allocations_overdue(*, user: User, units, today: dt.date) -> list[Placement]:
    """Acute placements of these units whose cost allocation is not approved on both sides
    after its due date (never a block: the list and the escalation only)."""
    placements = (
        _led(user=user, units=units)
        .filter(acute=True, phase__in=LIVING_THERE)
        .filter(
            Q(cost_allocation__isnull=True)
            | Q(cost_allocation__approved_by_kommun__isnull=True)
            | Q(cost_allocation__approved_by_region__isnull=True)
        )
    )
    rows = []
    for placement in placements:
        placement.cost_allocation_due = acute_cost_allocation_due(placement=placement)
        if placement.cost_allocation_due < today:
            rows.append(placement)
    return sorted(rows, key=lambda p: (p.cost_allocation_due, p.pk))


def consents_ended(*, user: User, units, today: dt.date) -> list[Placement]:
    """SoL placements of these units whose consent ended and that are neither ended nor
    turned into LVU care yet."""
    return list(
        _led(user=user, units=units)
        .filter(legal_basis=LegalBasis.SOL, consent_ended_on__isnull=False)
        .order_by("consent_ended_on", "pk")
    )


def handovers_open(*, user: User, units, today: dt.date) -> list[RegionHandover]:
    """Handovers between regions not yet confirmed by the new region, of the placements of
    these units the user may see."""
    return list(
        RegionHandover.objects.filter(
            confirmed_at__isnull=True, placement__in=_led(user=user, units=units)
        )
        .select_related("placement__person", "from_region", "to_region")
        .order_by("started_on", "pk")
    )


def plan_versions(*, placement: Placement, kind: str) -> QuerySet:
    """The versions of the placement's vårdplan or genomförandeplan, newest first, with
    their insatser and writers."""
    return (
        placement.plan_versions.filter(kind=kind)
        .select_related("written_by", "unit")
        .prefetch_related("insatser")
        .order_by("-number")
    )


def placement_care(*, placement: Placement, hvb: bool) -> dict:
    """What the placement page shows of the child's care: for the HVB, the genomförandeplan
    only; in full, both plans, the hälsoundersökning requests, school and dental care."""
    implementation = list(
        plan_versions(placement=placement, kind=CarePlanVersion.Kind.IMPLEMENTATION_PLAN)
    )
    if hvb:
        return {"implementation_plans": implementation}
    return {
        "implementation_plans": implementation,
        "care_plans": list(plan_versions(placement=placement, kind=CarePlanVersion.Kind.CARE_PLAN)),
        "health_requests": list(
            placement.health_exam_requests.select_related("region_unit").order_by("-requested_at")
        ),
        "schools": list(
            placement.school_arrangements.select_related("school_unit").order_by("-from_date")
        ),
        "dental_home": DentalHome.objects.select_related("home_region")
        .filter(placement=placement)
        .first(),
    }
