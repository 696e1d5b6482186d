"""Placements: start (the utredning), the list (the same grant filter as the placement
pages), the placement as its page shows it to the caller (in full to the placing unit, the
youth and the genomförandeplan to its HVB), and each step the pages offer as a POST to an
action endpoint, through the same selectors and services. The cost allocation is read only
by the organisations party to it; a hälsoundersökning request and a region handover by the
region asked. What the caller may not see answers 404, as what does not exist."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from cases.tasks import OPEN
from directory.models import Membership
from directory.selectors import CASE_ROLES, user_starts_cases
from placement import access, selectors, services
from placement.models import CarePlanVersion, CostAllocation, HealthExamRequest, Placement

from ..access_log import CREATE, UPDATE, logged_persons, logged_subject
from ..serializers import placements as out
from .base import ApiView, CreateView, KeysetPagination, WriteView
from .persons import visible_person_by_number

TAG = "Placeringar"
TAG_HEALTH = "Hälsoundersökningar"
PURPOSE_START = "Inled utredning om placering"

#: The action endpoint (below /placements/{id}/) of each human step of the placement's
#: process, for ``next_steps``.
STEP_OF_NODE = {
    "investigate": ["assessment", "alternatives", "propose", "cancel"],
    "legal": ["legal-step"],
    "decide": ["decide", "cancel"],
    "allocate": ["cost-allocation"],
    "approve_kommun": ["cost-allocation/approve"],
    "approve_region": ["cost-allocation/approve"],
    "move_in": ["move-in", "cancel"],
    "review": ["review"],
    "plan_ending": ["ending-plan"],
    "end_placement": ["end"],
    "close": ["close"],
}


def _next_steps(placement: Placement) -> list[str]:
    if placement.process_id is None:
        return []
    nodes = placement.process.task_set.filter(status__in=OPEN).values_list("flow_task", flat=True)
    steps: list[str] = []
    for node in nodes:
        for name in STEP_OF_NODE.get(getattr(node, "name", ""), []):
            if name not in steps:
                steps.append(name)
    return steps


#: What the list shows of a placement, and the detail besides the rest.
LIST_ATTRIBUTES = (
    "id",
    "person",
    "phase",
    "placing_unit_id",
    "hvb_unit_id",
    "legal_basis",
    "acute",
    "opened_at",
    "start_date",
    "ended_on",
)


def placement_detail(*, placement: Placement, kind: str) -> dict:
    """The placement as its page shows it to a user with this access (placement.access)."""
    care = selectors.placement_care(placement=placement, hvb=kind == access.HVB)
    data = {
        **{name: getattr(placement, name) for name in LIST_ATTRIBUTES},
        "access": kind,
        "implementation_plans": care["implementation_plans"],
    }
    if kind == access.HVB:
        empty = {
            "caseworker": None,
            "next_steps": [],
            "categories": None,
            "clocks": None,
            "sip": None,
            "dental_home": None,
            "cost_allocation": None,
        }
        lists = [
            "assessment",
            "alternatives",
            "legal_steps",
            "reviews",
            "visits",
            "care_plans",
            "health_requests",
            "schools",
            "history",
        ]
        nulls = [
            "decided_on",
            "decision_level",
            "decided_by",
            "planned_end_date",
            "consent_ended_on",
            "end_reason",
            "end_destination",
            "aftercare_until",
            "cancel_reason",
        ]
        return out.PlacementDetailSerializer(
            {**data, **empty, **{key: [] for key in lists}, **dict.fromkeys(nulls, None)}
        ).data
    assessment = placement.assessment
    texts = dict(assessment.entries.values_list("area_id", "text"))
    allocation = allocations().filter(placement=placement).first()
    data.update(
        caseworker=placement.caseworker.get_username() if placement.caseworker_id else None,
        next_steps=_next_steps(placement),
        categories=sorted(placement.categories.values_list("code", flat=True)),
        sip=placement.sip_plan_id,
        clocks=selectors.placement_clocks(placement=placement, on=timezone.localdate()),
        assessment=[
            {"code": area.code, "title": area.title, "text": texts.get(area.pk, "")}
            for area in assessment.template.areas.all()
        ],
        alternatives=placement.alternatives.all(),
        legal_steps=placement.legal_steps.all(),
        reviews=placement.reviews.order_by("due_on"),
        visits=selectors.placement_visits(placement=placement),
        care_plans=care["care_plans"],
        health_requests=care["health_requests"],
        schools=care["schools"],
        dental_home=care["dental_home"],
        cost_allocation=allocation,
        history=placement.history.select_related("by"),
        **{
            name: getattr(placement, name)
            for name in (
                "decided_on",
                "decision_level",
                "decided_by",
                "planned_end_date",
                "consent_ended_on",
                "end_reason",
                "end_destination",
                "aftercare_until",
                "cancel_reason",
            )
        },
    )
    return out.PlacementDetailSerializer(data).data


def allocations():
    return CostAllocation.objects.select_related(
        "approved_by_kommun", "approved_by_region", "created_by"
    ).prefetch_related("rows")


def read_placement(request, pk: int) -> tuple[Placement, str]:
    return selectors.placement_for_user(user=request.user, pk=pk)


def read_own(request, pk: int) -> Placement:
    """A placement the caller works in full (the utredning's pages: 404 for its HVB)."""
    placement, kind = read_placement(request, pk)
    if kind == access.HVB:
        raise Http404
    return placement


def detail_response(request, placement: Placement, *, status_code: int = 200) -> Response:
    placement, kind = read_placement(request, placement.pk)
    return Response(placement_detail(placement=placement, kind=kind), status=status_code)


FILTERS = [
    ("phase", str, Placement.Phase.values, "Fas"),
    ("open", bool, None, "Bara pågående (true) eller avslutade (false)"),
    ("person", int, None, "Personens id"),
    ("placing_unit", int, None, "Placerande enhet"),
    ("page_size", int, None, "Högst 200; 50 som standard"),
]


def _filters():
    return [
        OpenApiParameter(name, kind, enum=enum, description=text)
        for name, kind, enum, text in FILTERS
    ]


def placements_listed(*, user) -> QuerySet[Placement]:
    """The placements the list pages show the user: those of the user's own units (a case
    role in the placing unit), and those placed in the user's HVB (placement.selectors
    ``placements_of_caseworker`` and ``placements_in_users_hvb``), as one SQL filter."""
    placements = selectors.placements_for_user(user=user)
    if user.is_superuser:
        return placements
    own_units = Membership.objects.filter(user=user, role__in=CASE_ROLES).values("unit_id")
    in_hvb = selectors.placements_in_users_hvb(user=user).values("pk")
    return placements.filter(Q(placing_unit__in=own_units) | Q(pk__in=in_hvb))


class PlacementListView(CreateView):
    pagination = KeysetPagination

    @extend_schema(
        tags=[TAG],
        operation_id="placements_list",
        parameters=_filters(),
        responses={200: out.PlacementPageSerializer},
        description=_(
            "De placeringar du får se nu, nyast först, i sidor (next/previous är markörer). "
            "Samma urval som placeringssidorna: den placerande enhetens, och HVB:ets egna."
        ),
    )
    def get(self, request):
        filters = out.PlacementFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        placements = placements_listed(user=request.user)
        if "phase" in wanted:
            placements = placements.filter(phase=wanted["phase"])
        if wanted.get("open") is True:
            placements = placements.exclude(phase__in=Placement.ENDED)
        elif wanted.get("open") is False:
            placements = placements.filter(phase__in=Placement.ENDED)
        for name in ("person", "placing_unit"):
            if name in wanted:
                placements = placements.filter(**{f"{name}_id": wanted[name]})
        paginator = self.pagination()
        page = paginator.paginate_queryset(placements, request, view=self)
        logged_persons(request, [placement.person for placement in page])
        return paginator.get_paginated_response(
            out.PlacementListItemSerializer(page, many=True).data
        )

    @extend_schema(
        tags=[TAG],
        operation_id="placements_start",
        request=out.PlacementStartSerializer,
        responses={201: out.PlacementDetailSerializer},
        description=_(
            "Inled utredning om placering (SoL 20 kap.) för personen med personnumret, på "
            "organisationens eller den nationella mallen. Socialsekreterare i "
            "socialtjänstenheten."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def write(self, request):
        if not user_starts_cases(user=request.user):
            raise PermissionDenied(
                _("Bara socialsekreterare kan inleda en utredning om placering.")
            )
        data = out.PlacementStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = visible_person_by_number(
            user=request.user, number=data.validated_data["personal_identity_number"]
        )
        placement = services.placement_open_process(
            by=request.user, person=person, unit=data.validated_data["unit"]
        )
        logged_subject(request, obj=placement, person=person, purpose=PURPOSE_START)
        return detail_response(request, placement, status_code=status.HTTP_201_CREATED)


class PlacementDetailView(ApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="placements_retrieve",
        responses={200: out.PlacementDetailSerializer},
        description=_(
            "Placeringen i sin fas: utredningen, beslutet, kostnadsfördelningen, planerna, "
            "övervägandena, besöken och klockorna för den placerande enheten; för HVB:et "
            "bara den unga och genomförandeplanen. next_steps namnger de steg som är öppna."
        ),
    )
    def get(self, request, pk: int):
        placement, kind = read_placement(request, pk)
        return Response(placement_detail(placement=placement, kind=kind))


class PlacementStepView(WriteView):
    """A step on one placement: read as its page reads it (404 where the caller may not
    see it, or sees it only as its HVB), then one service, which authorises itself."""

    serializer_class: type[serializers.Serializer] = out.EmptyInputSerializer
    #: ``call(request, placement, data)``: runs the service; returns a Response, or None
    #: for the placement as the caller now sees it.
    call: Callable
    success_status = status.HTTP_200_OK
    hvb_may = False

    def find(self, request, pk: int) -> Placement:
        if self.hvb_may:
            return read_placement(request, pk)[0]
        return read_own(request, pk)

    def write(self, request, pk: int):
        placement = self.find(request, pk)
        data = self.serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        response = type(self).call(request, placement, dict(data.validated_data))
        if response is None:
            return detail_response(request, placement, status_code=self.success_status)
        return response


def placement_step(
    name: str,
    *,
    serializer: type[serializers.Serializer],
    call: Callable,
    description: str,
    response=out.PlacementDetailSerializer,
    created: bool = False,
    hvb_may: bool = False,
    tag: str = TAG,
) -> type[PlacementStepView]:
    """An action endpoint ``/placements/{id}/<name>/``: one step of the pages."""
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK

    @extend_schema(
        tags=[tag],
        operation_id=f"placements_{name.replace('-', '_').replace('/', '_')}",
        request=serializer,
        responses={code: response},
        description=description,
    )
    def post(self, request, *args, **kwargs):
        return WriteView.post(self, request, *args, **kwargs)

    class_name = "".join(part.title() for part in name.replace("/", "-").split("-"))
    return type(
        f"Placement{class_name}View",
        (PlacementStepView,),
        {
            "post": post,
            "serializer_class": serializer,
            "call": staticmethod(call),
            "success_status": code,
            "action": CREATE if created else UPDATE,
            "hvb_may": hvb_may,
            "__doc__": description,
        },
    )


def _service(service: Callable) -> Callable:
    """The step calls ``service(placement=, by=, **data)``; the answer is the placement."""

    def call(request, placement, data):
        service(placement=placement, by=request.user, **data)

    return call


def _insatser(rows) -> list[services.PlanInsats]:
    return [services.PlanInsats(what=row["what"], who=row["who"], when=row["when"]) for row in rows]


def _propose(request, placement, data):
    proposal = services.placement_propose(placement=placement, by=request.user, **data)
    placement, kind = read_placement(request, placement.pk)
    detail = placement_detail(placement=placement, kind=kind)
    return Response({"placement": detail, "warnings": [str(text) for text in proposal.warnings]})


def _cost_allocation_write(request, placement, data):
    rows = [services.CostRow(**row) for row in data["rows"]]
    services.cost_allocation_create(placement=placement, by=request.user, rows=rows)


def _plan(kind: str):
    def write(request, placement, data):
        version = services.plan_version_write(
            placement=placement,
            by=request.user,
            kind=kind,
            goals=data["goals"],
            insatser=_insatser(data["insatser"]),
            follow_up=data["follow_up"],
            follow_up_on=data["follow_up_on"],
        )
        version = selectors.plan_versions(placement=placement, kind=kind).get(pk=version.pk)
        return Response(out.PlanVersionOutSerializer(version).data, status=status.HTTP_201_CREATED)

    return write


def _health_request(request, placement, data):
    created = services.health_exam_request(placement=placement, by=request.user, **data)
    return Response(health_request_data(created), status=status.HTTP_201_CREATED)


def _end(request, placement, data):
    data["continuing"] = _insatser(data["continuing"])
    services.placement_end(placement=placement, by=request.user, **data)


def _registration_move(request, placement, data):
    services.person_registration_move(person=placement.person, by=request.user, **data)


PlacementAssessmentView = placement_step(
    "assessment",
    serializer=out.AssessmentInputSerializer,
    call=_service(services.assessment_record),
    description=_("Utredningen: bedömningen per område i mallen (områdets kod → text)."),
)
PlacementAlternativeView = placement_step(
    "alternatives",
    serializer=out.AlternativeInputSerializer,
    call=_service(services.alternative_record),
    created=True,
    description=_("En mindre ingripande insats som har prövats."),
)
PlacementProposeView = placement_step(
    "propose",
    serializer=out.ProposeInputSerializer,
    call=_propose,
    response=out.ProposalSerializer,
    description=_(
        "Föreslå placeringen: HVB (med tillstånd från eller anmält till IVO), lagrum, akut "
        "eller planerad, och vilken information HVB:et får ta del av. SoL frågar "
        "samtyckesprövningen; LVU och LVM kräver dokumenterade inställningar."
    ),
)
PlacementLegalStepView = placement_step(
    "legal-step",
    serializer=out.LegalStepInputSerializer,
    call=_service(services.legal_step_record),
    created=True,
    description=_(
        "Ett steg i tvångsvården (LVU, LVM): ansökan, omedelbart omhändertagande eller dom."
    ),
)
PlacementDecideView = placement_step(
    "decide",
    serializer=out.DecideInputSerializer,
    call=_service(services.placement_decide),
    description=_("Beslut om placering: vem som beslutade, på vilken nivå och när."),
)
PlacementMoveInView = placement_step(
    "move-in",
    serializer=out.MoveInInputSerializer,
    call=_service(services.placement_start),
    description=_(
        "Inflyttning. En planerad placering kräver en kostnadsfördelning som kommunen och "
        "regionen har godkänt; en akut får den inom den tid regeltabellen anger."
    ),
)
PlacementHealthRequestView = placement_step(
    "health-requests",
    serializer=out.HealthRequestInputSerializer,
    call=_health_request,
    response=out.HealthRequestSerializer,
    created=True,
    tag=TAG_HEALTH,
    description=_(
        "Begär en hälsoundersökning av barnet hos en enhet i den placerande kommunens region. "
        "Enheten ser bara begäran."
    ),
)
PlacementSchoolView = placement_step(
    "school",
    serializer=out.SchoolInputSerializer,
    call=_service(services.school_arrangement_record),
    created=True,
    description=_("Skolgången under placeringen (skolenhet eller skolans namn, från ett datum)."),
)
PlacementDentalHomeView = placement_step(
    "dental-home",
    serializer=out.DentalHomeInputSerializer,
    call=_service(services.dental_home_set),
    description=_("Barnets hemregion för tandvård."),
)
PlacementCarePlanView = placement_step(
    "care-plan",
    serializer=out.PlanInputSerializer,
    call=_plan(CarePlanVersion.Kind.CARE_PLAN),
    response=out.PlanVersionOutSerializer,
    created=True,
    description=_("En ny version av vårdplanen (socialtjänsten). De tidigare behålls."),
)
PlacementImplementationPlanView = placement_step(
    "implementation-plan",
    serializer=out.PlanInputSerializer,
    call=_plan(CarePlanVersion.Kind.IMPLEMENTATION_PLAN),
    response=out.PlanVersionOutSerializer,
    created=True,
    hvb_may=True,
    description=_(
        "En ny version av genomförandeplanen: socialtjänsten eller HVB:ets personal. De "
        "tidigare behålls."
    ),
)
PlacementVisitView = placement_step(
    "visits",
    serializer=out.VisitInputSerializer,
    call=_service(services.follow_up_visit_record),
    created=True,
    description=_("Ett uppföljningsbesök: när, vilka du talade med och vad som kom fram."),
)
PlacementReviewView = placement_step(
    "review",
    serializer=out.ReviewInputSerializer,
    call=_service(services.review_record),
    description=_(
        "Övervägandet eller omprövningen som står på tur: när och med vilket utfall "
        "(fortsätter, avslutas, ändras)."
    ),
)
PlacementEndingPlanView = placement_step(
    "ending-plan",
    serializer=out.EmptyInputSerializer,
    call=_service(services.placement_ending_plan),
    description=_("Inled planeringen av avslutet."),
)
PlacementEndView = placement_step(
    "end",
    serializer=out.EndInputSerializer,
    call=_end,
    description=_(
        "Avsluta placeringen när personen har flyttat: skälet, vart personen flyttar och "
        "vilka insatser som fortsätter. Uppföljningen efter placeringen börjar."
    ),
)
PlacementCloseView = placement_step(
    "close",
    serializer=out.CloseInputSerializer,
    call=_service(services.placement_close),
    description=_(
        "Avsluta ärendet när uppföljningen efter placeringen har löpt ut: vad den visade."
    ),
)
PlacementCancelView = placement_step(
    "cancel",
    serializer=out.CancelInputSerializer,
    call=_service(services.placement_cancel),
    description=_("Avsluta utredningen utan placering, före inflyttningen, med skälet."),
)
PlacementRegistrationMoveView = placement_step(
    "registration-move",
    serializer=out.RegistrationMoveInputSerializer,
    call=_registration_move,
    description=_(
        "Personens folkbokföring har flyttat. Till en annan region: överlämningen mellan "
        "regionerna börjar."
    ),
)
PlacementHvbChangeView = placement_step(
    "hvb-change",
    serializer=out.HvbChangeInputSerializer,
    call=_service(services.placement_hvb_change),
    created=True,
    description=_("Byt HVB: ett eget beslut, från ett datum."),
)
PlacementBasisChangeView = placement_step(
    "basis-change",
    serializer=out.BasisChangeInputSerializer,
    call=_service(services.placement_basis_change),
    description=_(
        "Ändra lagrum från SoL till LVU, från ett omedelbart omhändertagande eller en dom."
    ),
)


# --- The cost allocation: for the organisations party to it ----------------------------------


def read_cost_allocation(request, pk: int) -> tuple[Placement, CostAllocation | None]:
    placement = (
        Placement.objects.select_related("person", "placing_unit__organisation")
        .filter(pk=pk)
        .first()
    )
    if placement is None or not access.cost_allocation_access(
        user=request.user, placement=placement
    ):
        raise Http404
    allocation = allocations().filter(placement=placement).first()
    return placement, allocation


def cost_allocation_data(request, pk: int) -> dict:
    _placement, allocation = read_cost_allocation(request, pk)
    if allocation is None:
        raise Http404
    return out.CostAllocationSerializer(allocation).data


class CostAllocationView(WriteView):
    action = CREATE

    @extend_schema(
        tags=[TAG],
        operation_id="placements_cost_allocation_retrieve",
        responses={200: out.CostAllocationSerializer},
        description=_(
            "Den skriftliga kostnadsfördelningen, för de organisationer som är part i den: den "
            "placerande kommunen och de kommuner och regioner som betalar eller godkänner."
        ),
    )
    def get(self, request, pk: int):
        return Response(cost_allocation_data(request, pk))

    @extend_schema(
        tags=[TAG],
        operation_id="placements_cost_allocation_write",
        request=out.CostAllocationInputSerializer,
        responses={201: out.CostAllocationSerializer},
        description=_(
            "Skriv kostnadsfördelningen (rader: vad, vem som betalar, från och till, belopp per "
            "dygn eller andel). Ersätter en som inte är godkänd av båda parter."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def write(self, request, pk: int):
        placement = read_own(request, pk)
        data = out.CostAllocationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _cost_allocation_write(request, placement, dict(data.validated_data))
        return Response(cost_allocation_data(request, pk), status=status.HTTP_201_CREATED)


class CostAllocationApproveView(WriteView):
    @extend_schema(
        tags=[TAG],
        operation_id="placements_cost_allocation_approve",
        request=out.ApproveInputSerializer,
        responses={200: out.CostAllocationSerializer},
        description=_(
            "Godkänn kostnadsfördelningen för kommunen eller för regionen, som en namngiven "
            "person i den organisationen."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def write(self, request, pk: int):
        _placement, allocation = read_cost_allocation(request, pk)
        if allocation is None:
            raise Http404
        data = out.ApproveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.cost_allocation_approve(
            allocation=allocation, by=request.user, side=data.validated_data["side"]
        )
        return Response(cost_allocation_data(request, pk))


# --- Hälsoundersökning and the region handover: for the region asked --------------------------


def health_request_data(request_obj: HealthExamRequest) -> dict:
    found = HealthExamRequest.objects.select_related("placement__person").get(pk=request_obj.pk)
    return out.HealthRequestSerializer(found).data


def read_health_request(request, pk: int) -> tuple[HealthExamRequest, str]:
    found = (
        HealthExamRequest.objects.select_related("placement__person", "placement__placing_unit")
        .filter(pk=pk)
        .first()
    )
    kind = access.health_request_access(user=request.user, request=found) if found else None
    if kind is None:
        raise Http404
    return found, kind


class HealthRequestDetailView(ApiView):
    @extend_schema(
        tags=[TAG_HEALTH],
        operation_id="health_requests_retrieve",
        responses={200: out.HealthRequestSerializer},
        description=_(
            "En begäran om hälsoundersökning, för den placerande enheten och för regionens "
            "enhet som den riktas till (som bara ser begäran)."
        ),
    )
    def get(self, request, pk: int):
        return Response(health_request_data(read_health_request(request, pk)[0]))


class HealthRequestOutcomeView(WriteView):
    @extend_schema(
        tags=[TAG_HEALTH],
        operation_id="health_requests_outcome",
        request=out.HealthOutcomeInputSerializer,
        responses={200: out.HealthRequestSerializer},
        description=_(
            "Regionens enhet dokumenterar utfallet: erbjuden, genomförd eller avböjd, med datum."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def write(self, request, pk: int):
        found, _kind = read_health_request(request, pk)
        data = out.HealthOutcomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.health_exam_record(request=found, by=request.user, **data.validated_data)
        return Response(health_request_data(found))


def read_handover(request, pk: int):
    return selectors.handover_for_user(user=request.user, placement_pk=pk)


def handover_data(handover) -> dict:
    return out.HandoverSerializer(
        type(handover).objects.select_related("placement__person").get(pk=handover.pk)
    ).data


class HandoverView(ApiView):
    @extend_schema(
        tags=[TAG_HEALTH],
        operation_id="placements_handover_retrieve",
        responses={200: out.HandoverSerializer},
        description=_(
            "Placeringens överlämning mellan regioner, för den placerande enheten och för den "
            "gamla och den nya regionen (som bara ser överlämningen)."
        ),
    )
    def get(self, request, pk: int):
        return Response(handover_data(read_handover(request, pk)[0]))


class HandoverSendView(WriteView):
    @extend_schema(
        tags=[TAG_HEALTH],
        operation_id="placements_handover_send",
        request=out.HandoverSendInputSerializer,
        responses={200: out.HandoverSerializer},
        description=_(
            "Den gamla regionen lämnar över: pågående vård och vem den nya regionen når. Den "
            "har kvar vården tills den nya regionen har bekräftat."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def write(self, request, pk: int):
        handover, _kind = read_handover(request, pk)
        data = out.HandoverSendInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        handover = services.region_handover_send(
            handover=handover, by=request.user, note=data.validated_data["note"]
        )
        return Response(handover_data(handover))


class HandoverConfirmView(WriteView):
    @extend_schema(
        tags=[TAG_HEALTH],
        operation_id="placements_handover_confirm",
        request=out.EmptyInputSerializer,
        responses={200: out.HandoverSerializer},
        description=_("Den nya regionen bekräftar att den har tagit över hälso- och sjukvården."),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def write(self, request, pk: int):
        handover, _kind = read_handover(request, pk)
        out.EmptyInputSerializer(data=request.data).is_valid(raise_exception=True)
        handover = services.region_handover_confirm(handover=handover, by=request.user)
        return Response(handover_data(handover))


#: Every action endpoint below /placements/{id}/, by its path (api.urls).
STEP_VIEWS = {
    "assessment": PlacementAssessmentView,
    "alternatives": PlacementAlternativeView,
    "propose": PlacementProposeView,
    "legal-step": PlacementLegalStepView,
    "decide": PlacementDecideView,
    "cost-allocation": CostAllocationView,
    "cost-allocation/approve": CostAllocationApproveView,
    "move-in": PlacementMoveInView,
    "health-requests": PlacementHealthRequestView,
    "school": PlacementSchoolView,
    "dental-home": PlacementDentalHomeView,
    "care-plan": PlacementCarePlanView,
    "implementation-plan": PlacementImplementationPlanView,
    "visits": PlacementVisitView,
    "review": PlacementReviewView,
    "ending-plan": PlacementEndingPlanView,
    "end": PlacementEndView,
    "close": PlacementCloseView,
    "cancel": PlacementCancelView,
    "registration-move": PlacementRegistrationMoveView,
    "hvb-change": PlacementHvbChangeView,
    "basis-change": PlacementBasisChangeView,
    "handover": HandoverView,
    "handover/send": HandoverSendView,
    "handover/confirm": HandoverConfirmView,
}
