"""Avvikelser i samverkan: the list (one SQL filter over the parties, as the list page),
reporting one, the report with its log, each step of the joint handling and the tvist
ladder as a POST to an action endpoint, the export for the region's incident system, and the
chefs' statistics (small counts suppressed). The same selectors, access rules and services
as the pages; a report the caller may not see answers 404, as one that does not exist."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.response import Response

from deviations import selectors, services
from deviations.access import DeviationAccess, require_deviation_access
from deviations.export import deviation_export
from deviations.models import Deviation, DeviationParty
from deviations.statistics import chef_organisations, deviation_statistics

from ..access_log import CREATE, EXPORT, UPDATE, logged_action, logged_persons, logged_subject
from ..serializers import deviations as out
from .base import ApiView, CreateView, KeysetPagination, WriteView

TAG = "Avvikelser"
PURPOSE_REPORT = "Rapportera avvikelse"


def deviation_detail(access: DeviationAccess) -> dict:
    """The report as its page shows it to this user: its person only where the user may
    see the case it was reported from."""
    deviation = access.deviation
    deviation.person_visible = access.person_visible
    deviation.my_parties = sorted(party.pk for party in access.parties)
    deviation.parties_list = selectors.deviation_parties(deviation=deviation)
    deviation.allocation = selectors.current_allocation(deviation=deviation)
    deviation.dispute_row = selectors.dispute_of(deviation=deviation)
    deviation.log = [
        {
            "at": line.at,
            "by": line.by.get_username() if line.by else None,
            "organisation": str(line.organisation) if line.organisation else None,
            "text": line.text,
            "note": line.note,
        }
        for line in selectors.deviation_log(deviation=deviation)
    ]
    return out.DeviationDetailSerializer(deviation).data


def read_deviation(request, pk: int) -> DeviationAccess:
    return require_deviation_access(user=request.user, pk=pk)


class DeviationListView(CreateView):
    pagination = KeysetPagination

    @extend_schema(
        tags=[TAG],
        operation_id="deviations_list",
        parameters=[
            OpenApiParameter("status", str, enum=Deviation.Status.values, description="Status"),
            OpenApiParameter("page_size", int, description=_("Högst 200; 50 som standard")),
        ],
        responses={200: out.DeviationPageSerializer},
        description=_(
            "De avvikelser som rör dina enheter, eller som du är handläggare för, nyast först. "
            "Personen visas bara för den som får se ärendet."
        ),
    )
    def get(self, request):
        filters = out.DeviationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = selectors.deviation_rows(
            user=request.user, status=filters.validated_data.get("status")
        )
        paginator = self.pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        logged_persons(request, [row.person for row in page if row.person_visible and row.person])
        return paginator.get_paginated_response(
            out.DeviationListItemSerializer(page, many=True).data
        )

    @extend_schema(
        tags=[TAG],
        operation_id="deviations_report",
        request=out.ReportSerializer,
        responses={201: out.DeviationDetailSerializer},
        description=_(
            "Rapportera en avvikelse i samverkan från din enhet om en enhet i en annan "
            "organisation (en kommun och en region), från ett ärende du får se (case_kind, "
            "case_id) eller om överenskommelsen i allmänhet, med den tillfälliga "
            "ansvarsfördelningen."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def write(self, request):
        data = out.ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deviation = services.deviation_report(by=request.user, **data.validated_data)
        logged_subject(request, obj=deviation, person=deviation.person, purpose=PURPOSE_REPORT)
        return Response(
            deviation_detail(read_deviation(request, deviation.pk)),
            status=status.HTTP_201_CREATED,
        )


class DeviationDetailView(ApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="deviations_retrieve",
        responses={200: out.DeviationDetailSerializer},
        description=_(
            "Avvikelsen med parterna, den tillfälliga ansvarsfördelningen, åtgärderna, tvisten "
            "och loggen med utredningsanteckningarna."
        ),
    )
    def get(self, request, pk: int):
        return Response(deviation_detail(read_deviation(request, pk)))


def _party(access: DeviationAccess, pk: int | None) -> DeviationParty | None:
    """The party named in the call, among the report's (the service checks that the caller
    acts for it); None where none is named."""
    if pk is None:
        return None
    party = DeviationParty.objects.filter(deviation=access.deviation, pk=pk).first()
    if party is None:
        raise ValidationError({"party": _("Välj en av avvikelsens parter.")})
    return party


class DeviationStepView(WriteView):
    serializer_class: type[serializers.Serializer]
    call: Callable
    success_status = status.HTTP_200_OK

    def write(self, request, pk: int):
        found = read_deviation(request, pk)
        data = self.serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "party" in fields:
            fields["party"] = _party(found, fields["party"])
        type(self).call(request, found, fields)
        return Response(deviation_detail(read_deviation(request, pk)), status=self.success_status)


def deviation_step(
    name: str, *, serializer, call: Callable, description: str, created: bool = False
) -> type[DeviationStepView]:
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK

    @extend_schema(
        tags=[TAG],
        operation_id=f"deviations_{name.replace('-', '_').replace('/', '_')}",
        request=serializer,
        responses={code: out.DeviationDetailSerializer},
        description=description,
    )
    def post(self, request, *args, **kwargs):
        return WriteView.post(self, request, *args, **kwargs)

    class_name = "".join(part.title() for part in name.replace("/", "-").split("-"))
    return type(
        f"Deviation{class_name}View",
        (DeviationStepView,),
        {
            "post": post,
            "serializer_class": serializer,
            "call": staticmethod(call),
            "success_status": code,
            "action": CREATE if created else UPDATE,
            "__doc__": description,
        },
    )


def _on_deviation(service: Callable) -> Callable:
    def call(request, found, data):
        service(deviation=found.deviation, by=request.user, **data)

    return call


def _handler(request, found, data):
    party = data.pop("party") or (found.parties[0] if found.parties else None)
    if party is None:
        raise PermissionDenied(_("Du företräder ingen av avvikelsens parter."))
    services.handler_name(deviation=found.deviation, by=request.user, party=party, **data)


def _dispute(found: DeviationAccess):
    dispute = selectors.dispute_of(deviation=found.deviation)
    if dispute is None:
        raise Http404
    return dispute


def _on_dispute(service: Callable) -> Callable:
    def call(request, found, data):
        service(dispute=_dispute(found), by=request.user, **data)

    return call


AllocationView = deviation_step(
    "allocation",
    serializer=out.AllocationInputSerializer,
    call=_on_deviation(services.allocation_propose),
    created=True,
    description=_(
        "Föreslå en ny tillfällig ansvarsfördelning. Den gäller när alla parter har godkänt den."
    ),
)
AgreeView = deviation_step(
    "agree",
    serializer=out.PartyInputSerializer,
    call=_on_deviation(services.allocation_agree),
    description=_("Godkänn den tillfälliga ansvarsfördelningen för din organisation."),
)
HandlerView = deviation_step(
    "handler",
    serializer=out.HandlerInputSerializer,
    call=_handler,
    description=_(
        "Utse organisationens handläggare för avvikelsen (MAS, MAR, SAS eller annan "
        "handläggare), som arbetar med ärenden i organisationen."
    ),
)
NoteView = deviation_step(
    "notes",
    serializer=out.NoteInputSerializer,
    call=_on_deviation(services.note_add),
    created=True,
    description=_("En utredningsanteckning i avvikelsens logg."),
)
MeasuresView = deviation_step(
    "measures",
    serializer=out.MeasuresInputSerializer,
    call=_on_deviation(services.measures_record),
    description=_("Handläggaren skriver de vidtagna åtgärderna; parterna godkänner dem på nytt."),
)
SignOffView = deviation_step(
    "sign-off",
    serializer=out.PartyInputSerializer,
    call=_on_deviation(services.measures_sign_off),
    description=_(
        "Handläggaren godkänner åtgärderna för sin organisation. Avvikelsen avslutas när "
        "alla parter har godkänt."
    ),
)
DisputeRaiseView = deviation_step(
    "dispute",
    serializer=out.DisputeRaiseInputSerializer,
    call=_on_deviation(services.dispute_raise),
    created=True,
    description=_(
        "Ta upp avvikelsen som tvist: först tjänsteledningen, sedan Länschefsnätverket, sist "
        "Välfärdsrådet. En chef för en berörd enhet eller en parts handläggare."
    ),
)
DisputeLevelView = deviation_step(
    "dispute/level",
    serializer=out.DisputeLevelInputSerializer,
    call=_on_dispute(services.dispute_level_record),
    description=_(
        "Tvisten på den nivå den står: förslaget och dess datum, och vid "
        "Länschefsnätverket aviseringen, den skriftliga framställan och mötet."
    ),
)
DisputeDecideView = deviation_step(
    "dispute/decide",
    serializer=out.DisputeDecideInputSerializer,
    call=_on_dispute(services.dispute_decide),
    description=_("Beslutet på tvistens nivå: löst, eller förs till nästa nivå."),
)


class ExportView(ApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="deviations_export",
        responses={200: OpenApiTypes.OBJECT},
        description=_(
            'Avvikelsen som regionens avvikelsesystem tar emot den: "Samordnad '
            'vårdplanering", "Brister i samverkan utifrån …" med överenskommelsens namn, '
            "organisationerna och datumen, utan personuppgifter."
        ),
    )
    def get(self, request, pk: int):
        found = read_deviation(request, pk)
        logged_action(request, EXPORT)
        return Response(deviation_export(deviation=found.deviation))


class StatisticsView(ApiView):
    @extend_schema(
        tags=[TAG],
        operation_id="deviations_statistics",
        parameters=[OpenApiParameter("year", int, description=_("År; i år som standard"))],
        responses={200: out.DeviationStatisticsSerializer},
        description=_(
            "För chefer: årets avvikelser som rör deras organisationer, per kategori, par av "
            "organisationer och månad, och tiden till överenskommen ansvarsfördelning och till "
            "avslut. Antal under 5 döljs (null)."
        ),
    )
    def get(self, request):
        if not chef_organisations(user=request.user):
            raise PermissionDenied(_("Statistiken är för chefer."))
        filters = out.DeviationStatisticsFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        today = timezone.localdate()
        year = filters.validated_data.get("year", today.year)
        if year > today.year:
            raise BadRequest({"year": [_("Välj ett år till och med i år.")]})
        statistics = deviation_statistics(user=request.user, year=year)
        return Response(out.DeviationStatisticsSerializer(statistics).data)


#: Every action endpoint below /avvikelser/{id}/, by its path (api.urls).
STEP_VIEWS = {
    "allocation": AllocationView,
    "agree": AgreeView,
    "handler": HandlerView,
    "notes": NoteView,
    "measures": MeasuresView,
    "sign-off": SignOffView,
    "dispute": DisputeRaiseView,
    "dispute/level": DisputeLevelView,
    "dispute/decide": DisputeDecideView,
}
