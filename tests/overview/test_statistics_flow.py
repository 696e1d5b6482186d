"""The statistics count what the SIP services record: a SIP run through its steps shows up
in every SIP measure, with the kallelse's send time (and its new one when the meeting moves)
and the date each follow-up was planned for written by the services themselves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from cases.registry import statistics_measures
from overview.statistics.periods import period_parse
from overview.statistics.query import statistics_aggregates
from sipflow import services
from sipflow.models import ActionReview, FollowUp, Invitation
from tests.access.test_query_counts import answer_all, hold

pytestmark = pytest.mark.django_db


def totals(world, units, on: dt.date) -> dict:
    found = statistics_aggregates(
        measures=statistics_measures(),
        units=[unit.pk for unit in units],
        period=period_parse(str(on.year), today=on).span,
        today=timezone.localdate(),
        using="default",
    )
    return {(row.measure, row.sex, row.band): row for row in found if row.group == ""}


def test_a_sip_run_through_the_services_is_counted(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    invitation = meeting.invitations.get(unit=world.bup)
    assert invitation.sent_at is not None
    services.invitation_accept(invitation=invitation, by=world.vera, attendees="Vera")
    # The meeting moves: a new kallelse, timed from now, answered again.
    moved_at = timezone.now()
    services.meeting_reschedule(
        meeting=meeting,
        by=world.sara,
        starts_at=moved_at + dt.timedelta(days=20),
        place="Familjecentralen, Ludvika",
        at=moved_at,
    )
    invitation.refresh_from_db()
    assert (invitation.status, invitation.sent_at) == (Invitation.Status.PENDING, moved_at)
    answer_all(world, plan)
    hold(world, plan, days=30)
    plan.refresh_from_db()
    due = plan.next_follow_up
    Task.objects.filter(process=plan.process_id, status=STATUS.SCHEDULED).update(
        scheduled=timezone.now() - dt.timedelta(seconds=1)
    )
    fire_due_timers()
    version = plan.versions.get()
    services.follow_up_record(
        plan=plan,
        by=world.sara,
        reviews={
            action.pk: (ActionReview.Answer.YES, ActionReview.Answer.PARTLY)
            for action in version.actions.all()
        },
        outcome=FollowUp.Outcome.NEXT,
        next_follow_up=timezone.localdate() + dt.timedelta(days=60),
    )
    assert plan.follow_ups.get().due_on == due

    today = timezone.localdate()
    found = totals(world, [world.social], today)
    for measure in ("sip_started", "sip_held", "sip_followed_up"):
        assert found[(measure, "girls", "13-17")].events == 1, measure
    assert found[("sip_days_to_meeting", None, None)].median == 0
    reviews = found[("review_done_as_planned", "girls", "13-17")]
    assert (reviews.events, reviews.yes, reviews.persons) == (2, 2, 1)
    assert found[("review_goal_met", None, None)].yes == 0
    on_time = totals(world, [world.social], due)[("sip_follow_ups_on_time", None, None)]
    assert (on_time.events, on_time.yes) == (1, 1)  # held before its date
    # The kallelser count for the units they went to: answered the day they were sent.
    answers = totals(world, [world.bup, world.primary], today)
    assert answers[("invitation_days_to_answer", None, None)].events == 2
    assert answers[("invitation_days_to_answer", None, None)].median == 0
    assert ("sip_started", None, None) not in answers  # BUP neither started nor leads it
