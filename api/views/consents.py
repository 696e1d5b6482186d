"""Consents: a person's consents (the SIP's part only, for someone who sees the person
through a SIP), registering one, reading one, withdrawing one. The same selectors and
services as the pages under *Personer och samtycken*."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from consent.models import Purpose
from consent.selectors import consent_for_user, consent_list, recorded_view_list
from consent.services import consent_register, consent_withdraw, recorded_view_create
from directory.access import person_fully_visible
from directory.selectors import person_for_user, person_guardians

from ..access_log import logged_subject
from ..serializers.consents import (
    ConsentCreateSerializer,
    ConsentSerializer,
    ConsentWithdrawSerializer,
    RecordedViewCreateSerializer,
    RecordedViewSerializer,
)
from .base import ApiView, CreateView, WriteView

TAG = "Samtycken"
PURPOSE_LIST = "Personens samtycken"
PURPOSE_REGISTER = "Registrera samtycke"
PURPOSE_CONSENT = "Samtycke"
PURPOSE_WITHDRAW = "Återkalla samtycke"
PURPOSE_VIEW = "Dokumentera inställning"


def _one_of(people, pk: int, *, field: str, message: str):
    """The person among ``people`` with this id; a field error otherwise (an id outside
    them names nobody: no other person's name is ever told)."""
    for person in people:
        if person.pk == pk:
            return person
    raise ValidationError({field: message})


class PersonConsentsView(CreateView):
    @extend_schema(
        tags=[TAG],
        operation_id="persons_consents_list",
        responses={200: ConsentSerializer(many=True)},
        description=_(
            "Personens samtycken, gällande och tidigare, nyast först. Den som ser personen "
            "bara genom en SIP ser SIP-samtyckena."
        ),
    )
    def get(self, request, pk: int):
        person = person_for_user(user=request.user, pk=pk)
        full = person_fully_visible(user=request.user, person=person)
        consents = consent_list(person=person, purposes=None if full else [Purpose.SIP])
        return Response(ConsentSerializer(consents, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="persons_consents_create",
        request=ConsentCreateSerializer,
        responses={201: ConsentSerializer},
        description=_(
            "Registrera ett samtycke: vem som samtycker (personen själv eller en "
            "vårdnadshavare), vilka enheter och organisationer och vilken information det "
            "omfattar, högst ett år. De enheter det nämner får besked direkt."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def write(self, request, pk: int):
        person = person_for_user(user=request.user, pk=pk)
        data = ConsentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        guardians = person_guardians(person=person, on=timezone.localdate())
        given_by = _one_of(
            [person, *guardians],
            fields.pop("given_by"),
            field="given_by",
            message=_("Välj personen själv eller en av vårdnadshavarna."),
        )
        consent = consent_register(
            subject=person, given_by=given_by, documented_by=request.user, **fields
        )
        logged_subject(request, obj=consent, person=person, purpose=PURPOSE_REGISTER)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class ConsentDetailView(ApiView):
    @extend_schema(tags=[TAG], operation_id="consents_retrieve", responses={200: ConsentSerializer})
    def get(self, request, pk: int):
        consent = consent_for_user(user=request.user, pk=pk)
        return Response(ConsentSerializer(consent).data)


class ConsentWithdrawView(WriteView):
    @extend_schema(
        tags=[TAG],
        operation_id="consents_withdraw",
        request=ConsentWithdrawSerializer,
        responses={200: ConsentSerializer},
        description=_(
            "Återkalla ett samtycke: det gäller inte längre från och med nu, och det som "
            "vilar på det stoppas. Bara den som lämnade samtycket återkallar det."
        ),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def write(self, request, pk: int):
        consent = consent_for_user(user=request.user, pk=pk)
        data = ConsentWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = consent.subject
        guardians = person_guardians(person=person, on=timezone.localdate())
        withdrawn_by = _one_of(
            [person, *guardians, consent.given_by],
            data.validated_data["withdrawn_by"],
            field="withdrawn_by",
            message=_("Välj den som lämnade samtycket."),
        )
        consent = consent_withdraw(
            consent=consent,
            withdrawn_by=withdrawn_by,
            form=data.validated_data["form"],
            documented_by=request.user,
        )
        # Read again as written, even where the withdrawal ended the caller's own access.
        consent = consent_list(person=person).get(pk=consent.pk)
        return Response(ConsentSerializer(consent).data)


class PersonViewsView(CreateView):
    """Inställningar: the child's, a guardian's or the person's own recorded view, which
    every step concerning a child of 12 or more needs, and LVU and LVM instead of consent."""

    @extend_schema(
        tags=[TAG],
        operation_id="persons_views_list",
        responses={200: RecordedViewSerializer(many=True)},
        description=_("Personens dokumenterade inställningar."),
    )
    def get(self, request, pk: int):
        person = person_for_user(user=request.user, pk=pk)
        full = person_fully_visible(user=request.user, person=person)
        views = recorded_view_list(person=person, purposes=None if full else [Purpose.SIP])
        return Response(RecordedViewSerializer(views.order_by("-recorded_at"), many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="persons_views_create",
        request=RecordedViewCreateSerializer,
        responses={201: RecordedViewSerializer},
        description=_("Dokumentera en inställning: vad personen eller vårdnadshavaren har sagt."),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def write(self, request, pk: int):
        person = person_for_user(user=request.user, pk=pk)
        data = RecordedViewCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        guardians = person_guardians(person=person, on=timezone.localdate())
        holder = _one_of(
            [person, *guardians],
            fields.pop("holder"),
            field="holder",
            message=_("Välj personen själv eller en av vårdnadshavarna."),
        )
        recorded = recorded_view_create(
            subject=person, holder=holder, recorded_by=request.user, **fields
        )
        logged_subject(request, obj=recorded, person=person, purpose=PURPOSE_VIEW)
        return Response(RecordedViewSerializer(recorded).data, status=status.HTTP_201_CREATED)
