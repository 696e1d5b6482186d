"""Persons: look one up by personnummer (sent in the body, so that no URL, server log or
proxy holds it), register one, read one. The same selectors and service as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from directory.access import persons_visible_to
from directory.fields import VisiblePersonField
from directory.identity_numbers import parse_identity_number
from directory.models import Person
from directory.selectors import (
    person_for_user,
    person_query_parse,
    person_search,
    user_starts_cases,
)
from directory.services import person_create

from ..access_log import logged_subject
from ..serializers.persons import (
    PersonCreateSerializer,
    PersonLookupSerializer,
    PersonSerializer,
)
from .base import ApiView, CreateView

TAG = "Personer"
PURPOSE_LOOKUP = "Sök person"
PURPOSE_PERSON = "Person"
PURPOSE_CREATE = "Registrera person"


class PersonLookupView(ApiView):
    """Slå upp en person på personnummer eller samordningsnummer. 404 för den som inte
    finns och för den som du inte får se: svaret är detsamma."""

    reads_only = True

    @extend_schema(
        tags=[TAG],
        operation_id="persons_lookup",
        request=PersonLookupSerializer,
        responses={200: PersonSerializer},
    )
    def post(self, request, *args, **kwargs):
        data = PersonLookupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        number = data.validated_data["personal_identity_number"]
        query = person_query_parse(number, today=timezone.localdate())
        if query is None or query.number is None:
            raise _not_a_number()
        person = person_search(user=request.user, query=number).first()
        if person is None:
            raise Http404
        logged_subject(request, obj=person, person=person, purpose=PURPOSE_LOOKUP)
        return Response(PersonSerializer(person).data)


def _not_a_number():
    return ValidationError(
        {"personal_identity_number": _("Ange ett helt personnummer eller samordningsnummer.")}
    )


def visible_person_by_number(
    *, user, number: str, field: str = "personal_identity_number"
) -> Person:
    """The person with this personnummer among those the user may see (the start pages'
    ``VisiblePersonField``, through the same selector): a person out of the user's sight (in
    another kommun, with skyddade personuppgifter seen by no case) gets the same answer as
    one who is not registered, so that no caller learns who is registered elsewhere."""
    try:
        canonical = parse_identity_number(number, today=timezone.localdate()).canonical
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    person = persons_visible_to(user=user).filter(personal_identity_number=canonical).first()
    if person is None:
        raise ValidationError(
            {field: VisiblePersonField.default_error_messages["not_visible"]}, code="not_visible"
        )
    return person


class PersonCreateView(CreateView):
    """Registrera en person. Den som kan initiera SIP (socialsekreterare, vårdpersonal)
    registrerar; personnumret kontrolleras och lagras i sin fulla form."""

    @extend_schema(
        tags=[TAG],
        operation_id="persons_create",
        request=PersonCreateSerializer,
        responses={201: PersonSerializer},
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def write(self, request, *args, **kwargs):
        if not user_starts_cases(user=request.user):
            raise PermissionDenied(
                _("Bara socialsekreterare och vårdpersonal kan registrera personer.")
            )
        data = PersonCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = person_create(**data.validated_data)
        logged_subject(request, obj=person, person=person, purpose=PURPOSE_CREATE)
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)


class PersonDetailView(ApiView):
    """En person som du får se."""

    @extend_schema(tags=[TAG], operation_id="persons_retrieve", responses={200: PersonSerializer})
    def get(self, request, pk: int):
        person = person_for_user(user=request.user, pk=pk)
        return Response(PersonSerializer(person).data)
