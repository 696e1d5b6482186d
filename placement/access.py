"""Who may see a placement: the placing unit's staff with a case role, and the HVB unit's
staff (HVB-personal too) through the placement's grants (placement.grants). One SQL filter
over the grants, whatever the number of placements. Region staff see only what they are
asked to do, never the placement: a region unit asked for a hälsoundersökning that request
(``health_request_access``), the old and the new region a handover
(``handover_access``)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q, QuerySet

from cases.selectors import grants_in_force
from directory.models import Membership, Organisation, Unit, User
from directory.selectors import CASE_ROLES, user_case_unit_ids

from .grants import CASE_KIND, HEALTH_SOURCE, HVB_SOURCES
from .models import HealthExamRequest, Placement, RegionHandover

#: The roles a placement's grants reach: the case roles, and the HVB's own staff.
PLACEMENT_ROLES = (*CASE_ROLES, Membership.Role.HVB_STAFF)


def case_person_ids(user: User) -> QuerySet:
    """For directory.access: the persons whose placements the user may see (ids)."""
    if user.is_superuser and user.is_active:
        return Placement.objects.order_by().values("person_id")
    return placement_grants_of(user).values("person_id")


def placement_grants_of(user: User) -> QuerySet:
    """The placement grants that reach the user, without the health-only ones (those reach
    a hälsoundersökning request, not the placement or its person)."""
    return (
        grants_in_force(user=user, roles=PLACEMENT_ROLES)
        .filter(case_kind=CASE_KIND)
        .exclude(source=HEALTH_SOURCE)
    )


def unit_case_person_ids(unit: Unit) -> QuerySet:
    """For directory.access: the persons whose placements the unit opened (ids)."""
    return Placement.objects.filter(placing_unit=unit).order_by().values("person_id")


OWN, HVB, ADMIN, REGION = "own", "hvb", "admin", "region"
#: How region staff see a region handover: the old region hands over, the new one confirms.
OLD_REGION, NEW_REGION = "old_region", "new_region"


def placement_access(*, user: User, placement: Placement) -> str | None:
    """How the user may see this placement: in full (OWN: staff with a case role in the
    placing unit; ADMIN: a superuser, in an emergency), as its HVB (HVB: staff of an HVB
    whose grant holds today, the HVB the person lives at or, after a change of HVB dated
    ahead, the one the person leaves until the day before: no utredning, no cost
    allocation), or not at all (None). Both rest on the placement's grants."""
    return placements_access(user=user, placements=[placement]).get(placement.pk)


def placements_access(*, user: User, placements: Sequence[Placement]) -> dict[int, str]:
    """``placement_access`` for each of these placements, by pk, leaving out those the user
    may not see: two queries whatever their number."""
    if not user.is_authenticated or not user.is_active or not placements:
        return {}
    if user.is_superuser:
        return {placement.pk: ADMIN for placement in placements}
    reaching: dict[int, list[tuple[int, str]]] = {}
    rows = (
        placement_grants_of(user)
        .filter(case_id__in=[placement.pk for placement in placements])
        .values_list("case_id", "unit_id", "source")
    )
    for case_id, unit, source in rows:
        reaching.setdefault(case_id, []).append((unit, source))
    if not reaching:
        return {}
    own_units = set(user_case_unit_ids(user=user).values_list("pk", flat=True))
    found = {}
    for placement in placements:
        grants = reaching.get(placement.pk)
        if not grants:
            continue
        if placement.placing_unit_id in own_units and any(
            unit == placement.placing_unit_id for unit, _source in grants
        ):
            found[placement.pk] = OWN
        elif any(source in HVB_SOURCES for _unit, source in grants):
            found[placement.pk] = HVB
    return found


def hvb_unit_of(*, user: User, placement: Placement) -> int | None:
    """The HVB unit through which the user sees the placement today (its grant's unit), or
    None: what the HVB's staff write, they write for that unit."""
    return (
        placement_grants_of(user)
        .filter(case_id=placement.pk, source__in=HVB_SOURCES)
        .order_by("pk")
        .values_list("unit_id", flat=True)
        .first()
    )


def health_request_access(*, user: User, request: HealthExamRequest) -> str | None:
    """How the user may see a hälsoundersökning request: as the placement's own (OWN,
    ADMIN), as staff of the region unit asked while its health-only grant holds (REGION),
    or not at all."""
    kind = placement_access(user=user, placement=request.placement)
    if kind in (OWN, ADMIN):
        return kind
    asked = (
        grants_in_force(user=user)
        .filter(
            case_kind=CASE_KIND,
            case_id=request.placement_id,
            unit_id=request.region_unit_id,
            source=HEALTH_SOURCE,
        )
        .exists()
    )
    return REGION if asked else None


def is_region_staff(*, user: User, region: Organisation | int) -> bool:
    """Staff with a case role in one of the region's units."""
    return Membership.objects.filter(
        user=user, role__in=CASE_ROLES, unit__organisation=region
    ).exists()


def handover_access(*, user: User, handover: RegionHandover) -> str | None:
    """How the user may see a region handover: as the placement's own (OWN, ADMIN), as the
    new region's staff (NEW_REGION: they confirm), as the old region's staff while it is not
    confirmed (OLD_REGION: they hand over), or not at all. Region staff see the handover
    only, never the placement."""
    kind = placement_access(user=user, placement=handover.placement)
    if kind in (OWN, ADMIN):
        return kind
    if is_region_staff(user=user, region=handover.to_region_id):
        return NEW_REGION
    if handover.open and is_region_staff(user=user, region=handover.from_region_id):
        return OLD_REGION
    return None


def process_visible(*, user: User, process_pk: int) -> bool:
    """viewflow's process pages (the process, its chart): for those who see the placement
    in full. The region's approvers see only their own step's pages (``task_visible``)."""
    placement = Placement.objects.filter(process_id=process_pk).first()
    if placement is None:
        return False
    return placement_access(user=user, placement=placement) in (OWN, ADMIN)


def task_visible(*, user: User, process_pk: int, task_pk: int) -> bool:
    """viewflow's pages of one task: every task for those who see the placement in full;
    the region's approval of the cost allocation also for the region's approvers it is
    queued for (they see that step, never the placement's other steps)."""
    from viewflow.workflow.models import Task

    from .flows import PlacementFlow

    if process_visible(user=user, process_pk=process_pk):
        return True
    task = Task.objects.filter(
        pk=task_pk, process_id=process_pk, flow_task=PlacementFlow.approve_region
    ).first()
    return task is not None and user.has_perm(task.owner_permission)


def visible_process_ids(*, user: User) -> QuerySet:
    """The viewflow processes of the placements the user sees in full, or is asked to
    approve for the region (a ``values`` QuerySet)."""
    from viewflow.workflow.models import Task

    from .flows import PlacementFlow

    own = Placement.objects.filter(process__isnull=False)
    if not (user.is_superuser and user.is_active):
        own = own.filter(
            pk__in=grants_in_force(user=user)
            .filter(case_kind=CASE_KIND)
            .exclude(source=HEALTH_SOURCE)
            .values("case_id"),
            placing_unit__in=user_case_unit_ids(user=user),
        )
    perms = user.get_all_permissions() if user.is_active else set()
    asked = Task.objects.filter(
        flow_task=PlacementFlow.approve_region, owner_permission__in=perms
    ).values("process_id")
    return (
        Placement.objects.filter(Q(pk__in=own.values("pk")) | Q(process_id__in=asked))
        .order_by()
        .values("process_id")
    )


def cost_allocation_access(*, user: User, placement: Placement) -> bool:
    """Whether the user may read the placement's written cost allocation (kostnadsfördelning),
    an annex the person never sees: those who see the placement in full, and staff with a
    case role in an organisation party to it (a paying kommun or region, or the placing
    kommun's region, whose approver it is queued for). Never the HVB."""
    from .models import CostAllocation

    if placement_access(user=user, placement=placement) in (OWN, ADMIN):
        return True
    allocation = CostAllocation.objects.filter(placement=placement).first()
    if allocation is None:
        return False
    parties = set(allocation.rows.values_list("paying_organisation_id", flat=True))
    region = placement.placing_unit.organisation.region_id
    parties |= {placement.placing_unit.organisation_id, *([region] if region else [])}
    return Membership.objects.filter(
        user=user, role__in=CASE_ROLES, unit__organisation__in=parties
    ).exists()
