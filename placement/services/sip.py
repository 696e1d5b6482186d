"""SIP för placeringen (004 ≈L1302-1335; RULES.md §3 före): where the person's consent to a
SIP covers the placing unit, the placement is linked to an open SIP of the same person or
starts one, and the SIP's follow-ups carry the placement's insatser (placement.links).

Consent is asked of the SIP's own policy (sipflow.coverage), never of the placement's: an
LVU or LVM placement needs no consent, but a SIP does, so without the consent to a SIP there
is no SIP. The link is written in the placement's history and the SIP's."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import Conflict, ConsentMissing, InvalidState
from cases.history import history_write
from directory.models import User
from sipflow.access import plan_access
from sipflow.models import SipPlan
from sipflow.services import sip_start_process

from ..models import Placement
from ..selectors import LINKABLE, placement_sip_consent
from .base import history, locked, now, require_party, require_phase


def _require_unlinked(placement: Placement, plan: SipPlan | None = None) -> None:
    """A placement has one open SIP at a time; an ended one may be followed by another."""
    linked = (
        SipPlan.objects.filter(pk=placement.sip_plan_id).only("pk", "phase").first()
        if placement.sip_plan_id
        else None
    )
    if linked is None or not linked.is_open:
        return
    if plan is not None and linked.pk == plan.pk:
        raise Conflict(_("Placeringen är redan kopplad till den här SIP:en."), reason="done")
    raise InvalidState(_("Placeringen är redan kopplad till en pågående SIP."), reason="sip_linked")


def _record_link(placement: Placement, plan: SipPlan, *, by: User, at: dt.datetime, what: str):
    placement.sip_plan = plan
    placement.save(update_fields=["sip_plan"])
    started = timezone.localdate(plan.started_at).isoformat()
    history(placement, what=what, at=at, by=by, started=started)
    history_write(
        plan,
        what=gettext_noop("SIP:en kopplades till en placering."),
        at=at,
        by=by,
        unit=placement.placing_unit,
    )


def placement_sip_link(
    *, placement: Placement, plan: SipPlan, by: User, at: dt.datetime | None = None
) -> Placement:
    """Link the placement to an open SIP of the same person that ``by`` may see, where the
    SIP's consent covers the placing unit with the SIP's information. By the placing
    unit's staff."""
    at = now(at)
    with transaction.atomic():
        placement = locked(placement)
        require_party(placement, by)
        require_phase(placement, LINKABLE)
        plan = (
            SipPlan.objects.select_related("person", "started_unit")
            .filter(pk=plan.pk, person_id=placement.person_id)
            .first()
        )
        if plan is None or plan_access(user=by, plan=plan, at=at) is None:
            raise ValidationError(
                {"plan": _("Välj en SIP för samma person som du har tillgång till.")}
            )
        if not plan.is_open:
            raise InvalidState(
                _("SIP:en är %(phase)s.") % {"phase": plan.get_phase_display().lower()},
                reason="not_open",
            )
        _require_unlinked(placement, plan)
        decision = placement_sip_consent(placement=placement, at=at, plan=plan)
        if not decision.allowed:
            raise ConsentMissing(decision)
        _record_link(
            placement,
            plan,
            by=by,
            at=at,
            what=gettext_noop("Placeringen kopplades till SIP:en som initierades %(started)s."),
        )
    return placement


def placement_sip_start(
    *,
    placement: Placement,
    by: User,
    social_needs: str,
    health_needs: str,
    coordination_reason: str,
    informed_about_sip: bool,
    at: dt.datetime | None = None,
) -> SipPlan:
    """Start a SIP from the placement (upptäck behov, initiated by the placing unit) and
    link it, where the person's consent to a SIP names the placing unit. The SIP then goes
    on through its own steps (förbered: the parties, the information, the lead)."""
    at = now(at)
    with transaction.atomic():
        placement = locked(placement)
        require_party(placement, by)
        require_phase(placement, LINKABLE)
        _require_unlinked(placement)
        decision = placement_sip_consent(placement=placement, at=at)
        if not decision.allowed:
            raise ConsentMissing(decision)
        plan = sip_start_process(
            by=by,
            person=placement.person,
            unit=placement.placing_unit,
            origin=SipPlan.Origin.PROFESSIONAL,
            social_needs=social_needs,
            health_needs=health_needs,
            coordination_reason=coordination_reason,
            informed_about_sip=informed_about_sip,
            at=at,
        )
        _record_link(
            placement,
            plan,
            by=by,
            at=at,
            what=gettext_noop("En SIP initierades från placeringen %(started)s."),
        )
    return plan
