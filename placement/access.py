"""Who may see a placement: the placing unit's staff with a case role, and the HVB unit's
staff (HVB-personal too) through the placement's grants (placement.grants). One SQL filter
over the grants, whatever the number of placements. A region unit asked for a
hälsoundersökning sees that request only (``health_request_access``), never the placement."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q, QuerySet

from cases.selectors import grants_in_force
from directory.models import Membership, Unit, User
from directory.selectors import CASE_ROLES

from .grants import CASE_KIND, HEALTH_SOURCE
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


def placement_access(*, user: User, placement: Placement) -> str | None:
    """How the user may see this placement: in full (OWN: staff with a case role in the
    placing unit; ADMIN: a superuser, in an emergency), as its HVB (HVB: the HVB's staff,
    while the HVB's grant holds: no utredning, no cost allocation), or not at all (None).
    Both rest on the placement's grants."""
    return placements_access(user=user, placements=[placement]).get(placement.pk)


def placements_access(*, user: User, placements: Sequence[Placement]) -> dict[int, str]:
    """``placement_access`` for each of these placements, by pk, leaving out those the user
    may not see: two queries whatever their number."""
    if not user.is_authenticated or not user.is_active or not placements:
        return {}
    if user.is_superuser:
        return {placement.pk: ADMIN for placement in placements}
    granted = set(
        placement_grants_of(user)
        .filter(case_id__in=[placement.pk for placement in placements])
        .values_list("case_id", flat=True)
    )
    if not granted:
        return {}
    roles = list(Membership.objects.filter(user=user).values_list("unit_id", "role"))
    found = {}
    for placement in placements:
        if placement.pk not in granted:
            continue
        if any(unit == placement.placing_unit_id and role in CASE_ROLES for unit, role in roles):
            found[placement.pk] = OWN
        elif placement.hvb_unit_id and any(unit == placement.hvb_unit_id for unit, _r in roles):
            found[placement.pk] = HVB
    return found


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


def is_new_region_staff(*, user: User, handover: RegionHandover) -> bool:
    """Staff with a case role in a unit of the region that takes over (they confirm)."""
    return Membership.objects.filter(
        user=user, role__in=CASE_ROLES, unit__organisation=handover.to_region_id
    ).exists()


def process_visible(*, user: User, process_pk: int) -> bool:
    """viewflow's process and task pages: for those who see the placement in full, and for
    the region's approvers once the region's approval of the cost allocation is asked."""
    from viewflow.workflow.models import Task

    from .flows import PlacementFlow

    placement = Placement.objects.filter(process_id=process_pk).first()
    if placement is None:
        return False
    if placement_access(user=user, placement=placement) in (OWN, ADMIN):
        return True
    asked = Task.objects.filter(process_id=process_pk, flow_task=PlacementFlow.approve_region)
    return any(user.has_perm(task.owner_permission) for task in asked)


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
            placing_unit__memberships__user=user,
            placing_unit__memberships__role__in=CASE_ROLES,
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
