"""The SIP process end to end through the services, and each step's guards."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from consent.models import Consent
from consent.services import consent_withdraw
from notifications.models import Event
from sipflow import services
from sipflow.events import SipEvent
from sipflow.flows import SipFlow
from sipflow.models import ActionReview, FollowUp, Invitation, SipPlan
from tests.sipflow_world import action_rows

pytestmark = pytest.mark.django_db


def open_tasks(plan, node=None):
    tasks = Task.objects.filter(process=plan.process_id).exclude(
        status__in=[STATUS.DONE, STATUS.CANCELED]
    )
    return tasks.filter(flow_task=node) if node else tasks


def test_full_path_from_need_to_closed(world):
    world.consent_all()
    plan = world.start()
    assert plan.phase == SipPlan.Phase.NEED_IDENTIFIED
    assert list(open_tasks(plan).values_list("owner__username", flat=True)) == ["sara"]

    world.prepare(plan)
    meeting = world.summon(plan)
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.SUMMONING
    bup, primary = meeting.invitations.order_by("pk")
    answers = open_tasks(plan, SipFlow.answer)
    assert sorted(answers.values_list("owner_permission", flat=True)) == sorted(
        [f"cases.unit_{world.bup.pk}", f"cases.unit_{world.primary.pk}"]
    )
    # vera sees BUP's kallelse in her unit's queue, not primärvården's.
    queue = Task.objects.user_queue(world.vera).filter(status=STATUS.NEW)
    assert list(queue.values_list("data__invitation", flat=True)) == [bup.pk]
    assert Event.objects.filter(kind=SipEvent.INVITATION_SENT, recipient_unit=world.bup).exists()

    services.invitation_accept(invitation=bup, by=world.vera, attendees="Vera, sjuksköterska")
    services.invitation_accept(invitation=primary, by=world.petra, attendees="Petra, läkare")
    assert (
        Event.objects.filter(kind=SipEvent.ANSWER_RECEIVED, recipient_user=world.sara).count() == 2
    )

    next_date = timezone.localdate() + dt.timedelta(days=90)
    version = services.meeting_hold(
        plan=plan,
        by=world.sara,
        attendance="Alva, Anna, Johan, Vera (BUP), Petra (VC), Sara",
        persons_goals="Kunna sova och orka gå till skolan",
        actions=action_rows(world),
        lead_unit=world.social,
        next_follow_up=next_date,
    )
    plan.refresh_from_db()
    assert (plan.phase, plan.next_follow_up, version.number) == (
        SipPlan.Phase.MEETING_HELD,
        next_date,
        1,
    )
    timer = open_tasks(plan, SipFlow.wait_for_follow_up).get()
    assert timezone.localdate(timer.scheduled) == next_date
    assert not open_tasks(plan, SipFlow.follow_up).exists()
    # The join went on once the meeting was held and ended both units' waits there.
    assert list(open_tasks(plan)) == [timer]
    waits = Task.objects.filter(process=plan.process_id, flow_task=SipFlow.wait)
    assert list(waits.values_list("status", flat=True)) == [STATUS.CANCELED] * 2

    Task.objects.filter(pk=timer.pk).update(scheduled=timezone.now() - dt.timedelta(minutes=1))
    fire_due_timers()
    follow_up_task = open_tasks(plan, SipFlow.follow_up).get()
    assert follow_up_task.owner == world.sara  # in the lead's inbox

    rows = list(version.actions.all())
    services.follow_up_record(
        plan=plan,
        by=world.sara,
        reviews={rows[0].pk: ("yes", "partly"), rows[1].pk: ("partly", "no")},
        outcome=FollowUp.Outcome.CLOSE,
        close_reason=SipPlan.CloseReason.GOALS_MET,
    )
    plan.refresh_from_db()
    plan.process.refresh_from_db()
    assert plan.phase == SipPlan.Phase.CLOSED
    assert plan.process.status == STATUS.DONE
    assert set(ActionReview.objects.values_list("done_as_planned", "goal_met")) == {
        ("yes", "partly"),
        ("partly", "no"),
    }
    assert plan.history.count() >= 7


def test_preparing_cannot_finish_without_consent(world):
    plan = world.start()
    with pytest.raises(services.ConsentMissing) as refused:
        world.prepare(plan)
    assert "Vårdnadshavare Anna Ek har inte samtyckt." in refused.value.messages
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.NEED_IDENTIFIED
    assert not plan.invited_units.exists()
    assert open_tasks(plan, SipFlow.prepare).exists()


def test_a_unit_outside_the_consent_cannot_be_called(world):
    world.consent_all(units=[world.social, world.bup])
    plan = world.start()
    with pytest.raises(services.ConsentMissing):
        world.prepare(plan)  # primärvården is not in the consent
    world.prepare(plan, units=[world.bup])
    assert list(plan.invited_units.all()) == [world.bup]


def test_decline_needs_a_reason(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    to_bup = world.summon(plan).invitations.get(unit=world.bup)
    with pytest.raises(ValidationError) as no_reason:
        services.invitation_decline(invitation=to_bup, by=world.vera, reason="other", note=" ")
    assert "note" in no_reason.value.message_dict
    services.invitation_decline(
        invitation=to_bup, by=world.vera, reason="not_relevant", note="Ingen kontakt med BUP"
    )
    to_bup.refresh_from_db()
    assert (to_bup.status, to_bup.decline_reason) == (
        Invitation.Status.DECLINED,
        "Ingen kontakt med BUP",
    )
    assert not open_tasks(plan, SipFlow.answer).filter(data__invitation=to_bup.pk).exists()


def test_a_principal_cannot_decline_as_unknown_but_forwards(world):
    """The person is unknown to the region: the huvudman decides who attends (RULES §1)."""
    world.consent_all(units=[world.social])
    world.guardians_consent(organisations=[world.region])
    plan = world.start()
    world.prepare(plan, units=[], organisations=[world.region])
    to_region = world.summon(plan).invitations.get()
    # Every unit of the huvudman sees it in its queue.
    assert Task.objects.user_queue(world.vera).filter(status=STATUS.NEW).count() == 1
    assert Task.objects.user_queue(world.petra).filter(status=STATUS.NEW).count() == 1

    with pytest.raises(ValidationError) as unknown:
        services.invitation_decline(invitation=to_region, by=world.petra, reason="unknown")
    assert "Vidarebefordra" in unknown.value.message_dict["reason"][0]

    services.invitation_forward(invitation=to_region, by=world.petra, to_unit=world.primary)
    to_region.refresh_from_db()
    assert (to_region.unit, to_region.organisation, to_region.status) == (
        world.primary,
        None,
        Invitation.Status.PENDING,
    )
    task = open_tasks(plan, SipFlow.answer).get()
    assert task.owner_permission == f"cases.unit_{world.primary.pk}"
    assert not Task.objects.user_queue(world.vera).filter(status=STATUS.NEW).exists()
    services.invitation_accept(invitation=to_region, by=world.petra, attendees="Petra")


def test_forward_only_within_the_organisation(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    invitation = world.summon(plan).invitations.get(unit=world.bup)
    with pytest.raises(ValidationError) as other_org:
        services.invitation_forward(invitation=invitation, by=world.vera, to_unit=world.social)
    assert "to_unit" in other_org.value.message_dict
    # Vuxenpsykiatrin is in the region but outside the consent.
    with pytest.raises(services.ConsentMissing):
        services.invitation_forward(invitation=invitation, by=world.vera, to_unit=world.adult_psych)


def test_only_the_invited_unit_answers_and_only_once(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    invitation = world.summon(plan).invitations.get(unit=world.bup)
    with pytest.raises(PermissionDenied) as outsider:
        services.invitation_accept(invitation=invitation, by=world.petra, attendees="Petra")
    assert "din enhet" in str(outsider.value)
    services.invitation_accept(invitation=invitation, by=world.vera, attendees="Vera")
    with pytest.raises(services.StepConflict) as twice:
        services.invitation_accept(invitation=invitation, by=world.vilma, attendees="Vilma")
    assert "redan besvarad" in twice.value.messages[0]
    invitation.refresh_from_db()
    assert invitation.attendees == "Vera"


def test_rescheduling_resets_answers_and_tells_the_invitees(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    bup = meeting.invitations.get(unit=world.bup)
    services.invitation_accept(invitation=bup, by=world.vera, attendees="Vera")

    later = timezone.now() + dt.timedelta(days=21)
    services.meeting_reschedule(meeting=meeting, by=world.sara, starts_at=later, place="Rum 2")
    meeting.refresh_from_db()
    bup.refresh_from_db()
    assert (meeting.sequence, bup.status, bup.attendees) == (1, Invitation.Status.PENDING, "")
    assert open_tasks(plan, SipFlow.answer).count() == 2  # BUP answers again
    assert Event.objects.filter(kind=SipEvent.INVITATION_RESCHEDULED).count() == 2
    # The reset answer is in the history (it was once the one unrecorded transition here).
    assert "BUP Falun svarar på nytt: mötet flyttades." in [e.text for e in plan.history.all()]
    services.invitation_accept(invitation=bup, by=world.vera, attendees="Vera igen")
    services.meeting_hold(
        plan=plan,
        by=world.sara,
        attendance="Alla",
        persons_goals="Mål",
        actions=action_rows(world),
        lead_unit=world.social,
        next_follow_up=timezone.localdate() + dt.timedelta(days=60),
    )
    # BUP's second wait ends at the join, primärvården's unanswered kallelse is closed: the
    # process goes on to the follow-up timer.
    assert list(open_tasks(plan)) == list(open_tasks(plan, SipFlow.wait_for_follow_up))
    assert open_tasks(plan).exists()


def test_meeting_closes_unanswered_invitations_and_needs_a_follow_up_date(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    services.invitation_accept(
        invitation=meeting.invitations.get(unit=world.bup), by=world.vera, attendees="Vera"
    )
    with pytest.raises(ValidationError) as no_date:
        services.meeting_hold(
            plan=plan,
            by=world.sara,
            attendance="Alla",
            persons_goals="Mål",
            actions=action_rows(world),
            lead_unit=world.social,
            next_follow_up=None,
        )
    assert "next_follow_up" in no_date.value.message_dict
    services.meeting_hold(
        plan=plan,
        by=world.sara,
        attendance="Alla",
        persons_goals="Mål",
        actions=action_rows(world),
        lead_unit=world.social,
        next_follow_up=timezone.localdate() + dt.timedelta(days=60),
    )
    assert meeting.invitations.get(unit=world.primary).status == Invitation.Status.UNANSWERED
    assert not open_tasks(plan, SipFlow.answer).exists()
    assert open_tasks(plan, SipFlow.wait_for_follow_up).exists()


def test_withdrawn_consent_halts_the_sip_and_cancels_its_tasks(
    world, django_capture_on_commit_callbacks
):
    consents = world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(
            consent=consents[1],
            withdrawn_by=world.father,
            form=Consent.Form.ORAL,
            documented_by=world.sara,
        )
    plan.refresh_from_db()
    plan.process.refresh_from_db()
    assert plan.phase == SipPlan.Phase.HALTED
    assert "Vårdnadshavare Johan Ek har inte samtyckt." in plan.halted_reason
    assert plan.process.status == STATUS.CANCELED
    assert not open_tasks(plan).exists()
    assert set(Invitation.objects.values_list("status", flat=True)) == {Invitation.Status.CANCELLED}
    assert Event.objects.filter(kind=SipEvent.INVITATION_CANCELLED).count() == 2


def test_a_unit_dropped_from_the_consent_loses_its_pending_invitation(
    world, django_capture_on_commit_callbacks
):
    world.consent_all(units=[world.social, world.bup])
    extra = world.guardians_consent(units=[world.primary])
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(
            consent=extra[0], withdrawn_by=world.mother, form="oral", documented_by=world.sara
        )
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.SUMMONING
    assert meeting.invitations.get(unit=world.primary).status == Invitation.Status.CANCELLED
    assert meeting.invitations.get(unit=world.bup).status == Invitation.Status.PENDING
    assert open_tasks(plan, SipFlow.answer).count() == 1


def test_every_step_asks_the_policy(world):
    """A consent that ran out (no sweep yet) blocks summoning, answering and the meeting."""
    consents = world.consent_all()
    plan = world.start()
    world.prepare(plan)
    Consent.objects.filter(pk=consents[0].pk).update(
        valid_from=timezone.localdate() - dt.timedelta(days=30),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    with pytest.raises(services.ConsentMissing):
        world.summon(plan)
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.PREPARING
    assert not plan.meetings.exists()


def test_unanswered_invitations_are_reminded_once(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    from notifications.workdays import add_working_days

    next_working_day = add_working_days(meeting.answer_by, 1)

    def at(day, hour):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    saturday = meeting.answer_by + dt.timedelta(days=(5 - meeting.answer_by.weekday()) % 7 or 7)
    assert services.invitation_remind_unanswered(at=at(saturday, 12)) == 0  # not on weekends
    assert services.invitation_remind_unanswered(at=at(next_working_day, 6)) == 0  # nor at night
    after = at(next_working_day, 9)
    assert services.invitation_remind_unanswered(at=after) == 2
    assert services.invitation_remind_unanswered(at=after) == 0
    assert (
        Event.objects.filter(kind=SipEvent.INVITATION_UNANSWERED, recipient_unit=world.bup).count()
        == 1
    )


def test_answer_by_defaults_to_ten_working_days(world):
    plan = world.start()
    assert services.answer_by_default(plan=plan, sent_on=dt.date(2026, 12, 18)) == dt.date(
        2027, 1, 8
    )


def test_a_unit_dropped_from_the_consent_after_answering_no_longer_blocks_the_sip(
    world, django_capture_on_commit_callbacks
):
    """Review finding: the SIP must go on without the party the consent no longer covers."""
    world.consent_all(units=[world.social, world.bup])
    extra = world.guardians_consent(units=[world.primary])
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    primary = meeting.invitations.get(unit=world.primary)
    services.invitation_accept(invitation=primary, by=world.petra, attendees="Petra")
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(
            consent=extra[1], withdrawn_by=world.father, form="oral", documented_by=world.sara
        )
    primary.refresh_from_db()
    assert primary.status == Invitation.Status.CANCELLED
    assert list(plan.invited_units.all()) == [world.bup]

    services.invitation_accept(
        invitation=meeting.invitations.get(unit=world.bup), by=world.vera, attendees="Vera"
    )
    services.meeting_hold(
        plan=plan,
        by=world.sara,
        attendance="Alla",
        persons_goals="Mål",
        actions=action_rows(world),
        lead_unit=world.social,
        next_follow_up=timezone.localdate() + dt.timedelta(days=30),
    )
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.MEETING_HELD
    assert open_tasks(plan, SipFlow.wait_for_follow_up).exists()


def test_the_follow_up_timer_reads_the_date_the_step_saved_not_a_cached_copy(world):
    """The timer after the meeting is set from the SIP as stored: a copy of it cached on the
    process before the step set the date (as a page's activation holds one) must not leave
    the timer without a date."""
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    due = timezone.localdate() + dt.timedelta(days=60)
    services.meeting_hold(
        plan=plan,
        by=world.sara,
        attendance="Alla",
        persons_goals="Mål",
        actions=action_rows(world),
        lead_unit=world.social,
        next_follow_up=due,
    )
    process = SipPlan.objects.get(pk=plan.pk).process
    process.sip_plan.next_follow_up = None  # the copy as it was before the meeting
    when = SipFlow.instance.follow_up_time(SimpleNamespace(process=process))
    assert timezone.localtime(when).date() == due
