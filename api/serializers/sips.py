"""SIPs: what the API shows of one (only the information categories the SIP shares, for
an invited unit, as on the plan page), and what each step takes."""

from __future__ import annotations

from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from consent.models import InformationCategory
from directory.models import Organisation, Unit, User
from sipflow.models import ActionReview, FollowUp, Invitation, Meeting, SipPlan
from sipflow.services import DeclineReason

from .fields import Codes, Ids, PlausibleDate, PlausibleDateTime, Text
from .persons import PersonRefSerializer

STAFF = User.objects.filter(memberships__isnull=False).distinct()


class SipPersonSerializer(PersonRefSerializer):
    personal_identity_number = serializers.CharField(source="identity_number_display")


class SipListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = SipPersonSerializer()
    phase = serializers.ChoiceField(choices=SipPlan.Phase.choices)
    is_open = serializers.BooleanField()
    started_at = serializers.DateTimeField()
    started_unit = serializers.IntegerField(source="started_unit_id")
    lead_unit = serializers.IntegerField(source="lead_unit_id", allow_null=True)
    next_follow_up = serializers.DateField(allow_null=True)


class SipPageSerializer(serializers.Serializer):
    """One page of the list: ``next`` and ``previous`` are the addresses of the pages beside
    it (opaque cursors), null at the ends."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SipListItemSerializer(many=True)


class SipFilterSerializer(serializers.Serializer):
    """The list's filters, as query parameters."""

    phase = serializers.ChoiceField(choices=SipPlan.Phase.choices, required=False)
    open = serializers.BooleanField(required=False, allow_null=True, default=None)
    person = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    lead_unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    started_unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


class PlanActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    need = serializers.CharField()
    action = serializers.CharField()
    responsible_organisation = serializers.IntegerField(source="responsible_organisation_id")
    responsible_unit = serializers.IntegerField(source="responsible_unit_id", allow_null=True)
    persons_part = serializers.CharField(allow_blank=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)


class PlanVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    current = serializers.SerializerMethodField()
    persons_goals = serializers.CharField(help_text=_("Vad är viktigt för dig?"))
    lead_unit = serializers.IntegerField(source="lead_unit_id")
    next_follow_up = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.get_username")
    actions = PlanActionSerializer(many=True, source="actions.all")

    def get_current(self, version) -> bool:
        return version.number == self.context.get("current_number")


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
    status = serializers.ChoiceField(choices=Invitation.Status.choices)
    attendees = serializers.CharField(allow_blank=True)
    decline_reason = serializers.CharField(allow_blank=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    answer_by = serializers.DateField(source="meeting.answer_by")
    forwarded_from = serializers.IntegerField(source="forwarded_from_id", allow_null=True)


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    starts_at = serializers.DateTimeField()
    place = serializers.CharField(allow_blank=True)
    video_link = serializers.CharField(allow_blank=True)
    answer_by = serializers.DateField()
    held_at = serializers.DateTimeField(allow_null=True)
    invitations = InvitationSerializer(many=True, source="invitations.all")


class InvitationDetailSerializer(InvitationSerializer):
    sip = serializers.IntegerField(source="meeting.plan_id")
    person = SipPersonSerializer(source="meeting.plan.person")
    starts_at = serializers.DateTimeField(source="meeting.starts_at")
    place = serializers.CharField(source="meeting.place", allow_blank=True)
    video_link = serializers.CharField(source="meeting.video_link", allow_blank=True)


class HistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    text = serializers.CharField()
    by = serializers.SerializerMethodField()

    def get_by(self, entry) -> str | None:
        return entry.by.get_username() if entry.by_id else None


class SipDetailSerializer(SipListItemSerializer):
    """The SIP as the plan page shows it to this user: the information categories an
    invited unit is not shared are left out (null), and the cost allocation is for the
    parties that work the SIP in full."""

    access = serializers.CharField(source="access.kind", help_text="own, invited, admin")
    origin = serializers.ChoiceField(choices=SipPlan.Origin.choices)
    started_by = serializers.CharField(source="started_by.get_username")
    social_needs = serializers.SerializerMethodField()
    health_needs = serializers.SerializerMethodField()
    coordination_reason = serializers.CharField()
    coordinator = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    invited_units = serializers.SerializerMethodField()
    invited_organisations = serializers.SerializerMethodField()
    placement_related = serializers.BooleanField()
    cost_allocation = serializers.SerializerMethodField()
    halted_reason = serializers.CharField(allow_blank=True)
    close_reason = serializers.CharField(allow_blank=True)
    close_note = serializers.CharField(allow_blank=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    current_version = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()
    meetings = MeetingSerializer(many=True, source="meeting_list")
    history = HistorySerializer(many=True, source="history_list")

    def get_social_needs(self, plan) -> str | None:
        return plan.social_needs if plan.access.may_see("social") else None

    def get_health_needs(self, plan) -> str | None:
        return plan.health_needs if plan.access.may_see("health") else None

    def get_coordinator(self, plan) -> str | None:
        return plan.coordinator.get_username() if plan.coordinator_id else None

    def get_categories(self, plan) -> list[str]:
        return sorted(category.code for category in plan.categories.all())

    def get_invited_units(self, plan) -> list[int]:
        return sorted(unit.pk for unit in plan.invited_units.all())

    def get_invited_organisations(self, plan) -> list[int]:
        return sorted(organisation.pk for organisation in plan.invited_organisations.all())

    def get_cost_allocation(self, plan) -> str | None:
        return plan.cost_allocation if plan.access.full and plan.placement_related else None

    def get_current_version(self, plan) -> int | None:
        return plan.version_list[0].number if plan.version_list else None

    def get_versions(self, plan) -> PlanVersionSerializer(many=True):  # type: ignore[valid-type]
        context = {"current_number": self.get_current_version(plan)}
        return PlanVersionSerializer(plan.version_list, many=True, context=context).data


# --- Steps ----------------------------------------------------------------------------------


class SipStartSerializer(serializers.Serializer):
    personal_identity_number = Text(max_length=20, help_text=_("Personens personnummer."))
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), help_text=_("Din enhet, som initierar SIP:en.")
    )
    origin = serializers.ChoiceField(choices=SipPlan.Origin.choices)
    social_needs = Text()
    health_needs = Text()
    coordination_reason = Text()
    informed_about_sip = serializers.BooleanField()


class SipPrepareSerializer(serializers.Serializer):
    units = Ids(queryset=Unit.objects.all(), required=False, default=list)
    organisations = Ids(queryset=Organisation.objects.all(), required=False, default=list)
    categories = Codes(queryset=InformationCategory.objects.all())
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    coordinator = serializers.PrimaryKeyRelatedField(queryset=STAFF)
    placement_related = serializers.BooleanField(required=False, default=False)
    cost_allocation = Text(required=False, allow_blank=True, default="")


class MeetingTimeSerializer(serializers.Serializer):
    starts_at = PlausibleDateTime()
    place = Text(max_length=200, required=False, allow_blank=True, default="")
    video_link = serializers.URLField(required=False, allow_blank=True, default="")
    answer_by = PlausibleDate(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Utan datum: organisationens standardtid i arbetsdagar."),
    )

    def validate(self, data):
        if not data.get("place") and not data.get("video_link"):
            raise serializers.ValidationError(_gettext("Ange en plats eller en videolänk."))
        return data


class ActionInputSerializer(serializers.Serializer):
    need = Text()
    action = Text()
    responsible_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all()
    )
    responsible_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True, default=None
    )
    persons_part = Text(required=False, allow_blank=True, default="")
    starts_on = PlausibleDate()
    ends_on = PlausibleDate(required=False, allow_null=True, default=None)


class MeetingHoldSerializer(serializers.Serializer):
    attendance = Text()
    persons_goals = Text(help_text=_("Vad är viktigt för dig? Personens egna mål."))
    actions = ActionInputSerializer(many=True, max_length=200)
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    coordinator = serializers.PrimaryKeyRelatedField(
        queryset=STAFF, required=False, allow_null=True, default=None
    )
    next_follow_up = PlausibleDate(required=False, allow_null=True, default=None)
    close_reason = serializers.ChoiceField(
        choices=SipPlan.CloseReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Avsluta SIP:en direkt efter mötet."),
    )


class ActionReviewInputSerializer(serializers.Serializer):
    action = serializers.IntegerField(min_value=1, help_text=_("Insatsens id i planen."))
    done_as_planned = serializers.ChoiceField(choices=ActionReview.Answer.choices)
    goal_met = serializers.ChoiceField(choices=ActionReview.Answer.choices)


class FollowUpSerializer(serializers.Serializer):
    reviews = ActionReviewInputSerializer(many=True, max_length=200)
    outcome = serializers.ChoiceField(choices=FollowUp.Outcome.choices)
    next_follow_up = PlausibleDate(required=False, allow_null=True, default=None)
    close_reason = serializers.ChoiceField(
        choices=SipPlan.CloseReason.choices, required=False, allow_blank=True, default=""
    )
    note = Text(required=False, allow_blank=True, default="")


class CloseSerializer(serializers.Serializer):
    reviews = ActionReviewInputSerializer(many=True, max_length=200)
    close_reason = serializers.ChoiceField(choices=SipPlan.CloseReason.choices)
    note = Text(required=False, allow_blank=True, default="")


class FollowUpOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sip = serializers.IntegerField(source="plan_id")
    version = serializers.IntegerField(source="version.number")
    held_at = serializers.DateTimeField()
    outcome = serializers.ChoiceField(choices=FollowUp.Outcome.choices)
    next_follow_up = serializers.DateField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class AcceptSerializer(serializers.Serializer):
    attendees = Text(help_text=_("Vem eller vilka som kommer: namn och yrke."))


class DeclineSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DeclineReason.choices)
    note = Text(required=False, allow_blank=True, default="")


class ForwardSerializer(serializers.Serializer):
    to_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), help_text=_("En annan enhet i samma organisation.")
    )
