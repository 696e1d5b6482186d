"""Avvikelser between Ludvika kommun (Barn och familj) and Region Dalarna (BUP Falun), in
the SIP world: Vera at BUP reports a kallelse Ludvika's socialtjänst never answered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from deviations import services
from deviations.rules import AgreementCode, Category, Harm
from directory.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory
from tests.sipflow_world import World, world  # noqa: F401


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def report(world: World, *, by=None, unit=None, concerned=None, plan=None, **overrides):
    """Vera (BUP Falun) reports, about Barn och familj Ludvika, from ``plan`` where given
    (else about the agreement in general)."""
    today = timezone.localdate()
    fields = {
        "by": by or world.vera,
        "unit": unit or world.bup,
        "concerned_units": concerned or [world.social],
        "occurred_on": today - dt.timedelta(days=1),
        "description": "Kallelsen till SIP-mötet besvarades inte.",
        "category": Category.SIP_SUMMONS_UNANSWERED,
        "harm": Harm.RISK,
        "agreement": AgreementCode.HVB,
        "responsibilities": "Socialtjänsten kallar till nytt möte; BUP fortsätter behandlingen.",
        "allocation_until": today + dt.timedelta(days=14),
    }
    if plan is not None:
        fields.update(case_kind="sip", case_id=plan.pk)
    fields.update(overrides)
    return services.deviation_report(**fields)


def sip_inviting_bup(world: World):
    """A SIP of Barn och familj Ludvika that calls BUP Falun (so Vera sees it)."""
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    return plan


@pytest.fixture
def chefs(world):  # noqa: F811
    """A chef for each party's unit."""
    return {
        "social": MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user,
        "bup": MembershipFactory(unit=world.bup, role=Membership.Role.MANAGER).user,
    }


@pytest.fixture
def falun(world):  # noqa: F811
    """An organisation no report concerns: Falu kommun, its unit and a socialsekreterare."""
    organisation = OrganisationFactory(
        name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY, region=world.region
    )
    unit = UnitFactory(organisation=organisation, name="Barn och familj Falun")
    worker = MembershipFactory(unit=unit, role=Membership.Role.SOCIAL_WORKER).user
    chef = MembershipFactory(unit=unit, role=Membership.Role.MANAGER).user
    return {"organisation": organisation, "unit": unit, "worker": worker, "chef": chef}
