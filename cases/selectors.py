"""Reads of access grants: which cases and persons a user may see on a day, as QuerySets to
use as subqueries (one indexed SQL filter, whatever the number of cases)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q, QuerySet
from django.utils import timezone

from directory.models import User
from directory.selectors import CASE_ROLES, user_case_unit_ids

from .models import AccessGrant


def grants_in_force(
    *, user: User, on: dt.date | None = None, roles: Sequence[str] = CASE_ROLES
) -> QuerySet[AccessGrant]:
    """The grants that reach the user on ``on`` (today by default): grants to a unit where
    the user has one of ``roles`` (a case role by default; a placement also reaches HVB
    staff), or to a unit under one the user is chef of (directory.selectors
    ``user_case_unit_ids``), for all its staff or for the user alone."""
    if not user.is_authenticated or not user.is_active:
        return AccessGrant.objects.none()
    on = on or timezone.localdate()
    units = user_case_unit_ids(user=user, roles=roles)
    return AccessGrant.objects.filter(unit__in=units, valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        Q(user__isnull=True) | Q(user=user),
    )


def visible_case_ids(
    *, user: User, case_kind: str, on: dt.date | None = None, roles: Sequence[str] = CASE_ROLES
) -> QuerySet:
    """The ids of the cases of this kind the user may see on ``on`` (a ``values`` QuerySet)."""
    return (
        grants_in_force(user=user, on=on, roles=roles).filter(case_kind=case_kind).values("case_id")
    )


def visible_person_ids(
    *,
    user: User,
    on: dt.date | None = None,
    case_kind: str | None = None,
    roles: Sequence[str] = CASE_ROLES,
) -> QuerySet:
    """The ids of the persons whose cases (of ``case_kind``, or of any kind) the user may
    see on ``on`` (a ``values`` QuerySet)."""
    grants = grants_in_force(user=user, on=on, roles=roles)
    if case_kind is not None:
        grants = grants.filter(case_kind=case_kind)
    return grants.values("person_id")
