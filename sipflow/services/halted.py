"""A stopped SIP (stoppad: its consent ended) goes on in one of two ways: the missing
consent is registered and a new SIP starts from it (its needs carried over), or it is
closed. Either way the stopped SIP is closed with a reason, and leaves the lists of what is
waiting."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import InvalidState
from cases.history import transit
from directory.models import User

from ..models import SipPlan
from .base import now, require_case_party


@transaction.atomic
def sip_close_halted(
    *,
    plan: SipPlan,
    by: User,
    reason: str,
    note: str = "",
    continued_in: SipPlan | None = None,
    at: dt.datetime | None = None,
) -> SipPlan:
    """Avsluta a stopped SIP, with a reason (``SipPlan.CloseReason``), or because it goes on
    in a new SIP (``continued_in``)."""
    at = now(at)
    require_case_party(plan, by, at=at)
    if continued_in is None and reason not in SipPlan.CloseReason.values:
        raise ValidationError({"close_reason": _("Ange varför SIP:en avslutas.")})
    plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.phase != SipPlan.Phase.HALTED:
        raise InvalidState(_("SIP:en är inte stoppad."), reason="not_halted")
    plan.close_reason = SipPlan.CloseReason.OTHER if continued_in else reason
    plan.close_note = note.strip()
    plan.closed_at = at
    if continued_in is not None:
        transit(
            plan,
            "close_halted",
            what=gettext_noop("Den stoppade SIP:en fortsätter i en ny SIP (%(new)s)."),
            at=at,
            by=by,
            new=f"#{continued_in.pk}",
        )
    else:
        transit(plan, "close_halted", at=at, by=by)
    plan.save()
    return plan
