"""Every SIP step asks the consent policy: a consent that ran out blocks the next step
(even before the periodic sweep marks it), and nothing of the step is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task

from consent.models import Consent
from consent.services import consent_sweep
from sipflow import services
from sipflow.flows import SipFlow
from sipflow.models import FollowUp, HistoryEntry, Invitation, SipPlan

pytestmark = pytest.mark.django_db


def run_out(consent: Consent) -> None:
    """The consent's last day was yesterday; its status still says active."""
    Consent.objects.filter(pk=consent.pk).update(
        valid_from=timezone.localdate() - dt.timedelta(days=200),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )


def rows(world):
    return [
        services.ActionInput(
            need="Sömn",
            action="Utredning",
            responsible_organisation=world.region,
            starts_on=timezone.localdate(),
        )
    ]


def to_summon(world):
    plan = world.start()
    world.prepare(plan)
    return plan


def to_answer(world):
    plan = to_summon(world)
    world.summon(plan)
    return plan


def to_meeting(world):
    plan = to_answer(world)
    for invitation, nurse in (
        (Invitation.objects.get(unit=world.bup), world.vera),
        (Invitation.objects.get(unit=world.primary), world.petra),
    ):
        services.invitation_accept(invitation=invitation, by=nurse, attendees="x")
    return plan


def to_follow_up(world):
    plan = to_meeting(world)
    services.meeting_hold(
        plan=plan,
        by=world.sara,
        attendance="Alla",
        persons_goals="Mål",
        actions=rows(world),
        lead_unit=world.social,
        next_follow_up=timezone.localdate() + dt.timedelta(days=30),
    )
    Task.objects.filter(flow_task=SipFlow.wait_for_follow_up).update(
        scheduled=timezone.now() - dt.timedelta(seconds=1)
    )
    from viewflow.workflow.timers import fire_due_timers

    fire_due_timers()
    return plan


STEPS = {
    "kalla": (to_summon, lambda world, plan: world.summon(plan)),
    "svar": (
        to_answer,
        lambda world, plan: services.invitation_accept(
            invitation=Invitation.objects.get(unit=world.bup), by=world.vera, attendees="Vera"
        ),
    ),
    "möte": (
        to_meeting,
        lambda world, plan: services.meeting_hold(
            plan=plan,
            by=world.sara,
            attendance="Alla",
            persons_goals="Mål",
            actions=rows(world),
            lead_unit=world.social,
            next_follow_up=timezone.localdate() + dt.timedelta(days=30),
        ),
    ),
    "uppföljning": (
        to_follow_up,
        lambda world, plan: services.follow_up_record(
            plan=plan,
            by=world.sara,
            reviews={a.pk: ("yes", "yes") for a in plan.versions.get().actions.all()},
            outcome=FollowUp.Outcome.CLOSE,
            close_reason=SipPlan.CloseReason.GOALS_MET,
        ),
    ),
}


@pytest.mark.parametrize("step", STEPS)
def test_a_consent_that_ran_out_blocks_the_step(world, step):
    arrive, act = STEPS[step]
    consents = world.consent_all()
    plan = arrive(world)
    phase = SipPlan.objects.get(pk=plan.pk).phase
    history = HistoryEntry.objects.count()
    open_tasks = set(
        Task.objects.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED]).values_list("pk", flat=True)
    )
    run_out(consents[0])

    with pytest.raises(services.ConsentMissing) as refused:
        act(world, SipPlan.objects.get(pk=plan.pk))

    assert "Vårdnadshavare Anna Ek har inte samtyckt." in refused.value.messages
    assert SipPlan.objects.get(pk=plan.pk).phase == phase
    assert HistoryEntry.objects.count() == history
    assert (
        set(
            Task.objects.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED]).values_list(
                "pk", flat=True
            )
        )
        == open_tasks
    )


def test_the_sweep_halts_a_sip_whose_consent_expired(world, django_capture_on_commit_callbacks):
    consents = world.consent_all()
    plan = to_answer(world)
    run_out(consents[1])
    with django_capture_on_commit_callbacks(execute=True):
        consent_sweep()
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.HALTED
    assert "Johan Ek" in plan.halted_reason
    assert not Task.objects.filter(
        process=plan.process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).exists()


@pytest.mark.parametrize(
    ("outcome", "next_node"),
    [
        (FollowUp.Outcome.NEXT, SipFlow.wait_for_follow_up),
        (FollowUp.Outcome.NEXT_WITH_MEETING, SipFlow.summon),
    ],
)
def test_a_follow_up_schedules_the_next_with_or_without_a_kallelse(world, outcome, next_node):
    world.consent_all()
    plan = to_follow_up(world)
    next_date = timezone.localdate() + dt.timedelta(days=120)
    services.follow_up_record(
        plan=plan,
        by=world.sara,
        reviews={a.pk: ("partly", "no") for a in plan.versions.get().actions.all()},
        outcome=outcome,
        next_follow_up=next_date,
    )
    plan.refresh_from_db()
    assert (plan.phase, plan.next_follow_up) == (SipPlan.Phase.FOLLOW_UP, next_date)
    waiting = Task.objects.filter(
        process=plan.process_id,
        flow_task=next_node,
        status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED],
    )
    assert waiting.count() == 1
    if outcome == FollowUp.Outcome.NEXT_WITH_MEETING:
        meeting = world.summon(plan)
        assert meeting.kind == meeting.Kind.FOLLOW_UP
        assert meeting.invitations.count() == 2


def test_a_follow_up_reviews_every_insats(world):
    world.consent_all()
    plan = to_follow_up(world)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as missing:
        services.follow_up_record(
            plan=plan,
            by=world.sara,
            reviews={},
            outcome=FollowUp.Outcome.CLOSE,
            close_reason=SipPlan.CloseReason.GOALS_MET,
        )
    assert "reviews" in missing.value.message_dict
