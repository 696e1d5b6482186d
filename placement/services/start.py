"""Inflyttning, and ending the utredning without a placement."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from viewflow.workflow import STATUS

from cases.errors import InvalidState
from cases.history import transit
from cases.tasks import OPEN
from directory.models import User

from ..grants import grants_sync_placement
from ..models import CostAllocation, Placement
from ..selectors import acute_cost_allocation_due, legal_end
from .base import locked, now, placement_flow, require_party, require_phase, step
from .clocks import placement_clocks_store
from .review import review_schedule


def placement_start(
    *,
    placement: Placement,
    by: User,
    start_date: dt.date,
    planned_end_date: dt.date | None = None,
    activation=None,
    at: dt.datetime | None = None,
) -> Placement:
    """The person moves in. A planned placement needs a cost allocation approved on both
    sides first; an acute one starts without and its cost allocation is due the rule
    table's time after the start. The planned end may not pass the legal basis's end."""
    at = now(at)
    with step(placement, by=by, node="move_in", activation=activation):
        placement = locked(placement)
        require_party(placement, by)
        require_phase(placement, (Placement.Phase.DECIDED,))
        if placement.decided_on and start_date < placement.decided_on:
            raise ValidationError({"start_date": _("Inflyttningen kan inte ske före beslutet.")})
        allocation = CostAllocation.objects.filter(placement=placement).first()
        if not placement.acute and (allocation is None or not allocation.approved):
            raise ValidationError(
                _(
                    "En planerad placering kan inte börja utan en skriftlig kostnadsfördelning "
                    "som kommunen och regionen har godkänt."
                )
            )
        placement.start_date, placement.planned_end_date = start_date, planned_end_date
        end = legal_end(placement=placement)
        if planned_end_date is not None:
            if planned_end_date < start_date:
                raise ValidationError(
                    {"planned_end_date": _("Slutdatumet kan inte ligga före inflyttningen.")}
                )
            if end is not None and planned_end_date > end:
                raise ValidationError(
                    {
                        "planned_end_date": _("Lagrummet tillåter vården längst till %(end)s.")
                        % {"end": end.isoformat()}
                    }
                )
        due = acute_cost_allocation_due(placement=placement)
        transit(
            placement,
            "place",
            what=(
                gettext_noop(
                    "Inflyttning %(on)s (akut placering: kostnadsfördelningen ska vara klar "
                    "senast %(due)s; till dess betalar den placerande organisationen)."
                )
                if due
                else gettext_noop("Inflyttning %(on)s.")
            ),
            at=at,
            by=by,
            unit=placement.placing_unit,
            on=start_date.isoformat(),
            **({"due": due.isoformat()} if due else {}),
        )
        placement.save()
        placement_clocks_store(placement=placement, on=timezone.localdate(at))
        review_schedule(placement)
        grants_sync_placement(placement=placement, at=at)
        return placement


def placement_cancel(
    *, placement: Placement, by: User, reason: str, at: dt.datetime | None = None
) -> Placement:
    """Utredningen avslutas utan placering, with the reason; possible until the move (a
    placement that has started ends through its own steps instead). The process ends with
    it: its open tasks are cancelled."""
    at = now(at)
    if placement.process_id is None:
        with transaction.atomic():
            return _cancel(placement, by=by, reason=reason, at=at)
    process = placement.process
    with placement_flow().lock(process.pk), transaction.atomic():
        placement = _cancel(placement, by=by, reason=reason, at=at)
        for task in process.task_set.filter(status__in=OPEN):
            task.flow_task.activation_class(task).cancel()
        process.status, process.finished = STATUS.CANCELED, at
        process.save(update_fields=["status", "finished"])
    return placement


#: The phases in which the utredning can end without a placement: until the move in.
CANCELLABLE = (Placement.Phase.INVESTIGATING, Placement.Phase.PROPOSED, Placement.Phase.DECIDED)


def cancel_refusal(placement: Placement) -> str | None:
    """Why the placement can no longer end without a placement (in Swedish), or None."""
    if placement.phase in CANCELLABLE:
        return None
    if placement.phase == Placement.Phase.CANCELLED:
        return _("Utredningen är redan avslutad utan placering.")
    if placement.phase in (Placement.Phase.PLACED, Placement.Phase.ENDING):
        return _(
            "Personen har redan flyttat in, så placeringen kan inte avbrytas. Avsluta "
            "placeringen i stället när personen flyttar ut."
        )
    return _("Placeringen har redan upphört och kan inte avbrytas.")


def _cancel(placement: Placement, *, by: User, reason: str, at: dt.datetime) -> Placement:
    placement = locked(placement)
    require_party(placement, by)
    refusal = cancel_refusal(placement)
    if refusal is not None:
        raise InvalidState(refusal, reason="phase")
    if not reason.strip():
        raise ValidationError({"reason": _("Ange varför utredningen avslutas.")})
    placement.cancel_reason = reason.strip()
    transit(
        placement,
        "cancel",
        what=gettext_noop("Utredningen avslutades utan placering: %(reason)s"),
        at=at,
        by=by,
        unit=placement.placing_unit,
        reason=placement.cancel_reason,
    )
    placement.save()
    grants_sync_placement(placement=placement, at=at)
    return placement
