"""Who may see which person. One place, used by every selector, view, the admin and the
tick; processes plug in their cases instead of repeating the rules.

A person is visible to a user who works with cases (socialsekreterare, vårdpersonal, chef)
when
- the person is folkbokförd in the user's kommun (socialtjänsten's responsibility follows
  folkbokföringen), or
- a case about the person is visible to the user (see each process's ``access`` module:
  its own unit's cases, and cases the unit is invited to while consent covers it).

Region staff (vårdpersonal) thus see a person through a SIP they are part of; to start one
they give the personnummer. Administrators (directory.backends) see no one. A superuser sees
everything, in an emergency: every request a superuser makes is logged as such
(audit.middleware).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Organisation, Person, Unit, User
from .selectors import CASE_ROLES

#: Callables ``(user) -> QuerySet of person ids`` (a ``values``/``values_list`` QuerySet of
#: one column) whose cases the user may see: used as subqueries, so that the people a user
#: may see are one SQL query however many cases there are.
_case_person_providers: list[Callable[[User], QuerySet]] = []


def register_case_persons(provider: Callable[[User], QuerySet]) -> None:
    """A process (SIP, placement) tells which persons' cases a user may see."""
    if provider not in _case_person_providers:
        _case_person_providers.append(provider)


def user_case_organisations(*, user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        units__memberships__user=user, units__memberships__role__in=CASE_ROLES
    ).distinct()


def persons_visible_to(*, user: User) -> QuerySet[Person]:
    if not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    if user.is_superuser:
        return Person.objects.all()
    organisations = list(user_case_organisations(user=user).values_list("pk", "kind"))
    if not organisations:
        return Person.objects.none()
    kommuner = [pk for pk, kind in organisations if kind == Organisation.Kind.MUNICIPALITY]
    visible = Q(registered_municipality__in=kommuner)
    for provider in _case_person_providers:
        visible |= Q(pk__in=provider(user))
    return Person.objects.filter(visible)


def person_fully_visible(*, user: User, person: Person) -> bool:
    """Everything about the person (all consents and records): their kommun's staff and a
    superuser. Others who see the person through a case see only that case's part."""
    if user.is_superuser:
        return True
    kommuner = user_case_organisations(user=user).filter(kind=Organisation.Kind.MUNICIPALITY)
    return person.registered_municipality_id in set(kommuner.values_list("pk", flat=True))


class ScopedObjectAdminMixin:
    """An admin object outside ``get_queryset`` answers 404, as a missing one does: not the
    admin's redirect, which a POST would have logged as a change (audit.middleware)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj


class PersonScopedAdminMixin(ScopedObjectAdminMixin):
    """Admin pages for case data show only people the staff member may see (a superuser
    sees all). ``person_field`` is the lookup from the model to the person."""

    person_field = "subject"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        visible = persons_visible_to(user=request.user)
        if self.person_field is None:
            return queryset.filter(pk__in=visible)
        return queryset.filter(**{f"{self.person_field}__in": visible})


#: Callables ``(unit) -> QuerySet of person ids`` (one column) whose cases belong to the unit.
_unit_case_providers: list[Callable[[Unit], QuerySet]] = []


def register_unit_cases(provider: Callable[[Unit], QuerySet]) -> None:
    if provider not in _unit_case_providers:
        _unit_case_providers.append(provider)


def unit_case_persons(*, unit: Unit) -> QuerySet[Person]:
    """The people whose cases the unit owns (started or leads), for its chef's review."""
    owned = Q(pk__in=[])
    for provider in _unit_case_providers:
        owned |= Q(pk__in=provider(unit))
    return Person.objects.filter(owned)
