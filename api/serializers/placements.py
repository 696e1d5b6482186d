"""Placements: what the API shows of one (in full to the placing unit, the youth and the
genomförandeplan only to its HVB, as on the placement page), its cost allocation (to the
organisations party to it), a hälsoundersökning request and a region handover (to the region
asked), and what each step takes."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from consent.models import InformationCategory
from directory.models import Organisation, Unit
from placement.models import (
    AlternativeTried,
    CarePlanVersion,
    CostAllocationRow,
    EndDestination,
    HealthExamRequest,
    LegalStep,
    Placement,
    Review,
)
from placement.rules import LegalBasis

from .fields import Codes, PlausibleDate, Text
from .sips import HistorySerializer, SipPersonSerializer


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


class PlacementListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = SipPersonSerializer()
    phase = serializers.ChoiceField(choices=Placement.Phase.choices)
    placing_unit = serializers.IntegerField(source="placing_unit_id")
    hvb_unit = serializers.IntegerField(source="hvb_unit_id", allow_null=True)
    legal_basis = serializers.CharField(allow_blank=True)
    acute = serializers.BooleanField()
    opened_at = serializers.DateTimeField()
    start_date = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)


class PlacementPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PlacementListItemSerializer(many=True)


class PlacementFilterSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Placement.Phase.choices, required=False)
    open = serializers.BooleanField(required=False, allow_null=True, default=None)
    person = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    placing_unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


class InsatsSerializer(serializers.Serializer):
    what = Text(max_length=300)
    who = Text(max_length=200)
    when = Text(max_length=200)


class PlanVersionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CarePlanVersion.Kind.choices)
    number = serializers.IntegerField()
    goals = serializers.CharField()
    follow_up = serializers.CharField()
    follow_up_on = serializers.DateField()
    written_at = serializers.DateTimeField()
    written_by = serializers.CharField(source="written_by.get_username")
    unit = serializers.IntegerField(source="unit_id")
    insatser = InsatsSerializer(many=True, source="insatser.all")


class CostRowOutSerializer(serializers.Serializer):
    what = serializers.ChoiceField(choices=CostAllocationRow.What.choices)
    paying_organisation = serializers.IntegerField(source="paying_organisation_id")
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    amount_per_day = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    share_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class CostAllocationSerializer(serializers.Serializer):
    """The written cost allocation between kommun and region: an annex the person never
    sees, read only by the organisations party to it."""

    placement = serializers.IntegerField(source="placement_id")
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.get_username")
    approved_by_kommun = serializers.SerializerMethodField()
    approved_by_kommun_at = serializers.DateTimeField(allow_null=True)
    approved_by_region = serializers.SerializerMethodField()
    approved_by_region_at = serializers.DateTimeField(allow_null=True)
    approved = serializers.BooleanField()
    rows = CostRowOutSerializer(many=True, source="rows.all")

    def get_approved_by_kommun(self, allocation) -> str | None:
        return _username(allocation.approved_by_kommun)

    def get_approved_by_region(self, allocation) -> str | None:
        return _username(allocation.approved_by_region)


class HealthRequestSerializer(serializers.Serializer):
    """A hälsoundersökning request as the region unit asked sees it: the child, the HVB,
    what is asked, and the outcome."""

    id = serializers.IntegerField()
    placement = serializers.IntegerField(source="placement_id")
    person = SipPersonSerializer(source="placement.person")
    date_of_birth = serializers.DateField(source="placement.person.date_of_birth")
    hvb_unit = serializers.IntegerField(source="placement.hvb_unit_id", allow_null=True)
    region_unit = serializers.IntegerField(source="region_unit_id")
    asked = serializers.CharField()
    due_on = serializers.DateField()
    requested_at = serializers.DateTimeField()
    outcome = serializers.CharField(allow_blank=True)
    offered_on = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)
    declined_on = serializers.DateField(allow_null=True)
    outcome_note = serializers.CharField(allow_blank=True)
    open = serializers.BooleanField()


class HandoverSerializer(serializers.Serializer):
    """A handover between regions as the regions see it (never the placement)."""

    id = serializers.IntegerField()
    placement = serializers.IntegerField(source="placement_id")
    person = SipPersonSerializer(source="placement.person")
    from_region = serializers.IntegerField(source="from_region_id")
    to_region = serializers.IntegerField(source="to_region_id")
    started_on = serializers.DateField()
    handed_over_at = serializers.DateTimeField(allow_null=True)
    handover_note = serializers.CharField(allow_blank=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    open = serializers.BooleanField()


class ClocksSerializer(serializers.Serializer):
    next_review = serializers.DateField(allow_null=True)
    legal_end = serializers.DateField(allow_null=True)
    lvm_end_approaching = serializers.BooleanField()
    cost_allocation_due = serializers.DateField(allow_null=True)
    next_visit = serializers.DateField(allow_null=True)
    private_talk = serializers.DateField(allow_null=True)
    aftercare_until = serializers.DateField(allow_null=True)


class AssessmentAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField(allow_blank=True)


class AlternativeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AlternativeTried.Kind.choices)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()


class LegalStepSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LegalStep.Kind.choices)
    on = serializers.DateField()
    reference = serializers.CharField()


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    due_on = serializers.DateField()
    held_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


class VisitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    visited_on = serializers.DateField()
    with_person = serializers.BooleanField()
    with_hvb_staff = serializers.BooleanField()
    with_health_care = serializers.BooleanField()
    with_relatives = serializers.BooleanField()
    private_talk = serializers.BooleanField()
    note = serializers.CharField()


class SchoolSerializer(serializers.Serializer):
    school_unit = serializers.IntegerField(source="school_unit_id", allow_null=True)
    school_name = serializers.CharField(allow_blank=True)
    from_date = serializers.DateField()
    contact = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


class DentalHomeSerializer(serializers.Serializer):
    home_region = serializers.IntegerField(source="home_region_id")
    note = serializers.CharField(allow_blank=True)


class PlacementDetailSerializer(PlacementListItemSerializer):
    """The placement as its page shows it to this user: ``access`` ``own`` (the placing
    unit) sees it in full; ``hvb`` (the HVB's staff) sees the youth and the
    genomförandeplan only, every other member null or empty. ``next_steps`` names the
    action endpoints open in the current phase."""

    access = serializers.CharField(help_text="own, hvb, admin")
    caseworker = serializers.CharField(allow_null=True)
    next_steps = serializers.ListField(child=serializers.CharField())
    categories = serializers.ListField(child=serializers.CharField(), allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    decision_level = serializers.CharField(allow_blank=True, allow_null=True)
    decided_by = serializers.CharField(allow_blank=True, allow_null=True)
    planned_end_date = serializers.DateField(allow_null=True)
    consent_ended_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField(allow_blank=True, allow_null=True)
    end_destination = serializers.CharField(allow_blank=True, allow_null=True)
    aftercare_until = serializers.DateField(allow_null=True)
    cancel_reason = serializers.CharField(allow_blank=True, allow_null=True)
    sip = serializers.IntegerField(allow_null=True, help_text=_("Den kopplade SIP:en."))
    clocks = ClocksSerializer(allow_null=True)
    assessment = AssessmentAreaSerializer(many=True)
    alternatives = AlternativeSerializer(many=True)
    legal_steps = LegalStepSerializer(many=True)
    reviews = ReviewSerializer(many=True)
    visits = VisitSerializer(many=True)
    care_plans = PlanVersionOutSerializer(many=True)
    implementation_plans = PlanVersionOutSerializer(many=True)
    health_requests = HealthRequestSerializer(many=True)
    schools = SchoolSerializer(many=True)
    dental_home = DentalHomeSerializer(allow_null=True)
    cost_allocation = CostAllocationSerializer(
        allow_null=True, help_text=_("Bara för de organisationer som är part i den.")
    )
    history = HistorySerializer(many=True)


class ProposalSerializer(serializers.Serializer):
    placement = PlacementDetailSerializer()
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text=_("Det som inte stämmer: visas, avvisas inte.")
    )


# --- Steps ----------------------------------------------------------------------------------


class PlacementStartSerializer(serializers.Serializer):
    personal_identity_number = Text(max_length=20, help_text=_("Personens personnummer."))
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), help_text=_("Din socialtjänstenhet, som inleder utredningen.")
    )


AREA_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")


class AssessmentInputSerializer(serializers.Serializer):
    entries = serializers.DictField(
        child=Text(allow_blank=True),
        help_text=_("Bedömningen per område i utredningens mall (områdets kod → text)."),
    )

    def validate_entries(self, entries: dict) -> dict:
        if len(entries) > 100 or not all(AREA_CODE.match(code) for code in entries):
            raise serializers.ValidationError(_("Ange områdena med deras koder i mallen."))
        return entries


class AlternativeInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AlternativeTried.Kind.choices)
    started_on = PlausibleDate()
    ended_on = PlausibleDate(required=False, allow_null=True, default=None)
    outcome = Text()


class ProposeInputSerializer(serializers.Serializer):
    hvb_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)
    acute = serializers.BooleanField(required=False, default=False)
    categories = Codes(queryset=InformationCategory.objects.all())


class LegalStepInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LegalStep.Kind.choices)
    on = PlausibleDate()
    reference = Text(max_length=100)


class DecideInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Placement.DecisionLevel.choices)
    decided_by = Text(max_length=200)
    on = PlausibleDate()


class CostRowInputSerializer(serializers.Serializer):
    what = serializers.ChoiceField(choices=CostAllocationRow.What.choices)
    paying_organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    valid_from = PlausibleDate()
    valid_until = PlausibleDate(required=False, allow_null=True, default=None)
    amount_per_day = serializers.DecimalField(
        max_digits=9, decimal_places=2, required=False, allow_null=True, default=None
    )
    share_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
    )


class CostAllocationInputSerializer(serializers.Serializer):
    rows = CostRowInputSerializer(many=True, max_length=50)


class ApproveInputSerializer(serializers.Serializer):
    side = serializers.ChoiceField(
        choices=[
            (Organisation.Kind.MUNICIPALITY, _("Kommunen")),
            (Organisation.Kind.REGION, _("Regionen")),
        ],
        help_text=_("Vilken part du godkänner för."),
    )


class MoveInInputSerializer(serializers.Serializer):
    start_date = PlausibleDate()
    planned_end_date = PlausibleDate(required=False, allow_null=True, default=None)


class HealthRequestInputSerializer(serializers.Serializer):
    region_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    asked = Text()


class HealthOutcomeInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=HealthExamRequest.Outcome.choices)
    on = PlausibleDate()
    note = Text(required=False, allow_blank=True, default="")


class SchoolInputSerializer(serializers.Serializer):
    school_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True, default=None
    )
    school_name = Text(max_length=200, required=False, allow_blank=True, default="")
    from_date = PlausibleDate()
    contact = Text(max_length=200, required=False, allow_blank=True, default="")
    note = Text(required=False, allow_blank=True, default="")


class DentalHomeInputSerializer(serializers.Serializer):
    home_region = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    note = Text(required=False, allow_blank=True, default="")


class PlanInputSerializer(serializers.Serializer):
    goals = Text()
    insatser = InsatsSerializer(many=True, max_length=100)
    follow_up = Text()
    follow_up_on = PlausibleDate()


class VisitInputSerializer(serializers.Serializer):
    visited_on = PlausibleDate()
    with_person = serializers.BooleanField(required=False, default=False)
    with_hvb_staff = serializers.BooleanField(required=False, default=False)
    with_health_care = serializers.BooleanField(required=False, default=False)
    with_relatives = serializers.BooleanField(required=False, default=False)
    private_talk = serializers.BooleanField(required=False, default=False)
    note = Text()


class ReviewInputSerializer(serializers.Serializer):
    held_on = PlausibleDate()
    outcome = serializers.ChoiceField(choices=Review.Outcome.choices)
    note = Text(required=False, allow_blank=True, default="")
    health_examination_offered = serializers.BooleanField(required=False, default=False)
    knowledge_assessment_done = serializers.BooleanField(required=False, default=False)


class EmptyInputSerializer(serializers.Serializer):
    """A step that takes nothing but the call itself."""


class EndInputSerializer(serializers.Serializer):
    ended_on = PlausibleDate()
    reason = Text()
    destination = serializers.ChoiceField(choices=EndDestination.choices)
    continuing = InsatsSerializer(
        many=True,
        max_length=100,
        required=False,
        default=list,
        help_text=_("Insatser som fortsätter."),
    )


class CloseInputSerializer(serializers.Serializer):
    note = Text(help_text=_("Vad uppföljningen efter placeringen visade."))


class CancelInputSerializer(serializers.Serializer):
    reason = Text()


class HandoverSendInputSerializer(serializers.Serializer):
    note = Text(help_text=_("Pågående vård och behandling och vem den nya regionen når."))


class RegistrationMoveInputSerializer(serializers.Serializer):
    municipality = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    )
    on = PlausibleDate()


class HvbChangeInputSerializer(serializers.Serializer):
    to_hvb = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    on = PlausibleDate()
    level = serializers.ChoiceField(choices=Placement.DecisionLevel.choices)
    decided_by = Text(max_length=200)


class BasisChangeInputSerializer(serializers.Serializer):
    legal_basis = serializers.ChoiceField(
        choices=[(b.value, b.label) for b in (LegalBasis.LVU_2, LegalBasis.LVU_3)]
    )
    step_kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in LegalStep.DECIDING])
    reference = Text(max_length=100)
    on = PlausibleDate()
    level = serializers.ChoiceField(choices=Placement.DecisionLevel.choices)
    decided_by = Text(max_length=200)
