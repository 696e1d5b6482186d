"""Placements in two kommuner, for the per-organisation rules (the follow-up visit interval,
the SOU proposals switched on in one and not the other), with a controllable clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from consent.models import Purpose
from consent.services import recorded_view_create
from directory.models import Membership, Organisation, Person, RuleSwitch, Unit, User
from directory.selectors import person_guardians
from placement import services
from placement.models import AlternativeTried, LegalStep, Placement
from placement.rules import LegalBasis
from tests.conftest import years_ago
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, person_born


class Clock:
    """timezone.now, moved by the test (every service, selector and viewflow timer reads
    it)."""

    def __init__(self, monkeypatch):
        self.at = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.at)

    def to(self, day: dt.date, hour: int = 9) -> None:
        self.at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.at)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@dataclass
class Kommun:
    organisation: Organisation
    unit: Unit
    worker: User
    chef: User


def ludvika(pworld) -> Kommun:
    return Kommun(pworld.sip.ludvika, pworld.social, pworld.sara, pworld.carl)


def falun(pworld) -> Kommun:
    organisation = OrganisationFactory(
        name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY, region=pworld.sip.region
    )
    unit = UnitFactory(organisation=organisation, name="Barn och familj Falun")
    worker = MembershipFactory(unit=unit, role=Membership.Role.SOCIAL_WORKER).user
    chef = MembershipFactory(unit=unit, role=Membership.Role.MANAGER).user
    return Kommun(organisation, unit, worker, chef)


def resident(kommun: Kommun, *, age: int = 15, first_name: str = "Ida", days: int = 60) -> Person:
    """Someone folkbokförd in the kommun, ``age`` years (and ``days``) old today."""
    return person_born(
        years_ago(age, today=dt.date.today(), days=days),
        first_name=first_name,
        last_name=f"Prov {kommun.organisation.name.split()[0]}",
        registered_municipality=kommun.organisation,
    )


def placed(
    pworld,
    kommun: Kommun,
    person: Person,
    *,
    start: dt.date,
    basis: str = LegalBasis.LVU_2,
) -> Placement:
    """An acute placement under LVU (or LVM) that started on ``start``: the views recorded,
    an interim decision and the nämnd's decision on that day, the move the same day."""
    by = kommun.worker
    for holder in (person, *person_guardians(person=person, on=start)):
        recorded_view_create(
            subject=person,
            holder=holder,
            purpose=Purpose.PLACEMENT,
            view="Inställningen är dokumenterad.",
            recorded_by=by,
        )
    placement = services.placement_open(person=person, unit=kommun.unit, by=by)
    areas = placement.assessment.template.areas.values_list("code", flat=True)
    services.assessment_record(placement=placement, by=by, entries=dict.fromkeys(areas, "Bedömt."))
    services.alternative_record(
        placement=placement,
        by=by,
        kind=AlternativeTried.Kind.FAMILY_TREATMENT,
        started_on=start - dt.timedelta(days=200),
        ended_on=start - dt.timedelta(days=30),
        outcome="Räckte inte.",
    )
    services.placement_propose(
        placement=placement,
        by=by,
        hvb_unit=pworld.hvb,
        legal_basis=basis,
        acute=True,
        categories=pworld.categories(),
    )
    services.legal_step_record(
        placement=placement, by=by, kind=LegalStep.Kind.INTERIM, on=start, reference="Dnr 1"
    )
    services.placement_decide(
        placement=placement,
        by=by,
        level=Placement.DecisionLevel.COMMITTEE,
        decided_by="Nämnden",
        on=start,
    )
    return services.placement_start(placement=placement, by=by, start_date=start)


def switch_on(kommun: Kommun, code: str, *, on: dt.date = dt.date(2023, 1, 1)) -> RuleSwitch:
    return RuleSwitch.objects.create(
        organisation=kommun.organisation, code=code, enabled=True, effective_from=on
    )


def visit(
    placement: Placement, by: User, on: dt.date, *, private_talk: bool = False, **talked_with
):
    return services.follow_up_visit_record(
        placement=placement,
        by=by,
        visited_on=on,
        note="Trivs, går i skolan.",
        with_person=True,
        private_talk=private_talk,
        **talked_with,
    )


#: The start of the placements of ``two``: a month end, so the next months are shorter
#: (30 April, 28 February).
START = dt.date(2027, 1, 31)


@pytest.fixture
def two(pworld, clock):
    """A placement in Ludvika (Elin, 16) and one in Falun (Ida, 15), both started on START."""
    clock.to(START)
    here, there = ludvika(pworld), falun(pworld)
    return (
        here,
        placed(pworld, here, pworld.youth, start=START),
        there,
        placed(pworld, there, resident(there), start=START),
    )
