"""Sök person (directory.selectors.person_search): a whole number or a name, never everyone."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from directory.models import Membership
from directory.selectors import person_query_parse, person_search
from tests.conftest import years_ago
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kommun(db):
    return OrganisationFactory(name="Ludvika kommun")


@pytest.fixture
def worker(kommun):
    unit = UnitFactory(organisation=kommun)
    return MembershipFactory(role=Membership.Role.SOCIAL_WORKER, unit=unit).user


@pytest.fixture
def people(make_person, kommun):
    """Three people of the worker's kommun; every personnummer holds the digit 1."""
    today = timezone.localdate()
    home = {"registered_municipality": kommun}
    return [
        make_person(years_ago(13, today=today), first_name="Alva", last_name="Ek", **home),
        make_person(years_ago(40, today=today), first_name="Anna", last_name="Ek", **home),
        make_person(years_ago(71, today=today), first_name="Olle", last_name="Berg", **home),
    ]


def test_a_whole_number_in_any_accepted_form_finds_that_person(worker, people):
    alva = people[0]
    number = alva.personal_identity_number
    for typed in (number, f"{number[:8]}-{number[8:]}", f"{number[2:8]}-{number[8:]}"):
        assert list(person_search(user=worker, query=typed)) == [alva]


def test_a_name_finds_the_people_whose_names_hold_every_word(worker, people):
    assert list(person_search(user=worker, query="ek")) == [people[0], people[1]]
    assert list(person_search(user=worker, query="  alva   EK ")) == [people[0]]
    assert list(person_search(user=worker, query="Alva Berg")) == []


def test_an_empty_query_lists_nobody(worker, people):
    assert list(person_search(user=worker, query="   ")) == []
    assert person_query_parse("", today=timezone.localdate()) is None


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("(1)", "är inget av dem"),
        ("<script>alert(1)</script>", "är inget av dem"),
        ("Alva 2013", "är inget av dem"),
        ("1", "Det ser ut som ett personnummer men är inte giltigt: Ange personnumret"),
        ("2013-01", "Det ser ut som ett personnummer men är inte giltigt: Ange personnumret"),
        ("19800101-0000", "Det ser ut som ett personnummer men är inte giltigt: Kontrollsiff"),
        ("20991301-0005", "Det ser ut som ett personnummer men är inte giltigt:"),
        ("<script>", "Ett namn kan bara innehålla bokstäver"),
        ("%", "Ett namn kan bara innehålla bokstäver"),
        ("A", "Skriv minst 2 bokstäver"),
    ],
)
def test_a_query_that_is_neither_a_valid_number_nor_a_name_finds_nobody_and_says_why(
    worker, people, query, reason
):
    with pytest.raises(ValidationError) as error:
        person_search(user=worker, query=query)
    assert reason in error.value.messages[0]


def test_the_search_finds_only_people_the_user_may_see(people, make_person):
    elsewhere = OrganisationFactory(name="Falu kommun")
    stranger = make_person(years_ago(30), first_name="Alva", registered_municipality=elsewhere)
    nurse = MembershipFactory(role=Membership.Role.HEALTH_STAFF).user
    hvb = MembershipFactory(role=Membership.Role.HVB_STAFF).user
    assert list(person_search(user=nurse, query="Alva")) == []
    assert list(person_search(user=hvb, query=stranger.personal_identity_number)) == []
