"""The stored clocks of placements living at their HVB (Placement.visit_due_on and the
rest; placement.selectors.clocks_compute): written by the steps that change what they count
from (the move-in, a visit, the move out; a change of legal basis is only ever to LVU, which
none of them reads), marked as no longer holding when an organisation's rules or a person's
date of birth change, and stored again by the tick for every placement whose stored clocks
no longer hold. A list reading them (placement.selectors.visits_overdue_query and the
others of ``_clocked_query``) computes those itself meanwhile, so it is never wrong, only
slower until the tick has run."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import Placement
from ..selectors import (
    LIVING_AT_HVB,
    StoredClocks,
    clock_rules,
    clock_values,
    clocks_compute,
    clocks_not_holding,
)

#: How many placements the tick stores at a time, each batch in a transaction of its own.
CLOCKS_BATCH = 1000


def _clocks_write(placements: QuerySet[Placement], *, on: dt.date) -> list[StoredClocks]:
    """Compute and store the clocks of these placements on ``on``: one query reading them,
    two for the rules, and the updates. The clocks stored, in the order read."""
    values = list(clock_values(placements))
    if not values:
        return []
    rules = clock_rules({row[1] for row in values})
    written = [clocks_compute(row, rules=rules, on=on) for row in values]
    Placement.objects.bulk_update(
        [
            Placement(pk=row[0], **clocks._asdict())
            for row, clocks in zip(values, written, strict=True)
        ],
        StoredClocks._fields,
        batch_size=500,
    )
    return written


def placement_clocks_store(*, placement: Placement, on: dt.date) -> StoredClocks:
    """Store the placement's clocks on ``on`` (the day of the step that changed what they
    count from), in the caller's transaction, and set them on ``placement`` too."""
    (clocks,) = _clocks_write(Placement.objects.filter(pk=placement.pk), on=on)
    for name, value in clocks._asdict().items():
        setattr(placement, name, value)
    return clocks


def placement_clocks_expire(*, placements: QuerySet[Placement]) -> int:
    """Mark these placements' stored clocks as no longer holding (a rule or a date of birth
    they count from changed): the lists compute them until the tick stores them again."""
    return placements.exclude(clocks_until__isnull=True).update(clocks_until=None)


def placement_clocks_refresh(*, on: dt.date | None = None, batch: int = CLOCKS_BATCH) -> int:
    """The tick's part: store the clocks of every placement living at its HVB whose stored
    clocks do not hold today, and clear those of a placement no longer living there, a
    batch at a time, skipping a placement a step has locked (the step stores its own).
    How many were stored."""
    on = on or timezone.localdate()
    stale = LIVING_AT_HVB & clocks_not_holding(on)
    gone = ~LIVING_AT_HVB & ~Q(**{f"{name}__isnull": True for name in StoredClocks._fields})
    stored, after = 0, 0
    while True:
        with transaction.atomic():
            keys = list(
                Placement.objects.filter(stale | gone, pk__gt=after)
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not keys:
                return stored
            stored += len(_clocks_write(Placement.objects.filter(pk__in=keys), on=on))
            after = keys[-1]


__all__ = [
    "placement_clocks_expire",
    "placement_clocks_refresh",
    "placement_clocks_store",
]
