"""Per-unit task permissions for viewflow's queues, for every process.

A human task queued for a unit carries the permission ``cases.unit_<pk>`` (or
``cases.organisation_<pk>`` for a huvudman: a SIP kallelse to a region as a whole). This
backend grants those to the members of the unit (or of any unit of the organisation) who
work with cases, so viewflow's own queue, assign and execute checks route each task to the
right unit.
"""

from __future__ import annotations

from directory.models import Membership
from directory.selectors import CASE_ROLES


def unit_permission(unit_pk: int) -> str:
    return f"cases.unit_{unit_pk}"


def organisation_permission(organisation_pk: int) -> str:
    return f"cases.organisation_{organisation_pk}"


class UnitPermissionBackend:
    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_case_unit_perms"):
            rows = Membership.objects.filter(user=user_obj, role__in=CASE_ROLES).values_list(
                "unit_id", "unit__organisation_id"
            )
            user_obj._case_unit_perms = {unit_permission(unit) for unit, _ in rows} | {
                organisation_permission(organisation) for _, organisation in rows
            }
        return user_obj._case_unit_perms

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj)
