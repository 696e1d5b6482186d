"""Events for the statistics tests, written straight into the tables (the statistics only
read them): SIPs, meetings, kallelser, plan versions, follow-ups with their reviews, and
placements with their reviews, each at a chosen moment, for people of a chosen sex and
birth date. tests/overview/test_statistics_flow.py makes the same through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from django.utils import timezone

from directory.identity_numbers import luhn_check_digit
from directory.models import Membership, Organisation, Person, Unit, User
from placement.models import Placement, Review
from sipflow.models import (
    ActionReview,
    FollowUp,
    Invitation,
    Meeting,
    PlanAction,
    PlanVersion,
    SipPlan,
)
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory

_serial = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A moment in local (Stockholm) time."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


@dataclass
class StatisticsWorld:
    ludvika: Organisation
    social: Unit
    bup: Unit
    falun_unit: Unit
    carl: User  # chef of Ludvika's Barn och familj
    sara: User

    def person(self, born: dt.date, sex: str = Person.LegalSex.FEMALE) -> Person:
        """A person with a valid number of their own (serials 00-97, the demo uses 98)."""
        serial = next(_serial) % 98
        sex_digit = 1 if sex == Person.LegalSex.MALE else 2
        body = f"{born:%y%m%d}{serial:02d}{sex_digit}"
        person = Person(
            personal_identity_number=f"{born:%Y}{body[2:]}{luhn_check_digit(body)}",
            first_name="Stat",
            last_name=f"Provsson{serial}",
            legal_sex=sex,
        )
        person.full_clean()
        person.save()
        return person

    def people(self, count: int, born: dt.date, sex: str = Person.LegalSex.FEMALE):
        return [self.person(born + dt.timedelta(days=i), sex) for i in range(count)]

    def plan(self, person: Person, *, started: dt.datetime, unit: Unit | None = None, **fields):
        return SipPlan.objects.create(
            person=person,
            started_by=self.sara,
            started_unit=unit or self.social,
            started_at=started,
            origin=SipPlan.Origin.PROFESSIONAL,
            social_needs="Stöd",
            health_needs="Vård",
            coordination_reason="Samordning",
            informed_about_sip=True,
            **fields,
        )

    def meeting(self, plan: SipPlan, *, held: dt.datetime | None, answer_by: dt.date, **fields):
        fields.setdefault("kind", Meeting.Kind.FIRST)
        return Meeting.objects.create(
            plan=plan,
            starts_at=held
            or at(answer_by.year, answer_by.month, answer_by.day) + dt.timedelta(days=3),
            place="Familjecentralen",
            answer_by=answer_by,
            held_at=held,
            **fields,
        )

    def invitation(
        self,
        meeting: Meeting,
        *,
        sent: dt.datetime,
        answered: dt.datetime | None,
        unit: Unit | None = None,
        status: str | None = None,
    ):
        if status is None:
            status = Invitation.Status.ACCEPTED if answered else Invitation.Status.PENDING
        return Invitation.objects.create(
            meeting=meeting,
            answer_by=meeting.answer_by,
            unit=unit or self.bup,
            status=status,
            sent_at=sent,
            answered_at=answered,
            answered_by=self.sara if answered else None,
            decline_reason="Deltar inte" if status == Invitation.Status.DECLINED else "",
        )

    def version(self, plan: SipPlan, *, next_follow_up: dt.date, created: dt.datetime):
        number = plan.versions.count() + 1
        return PlanVersion.objects.create(
            plan=plan,
            number=number,
            persons_goals="Må bra",
            lead_unit=self.social,
            next_follow_up=next_follow_up,
            created_at=created,
            created_by=self.sara,
        )

    def follow_up(
        self,
        plan: SipPlan,
        *,
        held: dt.datetime,
        due: dt.date | None,
        answers: list[tuple[str, str]] = (),
    ):
        version = plan.versions.order_by("-number").first() or self.version(
            plan, next_follow_up=due or held.date(), created=plan.started_at
        )
        follow_up = FollowUp.objects.create(
            plan=plan,
            version=version,
            held_at=held,
            held_by=self.sara,
            outcome=FollowUp.Outcome.NEXT,
            due_on=due,
            next_follow_up=held.date() + dt.timedelta(days=90),
        )
        for done, goal in answers:
            action = PlanAction.objects.create(
                version=version,
                need="Behov",
                action="Insats",
                responsible_organisation=self.ludvika,
                starts_on=plan.started_at.date(),
            )
            ActionReview.objects.create(
                follow_up=follow_up, action=action, done_as_planned=done, goal_met=goal
            )
        return follow_up

    def placement(self, person: Person, *, opened: dt.datetime, unit: Unit | None = None, **fields):
        fields.setdefault("phase", Placement.Phase.INVESTIGATING)
        return Placement.objects.create(
            person=person,
            placing_unit=unit or self.social,
            caseworker=self.sara,
            opened_at=opened,
            **fields,
        )

    def review(self, placement: Placement, *, due: dt.date, held: dt.date | None):
        return Review.objects.create(
            placement=placement,
            placing_unit_id=placement.placing_unit_id,
            due_on=due,
            held_on=held,
            outcome=Review.Outcome.CONTINUE if held else "",
        )


@pytest.fixture
def stats(db) -> StatisticsWorld:
    region = OrganisationFactory(name="Region Dalarna", kind=Organisation.Kind.REGION)
    ludvika = OrganisationFactory(
        name="Ludvika kommun", kind=Organisation.Kind.MUNICIPALITY, region=region
    )
    falun = OrganisationFactory(name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY)
    social = UnitFactory(organisation=ludvika, name="Barn och familj Ludvika")
    bup = UnitFactory(organisation=region, name="BUP Falun", kind=Unit.Kind.CHILD_PSYCHIATRY)
    falun_unit = UnitFactory(organisation=falun, name="Barn och familj Falun")
    carl = MembershipFactory(unit=social, role=Membership.Role.MANAGER, user__username="carl").user
    sara = MembershipFactory(
        unit=social, role=Membership.Role.SOCIAL_WORKER, user__username="sara"
    ).user
    return StatisticsWorld(ludvika, social, bup, falun_unit, carl, sara)
