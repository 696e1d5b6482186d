"""Holes found in review, each closed and kept closed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from viewflow.workflow.models import Task

from audit.models import AccessLogEntry
from directory.models import Membership, Organisation
from sipflow.flows import SipFlow
from sipflow.models import SipPlan
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    return plan


@pytest.fixture
def outsider(db):
    falun = OrganisationFactory(name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY)
    return MembershipFactory(unit=UnitFactory(organisation=falun)).user


def test_bulk_assign_and_unassign_show_only_visible_tasks(client, world, case, outsider):
    client.force_login(outsider)
    task = Task.objects.filter(process=case.process_id).first()
    page = client.post(reverse("sip:tasks_assign"), {"pk": [task.pk]})
    assert "Alva" not in page.content.decode()
    page = client.post(reverse("sip:tasks_unassign"), {"select_all": "1"})
    assert "Alva" not in page.content.decode()


def test_a_task_of_another_sip_cannot_be_read_through_a_visible_process(client, world, case):
    other = world.start(person=world.mother)  # a SIP BUP is not part of
    secret_task = Task.objects.filter(process=other.process_id).first()
    client.force_login(world.vera)
    url = reverse(
        "sip:prepare:detail", kwargs={"process_pk": case.process_id, "task_pk": secret_task.pk}
    )
    assert client.get(url).status_code == 404


def test_the_start_page_does_not_fill_in_someone_elses_number(client, world, outsider):
    client.force_login(outsider)
    page = client.get(reverse("sip:start:execute"), {"person": world.child.pk})
    assert world.child.personal_identity_number not in page.content.decode()


def test_viewflows_process_admin_is_gone(admin_client, case):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("admin:viewflow_process_changelist")


def test_admin_reads_of_case_data_are_logged(client, world, case):
    staff = MembershipFactory(unit=world.social, role=Membership.Role.SOCIAL_WORKER).user
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.filter(codename="view_person"))
    client.force_login(staff)
    url = reverse("admin:directory_person_change", args=[world.child.pk])
    assert client.get(url).status_code == 200
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.user, entry.person, entry.action) == (
        staff,
        world.child,
        AccessLogEntry.Action.VIEW,
    )
    assert entry.purpose.startswith("Administration")


def test_starting_a_sip_is_logged_with_its_person(client, world):
    client.force_login(world.sara)
    response = client.post(
        reverse("sip:start:execute"),
        {
            "personal_identity_number": world.child.personal_identity_number,
            "unit": world.social.pk,
            "origin": "professional",
            "social_needs": "Stöd",
            "health_needs": "Vård",
            "coordination_reason": "Samordning",
            "informed_about_sip": "on",
        },
    )
    assert response.status_code == 302
    plan = SipPlan.objects.get()
    entry = AccessLogEntry.objects.get(action=AccessLogEntry.Action.CREATE)
    assert (entry.person, entry.object_id) == (world.child, str(plan.pk))
    assert Task.objects.filter(process=plan.process_id, flow_task=SipFlow.prepare).exists()


def test_a_unit_excluded_from_the_consent_gets_nothing_through_its_huvudman(client, world):
    from sipflow import services

    world.consent_all(
        units=[world.social], organisations=[world.region], excluded_units=[world.bup]
    )
    plan = world.start()
    world.prepare(plan, units=[], organisations=[world.region])
    invitation = world.summon(plan).invitations.get()
    client.force_login(world.vera)  # BUP, excluded
    assert client.get(reverse("sip:plan", kwargs={"pk": plan.pk})).status_code == 404
    with pytest.raises(services.ConsentMissing):
        services.invitation_accept(invitation=invitation, by=world.vera, attendees="Vera")
    client.force_login(world.petra)  # the vårdcentral, covered
    assert client.get(reverse("sip:plan", kwargs={"pk": plan.pk})).status_code == 200


def test_a_lead_unit_from_another_organisation_loses_access_with_the_consent(client, world):
    from consent.models import Consent
    from consent.services import consent_withdraw

    consents = world.consent_all()
    plan = world.start()
    world.prepare(plan, lead_unit=world.bup, coordinator=world.vera)
    client.force_login(world.vilma)  # BUP, the lead unit, not the coordinator
    url = reverse("sip:plan", kwargs={"pk": plan.pk})
    assert client.get(url).status_code == 200
    consent_withdraw(
        consent=consents[0],
        withdrawn_by=world.mother,
        form=Consent.Form.ORAL,
        documented_by=world.sara,
    )
    assert client.get(url).status_code == 404
    client.force_login(world.sara)  # the starting unit keeps its own case
    assert client.get(url).status_code == 200


def test_an_invited_unit_sees_only_the_sips_part_of_the_person(client, world, case):
    from consent.models import Consent, InformationCategory, Purpose, RecordedView
    from consent.services import consent_register

    placement = consent_register(
        subject=world.child,
        given_by=world.mother,
        purpose=Purpose.PLACEMENT,
        form=Consent.Form.WRITTEN,
        documented_by=world.sara,
        categories=InformationCategory.objects.filter(code="social"),
        units=[world.social],
    )
    RecordedView.objects.create(
        subject=world.child,
        holder=world.child,
        purpose=Purpose.PLACEMENT,
        view="HEMLIG placeringsinställning",
        recorded_at=placement.documented_at,
        recorded_by=world.sara,
    )
    client.force_login(world.vera)
    page = client.get(reverse("people:person_detail", kwargs={"person_pk": world.child.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "HEMLIG" not in html
    assert "Placering enligt SoL" not in html
    consent_url = reverse("people:consent_detail", kwargs={"pk": placement.pk})
    assert client.get(consent_url).status_code == 404
    client.force_login(world.sara)
    assert (
        "HEMLIG"
        in client.get(
            reverse("people:person_detail", kwargs={"person_pk": world.child.pk})
        ).content.decode()
    )
