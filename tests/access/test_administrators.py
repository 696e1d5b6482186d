"""Administrators manage organisations, units and users and see no case data. A superuser is
for emergencies: every request a superuser makes is logged as such."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from audit.models import AccessLogEntry
from directory.models import Membership, Unit
from notifications.models import Delivery, Notification
from notifications.services import event_emit
from sipflow.events import SipEvent
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

EMERGENCY = "Nödåtkomst (superanvändare): "


@pytest.fixture
def case(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    return plan


@pytest.fixture
def administrator(world):
    user = MembershipFactory(
        unit=world.social, role=Membership.Role.ADMIN, user__email="ada@example.se"
    ).user
    user.is_staff = True
    user.save()
    return user


def test_an_administrator_manages_organisations_units_and_users(client, world, administrator):
    client.force_login(administrator)
    for name in [
        "admin:directory_organisation_changelist",
        "admin:directory_organisation_add",
        "admin:directory_unit_changelist",
        "admin:directory_unit_add",
        "admin:directory_user_changelist",
        "admin:directory_user_add",
        "admin:notifications_delivery_changelist",
    ]:
        assert client.get(reverse(name)).status_code == 200, name
    others = client.get(reverse("admin:directory_user_change", args=[world.sara.pk]))
    assert others.status_code == 200
    assert 'name="memberships-0-role"' in others.content.decode()  # gives others their roles
    response = client.post(
        reverse("admin:directory_unit_add"),
        {
            "organisation": world.region.pk,
            "name": "Habilitering Falun",
            "kind": Unit.Kind.OTHER,
            "email": "",
            "mail_to_mailbox": "on",
        },
    )
    assert response.status_code == 302
    assert Unit.objects.filter(name="Habilitering Falun", organisation=world.region).exists()


def test_an_administrator_sees_no_case_data(client, world, case, administrator):
    client.force_login(administrator)
    for name in [
        "admin:directory_person_changelist",
        "admin:consent_consent_changelist",
        "admin:consent_recordedview_changelist",
        "admin:consent_committeedecision_changelist",
        "admin:consent_guardiansnotcalled_changelist",
        "admin:audit_accesslogentry_changelist",
        "admin:audit_samplereview_changelist",
        "admin:notifications_event_changelist",
        "admin:notifications_notification_changelist",
    ]:
        assert client.get(reverse(name)).status_code == 403, name
    # A person's admin page answers as a missing one would: it tells nothing.
    person = reverse("admin:directory_person_change", args=[world.child.pk])
    missing = reverse("admin:directory_person_change", args=[world.child.pk + 10_000])
    assert client.get(person).status_code == client.get(missing).status_code == 404
    invitation = case.meetings.get().invitations.first()
    for url in [
        reverse("sip:plan", kwargs={"pk": case.pk}),
        reverse("sip:invitation", kwargs={"pk": invitation.pk}),
        reverse("sip:process_detail", kwargs={"process_pk": case.process_id}),
        reverse("people:person_detail", kwargs={"person_pk": world.child.pk}),
    ]:
        assert client.get(url).status_code in (403, 404), url
    secrets = [world.child.first_name, world.child.personal_identity_number]
    for url in [
        reverse("overview:index"),
        reverse("sip:index"),
        reverse("sip:inbox"),
        reverse("sip:queue"),
        reverse("sip:archive"),
        reverse("notifications:index"),
        reverse("admin:index"),
    ]:
        response = client.get(url)
        assert response.status_code < 500, url
        body = response.content.decode() if response.status_code == 200 else ""
        assert not any(secret in body for secret in secrets), url


def test_unit_events_reach_its_case_workers_not_its_administrator(world, administrator):
    world.social.mail_to_members = True
    world.social.save()
    world.sara.email = "sara@example.se"
    world.sara.save()
    with transaction.atomic():
        event_emit(kind=SipEvent.LEAD_RETURNED, recipient_unit=world.social, url="/sip/")
    assert Notification.objects.filter(user=world.sara).exists()
    assert Delivery.objects.filter(to="sara@example.se").exists()
    assert not Notification.objects.filter(user=administrator).exists()
    assert not Delivery.objects.filter(to="ada@example.se").exists()


def test_an_administrator_cannot_make_a_superuser_or_give_themselves_a_role(
    client, world, administrator
):
    root = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(administrator)
    others = client.get(reverse("admin:directory_user_change", args=[world.sara.pk]))
    own = client.get(reverse("admin:directory_user_change", args=[administrator.pk]))
    assert own.status_code == others.status_code == 200
    for page in (own, others):
        body = page.content.decode()
        assert 'name="is_superuser"' not in body
        assert 'name="user_permissions"' not in body
        assert 'name="groups"' not in body
    assert 'name="memberships-0-role"' not in own.content.decode()
    superuser_page = reverse("admin:directory_user_change", args=[root.pk])
    assert 'name="username"' not in client.get(superuser_page).content.decode()  # view only
    assert client.post(superuser_page, {"username": "root", "is_active": ""}).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.post(password, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 403


def test_every_request_of_a_superuser_is_logged_as_emergency_access(client, world, case):
    root = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(root)
    plan = reverse("sip:plan", kwargs={"pk": case.pk})
    person = reverse("admin:directory_person_change", args=[world.child.pk])
    pages = [reverse("overview:index"), reverse("admin:index"), person, plan, "/finns-inte/"]
    for url in pages:
        client.get(url)
    client.post(plan, {})  # whatever the answer, it is logged
    entries = AccessLogEntry.objects.filter(user=root, purpose__startswith=EMERGENCY)
    assert [entry.path for entry in entries.order_by("pk")] == [*pages, plan]
    assert entries.filter(path=person).get().person == world.child
    viewed, changed = entries.filter(path=plan).order_by("pk")
    assert (viewed.person, viewed.action) == (world.child, AccessLogEntry.Action.VIEW)
    assert changed.action == AccessLogEntry.Action.UPDATE
    assert entries.get(path=reverse("overview:index")).person is None


def test_other_users_leave_no_emergency_entries(client, world, case, administrator):
    for user in (world.sara, administrator):
        client.force_login(user)
        client.get(reverse("sip:plan", kwargs={"pk": case.pk}))
        client.get(reverse("admin:index"))
    assert AccessLogEntry.objects.filter(user=world.sara).exists()
    assert not AccessLogEntry.objects.filter(purpose__startswith=EMERGENCY).exists()
