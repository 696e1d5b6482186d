"""Avvikelser: what the API shows of a report (its person only to those who may see the case
it was reported from, as on its page), and what each step of the joint handling takes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from deviations.models import Deviation, Dispute
from deviations.rules import AgreementCode, Category, HandlerRole, Harm
from directory.models import Unit

from .fields import Ids, PlausibleDate, Text
from .persons import PersonRefSerializer
from .sips import STAFF


class DeviationListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Deviation.Status.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    harm = serializers.ChoiceField(choices=Harm.choices)
    agreement = serializers.ChoiceField(choices=AgreementCode.choices)
    occurred_on = serializers.DateField()
    reported_at = serializers.DateTimeField()
    reporting_unit = serializers.IntegerField(source="reporting_unit_id")
    case_kind = serializers.CharField(allow_blank=True)
    person = serializers.SerializerMethodField(
        help_text=_("Bara för den som får se ärendet avvikelsen rapporterades från.")
    )

    def get_person(self, deviation) -> PersonRefSerializer(allow_null=True):  # type: ignore[valid-type]
        if deviation.person_id is None or not getattr(deviation, "person_visible", False):
            return None
        return PersonRefSerializer(deviation.person).data


class DeviationPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DeviationListItemSerializer(many=True)


class DeviationFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Deviation.Status.choices, required=False)


class PartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.IntegerField(source="organisation_id")
    unit = serializers.IntegerField(source="unit_id")
    reporting = serializers.BooleanField()
    handler = serializers.SerializerMethodField()
    handler_role = serializers.CharField(allow_blank=True)
    signed_off_at = serializers.DateTimeField(allow_null=True)

    def get_handler(self, party) -> str | None:
        return party.handler.get_username() if party.handler_id else None


class AllocationSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    responsibilities = serializers.CharField()
    until = serializers.DateField()
    proposed_at = serializers.DateTimeField()
    proposed_party = serializers.IntegerField(source="proposed_party_id", allow_null=True)
    agreed_at = serializers.DateTimeField(allow_null=True)
    approved_by = serializers.SerializerMethodField(help_text=_("De parter som har godkänt."))

    def get_approved_by(self, allocation) -> list[int]:
        return sorted(approval.party_id for approval in allocation.approvals.all())


class LogLineSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True)
    organisation = serializers.CharField(allow_null=True)
    text = serializers.CharField()
    note = serializers.BooleanField(help_text=_("En utredningsanteckning."))


class DisputeLevelSerializer(serializers.Serializer):
    level = serializers.CharField()
    opened_on = serializers.DateField()
    notice_on = serializers.DateField(allow_null=True)
    written_on = serializers.DateField(allow_null=True)
    meeting_on = serializers.DateField(allow_null=True)
    proposal = serializers.CharField(allow_blank=True)
    proposal_on = serializers.DateField(allow_null=True)
    decision = serializers.CharField(allow_blank=True)
    decided_on = serializers.DateField(allow_null=True)


class DisputeSerializer(serializers.Serializer):
    matter = serializers.CharField()
    raised_at = serializers.DateTimeField()
    stage = serializers.ChoiceField(choices=Dispute.Stage.choices)
    is_open = serializers.BooleanField()
    levels = DisputeLevelSerializer(many=True, source="levels.all")


class DeviationDetailSerializer(DeviationListItemSerializer):
    description = serializers.CharField()
    measures = serializers.CharField(allow_blank=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    parties = PartySerializer(many=True, source="parties_list")
    my_parties = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("De parter du företräder.")
    )
    allocation = AllocationSerializer(allow_null=True)
    dispute = DisputeSerializer(allow_null=True, source="dispute_row")
    log = LogLineSerializer(many=True)


# --- Steps ----------------------------------------------------------------------------------


class ReportSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), help_text=_("Din enhet, som rapporterar.")
    )
    concerned_units = Ids(queryset=Unit.objects.all(), max_length=10)
    case_kind = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="sip, placement"
    )
    case_id = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None
    )
    occurred_on = PlausibleDate()
    description = Text()
    category = serializers.ChoiceField(choices=Category.choices)
    harm = serializers.ChoiceField(choices=Harm.choices)
    agreement = serializers.ChoiceField(choices=AgreementCode.choices)
    responsibilities = Text(help_text=_("Den tillfälliga ansvarsfördelningen: vem gör vad."))
    allocation_until = PlausibleDate()


class PartyInputSerializer(serializers.Serializer):
    party = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Den part du företräder, när du företräder flera."),
    )


class AllocationInputSerializer(PartyInputSerializer):
    responsibilities = Text()
    until = PlausibleDate()


class HandlerInputSerializer(PartyInputSerializer):
    handler = serializers.PrimaryKeyRelatedField(
        queryset=STAFF, help_text=_("Den som utses: arbetar med ärenden i organisationen.")
    )
    role = serializers.ChoiceField(choices=HandlerRole.choices)


class NoteInputSerializer(PartyInputSerializer):
    text = Text()


class MeasuresInputSerializer(serializers.Serializer):
    measures = Text()


class DisputeRaiseInputSerializer(PartyInputSerializer):
    matter = Text()


class DisputeLevelInputSerializer(serializers.Serializer):
    proposal = Text(required=False, allow_blank=True, default="")
    proposal_on = PlausibleDate(required=False, allow_null=True, default=None)
    notice_on = PlausibleDate(required=False, allow_null=True, default=None)
    written_on = PlausibleDate(required=False, allow_null=True, default=None)
    meeting_on = PlausibleDate(required=False, allow_null=True, default=None)


class DisputeDecideInputSerializer(serializers.Serializer):
    decision = Text(max_length=5000)
    decided_on = PlausibleDate()
    resolved = serializers.BooleanField(
        help_text=_("Löst (true), eller förs till nästa nivå (false).")
    )


class DeviationStatisticsFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2021, max_value=2199, required=False)


class CountRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text=_("null: färre än 5, dolt."))


class DurationSerializer(serializers.Serializer):
    count = serializers.IntegerField(allow_null=True)
    median = serializers.FloatField(allow_null=True)


class DeviationStatisticsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    organisations = serializers.SerializerMethodField()
    total = serializers.IntegerField(allow_null=True)
    by_category = CountRowSerializer(many=True)
    by_pair = CountRowSerializer(many=True)
    by_month = CountRowSerializer(many=True)
    to_allocation_hours = DurationSerializer()
    to_close_days = DurationSerializer()

    def get_organisations(self, statistics) -> list[int]:
        return [organisation.pk for organisation in statistics.organisations]
