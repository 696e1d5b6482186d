"""People folkbokförda in one kommun and a socialsekreterare there: only staff with a case
role who may see the person document consents, views and decisions."""

from __future__ import annotations

import functools

import pytest

from directory.models import Membership, User
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, person_born


@pytest.fixture
def kommun(db):
    return OrganisationFactory(name="Ludvika kommun")


@pytest.fixture
def make_person(kommun):
    """A person folkbokförd in ``kommun``, whom its case workers may see."""
    return functools.partial(person_born, registered_municipality=kommun)


@pytest.fixture
def case_worker(kommun) -> User:
    """A socialsekreterare in the kommun."""
    return MembershipFactory(
        role=Membership.Role.SOCIAL_WORKER, unit=UnitFactory(organisation=kommun)
    ).user
