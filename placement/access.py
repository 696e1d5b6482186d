"""Who may see a placement: the placing unit's staff with a case role, and the HVB unit's
staff (HVB-personal too) through the placement's grants (placement.grants). One SQL filter
over the grants, whatever the number of placements."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.selectors import visible_person_ids
from directory.models import Membership, Unit, User
from directory.selectors import CASE_ROLES

from .grants import CASE_KIND
from .models import Placement

#: The roles a placement's grants reach: the case roles, and the HVB's own staff.
PLACEMENT_ROLES = (*CASE_ROLES, Membership.Role.HVB_STAFF)


def case_person_ids(user: User) -> QuerySet:
    """For directory.access: the persons whose placements the user may see (ids)."""
    if user.is_superuser and user.is_active:
        return Placement.objects.order_by().values("person_id")
    return visible_person_ids(user=user, case_kind=CASE_KIND, roles=PLACEMENT_ROLES)


def unit_case_person_ids(unit: Unit) -> QuerySet:
    """For directory.access: the persons whose placements the unit opened (ids)."""
    return Placement.objects.filter(placing_unit=unit).order_by().values("person_id")
