"""How an avvikelse's log entries are written (cases.history): every transition of the
report and of its tvist, and the steps that are no transition, write one row of its log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .models import Deviation, DeviationHistoryEntry, Dispute


def deviation_history_write(
    deviation: Deviation,
    *,
    what: str,
    at: dt.datetime,
    by=None,
    unit=None,
    params: dict[str, Any],
) -> None:
    DeviationHistoryEntry.objects.create(
        deviation=deviation,
        at=at,
        by=by,
        unit=unit,
        what=what,
        params=DeviationHistoryEntry.stored_params(params),
    )


def dispute_history_write(
    dispute: Dispute,
    *,
    what: str,
    at: dt.datetime,
    by=None,
    unit=None,
    params: dict[str, Any],
) -> None:
    """A tvist's steps are written in its avvikelse's log."""
    DeviationHistoryEntry.objects.create(
        deviation_id=dispute.deviation_id,
        at=at,
        by=by,
        unit=unit,
        what=what,
        params=DeviationHistoryEntry.stored_params(params),
    )
