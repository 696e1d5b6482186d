"""Every read and change of case data lands in the append-only access log."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from viewflow.workflow.models import Task

from audit.models import AccessLogEntry, SampleReview
from audit.selectors import audit_verify
from directory.models import Membership
from sipflow.flows import SipFlow
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    return plan


def test_reading_a_case_page_is_logged_with_who_where_what_and_why(client, world, case):
    client.force_login(world.vera)
    assert client.get(reverse("sip:plan", kwargs={"pk": case.pk})).status_code == 200
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.user, entry.unit, entry.organisation) == (world.vera, world.bup, world.region)
    assert (entry.action, entry.person, entry.object_type, entry.object_id) == (
        AccessLogEntry.Action.VIEW,
        world.child,
        "sipflow.sipplan",
        str(case.pk),
    )
    assert entry.purpose == "SIP"
    assert entry.path == reverse("sip:plan", kwargs={"pk": case.pk})


def test_viewflow_task_pages_are_logged_with_the_task_as_purpose(client, world, case):
    client.force_login(world.sara)
    task = Task.objects.get(process=case.process_id, flow_task=SipFlow.hold_meeting)
    url = task.flow_task.reverse("detail", args=[case.process_id, task.pk])
    assert client.get(url).status_code == 200
    entry = AccessLogEntry.objects.latest("pk")
    assert entry.person == world.child
    assert "Håll SIP-möte" in entry.purpose


def test_a_change_is_logged_and_a_refused_look_is_not(client, world, case):
    client.force_login(world.sara)
    url = reverse("people:view_create", kwargs={"person_pk": world.child.pk})
    response = client.post(url, {"holder": world.child.pk, "purpose": "sip", "view": "Bra"})
    assert response.status_code == 302
    assert AccessLogEntry.objects.filter(
        action=AccessLogEntry.Action.CREATE, person=world.child, user=world.sara
    ).exists()

    before = AccessLogEntry.objects.count()
    falun = OrganisationFactory(name="Falu kommun")
    outsider = MembershipFactory(unit=UnitFactory(organisation=falun)).user
    client.force_login(outsider)
    assert client.get(reverse("sip:plan", kwargs={"pk": case.pk})).status_code == 403
    assert AccessLogEntry.objects.count() == before


def test_the_chef_sees_who_looked_and_signs_off_a_sample(client, world, case):
    client.force_login(world.vera)  # a look from outside Barn och familj
    client.get(reverse("sip:plan", kwargs={"pk": case.pk}))
    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    client.force_login(chef)
    log = client.get(reverse("people:access_log", kwargs={"person_pk": world.child.pk}))
    assert log.status_code == 200
    assert "BUP Falun" in log.content.decode()

    response = client.post(
        reverse("people:samples"),
        {
            "unit": world.social.pk,
            "period_start": "2000-01-01",
            "period_end": "2100-01-01",
            "size": 5,
        },
    )
    assert response.status_code == 302
    sample = SampleReview.objects.get()
    assert sample.entries.filter(user=world.vera).exists()
    assert not sample.entries.filter(unit=world.social).exists()
    signed = client.post(reverse("people:sample_detail", kwargs={"pk": sample.pk}), {"note": "OK"})
    assert signed.status_code == 302
    sample.refresh_from_db()
    assert sample.signed_off_by == chef

    client.force_login(world.sara)  # not a chef
    assert client.get(reverse("people:samples")).status_code == 403


def test_the_chain_verifies_after_a_session_of_reads(client, world, case, capsys):
    client.force_login(world.sara)
    for name, kwargs in [
        ("sip:plan", {"pk": case.pk}),
        ("people:person_detail", {"person_pk": world.child.pk}),
        ("sip:process_detail", {"process_pk": case.process_id}),
    ]:
        client.get(reverse(name, kwargs=kwargs))
    assert audit_verify().ok
    call_command("audit_verify")
    assert "OK: " in capsys.readouterr().out
