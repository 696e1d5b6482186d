"""Escalation: one daily digest per chef, grouping what is overdue in the units they lead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from directory.models import Membership
from notifications.deadlines import answer_due_soon_remind, escalation_digests_send
from notifications.models import Event
from sipflow.models import Meeting, SipPlan
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def morning(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_one_digest_per_chef_per_day_grouping_their_units(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(answer_by=yesterday)
    SipPlan.objects.filter(pk=plan.pk).update(next_follow_up=yesterday)

    region_chef = MembershipFactory(unit=world.bup, role=Membership.Role.MANAGER).user
    Membership.objects.create(user=region_chef, unit=world.primary, role=Membership.Role.MANAGER)
    social_chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    MembershipFactory(unit=world.adult_psych, role=Membership.Role.MANAGER)  # nothing overdue

    today = timezone.localdate()
    assert escalation_digests_send(at=morning(today, hour=6)) == 0  # before 07:00
    assert escalation_digests_send(at=morning(today)) == 2
    assert escalation_digests_send(at=morning(today, hour=15)) == 0  # once a day

    digests = {e.recipient_user: e.data for e in Event.objects.filter(kind=Event.Kind.ESCALATION)}
    assert digests[region_chef] == {
        "date": today.isoformat(),
        "unanswered": 2,  # BUP and the vårdcentral, in one digest
        "overdue_follow_ups": 0,
    }
    assert digests[social_chef]["overdue_follow_ups"] == 1
    assert escalation_digests_send(at=morning(today + dt.timedelta(days=1))) == 2


def test_a_reminder_goes_out_before_the_answer_by_date_once(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    day_before = meeting.answer_by - dt.timedelta(days=1)
    while day_before.weekday() >= 5:
        day_before -= dt.timedelta(days=1)
    too_early = day_before - dt.timedelta(days=7)
    assert answer_due_soon_remind(at=morning(too_early)) == 0
    assert answer_due_soon_remind(at=morning(day_before)) == 2
    assert answer_due_soon_remind(at=morning(meeting.answer_by)) == 0
    assert (
        Event.objects.filter(kind=Event.Kind.ANSWER_DUE_SOON, recipient_unit=world.bup).count() == 1
    )


def test_a_huvudman_gets_the_reminder_in_each_of_its_units(world):
    world.consent_all(units=[world.social])
    world.guardians_consent(organisations=[world.region])
    plan = world.start()
    world.prepare(plan, units=[], organisations=[world.region])
    meeting = world.summon(plan)
    assert answer_due_soon_remind(at=morning(meeting.answer_by)) == 3  # the region's 3 units
    assert set(
        Event.objects.filter(kind=Event.Kind.ANSWER_DUE_SOON).values_list(
            "recipient_unit", flat=True
        )
    ) == {world.bup.pk, world.primary.pk, world.adult_psych.pk}
