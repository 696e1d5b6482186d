"""Who may see a placement, as data: its access grants (cases.models.AccessGrant), written in
the same transaction as every step that changes who may see it.

- own: the placing unit (the socialtjänst unit that opened the utredning), in full, always;
- invited: the HVB unit once the placement is decided and while the HVB takes part
  (decided, placed, ending; a change of HVB dated ahead keeps the old HVB's grant until the
  day before and starts the new one's on the day), not in full: only the information
  categories the placement shares with the HVB. Under SoL that rests on consent (the
  policy's PLACEMENT_SOL row, asked with the HVB unit and those categories), and ends on the
  last day the decision is sure to hold; under LVU and LVM it rests on the decision itself.

- invited, limited to health: the region unit asked for a child's hälsoundersökning
  (HälsoSAMS), while the request is open (source ``HEALTH_SOURCE``); it reaches the request
  only, never the placement (placement.access).

Nobody else: other units reach a placement only through steps they are asked to do.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases.models import AccessGrant
from cases.services import grants_replace
from consent.models import Purpose
from consent.policy import consent_evaluate, decision_holds_until
from directory.models import Person

from .models import HealthExamRequest, Placement
from .rules import BASES

CASE_KIND = "placement"
#: The source of a region unit's grant limited to a hälsoundersökning it is asked for.
HEALTH_SOURCE = "health_exam_request"
#: The sources of the HVB's grants: the HVB the person is placed at, and the HVB the person
#: leaves after a change dated ahead (until the day before).
HVB_SOURCE, HVB_BEFORE_CHANGE_SOURCE = "hvb_unit", "hvb_unit_before_change"
HVB_SOURCES = (HVB_SOURCE, HVB_BEFORE_CHANGE_SOURCE)


def placement_grants(*, placement: Placement, at: dt.datetime) -> list[AccessGrant]:
    """The placement's grants at ``at`` (unsaved)."""
    on = timezone.localdate(at)
    rows = [
        AccessGrant(
            person_id=placement.person_id,
            unit_id=placement.placing_unit_id,
            kind=AccessGrant.Kind.OWN,
            full=True,
            valid_from=on,
            source="placing_unit",
        ),
        *_health_exam_grants(placement, on=on),
    ]
    if placement.phase not in Placement.WITH_HVB or placement.hvb_unit_id is None:
        return rows
    basis = BASES[placement.legal_basis]
    hvb = AccessGrant(
        person_id=placement.person_id,
        unit_id=placement.hvb_unit_id,
        kind=AccessGrant.Kind.INVITED,
        full=False,
        valid_from=on,
        source=HVB_SOURCE,
    )
    if not basis.compulsory:
        decision = consent_evaluate(
            action=basis.action,
            person=placement.person,
            at=at,
            units=[placement.hvb_unit],
            categories=list(placement.categories.values_list("code", flat=True)),
        )
        if not decision.consent_satisfied:
            return rows
        hvb.purpose = Purpose.PLACEMENT
        hvb.valid_until = decision_holds_until(action=basis.action, person=placement.person, at=at)
    return [*rows, *_hvb_change_pending(placement, hvb, on=on)]


def _health_exam_grants(placement: Placement, *, on: dt.date) -> list[AccessGrant]:
    """The region units asked for a hälsoundersökning, while their request is open: not in
    full, the health part only."""
    units = (
        placement.health_exam_requests.exclude(outcome__in=HealthExamRequest.FINAL)
        .order_by("region_unit_id")
        .values_list("region_unit_id", flat=True)
        .distinct()
    )
    return [
        AccessGrant(
            person_id=placement.person_id,
            unit_id=unit_id,
            kind=AccessGrant.Kind.INVITED,
            full=False,
            valid_from=on,
            source=HEALTH_SOURCE,
        )
        for unit_id in units
    ]


def _hvb_change_pending(placement: Placement, hvb: AccessGrant, *, on: dt.date):
    """The HVB's grant, split where a change of HVB takes effect later: the old HVB keeps
    its grant until the day before, the new one's starts on the day."""
    change = placement.hvb_changes.filter(on__gt=on).order_by("-on", "-pk").first()
    if change is None or change.from_hvb_id == placement.hvb_unit_id:
        return [hvb]
    last_day = change.on - dt.timedelta(days=1)
    old = AccessGrant(
        person_id=hvb.person_id,
        unit_id=change.from_hvb_id,
        kind=hvb.kind,
        full=False,
        valid_from=on,
        valid_until=min(last_day, hvb.valid_until) if hvb.valid_until else last_day,
        purpose=hvb.purpose,
        source=HVB_BEFORE_CHANGE_SOURCE,
    )
    hvb.valid_from = change.on
    if hvb.valid_until is not None and hvb.valid_until < hvb.valid_from:
        return [old]
    return [old, hvb]


@transaction.atomic
def grants_sync_placement(*, placement: Placement, at: dt.datetime | None = None) -> None:
    """Re-derive the placement's grants at ``at`` and replace its rows. Locks the
    placement's row, so that grants derived from an older state never overwrite newer ones."""
    at = at or timezone.now()
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("person", "hvb_unit")
        .get(pk=placement.pk)
    )
    grants_replace(
        case_kind=CASE_KIND,
        case_id=placement.pk,
        rows=placement_grants(placement=placement, at=at),
    )


def grants_sync_person(*, person: Person, at: dt.datetime | None = None) -> None:
    """Re-derive the grants of the person's placements (after a placement consent is
    registered, withdrawn or expires)."""
    for placement in Placement.objects.filter(person=person).order_by("pk"):
        grants_sync_placement(placement=placement, at=at)
