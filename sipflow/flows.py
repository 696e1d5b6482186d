"""The SIP process: upptäck behov → förbered → kalla → möte → uppföljning → avslut.

Each invited unit gets its own answer task (split per kallelse); the lead holds the meeting
in a parallel branch, and the join goes on once the meeting is held. A follow-up waits for
its date on a timer, then lands in the lead's inbox.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from cases.backends import organisation_permission, unit_permission
from cases.nodes import ForEachSplit, If, UnitView
from directory.durations import DurationCode
from directory.selectors import user_starts_cases, user_works_with_cases

from . import views
from .models import FollowUp, Invitation, SipPlan, SipProcess
from .selectors import plan_duration
from .services import follow_up_announce, sip_start

#: What inbox and queue rows say about a task: whose SIP, and for a kallelse, which meeting.
SUMMARY = "{{ process.sip_plan }}"
ANSWER_SUMMARY = (
    "{% load i18n %}{{ process.sip_plan }}: "
    "{% translate 'möte' %} {{ process.sip_plan.meetings.first.starts_at|date:'Y-m-d H:i' }}, "
    "{% translate 'svara senast' %} {{ process.sip_plan.meetings.first.answer_by|date:'Y-m-d' }}"
)


def _coordinator(activation):
    return activation.process.sip_plan.coordinator


def _lead_permission(activation) -> str:
    """A lead step is queued for the lead unit: it takes the task when nobody coordinates."""
    return unit_permission(activation.process.sip_plan.lead_unit_id)


def _answer_permission(activation) -> str:
    """The answer task is queued for the invited unit, or for the whole huvudman."""
    invitation = Invitation.objects.get(pk=activation.task.data["invitation"])
    if invitation.unit_id:
        return unit_permission(invitation.unit_id)
    return organisation_permission(invitation.organisation_id)


class SipFlow(flow.Flow):
    process_class = SipProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("SIP")
    process_description = _("Samordnad individuell plan mellan kommun och region.")
    process_summary_template = "{{ process.sip_plan }}"

    start = (
        flow.Start(views.StartView.as_view())
        .Annotation(title=_("Initiera SIP"), summary_template=SUMMARY)
        .Available(lambda user: user_starts_cases(user=user))
        .Next(this.prepare)
    )
    start_process = (
        flow.StartHandle(this.start_from_code)
        .Annotation(title=_("Initiera SIP"))
        .Next(this.prepare)
    )

    prepare = (
        flow.View(views.PrepareView.as_view())
        .Annotation(title=_("Förbered: samtycke och parter"), summary_template=SUMMARY)
        .Assign(lambda activation: activation.process.sip_plan.started_by)
        .Next(this.summon)
    )
    summon = (
        flow.View(views.SummonView.as_view())
        .Annotation(title=_("Kalla till möte"), summary_template=SUMMARY)
        .Assign(_coordinator)
        .Permission(_lead_permission)
        .Next(this.send)
    )
    send = (
        ForEachSplit()
        .Annotation(title=_("Skicka kallelserna"))
        .Next(this.answer, data_source=this.invitation_items)
        .Next(this.hold_meeting)
    )
    answer = (
        UnitView(views.AnswerTaskView.as_view())
        .Annotation(title=_("Svara på kallelse"), summary_template=ANSWER_SUMMARY)
        .Permission(_answer_permission)
        .Next(this.wait, task_data=this.same_data)
    )
    wait = (
        flow.Handle(this.record_if_asked_again)
        .Annotation(title=_("Väntar på mötet"), summary_template=SUMMARY)
        .Next(this.answered_again, task_data=this.wait_outcome)
    )
    answered_again = (
        If(this.asked_again)
        .Annotation(title=_("Svarar enheten på nytt?"))
        .Then(this.answer, task_data=this.same_data)
        .Else(this.meeting_done)
    )
    hold_meeting = (
        flow.View(views.MeetingView.as_view())
        .Annotation(title=_("Håll SIP-möte och upprätta planen"), summary_template=SUMMARY)
        .Assign(_coordinator)
        .Permission(_lead_permission)
        .Next(this.meeting_done)
    )
    meeting_done = (
        flow.Join(continue_on_condition=this.meeting_is_held)
        .Annotation(title=_("Mötet är hållet"))
        .Next(this.continues)
    )
    continues = (
        If(this.plan_is_open)
        .Annotation(title=_("Fortsätter planen?"))
        .Then(this.wait_for_follow_up)
        .Else(this.end)
    )
    wait_for_follow_up = (
        flow.Timer(this.follow_up_time).Annotation(
            title=_("Väntar på uppföljningsdatum"), summary_template=SUMMARY
        )
    ).Next(this.announce_follow_up)
    announce_follow_up = (
        flow.Function(this.tell_lead_follow_up_due)
        .Annotation(title=_("Påminn om uppföljningen"))
        .Next(this.follow_up)
    )
    follow_up = (
        flow.View(views.FollowUpView.as_view())
        .Annotation(title=_("Följ upp planen"), summary_template=SUMMARY)
        .Assign(_coordinator)
        .Permission(_lead_permission)
        .Next(this.after_follow_up)
    )
    after_follow_up = (
        flow.Switch()
        .Annotation(title=_("Hur går planen vidare?"))
        .Case(this.end, this.plan_is_closed)
        .Case(this.summon, this.needs_meeting)
        .Default(this.wait_for_follow_up)
    )
    end = flow.End().Annotation(title=_("SIP:en är avslutad"))

    def start_from_code(self, activation, *, by, **fields):
        sip_start(activation=activation, by=by, **fields)
        return activation.process

    def invitation_items(self, activation):
        meeting = activation.process.sip_plan.meetings.order_by("-pk").first()
        return [
            {"invitation": pk}
            for pk in meeting.invitations.filter(status=Invitation.Status.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        ]

    def same_data(self, activation):
        return {"invitation": activation.task.data["invitation"]}

    def record_if_asked_again(self, activation, again: bool):
        """The wait ends: ``again`` when the meeting moved and the unit answers anew, not
        when the meeting was held."""
        activation.task.data["again"] = again

    def wait_outcome(self, activation):
        """The kallelse and how its wait ended, handed to the gate after it."""
        return {**self.same_data(activation), "again": activation.task.data.get("again", False)}

    def asked_again(self, activation):
        """Whether the unit answers anew: what its wait handed on, without a query."""
        return bool(activation.task.data.get("again"))

    def meeting_is_held(self, activation, active_tasks):
        """The join goes on once the meeting branch arrives: the waits of the units that
        answered are cancelled there (a wait runs only when the meeting moves and the unit
        answers anew), so the meeting costs the same few statements for each party. The
        join asks several times in one arrival; the answer is read once."""
        if not hasattr(activation, "meeting_held"):
            arrived = activation.task.previous.filter(flow_task=self.hold_meeting)
            activation.meeting_held = arrived.exists()
        return activation.meeting_held

    def plan_is_open(self, activation):
        """Read afresh (the step that led here may have closed the SIP), in one query."""
        phase = SipPlan.objects.filter(process_id=activation.process.pk).values_list(
            "phase", flat=True
        )
        return phase.get() not in SipPlan.ENDED

    def plan_is_closed(self, activation):
        return not self.plan_is_open(activation)

    def needs_meeting(self, activation):
        last = activation.process.sip_plan.follow_ups.order_by("-held_at", "-pk").first()
        return last is not None and last.outcome == FollowUp.Outcome.NEXT_WITH_MEETING

    def tell_lead_follow_up_due(self, activation):
        """The timer fired: the huvudansvarig person is told, and the follow-up task follows."""
        follow_up_announce(plan=activation.process.sip_plan)

    def follow_up_time(self, activation):
        """The follow-up comes due on its date at the sending organisation's reminder
        hour."""
        # Read from the database, in one query: the process's cached plan can predate the
        # step that set the date (a meeting held while a kallelse was open ran into a None).
        plan = SipPlan.objects.select_related("started_unit").get(process_id=activation.process.pk)
        due = plan.next_follow_up
        hour = plan_duration(plan=plan, code=DurationCode.REMINDER_HOUR, on=due)
        return timezone.make_aware(dt.datetime.combine(due, dt.time(hour, 0)))

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated and user_works_with_cases(user=user)

    def has_manage_permission(self, user, obj=None):
        """Nobody, superusers included: viewflow's manage actions (undo, cancel or revive a
        task, cancel the process) move the tasks without the SIP's phase and history. A SIP
        ends through its own steps, or halts when its consent ends (sipflow.services);
        cases.middleware.ManageActionsMiddleware tells whoever tries why."""
        return False
