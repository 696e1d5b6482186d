"""Samtycket upphör i en placering enligt SoL: the youth still lives at the HVB, so the
placement is neither ended nor halted. The date is recorded, the handläggare and the placing
unit's chef are told at once (end the placement or apply for care under LVU), and the chef's
list shows it until the placement ends or its basis changes to LVU by a decision."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from consent.policy import consent_evaluate
from directory.models import Person
from notifications.services import event_emit

from ..events import PlacementEvent
from ..models import Placement
from ..rules import BASES, LegalBasis
from ..selectors import RUNNING, placing_chefs
from .base import history, locked, page_url


@transaction.atomic
def placement_consent_ended(*, person: Person, at: dt.datetime | None = None) -> list[Placement]:
    """After a placement consent about ``person`` was withdrawn or ran out: each running SoL
    placement the consents in force no longer carry gets the date and its urgent events.
    Returns those placements."""
    at = at or timezone.now()
    on = timezone.localdate(at)
    flagged = []
    for placement in Placement.objects.filter(
        person=person, legal_basis=LegalBasis.SOL, phase__in=RUNNING
    ).order_by("pk"):
        placement = locked(placement)
        if placement.consent_ended_on is not None:
            continue
        decision = consent_evaluate(
            action=BASES[placement.legal_basis].action,
            person=placement.person,
            at=at,
            units=[placement.placing_unit, placement.hvb_unit],
            categories=list(placement.categories.values_list("code", flat=True)),
        )
        if decision.consent_satisfied:
            continue
        placement.consent_ended_on = on
        placement.save(update_fields=["consent_ended_on"])
        history(
            placement,
            what=gettext_noop(
                "Samtycket till placeringen upphörde %(on)s. Placeringen fortsätter tills "
                "den avslutas eller vård enligt LVU beslutas."
            ),
            at=at,
            on=on.isoformat(),
        )
        recipients = {placement.caseworker, *placing_chefs(placement=placement)}
        for user in sorted(recipients, key=lambda user: user.pk):
            event_emit(
                kind=PlacementEvent.CONSENT_ENDED,
                recipient_user=user,
                url=page_url(placement),
                data={"on": on.isoformat()},
                dedupe_key=f"placement-consent-ended:{placement.pk}:{on.isoformat()}:{user.pk}",
            )
        flagged.append(placement)
    return flagged
