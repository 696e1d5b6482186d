"""A small world for placement tests: the SIP world (Ludvika's Barn och familj, Region
Dalarna's BUP Falun and vårdcentral, Sara and Vera, a family), with a 16-year-old of the
same two guardians folkbokförd in Ludvika, an adult, Exempelgården HVB (an IVO permit,
ungdomar 13-17 år) and Hugo who works there."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.utils import timezone

from consent.models import Consent, InformationCategory, Purpose
from consent.services import consent_register, recorded_view_create
from directory.models import Membership, Organisation, Person, Unit, User
from directory.services import guardianship_create
from placement import services
from placement.models import AlternativeTried, HvbProfile, LegalStep, Placement
from placement.rules import LegalBasis
from tests.conftest import years_ago
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, person_born
from tests.sipflow_world import World, build_world


@dataclass
class PlacementWorld:
    sip: World
    provider: Organisation
    hvb: Unit
    profile: HvbProfile
    hugo: User
    carl: User
    youth: Person
    adult: Person

    @property
    def sara(self) -> User:
        return self.sip.sara

    @property
    def vera(self) -> User:
        return self.sip.vera

    @property
    def social(self) -> Unit:
        return self.sip.social

    @property
    def guardians(self) -> tuple[Person, Person]:
        return (self.sip.mother, self.sip.father)

    def categories(self):
        return InformationCategory.objects.filter(code__in=["health", "social"])

    def consent(self, giver: Person, *, subject: Person | None = None, at=None) -> Consent:
        return consent_register(
            subject=subject or self.youth,
            given_by=giver,
            purpose=Purpose.PLACEMENT,
            form=Consent.Form.WRITTEN,
            documented_by=self.sara,
            categories=self.categories(),
            units=[self.social, self.hvb],
            at=at,
        )

    def view(self, holder: Person, *, subject: Person | None = None, at=None) -> None:
        recorded_view_create(
            subject=subject or self.youth,
            holder=holder,
            purpose=Purpose.PLACEMENT,
            view="Min inställning är dokumenterad.",
            recorded_by=self.sara,
            at=at,
        )

    def open(self, person: Person | None = None, *, at=None) -> Placement:
        """An utredning with every area written and one alternative tried."""
        placement = services.placement_open(
            person=person or self.youth, unit=self.social, by=self.sara, at=at
        )
        areas = placement.assessment.template.areas.values_list("code", flat=True)
        services.assessment_record(
            placement=placement,
            by=self.sara,
            entries={code: "Bedömt." for code in areas},
            at=at,
        )
        services.alternative_record(
            placement=placement,
            by=self.sara,
            kind=AlternativeTried.Kind.FAMILY_TREATMENT,
            started_on=timezone.localdate() - dt.timedelta(days=200),
            ended_on=timezone.localdate() - dt.timedelta(days=30),
            outcome="Räckte inte.",
            at=at,
        )
        return placement

    def propose(self, placement: Placement, **overrides) -> services.Proposal:
        fields = {
            "hvb_unit": self.hvb,
            "legal_basis": LegalBasis.SOL,
            "acute": False,
            "categories": self.categories(),
        }
        return services.placement_propose(
            placement=placement, by=self.sara, **{**fields, **overrides}
        )

    def decide(self, placement: Placement, *, on: dt.date | None = None, at=None) -> Placement:
        return services.placement_decide(
            placement=placement,
            by=self.sara,
            level=Placement.DecisionLevel.DELEGATE,
            decided_by="Karin Delegat",
            on=on or timezone.localdate(),
            at=at,
        )

    def interim(self, placement: Placement, *, on: dt.date | None = None) -> LegalStep:
        return services.legal_step_record(
            placement=placement,
            by=self.sara,
            kind=LegalStep.Kind.INTERIM,
            on=on or timezone.localdate(),
            reference="Dnr 2026/17",
        )

    def sol_consents(self) -> None:
        """Both guardians and the youth consent; the youth's view is recorded."""
        for giver in (*self.guardians, self.youth):
            self.consent(giver)
        self.view(self.youth)

    def decided_sol(self) -> Placement:
        self.sol_consents()
        placement = self.open()
        self.propose(placement)
        return self.decide(placement)

    def cost_allocation(self, placement: Placement, *, approve: bool = True):
        allocation = services.cost_allocation_create(
            placement=placement,
            by=self.sara,
            rows=[
                services.CostRow(
                    what="housing",
                    paying_organisation=self.sip.ludvika,
                    valid_from=timezone.localdate(),
                    amount_per_day=2800,
                ),
                services.CostRow(
                    what="health_care",
                    paying_organisation=self.sip.region,
                    valid_from=timezone.localdate(),
                    share_percent=100,
                ),
            ],
        )
        if approve:
            services.cost_allocation_approve(
                allocation=allocation, by=self.sara, side="municipality"
            )
            services.cost_allocation_approve(allocation=allocation, by=self.vera, side="region")
        return allocation


def seed_templates() -> None:
    """The templates a migration seeds (a transactional test flushes them away)."""
    importlib.import_module("placement.migrations.0002_assessment_templates").create(apps, None)


def build_placement_world(sip: World | None = None) -> PlacementWorld:
    """Around the SIP world ``sip`` (a new one by default)."""
    sip = sip or build_world()
    seed_templates()
    today = timezone.localdate()
    provider = OrganisationFactory(
        name="Exempelgården AB",
        kind=Organisation.Kind.PROVIDER,
        provider_ownership=Organisation.Ownership.PRIVATE,
        ivo_permit_number="IVO 8.5-1234/2024",
    )
    hvb = UnitFactory(
        organisation=provider, name="Exempelgården, ungdomar 13–17 år", kind=Unit.Kind.HVB
    )
    profile = HvbProfile.objects.create(
        unit=hvb,
        ivo_status=HvbProfile.IvoStatus.PERMIT,
        ivo_reference="IVO 8.5-1234/2024",
        target_group="Ungdomar med psykosocial problematik",
        age_from=13,
        age_to=17,
        places=6,
    )
    hugo = MembershipFactory(unit=hvb, role=Membership.Role.HVB_STAFF, user__username="hugo").user
    carl = MembershipFactory(
        unit=sip.social, role=Membership.Role.MANAGER, user__username="carl"
    ).user
    home = {"registered_municipality": sip.ludvika, "last_name": "Ek"}
    youth = person_born(years_ago(16, today=today, days=40), first_name="Elin", **home)
    for guardian in (sip.mother, sip.father):
        guardianship_create(child=youth, guardian=guardian, on=today)
    adult = person_born(
        years_ago(34, today=today), first_name="Erik", legal_sex=Person.LegalSex.MALE, **home
    )
    return PlacementWorld(sip, provider, hvb, profile, hugo, carl, youth, adult)


@pytest.fixture
def pworld(db) -> PlacementWorld:
    return build_placement_world()
