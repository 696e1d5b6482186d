"""HVB staff see, and write for, a placement only while its HVB's grant holds: the grant
rests on the consent (SoL) or the decision (LVU, LVM), and on which HVB the person lives at.
The pages, the start page and the services all ask the grant, not the HVB named on the
placement: the HVB the person leaves after a change dated ahead keeps its part until the
day before, the new one has it from the day, and a withdrawn SoL consent ends it at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.errors import NotParty
from cases.models import AccessGrant
from consent.models import Consent
from consent.services import consent_withdraw
from directory.models import Membership
from placement import services
from placement.grants import CASE_KIND
from placement.models import CarePlanVersion, Placement
from tests.factories import MembershipFactory
from tests.placement.test_care import plan_fields
from tests.placement.test_under import placed_sol, second_hvb
from tests.placement.test_views import client_for

pytestmark = pytest.mark.django_db


def sees(user, placement: Placement) -> bool:
    client = client_for(user)
    page = client.get(reverse("placement:placement", kwargs={"pk": placement.pk}))
    listed = str(placement.person) in client.get(reverse("overview:index")).content.decode()
    assert (page.status_code == 200) == listed, (page.status_code, listed)
    return page.status_code == 200


def test_a_change_of_hvb_dated_ahead_moves_the_hvbs_part_on_its_date(pworld):
    placement = placed_sol(pworld)
    other = second_hvb(pworld)
    for giver in (*pworld.guardians, pworld.youth):
        pworld.consent(giver).units.add(other)
    colleague = MembershipFactory(unit=other, role=Membership.Role.HVB_STAFF).user
    change_on = timezone.localdate() + dt.timedelta(days=10)
    services.placement_hvb_change(
        placement=placement,
        by=pworld.sara,
        to_hvb=other,
        on=change_on,
        level=Placement.DecisionLevel.DELEGATE,
        decided_by="Karin Delegat",
    )
    placement.refresh_from_db()
    assert placement.hvb_unit == other

    # Until the day before, the youth lives at Exempelgården: Hugo keeps his part.
    assert sees(pworld.hugo, placement)
    written = services.plan_version_write(placement=placement, by=pworld.hugo, **plan_fields())
    assert written.unit == pworld.hvb
    assert not sees(colleague, placement)
    with pytest.raises(NotParty):
        services.plan_version_write(placement=placement, by=colleague, **plan_fields())

    # The day comes (the grants' dates, as they stand then).
    grants = AccessGrant.objects.filter(case_kind=CASE_KIND, case_id=placement.pk)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    grants.filter(unit=pworld.hvb).update(valid_from=yesterday, valid_until=yesterday)
    grants.filter(unit=other).update(valid_from=timezone.localdate())
    assert not sees(pworld.hugo, placement)
    with pytest.raises(NotParty):
        services.plan_version_write(placement=placement, by=pworld.hugo, **plan_fields())
    assert sees(colleague, placement)
    written = services.plan_version_write(placement=placement, by=colleague, **plan_fields())
    assert written.unit == other


def test_a_withdrawn_sol_consent_ends_the_hvbs_part_in_the_services_too(pworld):
    placement = placed_sol(pworld)
    assert sees(pworld.hugo, placement)
    consent_withdraw(
        consent=Consent.objects.get(subject=pworld.youth, given_by=pworld.youth),
        withdrawn_by=pworld.youth,
        form=Consent.Form.WRITTEN,
        documented_by=pworld.sara,
    )
    assert not sees(pworld.hugo, placement)
    url = reverse("placement:implementation_plan", kwargs={"pk": placement.pk})
    assert client_for(pworld.hugo).get(url).status_code == 404
    with pytest.raises(NotParty):
        services.plan_version_write(placement=placement, by=pworld.hugo, **plan_fields())
    # The placing unit still writes the plans; the placement goes on.
    version = services.plan_version_write(
        placement=placement,
        by=pworld.sara,
        **plan_fields(kind=CarePlanVersion.Kind.CARE_PLAN),
    )
    assert version.unit == pworld.social
