"""Reminders before a kallelse's answer-by date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import Event
from sipflow.events import SipEvent
from sipflow.reminders import answer_due_soon_remind

pytestmark = pytest.mark.django_db


def morning(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


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
        Event.objects.filter(kind=SipEvent.ANSWER_DUE_SOON, recipient_unit=world.bup).count() == 1
    )


def test_a_huvudman_gets_the_reminder_in_each_of_its_units(world):
    world.consent_all(units=[world.social])
    world.guardians_consent(organisations=[world.region])
    plan = world.start()
    world.prepare(plan, units=[], organisations=[world.region])
    meeting = world.summon(plan)
    assert answer_due_soon_remind(at=morning(meeting.answer_by)) == 3  # the region's 3 units
    assert set(
        Event.objects.filter(kind=SipEvent.ANSWER_DUE_SOON).values_list("recipient_unit", flat=True)
    ) == {world.bup.pk, world.primary.pk, world.adult_psych.pk}
