"""Reading the log: who looked at a person, accesses from outside a unit, and stickprov."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AccessLogEntry
from audit.selectors import outside_accesses, person_access_log
from audit.services import access_log_record, sample_draw, sample_sign_off
from tests.audit.conftest import AT
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
VIEW = AccessLogEntry.Action.VIEW
DAY = AT.date()


def at_local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def test_person_access_log_is_newest_first_and_only_that_person(staff):
    first = access_log_record(user=staff.sara, action=VIEW, person=staff.child, at=AT)
    access_log_record(user=staff.sara, action=VIEW, person=staff.adult, at=AT)
    last = access_log_record(
        user=staff.vera, action=VIEW, person=staff.child, at=AT + dt.timedelta(hours=1)
    )
    assert list(person_access_log(person=staff.child)) == [last, first]
    assert list(person_access_log(person=staff.child, since=AT + dt.timedelta(minutes=1))) == [last]


def test_outside_accesses_are_those_from_other_units_within_the_days(staff):
    def look(user, person, at, **kwargs):
        return access_log_record(user=user, action=VIEW, person=person, at=at, **kwargs)

    inside = look(staff.sara, staff.child, at_local(DAY, 9))
    from_bup = look(staff.vera, staff.child, at_local(DAY, 9))
    from_nowhere = look(None, staff.child, at_local(DAY, 10))
    first_minute = look(staff.vera, staff.child, at_local(DAY - dt.timedelta(days=1), 0, 0))
    last_minute = look(staff.vera, staff.child, at_local(DAY + dt.timedelta(days=1), 23, 59))
    look(staff.vera, staff.child, at_local(DAY - dt.timedelta(days=2), 23, 59))
    look(staff.vera, staff.child, at_local(DAY + dt.timedelta(days=2), 0, 0))
    look(staff.vera, staff.adult, at_local(DAY, 9))
    look(staff.vera, None, at_local(DAY, 9))

    found = outside_accesses(
        persons=[staff.child],
        unit=staff.social,
        start=DAY - dt.timedelta(days=1),
        end=DAY + dt.timedelta(days=1),
    )
    assert list(found) == [first_minute, from_bup, from_nowhere, last_minute]
    assert inside not in found


def outside_looks(staff, count: int) -> list[AccessLogEntry]:
    return [
        access_log_record(
            user=staff.vera, action=VIEW, person=staff.child, at=AT + dt.timedelta(minutes=n)
        )
        for n in range(count)
    ]


def draw(staff, **kwargs):
    return sample_draw(
        **{
            "by": staff.carl,
            "unit": staff.social,
            "persons": [staff.child],
            "start": DAY,
            "end": DAY,
            **kwargs,
        }
    )


def test_a_sample_is_a_random_subset_of_the_outside_accesses(staff):
    looks = outside_looks(staff, 30)
    access_log_record(user=staff.sara, action=VIEW, person=staff.child, at=AT)
    sample = draw(staff, size=5, rng=random.Random(7))
    assert sample.entries.count() == 5
    assert set(sample.entries.all()) <= set(looks)
    assert (sample.unit, sample.drawn_by, sample.period_start, sample.period_end) == (
        staff.social,
        staff.carl,
        DAY,
        DAY,
    )
    assert sample.signed_off_at is None
    same_seed = draw(staff, size=5, rng=random.Random(7))
    assert set(same_seed.entries.all()) == set(sample.entries.all())


def test_a_sample_takes_all_when_there_are_fewer_than_its_size(staff):
    looks = outside_looks(staff, 3)
    assert set(draw(staff).entries.all()) == set(looks)
    empty = draw(staff, start=DAY - dt.timedelta(days=5), end=DAY - dt.timedelta(days=4))
    assert empty.entries.count() == 0


def test_only_a_manager_of_the_unit_draws_a_sample(staff):
    other_manager = MembershipFactory(unit=staff.bup, role="manager").user
    for user in (staff.sara, staff.vera, other_manager):
        with pytest.raises(ValidationError, match="Bara en chef"):
            draw(staff, by=user)


def test_a_period_must_be_in_order(staff):
    with pytest.raises(ValidationError):
        draw(staff, start=DAY, end=DAY - dt.timedelta(days=1))


def test_a_manager_signs_off_a_sample_once(staff):
    outside_looks(staff, 3)
    sample = draw(staff)
    signed = sample_sign_off(sample=sample, by=staff.carl, note="  Alla åtkomster motiverade. ")
    signed.refresh_from_db()
    assert signed.signed_off_by == staff.carl
    assert signed.signed_off_at is not None
    assert signed.note == "Alla åtkomster motiverade."
    deputy = MembershipFactory(unit=staff.social, role="manager").user
    with pytest.raises(ValidationError, match="redan signerat") as refused:
        sample_sign_off(sample=sample, by=deputy, note="igen")
    assert refused.value.code == "already_signed"
    signed.refresh_from_db()
    assert (signed.signed_off_by, signed.note) == (staff.carl, "Alla åtkomster motiverade.")


def test_only_a_manager_of_the_unit_signs_off(staff):
    sample = draw(staff)
    other_manager = MembershipFactory(unit=staff.bup, role="manager").user
    for user in (staff.sara, other_manager):
        with pytest.raises(ValidationError, match="Bara en chef") as refused:
            sample_sign_off(sample=sample, by=user)
        assert refused.value.code == "not_manager"
    sample.refresh_from_db()
    assert sample.signed_off_at is None
