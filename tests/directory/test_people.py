from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from directory.models import Organisation, Person, Relative
from directory.services import person_create, relative_link
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def create(number: str, **fields) -> Person:
    return person_create(
        first_name=fields.pop("first_name", "Alva"),
        last_name=fields.pop("last_name", "Exempel"),
        personal_identity_number=number,
        legal_sex=fields.pop("legal_sex", Person.LegalSex.FEMALE),
        **fields,
    )


def test_a_person_is_stored_with_the_canonical_number_and_derived_birth_date():
    person = create("121212-1212")
    person.refresh_from_db()
    assert person.personal_identity_number == "201212121212"
    assert person.date_of_birth == dt.date(2012, 12, 12)
    assert person.identity_number_display == "20121212-1212"
    assert not person.is_coordination_number


def test_a_coordination_number_gives_the_real_day_of_birth():
    person = create("701063-2391")
    assert person.date_of_birth == dt.date(1970, 10, 3)
    assert person.is_coordination_number


def test_a_duplicate_person_is_refused_whatever_form_the_number_is_written_in():
    create("20121212-1212")
    with pytest.raises(ValidationError) as error:
        create("1212121212", first_name="Någon", last_name="Annan")
    assert error.value.message_dict["personal_identity_number"] == [
        "Det finns redan en person med det här numret."
    ]
    assert Person.objects.count() == 1


def test_a_malformed_number_is_refused_on_its_field():
    with pytest.raises(ValidationError) as error:
        create("19121212-1213")
    assert "Kontrollsiffran" in error.value.message_dict["personal_identity_number"][0]
    assert not Person.objects.exists()


def test_registered_residence_must_be_a_kommun():
    region = OrganisationFactory(name="Region Test", kind=Organisation.Kind.REGION)
    with pytest.raises(ValidationError) as error:
        create("121212-1212", registered_municipality=region)
    assert "registered_municipality" in error.value.message_dict


def test_legal_sex_has_a_value_for_other_or_unknown():
    person = create("121212-1212", legal_sex=Person.LegalSex.OTHER_OR_UNKNOWN)
    assert person.get_legal_sex_display() == "Annat/okänt"


def test_a_relative_can_be_linked_but_not_to_oneself():
    person = create("121212-1212")
    mother = create("19800101-0001", first_name="Mor")
    link = relative_link(person=person, relative=mother, relation=Relative.Relation.PARENT)
    assert list(person.relatives.all()) == [link]
    with pytest.raises(ValidationError):
        relative_link(person=person, relative=person, relation=Relative.Relation.OTHER)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"provider_ownership": "private"}, "tillståndsnummer från IVO"),
        ({"provider_ownership": "municipal"}, "anmält till IVO"),
        ({"provider_ownership": ""}, "Driftsform anges för HVB-anordnare"),
    ],
)
def test_hvb_providers_need_their_ivo_standing(fields, message):
    provider = Organisation(name="Testgården", kind=Organisation.Kind.PROVIDER, **fields)
    with pytest.raises(ValidationError) as error:
        provider.full_clean()
    assert message in str(error.value)


def test_valid_hvb_providers_are_accepted():
    Organisation(
        name="Enskilt HVB",
        kind=Organisation.Kind.PROVIDER,
        provider_ownership="private",
        ivo_permit_number="IVO 1.2.3-4567/2024",
    ).full_clean()
    Organisation(
        name="Kommunalt HVB",
        kind=Organisation.Kind.PROVIDER,
        provider_ownership="municipal",
        ivo_notified=True,
    ).full_clean()


def test_looking_up_a_malformed_number_finds_nobody_instead_of_failing():
    create("121212-1212")
    assert not Person.objects.filter(personal_identity_number="Alva").exists()
    assert Person.objects.filter(personal_identity_number="201212121212").exists()
