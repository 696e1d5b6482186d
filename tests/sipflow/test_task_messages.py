"""What a user reads after taking or giving back a step: her own act in Swedish, the step's
title and the case, never viewflow's task number ("Uppgiften #72 är tagen.")."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from viewflow.workflow.models import Task

from cases.task_messages import SWEDISH_VIEWS
from sipflow.flows import SipFlow
from sipflow.models import SipPlan

pytestmark = pytest.mark.django_db


def answer_task(world) -> tuple[SipPlan, Task]:
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    plan = SipPlan.objects.get(pk=plan.pk)
    task = Task.objects.get(
        process=plan.process_id,
        flow_task=SipFlow.answer,
        data__invitation=plan.meetings.get().invitations.get(unit=world.bup).pk,
    )
    return plan, task


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_taking_and_giving_back_a_step_says_what_she_did(client, world):
    plan, task = answer_task(world)
    client.force_login(world.vera)
    taken = client.post(task.flow_task.reverse("assign", args=[plan.process_id, task.pk]))
    assert taken.status_code == 302
    name = str(plan.person)
    assert said(taken) == [f"Du har tagit uppgiften ”Svara på kallelse” i SIP för {name}."]
    given_back = client.post(task.flow_task.reverse("unassign", args=[plan.process_id, task.pk]))
    assert given_back.status_code == 302
    assert said(given_back)[-1:] == [
        f"Du har lämnat tillbaka uppgiften ”Svara på kallelse” i SIP för {name}. Den väntar nu "
        "på att någon i enheten tar den."
    ]
    for message in said(taken) + said(given_back):
        assert "#" not in message and str(task.pk) not in message


def test_the_inkorg_bulk_actions_say_what_she_did(client, world):
    _plan, task = answer_task(world)
    client.force_login(world.vera)
    taken = client.post(reverse("sip:tasks_assign"), {"pk": [task.pk], "_confirm": "1"})
    assert Task.objects.get(pk=task.pk).owner_id == world.vera.pk, taken
    assert said(taken) == ["Du har tagit 1 uppgift."]
    given_back = client.post(reverse("sip:tasks_unassign"), {"pk": [task.pk], "_confirm": "1"})
    assert Task.objects.get(pk=task.pk).owner_id is None, given_back
    assert said(given_back)[-1:] == ["Du har lämnat tillbaka 1 uppgift."]
    assert said(client.get(reverse("sip:tasks_assign")))[-1:] == ["Du valde inga uppgifter."]


def test_every_node_of_both_processes_uses_the_swedish_action_views():
    from placement.flows import PlacementFlow

    for flow_class in (SipFlow, PlacementFlow):
        for node in flow_class.instance.nodes():
            for attribute, (theirs, _ours) in SWEDISH_VIEWS.items():
                view_class = getattr(node, attribute, None)
                assert view_class is not theirs, (flow_class, node, attribute)
