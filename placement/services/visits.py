"""Uppföljningsbesök: the socialtjänst follows the placement up regularly, by talks with the
person, the HVB's staff, the health care and närstående (004 ≈L1160-1168). Each visit is
recorded with whom it talked with, whether the child had a private talk (enskilt samtal,
SOU 2023:66) and a note; the next one is due at the organisation's interval
(placement.selectors.visit_clock)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from directory.models import User

from ..models import FollowUpVisit, Placement
from ..selectors import LIVING_THERE
from .base import history, locked, now, require_party, require_phase
from .clocks import placement_clocks_store


@transaction.atomic
def follow_up_visit_record(
    *,
    placement: Placement,
    by: User,
    visited_on: dt.date,
    note: str,
    with_person: bool = False,
    with_hvb_staff: bool = False,
    with_health_care: bool = False,
    with_relatives: bool = False,
    private_talk: bool = False,
    at: dt.datetime | None = None,
) -> FollowUpVisit:
    """Record a follow-up visit of a placement the person lives in: when, whom the
    handläggare talked with (the person, the HVB's staff, the health care, närstående),
    whether the child had a private talk, and what came out of it. By the placing unit's
    staff; written in the placement's history."""
    at = now(at)
    placement = locked(placement)
    require_party(placement, by)
    require_phase(placement, LIVING_THERE)
    errors: dict[str, str] = {}
    if not (with_person or with_hvb_staff or with_health_care or with_relatives):
        errors[NON_FIELD_ERRORS] = _(
            "Ange vem eller vilka du talade med: personen, HVB:ets personal, hälso- och "
            "sjukvården eller närstående."
        )
    if private_talk and not with_person:
        errors["private_talk"] = _(
            "Ett enskilt samtal är ett samtal med barnet: kryssa i samtal med personen också."
        )
    if visited_on > timezone.localdate(at) or visited_on < placement.start_date:
        errors["visited_on"] = _("Besöket görs mellan inflyttningen och i dag.")
    if not note.strip():
        errors["note"] = _("Skriv vad som kom fram vid besöket.")
    if errors:
        raise ValidationError(errors)
    visit = FollowUpVisit.objects.create(
        placement=placement,
        visited_on=visited_on,
        with_person=with_person,
        with_hvb_staff=with_hvb_staff,
        with_health_care=with_health_care,
        with_relatives=with_relatives,
        private_talk=private_talk,
        note=note.strip(),
        recorded_at=at,
        recorded_by=by,
    )
    placement_clocks_store(placement=placement, on=timezone.localdate(at))
    history(
        placement,
        what=(
            gettext_noop(
                "Uppföljningsbesök %(on)s med enskilt samtal med barnet; samtal med %(who)s."
            )
            if private_talk
            else gettext_noop("Uppföljningsbesök %(on)s; samtal med %(who)s.")
        ),
        at=at,
        by=by,
        on=visited_on.isoformat(),
        who=", ".join(visit.talked_with),
    )
    return visit
