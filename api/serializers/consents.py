"""Consents (samtycken): what the API shows of one, and what registering and withdrawing
take. The units, organisations and information it covers are ids and codes."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from consent.models import Consent, InformationCategory, Purpose
from consent.selectors import consent_in_force
from directory.models import Organisation, Unit

from .fields import Codes, Ids, PlausibleDate, Text
from .persons import PersonRefSerializer


class ConsentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.IntegerField(source="subject_id", help_text=_("Vem samtycket gäller."))
    given_by = PersonRefSerializer(help_text=_("Vem som samtyckte."))
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    form = serializers.ChoiceField(choices=Consent.Form.choices)
    status = serializers.ChoiceField(choices=Consent.Status.choices)
    in_force = serializers.SerializerMethodField()
    documented_by = serializers.CharField(source="documented_by.get_username")
    documented_at = serializers.DateTimeField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    units = serializers.SerializerMethodField()
    organisations = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    excluded_units = serializers.SerializerMethodField()
    excluded_categories = serializers.SerializerMethodField()
    excluded_persons = serializers.CharField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawal_form = serializers.CharField(allow_blank=True)

    def get_in_force(self, consent: Consent) -> bool:
        return consent_in_force(consent, on=timezone.localdate())

    def get_units(self, consent: Consent) -> list[int]:
        return sorted(unit.pk for unit in consent.units.all())

    def get_organisations(self, consent: Consent) -> list[int]:
        return sorted(organisation.pk for organisation in consent.organisations.all())

    def get_categories(self, consent: Consent) -> list[str]:
        return sorted(category.code for category in consent.categories.all())

    def get_excluded_units(self, consent: Consent) -> list[int]:
        return sorted(unit.pk for unit in consent.excluded_units.all())

    def get_excluded_categories(self, consent: Consent) -> list[str]:
        return sorted(category.code for category in consent.excluded_categories.all())


class ConsentCreateSerializer(serializers.Serializer):
    given_by = serializers.IntegerField(
        min_value=1, help_text=_("Personen själv eller en av vårdnadshavarna (id).")
    )
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    form = serializers.ChoiceField(choices=Consent.Form.choices)
    categories = Codes(queryset=InformationCategory.objects.all())
    units = Ids(queryset=Unit.objects.all(), required=False, default=list)
    organisations = Ids(queryset=Organisation.objects.all(), required=False, default=list)
    excluded_units = Ids(queryset=Unit.objects.all(), required=False, default=list)
    excluded_categories = Codes(
        queryset=InformationCategory.objects.all(), required=False, default=list
    )
    excluded_persons = Text(required=False, allow_blank=True, default="")
    valid_from = PlausibleDate(required=False, allow_null=True, default=None)
    valid_until = PlausibleDate(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Högst ett år. Utan datum: organisationens standardtid."),
    )


class ConsentWithdrawSerializer(serializers.Serializer):
    withdrawn_by = serializers.IntegerField(
        min_value=1, help_text=_("Den som lämnade samtycket (id).")
    )
    form = serializers.ChoiceField(choices=Consent.Form.choices)


class RecordedViewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.IntegerField(source="subject_id")
    holder = PersonRefSerializer(help_text=_("Vems inställning."))
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    view = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(source="recorded_by.get_username")


class RecordedViewCreateSerializer(serializers.Serializer):
    holder = serializers.IntegerField(
        min_value=1, help_text=_("Personen själv eller en av vårdnadshavarna (id).")
    )
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    view = Text(help_text=_("Vad personen har sagt."))
