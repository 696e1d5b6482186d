"""A small world for SIP tests: Ludvika's Barn och familj, BUP Falun and a vårdcentral in
Region Dalarna, their staff, and a 13-year-old with two guardians."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from consent.models import Consent, InformationCategory, Purpose
from consent.services import consent_register, recorded_view_create
from directory.models import Membership, Organisation, Person, Unit, User
from directory.services import guardianship_create
from sipflow import services
from sipflow.models import Invitation, Meeting, SipPlan
from tests.conftest import years_ago
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory


@dataclass
class World:
    ludvika: Organisation
    region: Organisation
    social: Unit
    bup: Unit
    primary: Unit
    adult_psych: Unit
    sara: User
    vera: User
    vilma: User
    petra: User
    child: Person
    mother: Person
    father: Person

    def guardians_consent(self, *, at=None, **scope) -> list[Consent]:
        """Both guardians consent to a SIP with this scope (units, organisations, exclusions),
        sharing health and social information."""
        return [
            consent_register(
                subject=self.child,
                given_by=guardian,
                purpose=Purpose.SIP,
                form=Consent.Form.WRITTEN,
                documented_by=self.sara,
                categories=InformationCategory.objects.filter(code__in=["health", "social"]),
                at=at,
                **scope,
            )
            for guardian in (self.mother, self.father)
        ]

    def consent_all(self, *, units=None, at=None, **scope) -> list[Consent]:
        """Both guardians consent for the SIP units; the child's view is recorded."""
        if units is None and not scope:
            units = [self.social, self.bup, self.primary]
        if units is not None:
            scope["units"] = units
        consents = self.guardians_consent(at=at, **scope)
        self.child_view(at=at)
        return consents

    def child_view(self, *, at=None) -> None:
        """The child's view of the SIP is recorded (13 years old: it must be)."""
        recorded_view_create(
            subject=self.child,
            holder=self.child,
            purpose=Purpose.SIP,
            view="Jag vill få hjälp med att sova och med skolan.",
            recorded_by=self.sara,
            at=at,
        )

    def start(self, **overrides) -> SipPlan:
        fields = {
            "person": self.child,
            "unit": self.social,
            "origin": SipPlan.Origin.PROFESSIONAL,
            "social_needs": "Stöd i familjen",
            "health_needs": "Utredning av sömnproblem på BUP",
            "coordination_reason": "Insatserna måste hänga ihop",
            "informed_about_sip": True,
        }
        return services.sip_start_process(by=self.sara, **{**fields, **overrides})

    def prepare(self, plan, **overrides) -> SipPlan:
        fields = {
            "units": [self.bup, self.primary],
            "categories": InformationCategory.objects.filter(code__in=["health", "social"]),
            "lead_unit": self.social,
            "coordinator": self.sara,
        }
        return services.sip_prepare(plan=plan, by=self.sara, **{**fields, **overrides})

    def summon(self, plan, **overrides):
        fields = {
            "starts_at": timezone.now() + dt.timedelta(days=14),
            "place": "Familjecentralen, Ludvika",
        }
        return services.sip_summon(plan=plan, by=self.sara, **{**fields, **overrides})


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    """Organisations, units, staff and a family (also used by bench/sip_flow.py)."""
    today = timezone.localdate()
    region = OrganisationFactory(name="Region Dalarna", kind=Organisation.Kind.REGION)
    ludvika = OrganisationFactory(
        name="Ludvika kommun", kind=Organisation.Kind.MUNICIPALITY, region=region
    )
    social = UnitFactory(organisation=ludvika, name="Barn och familj Ludvika")
    bup = UnitFactory(organisation=region, name="BUP Falun", kind=Unit.Kind.CHILD_PSYCHIATRY)
    primary = UnitFactory(
        organisation=region, name="Vårdcentral Ludvika", kind=Unit.Kind.PRIMARY_CARE
    )
    adult_psych = UnitFactory(
        organisation=region, name="Vuxenpsykiatri Falun", kind=Unit.Kind.ADULT_PSYCHIATRY
    )
    sara = MembershipFactory(
        unit=social, role=Membership.Role.SOCIAL_WORKER, user__username="sara"
    ).user
    vera = MembershipFactory(
        unit=bup, role=Membership.Role.HEALTH_STAFF, user__username="vera"
    ).user
    vilma = MembershipFactory(
        unit=bup, role=Membership.Role.HEALTH_STAFF, user__username="vilma"
    ).user
    petra = MembershipFactory(
        unit=primary, role=Membership.Role.HEALTH_STAFF, user__username="petra"
    ).user
    from tests.factories import person_born

    home = {"registered_municipality": ludvika, "last_name": "Ek"}
    child = person_born(years_ago(13, today=today, days=20), first_name="Alva", **home)
    mother = person_born(years_ago(40, today=today), first_name="Anna", **home)
    father = person_born(years_ago(42, today=today), first_name="Johan", **home)
    for guardian in (mother, father):
        guardianship_create(child=child, guardian=guardian, on=today)
    return World(
        ludvika,
        region,
        social,
        bup,
        primary,
        adult_psych,
        sara,
        vera,
        vilma,
        petra,
        child,
        mother,
        father,
    )


def action_rows(world):
    """Two plan rows: BUP's assessment and the kommun's family treatment."""
    today = timezone.localdate()
    return [
        services.ActionInput(
            need="Sömnen",
            action="Utredning på BUP",
            responsible_organisation=world.region,
            responsible_unit=world.bup,
            persons_part="Föra sömndagbok",
            starts_on=today,
        ),
        services.ActionInput(
            need="Familjen",
            action="Familjebehandling",
            responsible_organisation=world.ludvika,
            responsible_unit=world.social,
            starts_on=today,
        ),
    ]


def answer_by_set(meetings, day: dt.date) -> None:
    """Move these meetings' answer-by date, and their kallelser's copy of it (as
    meeting_reschedule does), to ``day``: a test's shortcut past the days between."""
    pks = (
        [meetings.pk]
        if isinstance(meetings, Meeting)
        else list(meetings.values_list("pk", flat=True))
    )
    Meeting.objects.filter(pk__in=pks).update(answer_by=day)
    Invitation.objects.filter(meeting__in=pks).update(answer_by=day)
