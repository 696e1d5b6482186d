"""Avslut (004 ≈L1249-1262; 003 ≈L4611): ending planning opens the rule table's time before
the planned (or the legal) end; the end records the reason, where the person goes and the
insatser that go on (rows the linked SIP's next follow-up carries, placement.links); the
aftercare follow-up runs for the rule table's time for a child; then the case is closed.
The HVB's grant ends with the placement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.history import transit
from directory.durations import DurationCode
from directory.models import User
from directory.rules import AGE_OF_MAJORITY
from directory.selectors import duration_end

from ..grants import grants_sync_placement
from ..models import ContinuingInsats, EndDestination, Placement
from ..selectors import LIVING_THERE, ending_opens_on
from .base import history, locked, now, require_party, require_phase, step
from .clocks import placement_clocks_store
from .limits import legal_end_require
from .plans import PlanInsats


def placement_ending_plan(
    *,
    placement: Placement,
    by: User | None = None,
    activation=None,
    at: dt.datetime | None = None,
) -> Placement:
    """Open ending planning: by the handläggare at any time (in the flow: its ending
    planning task), or by the tick (``by`` None) once the configured time before the end
    has come. The task completes also when the tick has opened the planning already."""
    at = now(at)
    if by is None:
        with transaction.atomic():
            return _plan_ending(placement, by=None, at=at)
    with step(placement, by=by, node="plan_ending", activation=activation, optional=True):
        placement = locked(placement)
        if activation is not None and placement.phase == Placement.Phase.ENDING:
            require_party(placement, by)
            return placement
        return _plan_ending(placement, by=by, at=at)


def _plan_ending(placement: Placement, *, by: User | None, at: dt.datetime) -> Placement:
    placement = locked(placement)
    if by is not None:
        require_party(placement, by)
    require_phase(placement, (Placement.Phase.PLACED,))
    transit(placement, "plan_ending", at=at, by=by, unit=placement.placing_unit)
    placement.save()
    return placement


def ending_plans_open(*, at: dt.datetime | None = None) -> int:
    """The tick: open ending planning for every placement whose time has come."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    opened = 0
    for placement in Placement.objects.filter(phase=Placement.Phase.PLACED).select_related(
        "person", "placing_unit"
    ):
        opens = ending_opens_on(placement=placement)
        if opens is not None and opens <= today:
            placement_ending_plan(placement=placement, at=at)
            opened += 1
    return opened


def aftercare_end(*, placement: Placement, ended_on: dt.date) -> dt.date | None:
    """The last day of the follow-up after the placement: the rule table's time for a child
    (SoL, 003 ≈L4611-4613); None for an adult."""
    if placement.person.age_on(ended_on) >= AGE_OF_MAJORITY:
        return None
    return duration_end(
        code=DurationCode.AFTER_PLACEMENT_FOLLOW_UP,
        organisation=placement.placing_unit.organisation_id,
        start=ended_on,
    )


def placement_end(
    *,
    placement: Placement,
    by: User,
    ended_on: dt.date,
    reason: str,
    destination: str,
    continuing: Sequence[PlanInsats] = (),
    activation=None,
    at: dt.datetime | None = None,
) -> Placement:
    """The person moves out: the reason, where they go (home, to a guardian, another
    placement, own housing, other), the insatser that go on (what, who, when; the linked
    SIP's next follow-up carries them). Never past the legal end. The HVB loses its grant;
    the aftercare follow-up starts. In the flow: its end task."""
    at = now(at)
    with step(placement, by=by, node="end_placement", activation=activation, optional=True):
        return _end(
            placement,
            by=by,
            ended_on=ended_on,
            reason=reason,
            destination=destination,
            continuing=continuing,
            at=at,
        )


def _end(
    placement: Placement,
    *,
    by: User,
    ended_on: dt.date,
    reason: str,
    destination: str,
    continuing: Sequence[PlanInsats],
    at: dt.datetime,
) -> Placement:
    placement = locked(placement)
    require_party(placement, by)
    require_phase(placement, LIVING_THERE)
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Ange skälet till att placeringen avslutas.")
    if destination not in EndDestination.values:
        errors["destination"] = _("Välj vart personen flyttar.")
    if ended_on < placement.start_date or ended_on > timezone.localdate(at):
        errors["ended_on"] = _("Utflyttningen sker mellan inflyttningen och i dag.")
    rows = [PlanInsats(row.what.strip(), row.who.strip(), row.when.strip()) for row in continuing]
    if not all(row.what and row.who and row.when for row in rows):
        errors["continuing"] = _(
            "Skriv vad, vem som gör det och när för varje insats som fortsätter."
        )
    if errors:
        raise ValidationError(errors)
    legal_end_require(placement, ended_on, field="ended_on")
    placement.ended_on, placement.end_reason = ended_on, reason.strip()
    placement.end_destination = destination
    placement.aftercare_until = aftercare_end(placement=placement, ended_on=ended_on)
    transit(
        placement,
        "end",
        what=gettext_noop("Placeringen upphörde %(on)s; personen flyttade: %(destination)s."),
        at=at,
        by=by,
        unit=placement.placing_unit,
        on=ended_on.isoformat(),
        destination=placement.get_end_destination_display().lower(),
    )
    placement.save()
    placement_clocks_store(placement=placement, on=timezone.localdate(at))
    ContinuingInsats.objects.bulk_create(
        ContinuingInsats(placement=placement, order=order, **row.__dict__)
        for order, row in enumerate(rows, start=1)
    )
    if rows:
        history(
            placement,
            what=gettext_noop("Insatser som fortsätter efter placeringen: %(insatser)s."),
            at=at,
            by=by,
            insatser=", ".join(row.what for row in rows),
        )
    placement.reviews.filter(held_on__isnull=True).delete()
    grants_sync_placement(placement=placement, at=at)
    return placement


def placement_close(
    *,
    placement: Placement,
    by: User,
    note: str,
    activation=None,
    at: dt.datetime | None = None,
) -> Placement:
    """Avsluta ärendet after the aftercare: what the follow-up found. A child's case closes
    once its follow-up time has run. In the flow: its close task."""
    at = now(at)
    with step(placement, by=by, node="close", activation=activation, optional=True):
        return _close(placement, by=by, note=note, at=at)


def _close(placement: Placement, *, by: User, note: str, at: dt.datetime) -> Placement:
    placement = locked(placement)
    require_party(placement, by)
    require_phase(placement, (Placement.Phase.AFTERCARE,))
    if placement.aftercare_until is not None and timezone.localdate(at) < (
        placement.aftercare_until
    ):
        raise ValidationError(
            _("Uppföljningen efter placeringen pågår till och med %(until)s.")
            % {"until": placement.aftercare_until.isoformat()}
        )
    if not note.strip():
        raise ValidationError({"note": _("Skriv vad uppföljningen efter placeringen visade.")})
    placement.close_note = note.strip()
    transit(placement, "close", at=at, by=by, unit=placement.placing_unit)
    placement.save()
    grants_sync_placement(placement=placement, at=at)
    return placement
