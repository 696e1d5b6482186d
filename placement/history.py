"""How a placement's history entries are written (cases.history): every transition of its
phase, and the steps that are no transition, write one row of its historik."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .models import Placement, PlacementHistoryEntry


def placement_history_write(
    placement: Placement,
    *,
    what: str,
    at: dt.datetime,
    by=None,
    unit=None,
    params: dict[str, Any],
) -> None:
    PlacementHistoryEntry.objects.create(
        placement=placement,
        at=at,
        by=by,
        unit=unit,
        what=what,
        params=PlacementHistoryEntry.stored_params(params),
    )
