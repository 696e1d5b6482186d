"""An acute placement's cost allocation and folkbokföringskommun are due the rule table's
time after the start (004 ≈L1320-1327: *bör*, so never a block): the handläggare is reminded
before the due date, and both chefs are told after it - the placing unit's and those of the
region's units concerned (the kommun's region and the regions among the payers)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from directory.durations import DurationCode
from directory.models import Organisation
from directory.selectors import duration_for
from notifications.services import event_emit

from ..events import PlacementEvent
from ..models import Placement
from ..selectors import LIVING_THERE, acute_cost_allocation_due, placing_chefs, region_chefs
from .base import page_url


def cost_allocation_regions(placement: Placement) -> set[int]:
    """The regions concerned: the placing kommun's region and the regions paying a row."""
    regions = set(
        Organisation.objects.filter(
            kind=Organisation.Kind.REGION,
            pk__in=placement.cost_allocation.rows.values("paying_organisation")
            if hasattr(placement, "cost_allocation")
            else [],
        ).values_list("pk", flat=True)
    )
    region = placement.placing_unit.organisation.region_id
    return regions | ({region} if region else set())


def cost_allocations_remind(*, at: dt.datetime | None = None) -> int:
    """The tick: for each acute placement whose cost allocation is not approved on both
    sides, a reminder to the handläggare once its reminder time has come, and after the due
    date one escalation to each chef concerned (each deduplicated)."""
    today = timezone.localdate(at or timezone.now())
    placements = (
        Placement.objects.filter(acute=True, phase__in=LIVING_THERE)
        .filter(
            Q(cost_allocation__isnull=True)
            | Q(cost_allocation__approved_by_kommun__isnull=True)
            | Q(cost_allocation__approved_by_region__isnull=True)
        )
        .select_related("placing_unit__organisation", "caseworker")
    )
    sent = 0
    for placement in placements:
        due = acute_cost_allocation_due(placement=placement)
        if due is None:
            continue
        days = duration_for(
            code=DurationCode.ACUTE_COST_ALLOCATION_REMINDER,
            organisation=placement.placing_unit.organisation_id,
            on=due,
        )
        data = {"due": due.isoformat()}
        with transaction.atomic():
            if today > due:
                chefs = {
                    *placing_chefs(placement=placement),
                    *region_chefs(regions=cost_allocation_regions(placement)),
                }
                placing = set(placing_chefs(placement=placement))
                for chef in sorted(chefs, key=lambda user: user.pk):
                    sent += (
                        event_emit(
                            kind=PlacementEvent.COST_ALLOCATION_OVERDUE,
                            recipient_user=chef,
                            url=page_url(placement) if chef in placing else "",
                            data=data,
                            dedupe_key=f"placement-cost-overdue:{placement.pk}:{due}:{chef.pk}",
                        )
                        is not None
                    )
            elif today >= due - dt.timedelta(days=days):
                sent += (
                    event_emit(
                        kind=PlacementEvent.COST_ALLOCATION_DUE,
                        recipient_user=placement.caseworker,
                        url=page_url(placement),
                        data=data,
                        dedupe_key=f"placement-cost-due:{placement.pk}:{due}",
                    )
                    is not None
                )
    return sent
