"""The placement part of the demo (directory.demo.seed_demo): the HVBs' profiles, and a
placement whose utredning Sara has opened, so that `make run` shows the placement pages."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from directory.models import Person, Unit, User

from .models import AlternativeTried, HvbProfile, Placement
from .services import alternative_record, assessment_record, placement_open_process

PROFILES = {
    "Exempelgården, ungdomar 13–17 år": {
        "ivo_status": HvbProfile.IvoStatus.PERMIT,
        "ivo_reference": "IVO-DEMO-0001",
        "target_group": "Ungdomar 13–17 år med psykosocial problematik",
        "age_from": 13,
        "age_to": 17,
        "places": 6,
    },
    "Solbacken, vuxna": {
        "ivo_status": HvbProfile.IvoStatus.NOTIFIED,
        "ivo_reference": "IVO-DEMO-0002",
        "target_group": "Vuxna med missbruk",
        "age_from": 18,
        "places": 10,
    },
}


def placement_demo_seed(*, today: dt.date) -> None:
    for unit_name, fields in PROFILES.items():
        unit = Unit.objects.filter(name=unit_name).first()
        if unit is not None:
            HvbProfile.objects.get_or_create(unit=unit, defaults=fields)
    sara = User.objects.filter(username="sara").first()
    erik = Person.objects.filter(first_name="Erik", last_name="Testsson").first()
    unit = Unit.objects.filter(name="Barn och familj, Ludvika").first()
    if None in (sara, erik, unit) or Placement.objects.filter(person=erik).exists():
        return
    placement = placement_open_process(by=sara, person=erik, unit=unit)
    areas = placement.assessment.template.areas.all()
    assessment_record(
        placement=placement,
        by=sara,
        entries={area.code: "Bedömt vid hembesök och samtal." for area in areas[:2]},
    )
    alternative_record(
        placement=placement,
        by=sara,
        kind=AlternativeTried.Kind.OUTPATIENT,
        started_on=timezone.localdate() - dt.timedelta(days=180),
        ended_on=timezone.localdate() - dt.timedelta(days=20),
        outcome="Öppenvården räckte inte: återfall efter tre månader.",
    )
