"""How a SIP's history entries are written (cases.history): a transition of the SIP's own
phase, or of one of its kallelser, writes one row of the SIP's historik."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .models import HistoryEntry, Invitation, SipPlan


def plan_history_write(
    plan: SipPlan, *, what: str, at: dt.datetime, by=None, unit=None, params: dict[str, Any]
) -> None:
    HistoryEntry.objects.create(
        plan=plan, at=at, by=by, unit=unit, what=what, params=HistoryEntry.stored_params(params)
    )


def invitation_history_write(
    invitation: Invitation,
    *,
    what: str,
    at: dt.datetime,
    by=None,
    unit=None,
    params: dict[str, Any],
) -> None:
    """A kallelse's transition goes to its SIP's history, naming the invitee."""
    HistoryEntry.objects.create(
        plan_id=invitation.meeting.plan_id,
        at=at,
        by=by,
        unit=unit,
        what=what,
        params=HistoryEntry.stored_params({"invitee": invitation.invitee, **params}),
    )
