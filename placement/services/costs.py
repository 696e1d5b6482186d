"""Skriftlig kostnadsfördelning between kommun and region (004 ≈L1302-1335): written by the
placing unit, approved by one named person on each side."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import InvalidState, NotParty
from cases.history import history_counted
from directory.models import Membership, Organisation, User
from directory.selectors import CASE_ROLES

from ..models import CostAllocation, CostAllocationRow, Placement
from .base import history, locked, now, require_party, require_phase, step

COST_ALLOCATION_WRITTEN = history_counted(
    "Kostnadsfördelning upprättad (%(count)s rad).",
    "Kostnadsfördelning upprättad (%(count)s rader).",
)

#: The phases in which the cost allocation is written and approved (an acute placement's
#: after the start).
OPEN_PHASES = (
    Placement.Phase.INVESTIGATING,
    Placement.Phase.PROPOSED,
    Placement.Phase.DECIDED,
    Placement.Phase.PLACED,
    Placement.Phase.ENDING,
)

KOMMUN, REGION = Organisation.Kind.MUNICIPALITY, Organisation.Kind.REGION


@dataclass(frozen=True)
class CostRow:
    what: str
    paying_organisation: Organisation
    valid_from: dt.date
    valid_until: dt.date | None = None
    amount_per_day: Decimal | None = None
    share_percent: Decimal | None = None


def cost_allocation_create(
    *,
    placement: Placement,
    by: User,
    rows: Sequence[CostRow],
    activation=None,
    at: dt.datetime | None = None,
) -> CostAllocation:
    """Write the cost allocation's rows (what, who pays - a kommun or a region -, from and
    to, an amount per dygn or a share). Replaces one not yet approved on both sides; its
    approvals start over."""
    at = now(at)
    with step(placement, by=by, node="allocate", activation=activation, optional=True):
        placement = locked(placement)
        require_party(placement, by)
        require_phase(placement, OPEN_PHASES)
        if not rows:
            raise ValidationError({"rows": _("Kostnadsfördelningen behöver minst en rad.")})
        existing = CostAllocation.objects.filter(placement=placement).first()
        if existing is not None:
            if existing.approved:
                raise InvalidState(
                    _("Kostnadsfördelningen är redan godkänd av båda parter."), reason="approved"
                )
            existing.delete()
        allocation = CostAllocation.objects.create(
            placement=placement, created_at=at, created_by=by
        )
        for row in rows:
            if row.paying_organisation.kind not in (KOMMUN, REGION):
                raise ValidationError({"rows": _("Kostnaderna fördelas mellan kommun och region.")})
            record = CostAllocationRow(allocation=allocation, **row.__dict__)
            record.full_clean(exclude=["allocation"])
            record.save()
        history(
            placement,
            what=COST_ALLOCATION_WRITTEN,
            at=at,
            by=by,
            count=len(rows),
        )
        return allocation


def _side_organisations(allocation: CostAllocation, side: str) -> set[int]:
    """The organisations that approve for a side: the placing kommun; for the region, the
    regions among the payers and the placing kommun's region."""
    placing = allocation.placement.placing_unit.organisation
    if side == KOMMUN:
        return {placing.pk}
    payers = set(
        allocation.rows.filter(paying_organisation__kind=REGION).values_list(
            "paying_organisation_id", flat=True
        )
    )
    return payers | ({placing.region_id} if placing.region_id else set())


def cost_allocation_approve(
    *,
    allocation: CostAllocation,
    by: User,
    side: str,
    activation=None,
    at: dt.datetime | None = None,
) -> CostAllocation:
    """Approve for the kommun (``side`` KOMMUN: staff with a case role in a unit of the
    placing kommun) or for the region (REGION: in a unit of the paying or the kommun's
    region). Not HVB staff, not an administrator."""
    at = now(at)
    node = "approve_kommun" if side == KOMMUN else "approve_region"
    with step(allocation.placement, by=by, node=node, activation=activation):
        placement = locked(allocation.placement)
        require_phase(placement, OPEN_PHASES)
        allocation = CostAllocation.objects.select_for_update().get(pk=allocation.pk)
        if side not in (KOMMUN, REGION):
            raise ValidationError({"side": _("Välj om du godkänner för kommunen eller regionen.")})
        if not Membership.objects.filter(
            user=by,
            role__in=CASE_ROLES,
            unit__organisation__in=_side_organisations(allocation, side),
            unit__organisation__kind=side,
        ).exists():
            raise NotParty(
                _("Du arbetar inte i den organisation som ska godkänna kostnadsfördelningen."),
                reason="not_approver",
            )
        field = "approved_by_kommun" if side == KOMMUN else "approved_by_region"
        if getattr(allocation, f"{field}_id") is not None:
            raise InvalidState(_("Den här parten har redan godkänt."), reason="already_approved")
        setattr(allocation, field, by)
        setattr(allocation, f"{field}_at", at)
        allocation.save(update_fields=[field, f"{field}_at"])
        history(
            placement,
            what=(
                gettext_noop("Kostnadsfördelningen godkändes för kommunen.")
                if side == KOMMUN
                else gettext_noop("Kostnadsfördelningen godkändes för regionen.")
            ),
            at=at,
            by=by,
        )
        return allocation
