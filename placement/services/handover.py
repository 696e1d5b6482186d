"""Överlämning mellan regioner: when a placed person's folkbokföring moves to a kommun in
another region, the new region takes over the health care without a gap. The kommun that
registers the move calls ``person_registration_move``; a handover is then open for each
running placement. The old region hands over (``region_handover_send``: what care goes on,
whom to reach) and keeps the care until the new region confirms it has taken over
(``region_handover_confirm``). Each side is its own staff: a case role in one of the
region's units."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import InvalidState, NotParty
from directory.models import Membership, Organisation, Person, Unit, User
from directory.selectors import CASE_ROLES
from notifications.services import event_emit

from ..access import is_region_staff
from ..events import PlacementEvent
from ..grants import grants_sync_placement
from ..models import Placement, RegionHandover
from ..selectors import (
    RUNNING,
    handover_health_units,
    handover_open_health_requests,
    region_chefs,
)
from .base import history, locked, now


@transaction.atomic
def person_registration_move(
    *,
    person: Person,
    municipality: Organisation,
    by: User,
    on: dt.date,
    at: dt.datetime | None = None,
) -> list[RegionHandover]:
    """Record that the person's folkbokföring moved to ``municipality`` on ``on``: by staff
    of a unit placing the person, or of the old or the new kommun. Where the region changes,
    each running placement gets an open handover (a move back before it is confirmed closes
    it), and the new region's chefs are told."""
    at = now(at)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if municipality.kind != Organisation.Kind.MUNICIPALITY:
        raise InvalidState(_("Folkbokföringskommunen måste vara en kommun."), reason="kind")
    placements = list(
        Placement.objects.filter(person=person, phase__in=RUNNING).select_related("placing_unit")
    )
    old = person.registered_municipality
    organisations = [org.pk for org in (old, municipality) if org is not None]
    if (
        not Membership.objects.filter(user=by, role__in=CASE_ROLES)
        .filter(
            Q(unit__in=[p.placing_unit_id for p in placements])
            | Q(unit__organisation__in=organisations)
        )
        .exists()
    ):
        raise NotParty(
            _("Flytten registreras av den placerande enheten eller kommunen."),
            reason="not_registrar",
        )
    person.registered_municipality = municipality
    person.save(update_fields=["registered_municipality"])
    from_region = old.region if old is not None else None
    to_region = municipality.region
    handovers = []
    for placement in placements:
        placement = locked(placement)
        open_handover = placement.handovers.filter(confirmed_at__isnull=True).first()
        start = open_handover.from_region if open_handover else from_region
        if open_handover is not None:
            open_handover.delete()
        if start is None or to_region is None or start.pk == to_region.pk:
            continue
        handover = RegionHandover.objects.create(
            placement=placement,
            from_region=start,
            to_region=to_region,
            started_on=on,
            started_by=by,
        )
        history(
            placement,
            what=gettext_noop(
                "Folkbokföringen flyttad %(on)s: %(to_region)s tar över hälso- och "
                "sjukvården från %(from_region)s när den har bekräftat."
            ),
            at=at,
            by=by,
            on=on.isoformat(),
            from_region=start,
            to_region=to_region,
        )
        _tell_chefs(handover, region=start, kind=PlacementEvent.HANDOVER_TO_SEND)
        handovers.append(handover)
    return handovers


def _tell_chefs(handover: RegionHandover, *, region: Organisation, kind: str) -> None:
    """Tell the chefs of the region's units that the handover waits for them."""
    for chef in region_chefs(regions=[region.pk]).order_by("pk"):
        event_emit(
            kind=kind,
            recipient_user=chef,
            url=reverse("placement:handover", kwargs={"pk": handover.placement_id}),
            data={"on": handover.started_on.isoformat()},
            dedupe_key=f"{kind}:{handover.pk}:{chef.pk}",
        )


@transaction.atomic
def region_handover_send(
    *, handover: RegionHandover, by: User, note: str, at: dt.datetime | None = None
) -> RegionHandover:
    """The old region hands over: what care goes on and whom the new region reaches. Only
    its own staff; once, before the new region confirms. The new region's chefs are told."""
    at = now(at)
    placement = locked(handover.placement)
    handover = RegionHandover.objects.select_for_update().get(pk=handover.pk)
    if handover.confirmed_at is not None:
        raise InvalidState(_("Överlämningen är redan bekräftad."), reason="confirmed")
    if handover.handed_over_at is not None:
        raise InvalidState(_("Regionen har redan lämnat över."), reason="handed_over")
    if not is_region_staff(user=by, region=handover.from_region_id):
        raise NotParty(
            _("Bara den gamla regionens personal kan lämna över."), reason="not_old_region"
        )
    if not note.strip():
        raise ValidationError(
            {"note": _("Skriv vad som lämnas över: pågående vård och vem den nya regionen når.")}
        )
    handover.handed_over_at, handover.handed_over_by = at, by
    handover.handover_note = note.strip()
    handover.save(update_fields=["handed_over_at", "handed_over_by", "handover_note"])
    history(
        placement,
        what=gettext_noop(
            "%(from_region)s lämnade över hälso- och sjukvården till %(to_region)s, som ska "
            "bekräfta."
        ),
        at=at,
        by=by,
        from_region=handover.from_region,
        to_region=handover.to_region,
    )
    _tell_chefs(handover, region=handover.to_region, kind=PlacementEvent.HANDOVER_STARTED)
    return handover


@transaction.atomic
def region_handover_confirm(
    *,
    handover: RegionHandover,
    by: User,
    health_unit: Unit | None = None,
    at: dt.datetime | None = None,
) -> RegionHandover:
    """The new region confirms that it has taken over, after the old region has handed
    over: only its own staff (a case role in one of its units). Then the handover is done.

    A hälsoundersökning still asked of the old region goes with the care: to
    ``health_unit``, one of the confirming user's units in the new region (the only one,
    when she has one), which then sees the request and answers it; the old region's unit no
    longer does."""
    at = now(at)
    placement = locked(handover.placement)
    handover = RegionHandover.objects.select_for_update().get(pk=handover.pk)
    if handover.confirmed_at is not None:
        raise InvalidState(_("Överlämningen är redan bekräftad."), reason="confirmed")
    if not is_region_staff(user=by, region=handover.to_region_id):
        raise NotParty(
            _("Bara den nya regionens personal kan bekräfta överlämningen."),
            reason="not_new_region",
        )
    if handover.handed_over_at is None:
        raise InvalidState(
            _(
                "%(from_region)s har inte lämnat över ännu. Överlämningen bekräftas när den "
                "gamla regionen har lämnat över."
            )
            % {"from_region": handover.from_region},
            reason="not_handed_over",
        )
    requests = list(handover_open_health_requests(handover=handover).select_related("region_unit"))
    if requests:
        health_unit = _health_unit(handover, by=by, chosen=health_unit)
    handover.confirmed_at, handover.confirmed_by = at, by
    handover.save(update_fields=["confirmed_at", "confirmed_by"])
    history(
        placement,
        what=gettext_noop("%(to_region)s bekräftade överlämningen från %(from_region)s."),
        at=at,
        by=by,
        to_region=handover.to_region,
        from_region=handover.from_region,
    )
    for request in requests:
        previous = request.region_unit
        request.region_unit = health_unit
        request.save(update_fields=["region_unit"])
        history(
            placement,
            what=gettext_noop(
                "Begäran om hälsoundersökning flyttad från %(from_unit)s till %(to_unit)s "
                "med överlämningen."
            ),
            at=at,
            by=by,
            from_unit=previous.name,
            to_unit=health_unit.name,
        )
    if requests:
        # The old region's unit loses the request's grant, the new one gets it.
        grants_sync_placement(placement=placement, at=at)
    return handover


def _health_unit(handover: RegionHandover, *, by: User, chosen: Unit | None) -> Unit:
    """The unit of the new region that takes over the open hälsoundersökningar: the one
    chosen, which must be one of the user's there, or her only one."""
    units = list(handover_health_units(handover=handover, user=by))
    if chosen is None and len(units) == 1:
        return units[0]
    if chosen is None or chosen.pk not in {unit.pk for unit in units}:
        raise ValidationError(
            {
                "health_unit": _(
                    "Välj vilken av era enheter i %(region)s som tar över begäran om "
                    "hälsoundersökning."
                )
                % {"region": handover.to_region}
            }
        )
    return chosen
