"""The admin uses the same scoping as the pages: staff see only people they may see."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import AccessLogEntry
from directory.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


def admin_staff(unit):
    user = MembershipFactory(unit=unit, role=Membership.Role.SOCIAL_WORKER).user
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_person", "view_consent"])
    )
    return user


def test_admin_person_list_is_scoped(client, world):
    world.consent_all()
    falun = OrganisationFactory(name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY)
    client.force_login(admin_staff(UnitFactory(organisation=falun)))
    page = client.get(reverse("admin:directory_person_changelist"))
    assert page.status_code == 200
    assert "Alva" not in page.content.decode()
    detail = client.get(reverse("admin:directory_person_change", args=[world.child.pk]))
    assert detail.status_code in (302, 404)
    consents = client.get(reverse("admin:consent_consent_changelist")).content.decode()
    assert "Alva" not in consents

    client.force_login(admin_staff(world.social))
    page = client.get(reverse("admin:directory_person_changelist"))
    assert "Alva" in page.content.decode()


def test_an_admin_page_of_a_person_out_of_scope_is_refused_and_logged(client, world):
    world.consent_all()
    falun = OrganisationFactory(name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY)
    staff = admin_staff(UnitFactory(organisation=falun))
    staff.user_permissions.add(*Permission.objects.filter(codename="change_person"))
    client.force_login(staff)
    url = reverse("admin:directory_person_change", args=[world.child.pk])
    missing = reverse("admin:directory_person_change", args=[2**31 - 1])
    for method in (client.get, client.post):
        refused, not_there = method(url), method(missing)
        assert (refused.status_code, refused.content) == (404, not_there.content)
    entries = AccessLogEntry.objects.filter(user=staff, path=url).order_by("pk")
    assert [(entry.action, entry.refused, entry.person) for entry in entries] == [
        (AccessLogEntry.Action.VIEW, True, world.child),
        (AccessLogEntry.Action.UPDATE, True, world.child),
    ]
    world.child.refresh_from_db()
    assert world.child.first_name == "Alva"


def test_an_admin_page_with_an_id_that_is_no_number_is_a_logged_404(client, world):
    staff = admin_staff(world.social)
    client.force_login(staff)
    url = reverse("admin:directory_person_change", args=["abc"])
    assert client.get(url).status_code == 404
    entry = AccessLogEntry.objects.get(user=staff, path=url)
    assert (entry.refused, entry.person, entry.object_id) == (True, None, "")
