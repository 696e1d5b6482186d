"""Who may see an avvikelse, and the case's person in it.

- The avvikelse itself: staff with a case role (socialsekreterare, vårdpersonal, chef) in a
  unit it concerns (each party's unit, the reporting unit among them), and each party's
  named handler while they work in that organisation. Nobody else: a unit or organisation
  it does not concern sees nothing, and a page about it answers 404, as one that does not
  exist does. A superuser sees everything, in an emergency (logged as such, audit).
- The person of the case it was reported from: only a user who may see that case now, by
  the case's own rules (cases.registry.ReportableCases). Anyone else sees the avvikelse
  without the person. A report about the agreement in general names no one.

``deviations_visible_to`` is one SQL filter whatever the number of reports; lists mark the
rows whose person the user may see with one subquery per kind of case.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.http import Http404

from cases.registry import CaseReference, reportable_case, reportable_cases
from directory.models import Membership, User
from directory.selectors import CASE_ROLES

from .models import Deviation, DeviationParty


def _case_units(user: User) -> QuerySet:
    return Membership.objects.filter(user=user, role__in=CASE_ROLES).values("unit_id")


def _case_organisations(user: User) -> QuerySet:
    return Membership.objects.filter(user=user, role__in=CASE_ROLES).values("unit__organisation_id")


def parties_of(user: User) -> QuerySet[DeviationParty]:
    """The parties the user acts for: their unit's, or the ones they handle (while they
    still work in that organisation)."""
    return DeviationParty.objects.filter(
        Q(unit__in=_case_units(user)) | Q(handler=user, organisation__in=_case_organisations(user))
    )


def deviations_visible_to(*, user: User) -> QuerySet[Deviation]:
    if not user.is_authenticated or not user.is_active:
        return Deviation.objects.none()
    if user.is_superuser:
        return Deviation.objects.all()
    return Deviation.objects.filter(pk__in=parties_of(user).values("deviation_id"))


def with_person_visible(queryset: QuerySet[Deviation], *, user: User) -> QuerySet[Deviation]:
    """``person_visible`` on each row: whether the user may see the case it was reported
    from now (its grants: one subquery per kind of case, whatever the number of rows)."""
    kinds = [
        Q(case_kind=cases.case_kind, case_id__in=cases.visible_ids(user=user))
        for cases in reportable_cases()
    ]
    if not kinds or not user.is_active:
        return queryset.annotate(person_visible=Value(False, output_field=BooleanField()))
    return queryset.annotate(
        person_visible=ExpressionWrapper(reduce(operator.or_, kinds), BooleanField())
    )


@dataclass(frozen=True)
class DeviationAccess:
    """How one user may see one avvikelse: the parties they act for (none for a superuser
    in an emergency), and the case as they may see it (None: the avvikelse is shown
    without the person)."""

    deviation: Deviation
    user_id: int
    parties: list[DeviationParty]
    case: CaseReference | None

    @property
    def person_visible(self) -> bool:
        return self.case is not None

    @property
    def handles(self) -> list[DeviationParty]:
        """The parties the user is the named handler of."""
        return [party for party in self.parties if party.handler_id == self.user_id]


def case_reference(*, user: User, deviation: Deviation) -> CaseReference | None:
    """The case the avvikelse was reported from as the user may see it now (the case's
    full access check), or None: no case, or the user may not see it."""
    if not deviation.case_kind:
        return None
    cases = reportable_case(deviation.case_kind)
    if cases is None:
        return None
    return cases.reference(user=user, case_id=deviation.case_id)


def deviation_access(*, user: User, deviation: Deviation) -> DeviationAccess | None:
    if not user.is_authenticated or not user.is_active:
        return None
    parties = list(
        parties_of(user).filter(deviation=deviation).select_related("organisation", "unit")
    )
    if not parties and not user.is_superuser:
        return None
    return DeviationAccess(
        deviation=deviation,
        user_id=user.pk,
        parties=parties,
        case=case_reference(user=user, deviation=deviation),
    )


def require_deviation_access(*, user: User, pk: int) -> DeviationAccess:
    """The avvikelse and how the user may see it; Http404 otherwise, as for one that does
    not exist."""
    deviation = (
        Deviation.objects.select_related("reporting_unit__organisation", "reported_by", "person")
        .filter(pk=pk)
        .first()
    )
    access = deviation and deviation_access(user=user, deviation=deviation)
    if not access:
        raise Http404
    return access
