"""Reads of placements: the clocks, all from the rule tables (directory.durations through
``duration_for``/``duration_end``, placement.rules for the ages) and the placing unit's
organisation, and the placements a user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import IsNull
from django.http import Http404
from django.utils import timezone

from cases.registry import overview_rows_from_query
from cases.selectors import case_visible, grants_in_force, visible_case_ids
from consent.policy import Decision
from directory.durations import DurationCode, add_calendar, add_months
from directory.identity_numbers import age_on
from directory.models import Membership, Person, Unit, User
from directory.rules import AGE_OF_MAJORITY
from directory.selectors import (
    CASE_ROLES,
    OrganisationRules,
    duration_end,
    duration_for,
    organisation_rules,
    rule_switch_on,
)
from directory.switches import SwitchCode
from sipflow.access import plans_visible_to
from sipflow.models import SipPlan
from sipflow.services import plan_consent_check, sip_consent_check

from .access import PLACEMENT_ROLES, handover_access, placement_access
from .grants import CASE_KIND, HEALTH_SOURCE, HVB_SOURCES
from .models import (
    AssessmentTemplate,
    Audience,
    CarePlanVersion,
    DentalHome,
    FollowUpVisit,
    HealthExamRequest,
    Placement,
    RegionHandover,
    Review,
)
from .rules import (
    BASES,
    CHILD_TEMPLATE_BEFORE_AGE,
    LVM_END_WARNING_DAYS,
    LegalBasis,
    birthday,
    birthday_of,
)


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


def lvm_end_near(*, end: dt.date, on: dt.date) -> bool:
    """The LVM end ``end`` is within its warning window (or passed) on ``on``."""
    return on >= end - dt.timedelta(days=LVM_END_WARNING_DAYS)


def lvm_end_approaching(*, placement: Placement, on: dt.date) -> bool:
    """The placement's LVM end is within its warning window (or passed) on ``on``."""
    end = lvm_end(placement=placement)
    return end is not None and lvm_end_near(end=end, on=on)


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


# --- Follow-up visits (uppföljningsbesök) -----------------------------------------------------

#: The rule table's rows and the proposals (directory.switches) the visit clock reads.
VISIT_DURATIONS = (
    DurationCode.PLACEMENT_FOLLOW_UP_VISIT,
    DurationCode.PLACEMENT_FIRST_YEAR_CONTACT_PROPOSAL,
    DurationCode.PLACEMENT_FIRST_YEAR_PROPOSAL,
    DurationCode.PLACEMENT_PRIVATE_TALK_PROPOSAL,
)
VISIT_SWITCHES = (SwitchCode.CONTACT_MONTHLY_FIRST_YEAR, SwitchCode.PRIVATE_TALK)


def placement_rules(*, placements: Iterable[Placement]) -> OrganisationRules:
    """The placing organisations' own visit interval and their choice of the proposals the
    clocks read, for any number of placements in at most two queries."""
    return _visit_rules({_organisation_id(placement) for placement in placements})


def _visit_rules(organisations: Iterable[int]) -> OrganisationRules:
    """``placement_rules`` of these placing organisations (their ids)."""
    return organisation_rules(
        organisations=organisations, durations=VISIT_DURATIONS, switches=VISIT_SWITCHES
    )


def _last_visits() -> tuple[Subquery, Subquery]:
    """The placement's last follow-up visit and last private talk, as subqueries of a query
    of placements."""
    visits = FollowUpVisit.objects.filter(placement=OuterRef("pk")).order_by("-visited_on")
    return (
        Subquery(visits.values("visited_on")[:1]),
        Subquery(visits.filter(private_talk=True).values("visited_on")[:1]),
    )


def with_visit_dates(placements: QuerySet[Placement]) -> QuerySet[Placement]:
    """The placements with their last follow-up visit (``last_visit_on``) and last private
    talk with the child (``last_private_talk_on``), and the due dates of their open and of
    their latest review (``open_review_due_on``, ``last_review_due_on``: review_next_due),
    in the same query."""
    last_visit, last_private_talk = _last_visits()
    reviews = Review.objects.filter(placement=OuterRef("pk"))
    return placements.annotate(
        last_visit_on=last_visit,
        last_private_talk_on=last_private_talk,
        open_review_due_on=Subquery(
            reviews.filter(held_on__isnull=True).order_by("due_on").values("due_on")[:1]
        ),
        last_review_due_on=Subquery(reviews.order_by("-due_on").values("due_on")[:1]),
    )


def review_next_due(*, placement: Placement, on: dt.date) -> dt.date | None:
    """The next övervägande/omprövning as the page shows it: the open review's date (past
    when it is late); with none open, the first date of the start's rhythm after both
    ``on`` and the last review's date, so that a review held early (its outcome: the
    placement ends) is not shown as still due. Annotated (``with_visit_dates``) or read."""
    if hasattr(placement, "open_review_due_on"):
        open_due, last_due = placement.open_review_due_on, placement.last_review_due_on
    elif placement.pk is None:  # not saved: no reviews yet
        open_due = last_due = None
    else:
        reviews = placement.reviews.aggregate(
            open=Min("due_on", filter=Q(held_on__isnull=True)), last=Max("due_on")
        )
        open_due, last_due = reviews["open"], reviews["last"]
    if open_due is not None:
        return open_due
    after = on if last_due is None else max(on, last_due + dt.timedelta(days=1))
    return next_review_date(placement=placement, on=after)


def visit_dates(placement: Placement) -> tuple[dt.date | None, dt.date | None]:
    """The last visit and the last private talk: as annotated (``with_visit_dates``), or
    read."""
    if hasattr(placement, "last_visit_on"):
        return placement.last_visit_on, placement.last_private_talk_on
    found = FollowUpVisit.objects.filter(placement=placement).aggregate(
        last=Max("visited_on"), private=Max("visited_on", filter=Q(private_talk=True))
    )
    return found["last"], found["private"]


class VisitClock(NamedTuple):
    next_visit: dt.date | None
    private_talk: dt.date | None


def _after(
    rules: OrganisationRules, *, code: str, organisation: int, on: dt.date, day: dt.date
) -> dt.date:
    """``day`` plus the duration in force for the organisation on ``on``."""
    row = rules.row(code=code, organisation=organisation, on=on)
    return add_calendar(day, rules.duration(code=code, organisation=organisation, on=on), row.unit)


def visit_clock(
    *,
    placement: Placement,
    on: dt.date,
    rules: OrganisationRules,
    last_visit: dt.date | None,
    last_private_talk: dt.date | None,
) -> VisitClock:
    """Nästa uppföljningsbesök on ``on``, while the person lives at the HVB: the
    organisation's interval (the rule table, in force on the last visit) after the last
    visit, or after the start. Where the organisation follows SOU 2023:66 on ``on``: within a
    month of the last contact during the placement's first year; and for a child, a private
    talk (enskilt samtal) at least every six months after the last one, or after the start."""
    if placement.start_date is None or placement.phase not in LIVING_THERE:
        return VisitClock(next_visit=None, private_talk=None)
    return _visit_clock(
        organisation=_organisation_id(placement),
        start=placement.start_date,
        born=placement.person.date_of_birth,
        on=on,
        rules=rules,
        last_visit=last_visit,
        last_private_talk=last_private_talk,
    )


def _visit_clock(
    *,
    organisation: int,
    start: dt.date,
    born: dt.date,
    on: dt.date,
    rules: OrganisationRules,
    last_visit: dt.date | None,
    last_private_talk: dt.date | None,
) -> VisitClock:
    """``visit_clock`` of a placement living at its HVB, from the values it reads: its
    placing organisation, its start, the person's date of birth."""
    base = last_visit or start
    next_visit = rules.end(
        code=DurationCode.PLACEMENT_FOLLOW_UP_VISIT, organisation=organisation, start=base
    )
    if rules.switched_on(
        code=SwitchCode.CONTACT_MONTHLY_FIRST_YEAR, organisation=organisation, on=on
    ):
        monthly = _after(
            rules,
            code=DurationCode.PLACEMENT_FIRST_YEAR_CONTACT_PROPOSAL,
            organisation=organisation,
            on=on,
            day=base,
        )
        first_year_ends = _after(
            rules,
            code=DurationCode.PLACEMENT_FIRST_YEAR_PROPOSAL,
            organisation=organisation,
            on=on,
            day=start,
        )
        if monthly <= first_year_ends:
            next_visit = min(next_visit, monthly)
    private_talk = None
    if age_on(born, on) < AGE_OF_MAJORITY and rules.switched_on(
        code=SwitchCode.PRIVATE_TALK, organisation=organisation, on=on
    ):
        private_talk = _after(
            rules,
            code=DurationCode.PLACEMENT_PRIVATE_TALK_PROPOSAL,
            organisation=organisation,
            on=on,
            day=last_private_talk or start,
        )
    return VisitClock(next_visit=next_visit, private_talk=private_talk)


# --- The stored clocks (Placement.visit_due_on and the rest; placement.services.clocks) -------

#: The durations a stored clock reads as in force on the day it is computed, not on a start
#: or a visit: the day one of them changes ends the days the stored clocks hold.
CLOCK_DURATIONS_ON_THE_DAY = (
    DurationCode.PLACEMENT_FIRST_YEAR_CONTACT_PROPOSAL,
    DurationCode.PLACEMENT_FIRST_YEAR_PROPOSAL,
    DurationCode.PLACEMENT_PRIVATE_TALK_PROPOSAL,
)
#: Every duration the stored clocks read.
CLOCK_DURATIONS = (
    *VISIT_DURATIONS,
    BASES[LegalBasis.LVM].maximum,
    DurationCode.ACUTE_COST_ALLOCATION,
)
#: ``clocks_until`` of stored clocks that nothing but a change of the placement or of the
#: organisation's rules can change.
CLOCKS_FOREVER = dt.date.max


class StoredClocks(NamedTuple):
    """A placement's stored clocks (the fields of Placement by these names), holding on the
    days from ``clocks_on`` up to, not including, ``clocks_until``."""

    visit_due_on: dt.date | None
    private_talk_due_on: dt.date | None
    contact_due_on: dt.date | None
    lvm_ends_on: dt.date | None
    cost_allocation_due_on: dt.date | None
    clocks_on: dt.date | None
    clocks_until: dt.date | None

    def holds_on(self, day: dt.date) -> bool:
        return (
            self.clocks_on is not None
            and self.clocks_until is not None
            and self.clocks_on <= day < self.clocks_until
        )


#: The stored clocks of a placement not living at its HVB: none, and nothing to hold.
NO_CLOCKS = StoredClocks(None, None, None, None, None, None, None)


def clocks_stored(placement: Placement) -> StoredClocks:
    """The placement's stored clocks, as read."""
    return StoredClocks(*(getattr(placement, name) for name in StoredClocks._fields))


def clock_values(placements: QuerySet[Placement]) -> QuerySet:
    """What the clocks read of each placement, in one query (``clocks_compute``'s
    ``values``): its pk, its placing organisation, phase, start, legal basis, acute or not,
    the person's date of birth and the last visit and private talk."""
    last_visit, last_private_talk = _last_visits()
    return placements.annotate(
        clock_last_visit=last_visit, clock_last_private_talk=last_private_talk
    ).values_list(
        "pk",
        "placing_unit__organisation_id",
        "phase",
        "start_date",
        "legal_basis",
        "acute",
        "person__date_of_birth",
        "clock_last_visit",
        "clock_last_private_talk",
    )


def clock_rules(organisations: Iterable[int]) -> OrganisationRules:
    """The rules the stored clocks read, for these organisations (ids): two queries."""
    return organisation_rules(
        organisations=organisations, durations=CLOCK_DURATIONS, switches=VISIT_SWITCHES
    )


def clocks_compute(values: Sequence, *, rules: OrganisationRules, on: dt.date) -> StoredClocks:
    """The clocks to store for a placement (``clock_values``'s row) on ``on``: those of
    ``placement_clocks``, from the same rules, and the first day they may change."""
    _pk, organisation, phase, start, basis, acute, born, last_visit, last_private_talk = values
    if phase not in LIVING_THERE or start is None:
        return NO_CLOCKS
    visit, talk = _visit_clock(
        organisation=organisation,
        start=start,
        born=born,
        on=on,
        rules=rules,
        last_visit=last_visit,
        last_private_talk=last_private_talk,
    )
    lvm = BASES[LegalBasis.LVM].maximum
    until = rules.next_change(
        organisation=organisation,
        on=on,
        durations=CLOCK_DURATIONS_ON_THE_DAY,
        switches=VISIT_SWITCHES,
    )
    adult = birthday_of(born, AGE_OF_MAJORITY)
    if adult > on:  # the private talk is for a child
        until = min(until or adult, adult)
    return StoredClocks(
        visit_due_on=visit,
        private_talk_due_on=talk,
        contact_due_on=min((day for day in (visit, talk) if day), default=None),
        lvm_ends_on=(
            rules.end(code=lvm, organisation=organisation, start=start)
            if basis == LegalBasis.LVM
            else None
        ),
        cost_allocation_due_on=(
            rules.end(
                code=DurationCode.ACUTE_COST_ALLOCATION, organisation=organisation, start=start
            )
            if acute
            else None
        ),
        clocks_on=on,
        clocks_until=until or CLOCKS_FOREVER,
    )


def review_health_check_required(*, placement: Placement, on: dt.date) -> bool:
    """Whether the review held on ``on`` must confirm that a hälsoundersökning was offered
    and a kunskapsbedömning done: the first review of a placement that began for a child,
    where the placing organisation follows SOU 2023:66's proposal on that day."""
    if placement.start_date is None or placement.person.age_on(placement.start_date) >= (
        AGE_OF_MAJORITY
    ):
        return False
    if placement.reviews.exclude(held_on=None).exists():
        return False
    return rule_switch_on(
        code=SwitchCode.FIRST_REVIEW_HEALTH_CHECK,
        organisation=_organisation_id(placement),
        on=on,
    )


# --- Every clock -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clocks:
    next_review: dt.date | None
    legal_end: dt.date | None
    lvm_end_approaching: bool
    cost_allocation_due: dt.date | None
    next_visit: dt.date | None = None
    private_talk: dt.date | None = None
    aftercare_until: dt.date | None = None


def placement_clocks(
    *, placement: Placement, on: dt.date, rules: OrganisationRules | None = None
) -> Clocks:
    """Every clock of the placement on ``on``; no next review or visit once the person has
    moved out, the end of the follow-up after the placement (the rule table's time, six
    months where the organisation follows SOU 2020:47) while it runs. ``rules``: the
    organisations' rules read once for a list (``placement_rules``)."""
    moved_out = placement.ended_on is not None
    visits = VisitClock(next_visit=None, private_talk=None)
    if placement.phase in LIVING_THERE:
        last_visit, last_private_talk = visit_dates(placement)
        visits = visit_clock(
            placement=placement,
            on=on,
            rules=placement_rules(placements=[placement]) if rules is None else rules,
            last_visit=last_visit,
            last_private_talk=last_private_talk,
        )
    return Clocks(
        next_review=None if moved_out else review_next_due(placement=placement, on=on),
        legal_end=legal_end(placement=placement),
        lvm_end_approaching=lvm_end_approaching(placement=placement, on=on),
        cost_allocation_due=acute_cost_allocation_due(placement=placement),
        next_visit=visits.next_visit,
        private_talk=visits.private_talk,
        aftercare_until=(
            placement.aftercare_until if placement.phase == Placement.Phase.AFTERCARE else None
        ),
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
            self.clocks.next_visit,
            self.clocks.private_talk,
            self.clocks.aftercare_until,
        ]
        return min((date for date in dates if date), default=None)


def placements_of_caseworker(
    *,
    user: User,
    on: dt.date,
    own_open: bool = False,
    number: str | None = None,
    words: tuple[str, ...] = (),
    phase: str = "",
    unit: Unit | None = None,
    caseworker: User | None = None,
) -> list[PlacementRow]:
    """The placements the user works in full (her units' placements she may see), open
    ones first by their next deadline, each with its clocks; with ``own_open``, only the
    open ones she is handläggare of (her start page). The list narrows to the person's
    whole personnummer (``number``) or the words of a name, a phase, a placing unit and a
    handläggare."""
    placements = placements_for_user(user=user)
    if number:
        placements = placements.filter(person__personal_identity_number=number)
    for word in words:
        placements = placements.filter(
            Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word)
        )
    if phase:
        placements = placements.filter(phase=phase)
    if unit is not None:
        placements = placements.filter(placing_unit=unit)
    if caseworker is not None:
        placements = placements.filter(caseworker=caseworker)
    if own_open:
        placements = placements.filter(caseworker=user).exclude(phase__in=Placement.ENDED)
    elif not user.is_superuser:
        placements = placements.filter(
            placing_unit__in=Membership.objects.filter(user=user, role__in=CASE_ROLES).values(
                "unit_id"
            )
        )
    placements = list(with_visit_dates(placements).order_by("-opened_at", "-pk"))
    rules = placement_rules(placements=placements)
    rows = [
        PlacementRow(
            placement=placement, clocks=placement_clocks(placement=placement, on=on, rules=rules)
        )
        for placement in placements
    ]
    return sorted(
        rows,
        key=lambda row: (
            row.placement.phase in Placement.ENDED,
            row.next_deadline or dt.date.max,
        ),
    )


def placement_filter_choices(*, user: User) -> tuple[QuerySet[Unit], QuerySet[User]]:
    """The placing units and handläggare of the placements the user may see in full: what
    the placement list can be narrowed to (two queries)."""
    visible = placements_for_user(user=user).order_by().values("pk")
    placements = Placement.objects.filter(pk__in=visible)
    units = (
        Unit.objects.filter(pk__in=placements.values("placing_unit"))
        .select_related("organisation")
        .order_by("name")
    )
    caseworkers = User.objects.filter(pk__in=placements.values("caseworker")).order_by(
        "last_name", "first_name"
    )
    return units, caseworkers


def placements_of_user(*, user: User) -> list[PlacementRow]:
    """Start page: the open placements the user is handläggare of, the nearest deadline
    first."""
    return placements_of_caseworker(user=user, on=timezone.localdate(), own_open=True)


def implementation_plans_to_write(*, user: User) -> QuerySet[Placement]:
    """HVB staff's start page: the youths placed in the user's HVB whose genomförandeplan
    is not written yet."""
    written = CarePlanVersion.objects.filter(
        placement=OuterRef("pk"), kind=CarePlanVersion.Kind.IMPLEMENTATION_PLAN
    )
    return (
        placements_in_users_hvb(user=user)
        .filter(phase=Placement.Phase.PLACED, start_date__isnull=False)
        .exclude(Exists(written))
    )


def user_tasks(*, user: User) -> list:
    """Start page: the user's placement tasks (her Inkorg)."""
    from cases.tasks import user_task_rows

    from .access import visible_process_ids
    from .flows import PlacementFlow

    return user_task_rows(
        user=user,
        flow_class=PlacementFlow,
        visible_process_ids=visible_process_ids,
        case="placement",
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


def review_notice_start(*, review: Review, rules: OrganisationRules | None = None) -> dt.date:
    """From when a review is due (the notice before its date, directory.durations).
    ``rules``: the organisations' own notices read once for a list."""
    code, organisation = DurationCode.PLACEMENT_REVIEW_NOTICE, _organisation_id(review.placement)
    if rules is None:
        days = duration_for(code=code, organisation=organisation, on=review.due_on)
    else:
        days = rules.duration(code=code, organisation=organisation, on=review.due_on)
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


def _placement_visible(user: User, case_id: str = "pk", own_unit: str | None = None) -> IsNull | Q:
    """The placements the user may see (``placements_for_user``'s grants, the health-only
    grant aside), asked of each row: a list checks only the rows it reads. The placing
    unit (``own_unit``, the row's own column when the row is the placement) passes on its
    own (cases.selectors.case_visible)."""
    return case_visible(
        user=user,
        case_kind=CASE_KIND,
        case_id=case_id,
        roles=PLACEMENT_ROLES,
        sources_excluded=[HEALTH_SOURCE],
        own_unit=own_unit or ("placing_unit_id" if case_id == "pk" else None),
    )


def _led(*, user: User, units) -> QuerySet[Placement]:
    """Running placements of these units that the user may see (one SQL filter)."""
    return (
        Placement.objects.filter(placing_unit__in=units, phase__in=RUNNING)
        .filter(_placement_visible(user))
        .select_related("person", "placing_unit", "hvb_unit")
    )


#: The review notice's largest value (directory.durations): no review due later is listed.
REVIEW_NOTICE_MAX_DAYS = 90


def _days_ranges(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted days as the runs of consecutive days they form, (first, last) each."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and runs[-1][1] + dt.timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _reviews_in_notice(*, units: list[Unit], today: dt.date) -> Q:
    """The reviews of placements of these units that are due on ``today`` (their notice,
    directory.durations, has begun) or overdue, as one filter: for each organisation the
    days ahead whose review's notice has begun (the notice in force on the review's date,
    read once for every organisation: ``review_notice_start``'s answer).

    The units of one organisation (every kommun chef's) whose notice days follow today
    without a gap read as one range, ``due_on`` up to the last of them: the units' partial
    index (``review_open_unit_due``) reads it as one range, where an OR of ranges made
    PostgreSQL read every review in them and hash every placement of the country to join
    them."""
    code = DurationCode.PLACEMENT_REVIEW_NOTICE
    by_organisation: dict[int, list[int]] = {}
    for unit in units:
        by_organisation.setdefault(unit.organisation_id, []).append(unit.pk)
    rules = organisation_rules(organisations=by_organisation, durations=[code])
    last_due = today
    ahead_of: Q = Q()
    for organisation, unit_ids in by_organisation.items():
        ahead = [
            day
            for n in range(1, REVIEW_NOTICE_MAX_DAYS + 1)
            if (day := today + dt.timedelta(days=n))
            - dt.timedelta(days=rules.duration(code=code, organisation=organisation, on=day))
            <= today
        ]
        for first, last in _days_ranges(ahead):
            if len(by_organisation) == 1 and first == today + dt.timedelta(days=1):
                last_due = last  # the units are the query's own: no need to name them
            else:
                ahead_of |= Q(placing_unit__in=unit_ids, due_on__range=(first, last))
    return Q(due_on__lte=last_due) | ahead_of


def reviews_due_query(*, user: User, units, today: dt.date) -> QuerySet[Review]:
    """Open reviews of the placements of these units that are due (within their notice) or
    overdue, of the placements the user may see, each checked as it is read
    (``overview_due``: the review's date).

    An open review is a placement's whose person lives at the HVB: one is scheduled at the
    move-in and after each review (``review_schedule``) and the move out deletes it
    (``placement_end``). So the list reads the reviews alone, from the units' partial index,
    without joining the placements to ask their phase: PostgreSQL, misjudging how many
    reviews a large kommun has, hashed every running placement of the country for that
    join."""
    units = list(units)
    return (
        Review.objects.filter(held_on__isnull=True, placing_unit__in=units)
        .filter(_reviews_in_notice(units=units, today=today))
        .filter(_placement_visible(user, case_id="placement_id", own_unit="placing_unit_id"))
        .annotate(overview_due=F("due_on"))
        .select_related("placement__person", "placement__placing_unit")
    )


def reviews_due(*, user: User, units, today: dt.date) -> list[Review]:
    """``reviews_due_query``, evaluated: the most overdue first."""
    return list(reviews_due_query(user=user, units=units, today=today).order_by("due_on", "pk"))


#: The placements living at their HVB: those with clocks (the stored clocks' indexes).
LIVING_AT_HVB = Q(phase__in=LIVING_THERE, start_date__isnull=False)


def clocks_holding(on: dt.date) -> Q:
    """The placements whose stored clocks hold on ``on`` (StoredClocks.holds_on)."""
    return Q(clocks_on__lte=on, clocks_until__gt=on)


def clocks_not_holding(on: dt.date) -> Q:
    """The placements whose stored clocks do not hold on ``on`` (none stored, or stored
    for other days)."""
    return Q(clocks_until__isnull=True) | Q(clocks_until__lte=on) | Q(clocks_on__gt=on)


def _clocked_query(
    *,
    user: User,
    units,
    today: dt.date,
    due: str,
    late: Q,
    is_late,
    narrowed: Q | None = None,
    shown: Sequence[str] = (),
) -> QuerySet[Placement]:
    """The placements of these units living at their HVB that ``narrowed`` admits and the
    user may see, whose clock ``due`` (a stored clock, StoredClocks) is late (``late`` in
    SQL, ``is_late`` of a date in Python), with ``overview_due`` that date and
    ``today_<name>`` each clock ``shown`` as it holds today (``late_<name>`` where it is
    before today).

    Read from the stored clocks through their partial index where they hold today; for the
    placements whose stored clocks do not (a rule changed, the tick has not yet run) the
    clocks are computed here, in one query reading which they are (an index-only read, none
    once the tick has run), one their values and two the rules, and given to the query as
    values: the list is right before the tick, and as fast as its index once the tick has
    stored them."""
    units = list(units)
    of_units = Placement.objects.filter(LIVING_AT_HVB, placing_unit__in=units)
    living = of_units.filter(narrowed or Q())
    computed: dict[int, StoredClocks] = {}
    # Which of the units' placements have clocks that do not hold: read from their index
    # alone (placement_clocks_until: the unit, the days they hold), none once the tick has
    # run. Asked together with ``narrowed`` or the clocks' values, PostgreSQL reads every
    # living placement of the units (it estimates from the whole table, where the ended
    # placements have no clocks, that most do not hold): 4 to 8 ms for a largest kommun.
    stale = list(of_units.filter(clocks_not_holding(today)).values_list("pk", flat=True))
    not_holding = list(clock_values(living.filter(pk__in=stale))) if stale else []
    if not_holding:
        rules = clock_rules({row[1] for row in not_holding})
        for row in not_holding:
            clocks = clocks_compute(row, rules=rules, on=today)
            day = getattr(clocks, due)
            if day is not None and is_late(day):
                computed[row[0]] = clocks

    def today_value(name: str):
        if not computed:
            return F(name)
        return Case(
            *(When(pk=pk, then=Value(getattr(clocks, name))) for pk, clocks in computed.items()),
            default=F(name),
            output_field=DateField(),
        )

    return (
        living.filter((clocks_holding(today) & late) | Q(pk__in=list(computed)))
        .filter(_placement_visible(user))
        .annotate(
            overview_due=today_value(due),
            **{f"today_{name}": today_value(name) for name in shown},
        )
        .annotate(
            **{
                f"late_{name}": Case(
                    When(**{f"today_{name}__lt": today}, then=F(f"today_{name}")),
                    default=None,
                    output_field=DateField(),
                )
                for name in shown
            }
        )
        .select_related("person", "placing_unit", "hvb_unit")
    )


def visits_overdue_query(*, user: User, units, today: dt.date) -> QuerySet[Placement]:
    """Placements of these units, the person living at the HVB, whose next follow-up visit
    (or, where the organisation follows SOU 2023:66, private talk with the child) is past,
    of the placements the user may see: ``overview_due`` the earlier of the two dates, and
    each one that is late (``late_visit_due_on``, ``late_private_talk_due_on``; none where
    it is not)."""
    return _clocked_query(
        user=user,
        units=units,
        today=today,
        due="contact_due_on",
        late=Q(contact_due_on__lt=today),
        is_late=lambda day: day < today,
        shown=("visit_due_on", "private_talk_due_on"),
    )


#: ``visits_overdue_query``, evaluated: the longest overdue first.
visits_overdue = overview_rows_from_query(visits_overdue_query)


def placement_visits(*, placement: Placement) -> QuerySet[FollowUpVisit]:
    """The placement's follow-up visits, newest first, with who recorded them."""
    return placement.visits.select_related("recorded_by").order_by("-visited_on", "-pk")


def lvm_ends_query(*, user: User, units, today: dt.date) -> QuerySet[Placement]:
    """LVM placements of these units whose end (``overview_due``: the start plus the
    longest care, LVM 20 §) is within its warning window or past."""
    return _clocked_query(
        user=user,
        units=units,
        today=today,
        due="lvm_ends_on",
        late=Q(lvm_ends_on__lte=today + dt.timedelta(days=LVM_END_WARNING_DAYS)),
        is_late=lambda end: lvm_end_near(end=end, on=today),
        narrowed=Q(legal_basis=LegalBasis.LVM),
    )


#: ``lvm_ends_query``, evaluated: the nearest end first.
lvm_ends_approaching = overview_rows_from_query(lvm_ends_query)


def cost_allocations_overdue_query(*, user: User, units, today: dt.date) -> QuerySet[Placement]:
    """Acute placements of these units whose cost allocation is not approved on both sides
    after its due date (``overview_due``; never a block: the list and the escalation only)."""
    return _clocked_query(
        user=user,
        units=units,
        today=today,
        due="cost_allocation_due_on",
        late=Q(cost_allocation_due_on__lt=today),
        is_late=lambda due: due < today,
        narrowed=Q(acute=True)
        & (
            Q(cost_allocation__isnull=True)
            | Q(cost_allocation__approved_by_kommun__isnull=True)
            | Q(cost_allocation__approved_by_region__isnull=True)
        ),
    )


#: ``cost_allocations_overdue_query``, evaluated: the longest overdue first.
cost_allocations_overdue = overview_rows_from_query(cost_allocations_overdue_query)


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


# --- The SIP of a placement (placement.services.sip, placement.links) ------------------------

#: The phases in which a SIP is linked or started: from the utredning to the end of the
#: aftercare (the insatser that go on are followed up in it).
LINKABLE = tuple(phase for phase in Placement.Phase.values if phase not in Placement.ENDED)


def placement_sip_consent(
    *, placement: Placement, at: dt.datetime, plan: SipPlan | None = None
) -> Decision:
    """The SIP's consent policy (sipflow.coverage), never the placement's: for a new SIP,
    the person's consent to a SIP naming the placing unit; for an open ``plan``, its own
    parties and information with the placing unit besides. An LVU or LVM placement needs no
    consent, but a SIP does."""
    if plan is None:
        return sip_consent_check(person=placement.person, at=at, units=[placement.placing_unit])
    return plan_consent_check(
        plan=plan,
        at=at,
        units=[plan.started_unit, *plan.invited_units.all(), placement.placing_unit],
    )


@dataclass(frozen=True)
class PlacementSip:
    """The placement's SIP as its page shows it: the linked SIP (``plan``) and whether the
    user may open it; else whether a SIP may be linked or started, the consent policy's
    answer for a new one, and the person's open SIPs the user may see."""

    plan: SipPlan | None
    plan_visible: bool
    may_link: bool
    decision: Decision | None
    open_plans: list[SipPlan]
    #: The placement rests on LVU or LVM: no consent for the care, but one for a SIP.
    compulsory: bool = False


def open_sips_to_link(*, placement: Placement, user: User) -> QuerySet[SipPlan]:
    """The person's open SIPs the user may see, newest first."""
    return (
        plans_visible_to(user=user)
        .filter(person_id=placement.person_id)
        .exclude(phase__in=SipPlan.ENDED)
        .order_by("-started_at", "-pk")
    )


def placement_sip(*, placement: Placement, user: User, at: dt.datetime) -> PlacementSip:
    plan = (
        SipPlan.objects.select_related("started_unit", "lead_unit")
        .filter(pk=placement.sip_plan_id)
        .first()
        if placement.sip_plan_id
        else None
    )
    visible = plan is not None and plans_visible_to(user=user).filter(pk=plan.pk).exists()
    may_link = placement.phase in LINKABLE and (plan is None or not plan.is_open)
    return PlacementSip(
        plan=plan,
        plan_visible=visible,
        may_link=may_link,
        decision=placement_sip_consent(placement=placement, at=at) if may_link else None,
        open_plans=list(open_sips_to_link(placement=placement, user=user)) if may_link else [],
        compulsory=placement.legal_basis in BASES and BASES[placement.legal_basis].compulsory,
    )


# --- The chef's lists given by a query (cases.registry.OverviewRows.query) -------------------


def consents_ended_query(*, user: User, units, today: dt.date) -> QuerySet[Placement]:
    """``consents_ended`` unevaluated, due since the consent ended."""
    return (
        _led(user=user, units=units)
        .filter(legal_basis=LegalBasis.SOL, consent_ended_on__isnull=False)
        .annotate(overview_due=F("consent_ended_on"))
    )


def handovers_open_query(*, user: User, units, today: dt.date) -> QuerySet[RegionHandover]:
    """``handovers_open`` unevaluated, due since the handover started."""
    return (
        RegionHandover.objects.filter(
            confirmed_at__isnull=True, placement__in=_led(user=user, units=units)
        )
        .annotate(overview_due=F("started_on"))
        .select_related("placement__person", "from_region", "to_region")
    )


def health_exams_not_done_query(
    *, user: User, units, today: dt.date
) -> QuerySet[HealthExamRequest]:
    """Hälsoundersökningar not done (neither done nor declined) after their date: asked by
    these units for their placements (a kommun chef), or asked of these units (a region
    chef: what her units left undone, while their health-only grant holds). Due on the date
    the examination was to be offered."""
    asked = grants_in_force(user=user).filter(
        case_kind=CASE_KIND,
        source=HEALTH_SOURCE,
        case_id=OuterRef("placement_id"),
        unit_id=OuterRef("region_unit_id"),
    )
    return (
        HealthExamRequest.objects.exclude(outcome__in=HealthExamRequest.FINAL)
        .filter(due_on__lt=today)
        .filter(
            Q(placement__in=_led(user=user, units=units).values("pk"))
            | Q(region_unit__in=units, placement__phase__in=RUNNING) & Exists(asked)
        )
        .annotate(overview_due=F("due_on"))
        .select_related("placement__person", "placement__placing_unit", "region_unit")
    )


def placements_open_query(*, user: User, units, today: dt.date) -> QuerySet[Placement]:
    """Placements of these units not ended (utredning to aftercare) that the user may see
    (the workload per handläggare)."""
    return (
        Placement.objects.filter(placing_unit__in=units)
        .exclude(phase__in=Placement.ENDED)
        .filter(_placement_visible(user))
    )


def handover_health_units(*, handover: RegionHandover, user: User) -> QuerySet[Unit]:
    """The units of the new region where ``user`` works with cases: the one that confirms
    the handover chooses among them who takes over a hälsoundersökning still asked of the
    old region."""
    return Unit.objects.filter(
        organisation=handover.to_region_id, memberships__user=user, memberships__role__in=CASE_ROLES
    ).distinct()


def handover_open_health_requests(*, handover: RegionHandover) -> QuerySet[HealthExamRequest]:
    """The placed child's hälsoundersökningar still asked of a unit of the old region: the
    care the new region takes over with the handover."""
    return handover.placement.health_exam_requests.exclude(
        outcome__in=HealthExamRequest.FINAL
    ).filter(region_unit__organisation=handover.from_region_id)
