"""Avvikelser between Ludvika kommun (Barn och familj) and Region Dalarna (BUP Falun)."""

from __future__ import annotations

import pytest

from directory.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory
from tests.placement_world import pworld  # noqa: F401
from tests.sipflow_world import World, world  # noqa: F401


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
