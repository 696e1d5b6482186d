"""SIPs: the list (the same grant filter as the SIP pages, one SQL filter whatever the
number of SIPs), the SIP with its plan and versions, and each step as a POST to an action
endpoint, through the same selectors and services as the pages. A SIP the caller may not
see answers 404, as one that does not exist."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from cases.errors import InvalidState
from directory.selectors import user_starts_cases
from sipflow import selectors, services
from sipflow.access import plans_visible_to
from sipflow.models import FollowUp, Invitation, Meeting, SipPlan

from ..access_log import logged_persons, logged_subject
from ..serializers.sips import (
    AcceptSerializer,
    CloseSerializer,
    DeclineSerializer,
    FollowUpOutSerializer,
    FollowUpSerializer,
    ForwardSerializer,
    InvitationDetailSerializer,
    MeetingHoldSerializer,
    MeetingSerializer,
    MeetingTimeSerializer,
    PlanVersionSerializer,
    SipDetailSerializer,
    SipFilterSerializer,
    SipListItemSerializer,
    SipPageSerializer,
    SipPrepareSerializer,
    SipStartSerializer,
)
from .base import ApiView, CreateView, KeysetPagination, WriteView
from .persons import visible_person_by_number

TAG = "SIP"
TAG_INVITATIONS = "Kallelser"
PURPOSE_START = "Initiera SIP"


def sip_detail(*, plan: SipPlan, access) -> dict:
    """The SIP as the plan page shows it to a user with this access."""
    plan.access = access
    plan.version_list = list(selectors.plan_versions(plan=plan))
    plan.meeting_list = list(
        plan.meetings.select_related("plan").prefetch_related("invitations__meeting")
    )
    plan.history_list = list(plan.history.select_related("by"))
    return SipDetailSerializer(plan).data


def read_sip(request, pk: int) -> tuple[SipPlan, object]:
    return selectors.sip_plan_for_user(user=request.user, pk=pk)


FILTERS = [
    OpenApiParameter("phase", str, enum=SipPlan.Phase.values, description=_("Fas")),
    OpenApiParameter("open", bool, description=_("Bara pågående (true) eller avslutade (false)")),
    OpenApiParameter("person", int, description=_("Personens id")),
    OpenApiParameter("lead_unit", int, description=_("Huvudansvarig enhet")),
    OpenApiParameter("started_unit", int, description=_("Initierande enhet")),
    OpenApiParameter("page_size", int, description=_("Högst 200; 50 som standard")),
]


class SipListView(CreateView):
    pagination = KeysetPagination

    @extend_schema(
        tags=[TAG],
        operation_id="sips_list",
        parameters=FILTERS,
        responses={200: SipPageSerializer},
        description=_(
            "De SIP du får se nu, nyast först, i sidor (next/previous är markörer). Samma "
            "urval som SIP-sidorna."
        ),
    )
    def get(self, request):
        filters = SipFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        plans = plans_visible_to(user=request.user).select_related("person")
        wanted = filters.validated_data
        if "phase" in wanted:
            plans = plans.filter(phase=wanted["phase"])
        if wanted.get("open") is True:
            plans = plans.exclude(phase__in=SipPlan.ENDED)
        elif wanted.get("open") is False:
            plans = plans.filter(phase__in=SipPlan.ENDED)
        for name in ("person", "lead_unit", "started_unit"):
            if name in wanted:
                plans = plans.filter(**{f"{name}_id": wanted[name]})
        paginator = self.pagination()
        page = paginator.paginate_queryset(plans, request, view=self)
        logged_persons(request, [plan.person for plan in page])  # one entry each
        return paginator.get_paginated_response(SipListItemSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="sips_start",
        request=SipStartSerializer,
        responses={201: SipDetailSerializer},
        description=_(
            "Upptäck behov: initiera en SIP för personen med personnumret. Socialsekreterare "
            "och vårdpersonal i den initierande enheten."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def write(self, request):
        if not user_starts_cases(user=request.user):
            raise PermissionDenied(
                _("Bara socialsekreterare och vårdpersonal kan initiera en SIP."),
            )
        data = SipStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        person = visible_person_by_number(
            user=request.user, number=fields.pop("personal_identity_number")
        )
        plan = services.sip_start_process(by=request.user, person=person, **fields)
        logged_subject(request, obj=plan, person=person, purpose=PURPOSE_START)
        plan, access = read_sip(request, plan.pk)
        return Response(sip_detail(plan=plan, access=access), status=status.HTTP_201_CREATED)


class SipDetailView(ApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="sips_retrieve",
        responses={200: SipDetailSerializer},
        description=_(
            "SIP:en med gällande plan och tidigare versioner, möten och kallelser, och "
            "historiken. En kallad enhet ser bara den information SIP:en delar."
        ),
    )
    def get(self, request, pk: int):
        plan, access = read_sip(request, pk)
        return Response(sip_detail(plan=plan, access=access))


class SipStepView(WriteView):
    """A step on one SIP: read as the plan page reads it (404 if not visible), then one
    service, which authorises itself and asks the consent policy."""

    serializer_class = None

    def write(self, request, pk: int):
        plan, _access = read_sip(request, pk)
        data = self.serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        return self.step(request, plan, dict(data.validated_data))

    def step(self, request, plan: SipPlan, data: dict) -> Response:
        raise NotImplementedError

    def detail(self, request, plan: SipPlan) -> dict:
        plan, access = read_sip(request, plan.pk)
        return sip_detail(plan=plan, access=access)


class SipPrepareView(SipStepView):
    serializer_class = SipPrepareSerializer

    @extend_schema(
        tags=[TAG],
        operation_id="sips_prepare",
        request=SipPrepareSerializer,
        responses={200: SipDetailSerializer},
        description=_(
            "Förbered: vilka enheter och huvudmän som kallas, vilken information som delas "
            "och vem som är huvudansvarig. Går inte igenom förrän samtycket räcker."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def step(self, request, plan, data):
        services.sip_prepare(plan=plan, by=request.user, **data)
        return Response(self.detail(request, plan))


def meeting_data(meeting: Meeting) -> dict:
    meeting = Meeting.objects.prefetch_related("invitations__meeting").get(pk=meeting.pk)
    return MeetingSerializer(meeting).data


class SipInviteView(SipStepView):
    serializer_class = MeetingTimeSerializer
    action = CreateView.action

    @extend_schema(
        tags=[TAG],
        operation_id="sips_invite",
        request=MeetingTimeSerializer,
        responses={201: MeetingSerializer},
        description=_("Kalla: en kallelse till varje enhet och huvudman som ska delta."),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def step(self, request, plan, data):
        meeting = services.sip_summon(plan=plan, by=request.user, **data)
        return Response(meeting_data(meeting), status=status.HTTP_201_CREATED)


class SipRescheduleView(SipStepView):
    serializer_class = MeetingTimeSerializer

    @extend_schema(
        tags=[TAG],
        operation_id="sips_reschedule",
        request=MeetingTimeSerializer,
        responses={200: MeetingSerializer},
        description=_("Flytta mötet: de kallade får besked och svarar på nytt."),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def step(self, request, plan, data):
        meeting = plan.meetings.order_by("-pk").first()
        if meeting is None:
            raise InvalidState(_("Ingen kallelse är skickad ännu."), reason="no_meeting")
        meeting = services.meeting_reschedule(meeting=meeting, by=request.user, **data)
        return Response(meeting_data(meeting))


class SipMeetingView(SipStepView):
    serializer_class = MeetingHoldSerializer
    action = CreateView.action

    @extend_schema(
        tags=[TAG],
        operation_id="sips_hold_meeting",
        request=MeetingHoldSerializer,
        responses={201: PlanVersionSerializer},
        description=_(
            "Håll SIP-mötet: vilka som kom, personens egna mål och planen (en rad per "
            "insats), som blir SIP:ens gällande version."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def step(self, request, plan, data):
        data["actions"] = [services.ActionInput(**row) for row in data["actions"]]
        version = services.meeting_hold(plan=plan, by=request.user, **data)
        version = selectors.plan_versions(plan=plan).get(pk=version.pk)
        return Response(
            PlanVersionSerializer(version, context={"current_number": version.number}).data,
            status=status.HTTP_201_CREATED,
        )


def reviews_of(rows: list[dict]) -> dict[int, tuple[str, str]]:
    return {row["action"]: (row["done_as_planned"], row["goal_met"]) for row in rows}


def follow_up_data(follow_up: FollowUp) -> dict:
    return FollowUpOutSerializer(
        FollowUp.objects.select_related("version").get(pk=follow_up.pk)
    ).data


class SipFollowUpView(SipStepView):
    serializer_class = FollowUpSerializer
    action = CreateView.action

    @extend_schema(
        tags=[TAG],
        operation_id="sips_follow_up",
        request=FollowUpSerializer,
        responses={201: FollowUpOutSerializer},
        description=_(
            "Uppföljning när dess datum har kommit: varje insats bedöms (genomförd som "
            "planerat, målet nått), sedan ny uppföljning, med eller utan möte, eller avslut."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def step(self, request, plan, data):
        follow_up = services.follow_up_record(
            plan=plan, by=request.user, reviews=reviews_of(data.pop("reviews")), **data
        )
        return Response(follow_up_data(follow_up), status=status.HTTP_201_CREATED)


class SipCloseView(SipStepView):
    serializer_class = CloseSerializer
    action = CreateView.action

    @extend_schema(
        tags=[TAG],
        operation_id="sips_close",
        request=CloseSerializer,
        responses={201: FollowUpOutSerializer},
        description=_(
            "Avsluta SIP:en vid en uppföljning: varje insats bedöms och skälet anges. (Vid "
            "mötet avslutas den med close_reason.)"
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def step(self, request, plan, data):
        follow_up = services.follow_up_record(
            plan=plan,
            by=request.user,
            reviews=reviews_of(data["reviews"]),
            outcome=FollowUp.Outcome.CLOSE,
            close_reason=data["close_reason"],
            note=data["note"],
        )
        return Response(follow_up_data(follow_up), status=status.HTTP_201_CREATED)


# --- Kallelser ------------------------------------------------------------------------------


def invitation_data(invitation: Invitation) -> dict:
    invitation = Invitation.objects.select_related("meeting__plan__person").get(pk=invitation.pk)
    return InvitationDetailSerializer(invitation).data


class InvitationDetailView(ApiView):
    @extend_schema(
        tags=[TAG_INVITATIONS],
        operation_id="kallelser_retrieve",
        responses={200: InvitationDetailSerializer},
    )
    def get(self, request, pk: int):
        invitation = selectors.invitation_for_user(user=request.user, pk=pk)
        return Response(invitation_data(invitation))


class AnswerView(WriteView):
    """An answer to a kallelse, by the invited unit (or, for a huvudman, any of its units)."""

    serializer_class = None

    def write(self, request, pk: int):
        invitation = selectors.invitation_for_user(user=request.user, pk=pk)
        data = self.serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = self.answer(request, invitation, dict(data.validated_data))
        return Response(invitation_data(invitation))


class AcceptView(AnswerView):
    serializer_class = AcceptSerializer

    @extend_schema(
        tags=[TAG_INVITATIONS],
        operation_id="kallelser_accept",
        request=AcceptSerializer,
        responses={200: InvitationDetailSerializer},
        description=_("Acceptera kallelsen och ange vem som kommer."),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def answer(self, request, invitation, data):
        return services.invitation_accept(invitation=invitation, by=request.user, **data)


class DeclineView(AnswerView):
    serializer_class = DeclineSerializer

    @extend_schema(
        tags=[TAG_INVITATIONS],
        operation_id="kallelser_decline",
        request=DeclineSerializer,
        responses={200: InvitationDetailSerializer},
        description=_(
            "Avböj med ett skäl. En huvudman kan inte avböja för att personen är okänd: "
            "den vidarebefordrar kallelsen."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def answer(self, request, invitation, data):
        return services.invitation_decline(invitation=invitation, by=request.user, **data)


class ForwardView(AnswerView):
    serializer_class = ForwardSerializer

    @extend_schema(
        tags=[TAG_INVITATIONS],
        operation_id="kallelser_forward",
        request=ForwardSerializer,
        responses={200: InvitationDetailSerializer},
        description=_("Vidarebefordra kallelsen till rätt enhet inom samma organisation."),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def answer(self, request, invitation, data):
        return services.invitation_forward(invitation=invitation, by=request.user, **data)
