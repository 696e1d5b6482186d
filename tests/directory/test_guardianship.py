from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory.models import Guardianship
from directory.selectors import person_guardians
from directory.services import guardianship_create, guardianship_end
from tests.conftest import TODAY, years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(make_person):
    return make_person(years_ago(10), first_name="Barn")


@pytest.fixture
def parents(make_person):
    return [
        make_person(years_ago(40 + index), first_name=f"Förälder {index}") for index in range(3)
    ]


def test_a_child_can_have_one_or_two_guardians(child, parents):
    guardianship_create(child=child, guardian=parents[0], on=TODAY)
    assert person_guardians(person=child, on=TODAY) == [parents[0]]
    guardianship_create(child=child, guardian=parents[1], on=TODAY)
    assert person_guardians(person=child, on=TODAY) == parents[:2]


def test_a_third_guardian_is_refused(child, parents):
    guardianship_create(child=child, guardian=parents[0], on=TODAY)
    guardianship_create(child=child, guardian=parents[1], on=TODAY)
    with pytest.raises(ValidationError) as error:
        guardianship_create(child=child, guardian=parents[2], on=TODAY)
    assert error.value.code == "too_many"
    assert "högst två" in error.value.messages[0]
    assert Guardianship.objects.filter(child=child).count() == 2


def test_the_database_refuses_a_third_guardian_even_past_the_service(child, parents):
    for slot, parent in enumerate(parents[:2], start=1):
        Guardianship.objects.create(child=child, guardian=parent, slot=slot)
    for slot in (1, 2, 3):
        with pytest.raises(IntegrityError), transaction.atomic():
            Guardianship.objects.create(child=child, guardian=parents[2], slot=slot)


def test_a_child_cannot_be_its_own_guardian(child):
    with pytest.raises(ValidationError) as error:
        guardianship_create(child=child, guardian=child, on=TODAY)
    assert error.value.code == "self"
    assert "sin egen vårdnadshavare" in error.value.messages[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Guardianship.objects.create(child=child, guardian=child, slot=1)


@pytest.mark.parametrize(("age", "refused"), [(17, True), (18, False)])
def test_a_guardian_must_be_of_age(child, make_person, age, refused):
    guardian = make_person(years_ago(age), first_name="Ung")
    if refused:
        with pytest.raises(ValidationError) as error:
            guardianship_create(child=child, guardian=guardian, on=TODAY)
        assert error.value.code == "guardian_under_age"
        assert "under 18 år" in error.value.messages[0]
    else:
        guardianship_create(child=child, guardian=guardian, on=TODAY)


def test_a_guardian_who_turns_18_tomorrow_is_still_refused_today(child, make_person):
    guardian = make_person(years_ago(18, days=-1))
    with pytest.raises(ValidationError):
        guardianship_create(child=child, guardian=guardian, on=TODAY)


def test_an_adult_has_no_guardians(make_person, parents):
    adult = make_person(years_ago(18))
    with pytest.raises(ValidationError) as error:
        guardianship_create(child=adult, guardian=parents[0], on=TODAY)
    assert error.value.code == "child_of_age"


def test_guardianship_ends_when_the_child_turns_18(make_person, parents):
    child = make_person(years_ago(18, days=-1))  # turns 18 tomorrow
    guardianship_create(child=child, guardian=parents[0], on=TODAY)
    assert person_guardians(person=child, on=TODAY) == [parents[0]]
    tomorrow = TODAY.replace(day=TODAY.day + 1)
    assert person_guardians(person=child, on=tomorrow) == []


def test_the_same_guardian_cannot_be_added_twice(child, parents):
    guardianship_create(child=child, guardian=parents[0], on=TODAY)
    with pytest.raises(ValidationError) as error:
        guardianship_create(child=child, guardian=parents[0], on=TODAY)
    assert error.value.code == "duplicate"


def test_a_freed_slot_can_be_taken_again(child, parents):
    first = guardianship_create(child=child, guardian=parents[0], on=TODAY)
    guardianship_create(child=child, guardian=parents[1], on=TODAY)
    guardianship_end(guardianship=first)
    third = guardianship_create(child=child, guardian=parents[2], on=TODAY)
    assert third.slot == 1
    assert set(person_guardians(person=child, on=TODAY)) == {parents[1], parents[2]}
