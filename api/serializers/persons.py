"""Persons: what the API shows of a person, and what it takes to look one up or register
one. The address of someone with skyddade personuppgifter is never shown."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from directory.models import Organisation, Person
from directory.selectors import person_guardians

from .fields import Text


class PersonRefSerializer(serializers.Serializer):
    """A person named by another record: id and name."""

    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class AddressSerializer(serializers.Serializer):
    street_address = serializers.CharField()
    postal_code = serializers.CharField()
    city = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    personal_identity_number = serializers.CharField(
        source="identity_number_display", help_text=_("ÅÅÅÅMMDD-NNNN")
    )
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    legal_sex = serializers.ChoiceField(choices=Person.LegalSex.choices)
    registered_municipality = serializers.IntegerField(
        source="registered_municipality_id", allow_null=True
    )
    protected_identity = serializers.BooleanField(
        help_text=_("Skyddade personuppgifter: adressen visas aldrig.")
    )
    address = serializers.SerializerMethodField()
    guardians = serializers.SerializerMethodField()

    def get_address(self, person: Person) -> AddressSerializer(allow_null=True):  # type: ignore[valid-type]
        if person.protected_identity or not (person.street_address or person.city):
            return None
        return AddressSerializer(person).data

    def get_guardians(self, person: Person) -> PersonRefSerializer(many=True):  # type: ignore[valid-type]
        guardians = person_guardians(person=person, on=timezone.localdate())
        return PersonRefSerializer(guardians, many=True).data


class PersonLookupSerializer(serializers.Serializer):
    personal_identity_number = Text(
        max_length=20,
        help_text=_("Personnummer eller samordningsnummer, i kroppen: aldrig i adressen."),
    )


class PersonCreateSerializer(serializers.Serializer):
    personal_identity_number = Text(max_length=20)
    first_name = Text(max_length=100)
    last_name = Text(max_length=100)
    legal_sex = serializers.ChoiceField(choices=Person.LegalSex.choices)
    registered_municipality = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY),
        required=False,
        allow_null=True,
    )
    street_address = Text(max_length=200, required=False, allow_blank=True, default="")
    postal_code = Text(max_length=6, required=False, allow_blank=True, default="")
    city = Text(max_length=100, required=False, allow_blank=True, default="")
    protected_identity = serializers.BooleanField(required=False, default=False)
