from __future__ import annotations

import datetime as dt

import factory

from directory.demo import demo_identity_number
from directory.models import Membership, Organisation, Person, Unit, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Testkommun {n}")
    kind = Organisation.Kind.MUNICIPALITY


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")
    kind = Unit.Kind.SOCIAL_CHILDREN


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Användare {n}")
    password = factory.django.Password("correct-horse-battery-staple")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Membership.Role.SOCIAL_WORKER


def person_born(
    birth_date: dt.date, *, legal_sex: str = Person.LegalSex.FEMALE, **fields
) -> Person:
    """A saved person born on ``birth_date``, with a valid fictitious number."""
    number = demo_identity_number(birth_date=birth_date, legal_sex=legal_sex)
    defaults = {"first_name": "Test", "last_name": f"Person {number}", "legal_sex": legal_sex}
    person = Person(personal_identity_number=number, **{**defaults, **fields})
    person.full_clean()
    person.save()
    return person
