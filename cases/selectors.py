"""Reads of access grants: which cases and persons a user may see on a day, as QuerySets to
use as subqueries (one indexed SQL filter, whatever the number of cases)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull
from django.utils import timezone

from directory.models import User
from directory.selectors import CASE_ROLES, user_case_unit_ids

from .models import AccessGrant

#: Inside ``case_units_read_once``: each user's case units, read once (by user and roles).
_case_units_memo: ContextVar[dict | None] = ContextVar("case_units_memo", default=None)


@contextmanager
def case_units_read_once(memo: dict | None = None) -> Iterator[None]:
    """Within the block, the grants' filters read each user's case units
    (``user_case_unit_ids``) once, into ``memo`` (a new one if none is given; a reader
    keeps its own across its reads), and name them as constants: the planner then knows
    which units, and a list of the chef's overview reads them in one query for all its
    lists. Outside any such block the units are a subquery, read afresh by every
    statement."""
    token = _case_units_memo.set({} if memo is None else memo)
    try:
        yield
    finally:
        _case_units_memo.reset(token)


def _case_units(*, user: User, roles: Sequence[str]) -> QuerySet | list[int]:
    """The units whose grants reach the user (``user_case_unit_ids``): a subquery, or the
    ids themselves inside ``case_units_read_once``."""
    memo = _case_units_memo.get()
    if memo is None:
        return user_case_unit_ids(user=user, roles=roles)
    key = (user.pk, tuple(roles))
    if key not in memo:
        memo[key] = sorted(user_case_unit_ids(user=user, roles=roles).values_list("pk", flat=True))
    return memo[key]


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
    units = _case_units(user=user, roles=roles)
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


def case_visible(
    *,
    user: User,
    case_kind: str,
    case_id: str = "pk",
    on: dt.date | None = None,
    roles: Sequence[str] = CASE_ROLES,
    sources_excluded: Sequence[str] = (),
    own_unit: str | None = None,
) -> IsNull | Q:
    """A filter for rows whose case (of this kind, its id at the path ``case_id`` of the
    rows) the user may see on ``on``: the same grants as ``visible_case_ids``, less those
    from ``sources_excluded``, asked of each row the statement reads (the grants' index on
    the case), so a list ordered by its partial index checks only the rows it reads.

    ``own_unit`` is the path of the case's own unit (the unit that started it), to which
    every process grants the case in full, for all its staff and without an end
    (``AccessGrant.Kind.OWN``): a row whose own unit is one of the user's units passes on
    that column alone, and the grants are asked only of the rest. A chef's count of her
    units' thousands of cases then asks the grants of those led from elsewhere only.

    It is a scalar subquery (the first such grant, if any), not ``pk IN`` nor ``EXISTS``:
    PostgreSQL turns both of those into a join it may run by hashing every grant of the
    user's units first (a large kommun's hundreds of thousands at national scale, for a
    page of 50 rows); a correlated scalar subquery it runs once per row, by the index."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    grants = grants_in_force(user=user, on=on, roles=roles).filter(
        case_kind=case_kind, case_id=OuterRef(case_id)
    )
    if sources_excluded:
        grants = grants.exclude(source__in=sources_excluded)
    # The case's id, not the grant's: the index ``cases_grant_case_check`` answers alone.
    granted = IsNull(Subquery(grants.order_by().values("case_id")[:1]), False)
    if own_unit is None:
        return granted
    return Q(**{f"{own_unit}__in": _case_units(user=user, roles=roles)}) | granted


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
