"""The lead unit loses consent: its staff lose the SIP everywhere at once (the plan page, the
start page, the chef's lists and digest, the services), and the lead goes back to the
starting unit with the SIP's open tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from cases.backends import unit_permission
from consent.models import Consent
from consent.services import consent_withdraw
from directory.models import Membership
from notifications.models import Event
from overview.digest import OverviewEvent, escalation_digests_send
from sipflow import services
from sipflow.access import plan_access
from sipflow.events import SipEvent
from sipflow.flows import SipFlow
from sipflow.grants import grants_sync_sip
from sipflow.models import FollowUp, HistoryEntry, Invitation, Meeting, SipPlan
from sipflow.selectors import plan_open_steps
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def rows(world):
    return [
        services.ActionInput(
            need="Sömn",
            action="Utredning",
            responsible_organisation=world.region,
            responsible_unit=world.bup,
            starts_on=timezone.localdate(),
        )
    ]


def bup_leads(world):
    """A SIP led by BUP (Vera), on a consent to BUP of its own, followed up late."""
    world.consent_all(units=[world.social, world.primary])
    to_bup = world.guardians_consent(units=[world.bup])
    plan = world.start()
    plan = world.prepare(plan, lead_unit=world.bup, coordinator=world.vera)
    meeting = services.sip_summon(
        plan=plan, by=world.vera, starts_at=timezone.now() + dt.timedelta(days=14), place="BUP"
    )
    for invitation, nurse in (
        (meeting.invitations.get(unit=world.bup), world.vera),
        (meeting.invitations.get(unit=world.primary), world.petra),
    ):
        services.invitation_accept(invitation=invitation, by=nurse, attendees=nurse.username)
    services.meeting_hold(
        plan=plan,
        by=world.vera,
        attendance="Alla",
        persons_goals="Sova bättre",
        actions=rows(world),
        lead_unit=world.bup,
        next_follow_up=timezone.localdate() + dt.timedelta(days=30),
    )
    Task.objects.filter(flow_task=SipFlow.wait_for_follow_up).update(
        scheduled=timezone.now() - dt.timedelta(seconds=1)
    )
    fire_due_timers()
    SipPlan.objects.filter(pk=plan.pk).update(
        next_follow_up=timezone.localdate() - dt.timedelta(days=3)
    )
    plan.refresh_from_db()
    return plan, to_bup


def follow_up_task(plan):
    return Task.objects.get(
        process=plan.process_id,
        flow_task=SipFlow.follow_up,
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    )


def record_follow_up(plan, by):
    return services.follow_up_record(
        plan=plan,
        by=by,
        reviews={a.pk: ("yes", "partly") for a in plan.versions.first().actions.all()},
        outcome=FollowUp.Outcome.NEXT,
        next_follow_up=timezone.localdate() + dt.timedelta(days=60),
    )


def withdraw(consent, by):
    return consent_withdraw(
        consent=consent, withdrawn_by=consent.given_by, form=Consent.Form.ORAL, documented_by=by
    )


def test_the_lead_nurse_cannot_record_a_follow_up_once_the_consent_leaves_her_unit(world):
    plan, to_bup = bup_leads(world)
    assert follow_up_task(plan).owner == world.vera

    withdraw(to_bup[0], world.sara)

    with pytest.raises(PermissionDenied):
        record_follow_up(SipPlan.objects.get(pk=plan.pk), world.vera)
    assert not FollowUp.objects.exists()


def test_the_lead_units_chef_no_longer_sees_the_sip_in_her_lists_or_digest(client, world):
    """The consent to BUP ran out and no sweep has run yet: the lists ask the grants, which
    end with the consent."""
    plan, to_bup = bup_leads(world)
    chef = MembershipFactory(unit=world.bup, role=Membership.Role.MANAGER).user
    meeting = Meeting.objects.create(
        plan=plan,
        kind=Meeting.Kind.FOLLOW_UP,
        starts_at=timezone.now() + dt.timedelta(days=5),
        place="BUP",
        answer_by=timezone.localdate() - dt.timedelta(days=1),
    )
    Invitation.objects.create(meeting=meeting, unit=world.bup, answer_by=meeting.answer_by)
    client.force_login(chef)
    context = client.get(reverse("overview:index")).context
    assert list(context["rows"]["overdue_follow_ups"]) == [plan]
    assert [i.unit for i in context["rows"]["unanswered"]] == [world.bup]
    assert [i.unit for i in context["rows"]["invitations_waiting"]] == [world.bup]

    Consent.objects.filter(pk__in=[c.pk for c in to_bup]).update(
        valid_from=timezone.localdate() - dt.timedelta(days=100),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    # The grants were derived while that consent was in force; they end with it (the same
    # day), so the lists drop the SIP today without any job.
    grants_sync_sip(plan=plan, at=timezone.now() - dt.timedelta(days=1))

    response = client.get(reverse("overview:index"))
    assert list(response.context["rows"]["overdue_follow_ups"]) == []
    assert list(response.context["rows"]["unanswered"]) == []
    assert list(response.context["rows"]["invitations_waiting"]) == []
    assert "Alva" not in response.content.decode()
    morning = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(8)))
    escalation_digests_send(at=morning)
    assert not Event.objects.filter(kind=OverviewEvent.ESCALATION, recipient_user=chef).exists()


def test_withdrawal_hands_the_lead_and_its_tasks_back_to_the_starting_unit(
    client, world, django_capture_on_commit_callbacks
):
    plan, to_bup = bup_leads(world)
    social_chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user

    with django_capture_on_commit_callbacks(execute=True):
        withdraw(to_bup[1], world.sara)

    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.MEETING_HELD
    assert (plan.lead_unit, plan.coordinator) == (world.social, world.sara)
    task = follow_up_task(plan)
    assert (task.owner, task.owner_permission) == (world.sara, unit_permission(world.social.pk))
    assert HistoryEntry.objects.filter(
        plan=plan, what__startswith="Huvudansvaret gick tillbaka"
    ).exists()
    assert list(plan.invited_units.all()) == [world.primary]
    assert HistoryEntry.objects.get(plan=plan, what__contains="kallas inte längre").params == {
        "party": "BUP Falun"
    }
    told = Event.objects.get(kind=SipEvent.LEAD_RETURNED)
    assert (told.recipient_unit, told.url) == (
        world.social,
        reverse("sip:plan", kwargs={"pk": plan.pk}),
    )
    assert plan_access(user=world.vera, plan=plan) is None

    client.force_login(social_chef)
    assert list(client.get(reverse("overview:index")).context["rows"]["overdue_follow_ups"]) == [
        plan
    ]

    with pytest.raises(PermissionDenied):
        record_follow_up(plan, world.vera)
    record_follow_up(plan, world.sara)
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.FOLLOW_UP


def test_without_its_starter_the_starting_unit_takes_the_task_from_its_queue(
    world, django_capture_on_commit_callbacks
):
    plan, to_bup = bup_leads(world)
    Membership.objects.filter(user=world.sara).delete()
    colleague = MembershipFactory(unit=world.social, role=Membership.Role.SOCIAL_WORKER).user

    with django_capture_on_commit_callbacks(execute=True):
        withdraw(to_bup[0], colleague)

    plan.refresh_from_db()
    assert (plan.lead_unit, plan.coordinator) == (world.social, None)
    task = follow_up_task(plan)
    assert (task.owner, task.status) == (None, STATUS.NEW)
    assert SipFlow.follow_up.can_assign(colleague, task)
    assert not SipFlow.follow_up.can_assign(world.vera, task)
    step = plan_open_steps(plan=plan, user=colleague)[0]
    assert (step.who, step.url) == (
        str(world.social),
        SipFlow.follow_up.reverse("assign", args=[plan.process_id, task.pk]),
    )
    record_follow_up(plan, colleague)
    assert FollowUp.objects.get().held_by == colleague
