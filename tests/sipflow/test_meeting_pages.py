"""Kalla and the meeting as pages (issue 15): the parties are shown before the kallelser go
out; the meeting form proposes attendance from the accepted kallelser, adds a row without
JavaScript and offers a row only its organisation's units."""

from __future__ import annotations

import pytest
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task

from sipflow import services
from sipflow.flows import SipFlow

pytestmark = pytest.mark.django_db


def task_url(plan, node):
    task = Task.objects.get(
        process=plan.process_id, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    return task.flow_task.reverse("execute", args=[plan.process_id, task.pk])


def test_kalla_shows_the_parties_before_sending(client, world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    client.force_login(world.sara)
    page = client.get(task_url(plan, SipFlow.summon)).content.decode()
    assert "Kallelsen går till" in page
    assert "BUP Falun (Region Dalarna)" in page
    assert "Vårdcentral Ludvika (Region Dalarna)" in page


@pytest.fixture
def answered(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    services.invitation_accept(
        invitation=meeting.invitations.get(unit=world.bup), by=world.vera, attendees="Vera, BUP"
    )
    return plan


def test_the_meeting_proposes_attendance_from_the_accepted_kallelser(client, world, answered):
    client.force_login(world.sara)
    page = client.get(task_url(answered, SipFlow.hold_meeting)).content.decode()
    assert "BUP Falun: Vera, BUP" in page


def test_a_row_is_added_without_javascript_and_offers_its_organisations_units(
    client, world, answered
):
    client.force_login(world.sara)
    url = task_url(answered, SipFlow.hold_meeting)
    response = client.post(
        url,
        {
            "attendance": "Alla",
            "persons_goals": "",
            "lead_unit": world.social.pk,
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-MIN_NUM_FORMS": "1",
            "actions-MAX_NUM_FORMS": "1000",
            "actions-0-need": "Sömn",
            "actions-0-action": "Utredning",
            "actions-0-responsible_organisation": world.region.pk,
            "add_row": "1",
        },
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.total_form_count() == 2
    units = [str(label) for _value, label in formset.forms[0].fields["responsible_unit"].choices]
    assert any("BUP Falun" in label for label in units)
    assert not any("Barn och familj" in label for label in units)
    assert answered.versions.count() == 0  # nothing saved
