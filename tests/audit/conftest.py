from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from directory.models import Membership
from tests.conftest import years_ago
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, person_born

AT = timezone.make_aware(dt.datetime(2026, 11, 23, 10, 0))


@pytest.fixture
def staff(db):
    """Two units in two organisations, a case worker and a manager in the first, a nurse in
    the second, and two people."""
    kommun = OrganisationFactory(name="Ludvika kommun")
    region = OrganisationFactory(name="Region Dalarna", kind="region")
    social = UnitFactory(organisation=kommun, name="Barn och familj")
    bup = UnitFactory(organisation=region, name="BUP Falun")
    return SimpleNamespace(
        kommun=kommun,
        region=region,
        social=social,
        bup=bup,
        sara=MembershipFactory(unit=social, user__username="sara").user,
        carl=MembershipFactory(
            unit=social, user__username="carl", role=Membership.Role.MANAGER
        ).user,
        vera=MembershipFactory(
            unit=bup, user__username="vera", role=Membership.Role.HEALTH_STAFF
        ).user,
        child=person_born(years_ago(10), first_name="Alva"),
        adult=person_born(years_ago(40), first_name="Bertil"),
    )
