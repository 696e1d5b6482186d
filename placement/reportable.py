"""Placements as cases an avvikelse can be reported from (cases.registry.ReportableCases):
the deviations app reaches a placement only through this, never by importing placement."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import AccessGrant
from cases.registry import CaseReference, ReportableCases, register_reportable_cases
from cases.selectors import grants_in_force
from directory.models import Unit, User

from .access import ADMIN, OWN, placement_access
from .grants import CASE_KIND
from .models import Placement

#: The report form offers the user's newest placements, at most this many.
CHOICES_LIMIT = 100


def _reference(placement: Placement, *, units: tuple[Unit, ...] = ()) -> CaseReference:
    opened = formats.date_format(timezone.localdate(placement.opened_at), "Y-m-d")
    return CaseReference(
        case_kind=CASE_KIND,
        case_id=placement.pk,
        title=_("Placering för %(person)s, utredning inledd %(date)s")
        % {"person": placement.person, "date": opened},
        url=reverse("placement:placement", kwargs={"pk": placement.pk}),
        person=placement.person,
        units=units,
    )


def placement_reference(*, user: User, case_id: int) -> CaseReference | None:
    """The placement as the user may see it in full now (placement.access), with the units
    taking part: the placing unit and each region unit asked for a hälsoundersökning."""
    placement = (
        Placement.objects.select_related("person", "placing_unit__organisation")
        .filter(pk=case_id)
        .first()
    )
    if placement is None or placement_access(user=user, placement=placement) not in (OWN, ADMIN):
        return None
    asked = (
        Unit.objects.filter(pk__in=placement.health_exam_requests.values("region_unit_id"))
        .select_related("organisation")
        .order_by("pk")
    )
    return _reference(placement, units=tuple(dict.fromkeys([placement.placing_unit, *asked])))


def _own_ids(user: User) -> QuerySet:
    """The placements the user sees in full: the placing unit's grants (kind own)."""
    if user.is_superuser and user.is_active:
        return Placement.objects.order_by().values("pk")
    return (
        grants_in_force(user=user)
        .filter(case_kind=CASE_KIND, kind=AccessGrant.Kind.OWN)
        .values("case_id")
    )


def placement_visible_ids(*, user: User) -> QuerySet:
    return _own_ids(user)


def placement_choices(*, user: User) -> list[CaseReference]:
    placements = (
        Placement.objects.filter(pk__in=_own_ids(user))
        .select_related("person")
        .order_by("-opened_at", "-pk")[:CHOICES_LIMIT]
    )
    return [_reference(placement) for placement in placements]


def placement_reportable_register() -> None:
    register_reportable_cases(
        ReportableCases(
            case_kind=CASE_KIND,
            label=gettext_lazy("Placering på HVB"),
            visible_ids=placement_visible_ids,
            reference=placement_reference,
            choices=placement_choices,
            order=20,
        )
    )
