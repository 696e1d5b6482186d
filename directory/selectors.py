"""Reads for organisations, people and their relations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .identity_numbers import parse_identity_number
from .models import Membership, Organisation, Person, Unit, User
from .rules import AGE_OF_MAJORITY


def person_guardians(*, person: Person, on: dt.date) -> list[Person]:
    """The person's vårdnadshavare on ``on``: none once the person has turned 18."""
    if person.age_on(on) >= AGE_OF_MAJORITY:
        return []
    return [
        guardianship.guardian
        for guardianship in person.guardianships.select_related("guardian").order_by("slot")
    ]


def units_reached(
    *,
    units: Iterable[Unit] = (),
    organisations: Iterable[Organisation] = (),
    excluded: Iterable[Unit] = (),
) -> list[Unit]:
    """The units that hear of something addressed to these units and organisations: each
    unit named, and every unit of an organisation named as a whole (a huvudman), each once;
    never an excluded unit."""
    skip = {unit.pk for unit in excluded}
    reached = list(units)
    organisation_ids = [organisation.pk for organisation in organisations]
    if organisation_ids:
        reached += Unit.objects.filter(organisation__in=organisation_ids).order_by("pk")
    return [unit for unit in dict.fromkeys(reached) if unit.pk not in skip]


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("unit__organisation")


#: Roles that work with people's cases. HVB staff see only their placements (later issue).
CASE_ROLES = (Membership.Role.SOCIAL_WORKER, Membership.Role.HEALTH_STAFF, Membership.Role.MANAGER)


#: Roles that may start a SIP or a placement: socialsekreterare and vårdpersonal.
STARTER_ROLES = (Membership.Role.SOCIAL_WORKER, Membership.Role.HEALTH_STAFF)


def user_starts_cases(*, user: User) -> bool:
    return Membership.objects.filter(user=user, role__in=STARTER_ROLES).exists()


def user_managed_units(*, user: User) -> QuerySet[Unit]:
    """The units the user is chef of."""
    return Unit.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.MANAGER
    ).distinct()


def user_works_with_cases(*, user: User) -> bool:
    """Whether the user holds a role that works with people's cases."""
    return Membership.objects.filter(user=user, role__in=CASE_ROLES).exists()


def person_search(*, user: User, query: str) -> QuerySet[Person]:
    """People matching a personnummer (any accepted form) or a name; nothing for a short query.

    Searching is how a case worker finds a person: there is no list of everyone.
    """
    from .access import persons_visible_to

    query = " ".join(query.split())
    if not user_works_with_cases(user=user) or len(query) < 2:
        return Person.objects.none()
    visible = persons_visible_to(user=user)
    try:
        number = parse_identity_number(query, today=timezone.localdate())
    except ValidationError:
        number = None
    if number is not None:
        return visible.filter(personal_identity_number=number.canonical)
    if any(char.isdigit() for char in query):
        digits = "".join(char for char in query if char.isdigit())
        return visible.filter(personal_identity_number__contains=digits)[:50]
    matches = visible
    for word in query.split():
        matches = matches.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return matches.order_by("last_name", "first_name")[:50]


def person_for_user(*, user: User, pk: int) -> Person:
    """One person the user may see (directory.access); Http404 otherwise."""
    from .access import persons_visible_to

    return get_object_or_404(persons_visible_to(user=user), pk=pk)
