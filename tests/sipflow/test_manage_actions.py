"""viewflow's manage actions (undo, cancel and revive a task; cancel the process) would move
the tasks of a SIP without its phase. They are refused for everyone, superusers included,
and the SIP's phase and tasks stay as they were."""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.urls import NoReverseMatch, reverse
from viewflow.workflow.models import Process, Task

from consent.models import Consent
from consent.services import consent_withdraw
from directory.models import Membership
from sipflow.flows import SipFlow
from sipflow.models import SipPlan
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TASK_ACTIONS = ("undo", "cancel", "revive")
REFUSAL = "kan inte ångras, avbrytas eller återupplivas"


def snapshot(plan: SipPlan):
    plan = SipPlan.objects.get(pk=plan.pk)
    tasks = Task.objects.filter(process=plan.process_id).order_by("pk")
    return (
        plan.phase,
        Process.objects.get(pk=plan.process_id).status,
        [(task.pk, task.flow_task_type, task.status, task.owner_id) for task in tasks],
        plan.history.count(),
    )


def manage_urls(plan: SipPlan) -> list[str]:
    """Every manage action viewflow offers on this SIP's tasks, and the process cancel."""
    urls = [reverse("sip:process_cancel", kwargs={"process_pk": plan.process_id})]
    for task in Task.objects.filter(process=plan.process_id).order_by("pk"):
        for action in TASK_ACTIONS:
            try:
                urls.append(task.flow_task.reverse(action, args=[plan.process_id, task.pk]))
            except NoReverseMatch:
                continue  # this node has no such action
    return urls


def summoned(world) -> SipPlan:
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    return SipPlan.objects.get(pk=plan.pk)


def halted(world) -> SipPlan:
    plan = summoned(world)
    consent = Consent.objects.filter(subject=world.child, given_by=world.mother).get()
    # The SIP is reconsidered once the withdrawal has committed.
    with TestCase.captureOnCommitCallbacks(execute=True):
        consent_withdraw(
            consent=consent,
            withdrawn_by=world.mother,
            form=Consent.Form.ORAL,
            documented_by=world.sara,
        )
    plan = SipPlan.objects.get(pk=plan.pk)
    assert plan.phase == SipPlan.Phase.HALTED
    return plan


@pytest.fixture
def superuser(world):
    """A superuser who also works with cases, so that viewflow's pages let them in."""
    user = MembershipFactory(unit=world.social, role=Membership.Role.SOCIAL_WORKER).user
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.mark.parametrize("stage", [summoned, halted], ids=["summoned", "halted"])
@pytest.mark.parametrize("who", ["superuser", "lead"])
def test_manage_actions_are_refused_and_leave_the_sip_as_it_was(
    client, world, superuser, stage, who
):
    plan = stage(world)
    client.force_login(superuser if who == "superuser" else world.sara)
    before = snapshot(plan)
    urls = manage_urls(plan)
    assert len(urls) > 10
    for url in urls:
        for method in ("post", "get"):
            if method == "post":
                response = client.post(url, {"_cancel_process": "1"})  # viewflow's confirm
            else:
                response = client.get(url)
            assert response.status_code == 403, (method, url, response.status_code)
            assert snapshot(plan) == before, (method, url)
        assert REFUSAL in client.get(url).content.decode()


def test_no_page_offers_a_manage_action(client, world, superuser):
    plan = summoned(world)
    client.force_login(superuser)
    process_page = client.get(reverse("sip:process_detail", kwargs={"process_pk": plan.process_id}))
    assert process_page.status_code == 200
    assert reverse("sip:process_cancel", kwargs={"process_pk": plan.process_id}) not in (
        process_page.content.decode()
    )
    for task in Task.objects.filter(process=plan.process_id):
        page = client.get(task.flow_task.reverse("detail", args=[plan.process_id, task.pk]))
        assert page.status_code == 200
        body = page.content.decode()
        for action in TASK_ACTIONS:
            try:
                url = task.flow_task.reverse(action, args=[plan.process_id, task.pk])
            except NoReverseMatch:
                continue
            assert url not in body, (task.flow_task, action)


def test_a_superuser_cannot_take_a_units_answer_task(client, world, superuser):
    """Nobody could give it back: unassigning someone else's task is a manage action."""
    plan = summoned(world)
    task = Task.objects.get(
        process=plan.process_id,
        flow_task=SipFlow.answer,
        data__invitation=(plan.meetings.get().invitations.get(unit=world.bup).pk),
    )
    client.force_login(superuser)
    url = task.flow_task.reverse("assign", args=[plan.process_id, task.pk])
    assert client.post(url).status_code == 403
    assert Task.objects.get(pk=task.pk).owner_id is None
    client.force_login(world.vera)  # the unit's own staff still can
    assert client.post(url).status_code == 302
    assert Task.objects.get(pk=task.pk).owner_id == world.vera.pk
