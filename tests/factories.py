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


def person_admin_form(person: Person, *, guardianships: int = 0, **changes) -> dict:
    """The admin's form of ``person`` as posted (with ``changes``): its fields, an empty
    list of närstående and ``guardianships`` forms of vårdnadshavare, those the person has
    first (the caller fills in any beyond them)."""
    existing = list(person.guardianships.all())
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "personal_identity_number": person.personal_identity_number,
        "legal_sex": person.legal_sex,
        "registered_municipality": person.registered_municipality_id or "",
        "street_address": person.street_address,
        "postal_code": person.postal_code,
        "city": person.city,
        "guardianships-TOTAL_FORMS": str(max(guardianships, len(existing))),
        "guardianships-INITIAL_FORMS": str(len(existing)),
        "guardianships-MIN_NUM_FORMS": "0",
        "guardianships-MAX_NUM_FORMS": "2",
        "relatives-TOTAL_FORMS": "0",
        "relatives-INITIAL_FORMS": "0",
        "relatives-MIN_NUM_FORMS": "0",
        "relatives-MAX_NUM_FORMS": "1000",
        **changes,
    }
    for index, guardianship in enumerate(existing):
        data[f"guardianships-{index}-id"] = guardianship.pk
        data[f"guardianships-{index}-child"] = person.pk
        data[f"guardianships-{index}-guardian"] = guardianship.guardian_id
    return data
