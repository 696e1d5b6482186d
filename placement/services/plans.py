"""Vårdplan and genomförandeplan (Socialstyrelsen, NI 2022:1): versioned documents with a
structured core (goals, insatser, how and when the plan is followed up). A new version each
time; the earlier ones are kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import NotParty
from cases.history import history_write
from directory.models import Membership, User

from ..access import hvb_unit_of
from ..models import CarePlanInsats, CarePlanVersion, Placement
from .base import locked, now, require_party, require_phase

#: The phases in which the plans are written: from the decision until the person moves out.
WRITTEN_IN = (Placement.Phase.DECIDED, Placement.Phase.PLACED, Placement.Phase.ENDING)


@dataclass(frozen=True)
class PlanInsats:
    what: str
    who: str
    when: str


def plan_writer_unit(*, placement: Placement, kind: str, by: User) -> int:
    """The unit ``by`` writes the plan for: the placing unit (vårdplan and
    genomförandeplan), or the HVB whose grant reaches ``by`` today (genomförandeplan only:
    the HVB the person lives at, while the consent or the decision lets it take part).
    Refuses others."""
    units = set(Membership.objects.filter(user=by).values_list("unit_id", flat=True))
    if placement.placing_unit_id in units:
        return placement.placing_unit_id
    if kind == CarePlanVersion.Kind.IMPLEMENTATION_PLAN:
        hvb = hvb_unit_of(user=by, placement=placement)
        if hvb is not None:
            return hvb
    require_party(placement, by)  # refuses with the placement's own message
    raise NotParty(_("Du arbetar inte med den här placeringen."), reason="not_party")


@transaction.atomic
def plan_version_write(
    *,
    placement: Placement,
    by: User,
    kind: str,
    goals: str,
    insatser: list[PlanInsats],
    follow_up: str,
    follow_up_on: dt.date,
    at: dt.datetime | None = None,
) -> CarePlanVersion:
    """Write a new version of the placement's vårdplan (the socialtjänst) or
    genomförandeplan (the socialtjänst or the HVB's staff, once the placement is decided)."""
    at = now(at)
    placement = locked(placement)
    unit_id = plan_writer_unit(placement=placement, kind=kind, by=by)
    require_phase(placement, WRITTEN_IN)
    errors = {}
    if kind not in CarePlanVersion.Kind.values:
        errors["kind"] = _("Välj vårdplan eller genomförandeplan.")
    if not goals.strip():
        errors["goals"] = _("Skriv planens mål.")
    if not insatser:
        errors["__all__"] = _("Skriv minst en insats: vad, vem som gör det och när.")
    if not follow_up.strip():
        errors["follow_up"] = _("Skriv hur planen följs upp.")
    if follow_up_on < timezone.localdate(at):
        errors["follow_up_on"] = _("Uppföljningen ligger i dag eller senare.")
    if errors:
        raise ValidationError(errors)
    last = (
        CarePlanVersion.objects.filter(placement=placement, kind=kind)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    version = CarePlanVersion.objects.create(
        placement=placement,
        kind=kind,
        number=(last or 0) + 1,
        goals=goals.strip(),
        follow_up=follow_up.strip(),
        follow_up_on=follow_up_on,
        written_at=at,
        written_by=by,
        unit_id=unit_id,
    )
    CarePlanInsats.objects.bulk_create(
        CarePlanInsats(version=version, order=order, what=row.what, who=row.who, when=row.when)
        for order, row in enumerate(insatser, start=1)
    )
    history_write(
        placement,
        what=gettext_noop("%(plan)s version %(number)s skriven."),
        at=at,
        by=by,
        unit=version.unit,
        plan=version.get_kind_display(),
        number=version.number,
    )
    return version
