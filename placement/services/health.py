"""The child's health, school and dental care during a placement: a request for a
hälsoundersökning (HälsoSAMS) to the region of the placing kommun and its outcome, the
school arrangement in the placement kommun (SAMS), and the dental home region."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import InvalidState, NotParty
from cases.history import history_write
from directory.durations import DurationCode, add_calendar, duration_row
from directory.models import Membership, Organisation, Unit, User
from directory.selectors import CASE_ROLES, duration_for

from ..grants import grants_sync_placement
from ..models import DentalHome, HealthExamRequest, Placement, SchoolArrangement
from ..rules import CHILD_TEMPLATE_BEFORE_AGE
from .base import history, locked, now, require_party, require_phase

#: The phases in which the child's health, school and dental care are arranged.
ARRANGED_IN = (Placement.Phase.DECIDED, Placement.Phase.PLACED, Placement.Phase.ENDING)


def health_exam_due(*, placement: Placement, on: dt.date) -> dt.date:
    """When the region is to have offered the examination (the rule table's
    HEALTH_EXAMINATION_DUE, per the placing organisation)."""
    code = DurationCode.HEALTH_EXAMINATION_DUE
    days = duration_for(code=code, organisation=placement.placing_unit.organisation_id, on=on)
    return add_calendar(on, days, duration_row(code=code, on=on).unit)


def require_child(placement: Placement) -> None:
    if placement.person.age_on(timezone.localdate()) >= CHILD_TEMPLATE_BEFORE_AGE:
        raise InvalidState(
            _("Hälsoundersökning, skolgång och tandvård ordnas här för placerade barn."),
            reason="not_a_child",
        )


@transaction.atomic
def health_exam_request(
    *,
    placement: Placement,
    by: User,
    region_unit: Unit,
    asked: str,
    at: dt.datetime | None = None,
) -> HealthExamRequest:
    """Ask the region of the placing kommun for a hälsoundersökning of the placed child. The
    region unit's staff see this request only: a grant limited to the health part, written
    in the same transaction."""
    at = now(at)
    placement = locked(placement)
    require_party(placement, by)
    require_phase(placement, ARRANGED_IN)
    require_child(placement)
    errors = {}
    region = placement.placing_unit.organisation.region_id
    if region is None or region_unit.organisation_id != region:
        errors["region_unit"] = _("Välj en enhet i den placerande kommunens region.")
    if not asked.strip():
        errors["asked"] = _("Skriv vad regionen ombeds göra.")
    if errors:
        raise ValidationError(errors)
    on = timezone.localdate(at)
    request = HealthExamRequest.objects.create(
        placement=placement,
        region_unit=region_unit,
        asked=asked.strip(),
        due_on=health_exam_due(placement=placement, on=on),
        requested_at=at,
        requested_by=by,
    )
    grants_sync_placement(placement=placement, at=at)
    history(
        placement,
        what=gettext_noop("Hälsoundersökning begärd hos %(region_unit)s, senast %(due)s."),
        at=at,
        by=by,
        region_unit=region_unit.name,
        due=request.due_on.isoformat(),
    )
    return request


@transaction.atomic
def health_exam_record(
    *,
    request: HealthExamRequest,
    by: User,
    outcome: str,
    on: dt.date,
    note: str = "",
    at: dt.datetime | None = None,
) -> HealthExamRequest:
    """The region unit asked records the outcome: offered, done or declined, with its date.
    Done or declined closes the request, and with it the unit's grant."""
    at = now(at)
    request = HealthExamRequest.objects.select_for_update().get(pk=request.pk)
    placement = locked(request.placement)
    if not Membership.objects.filter(
        user=by, unit=request.region_unit_id, role__in=CASE_ROLES
    ).exists():
        raise NotParty(_("Du arbetar inte på den enhet som begäran gäller."), reason="not_party")
    if not request.open:
        raise InvalidState(_("Begäran är redan besvarad."), reason="answered")
    errors = {}
    if outcome not in HealthExamRequest.Outcome.values:
        errors["outcome"] = _("Välj utfall: erbjuden, genomförd eller avböjd.")
    if on > timezone.localdate(at) or on < timezone.localdate(request.requested_at):
        errors["on"] = _("Datumet ligger mellan begäran och i dag.")
    if errors:
        raise ValidationError(errors)
    setattr(request, f"{outcome}_on", on)
    request.outcome, request.outcome_note, request.answered_by = outcome, note.strip(), by
    request.save()
    if not request.open:
        grants_sync_placement(placement=placement, at=at)
    history_write(
        placement,
        what=gettext_noop("Hälsoundersökning %(outcome)s %(on)s."),
        at=at,
        by=by,
        unit=request.region_unit,
        outcome=request.get_outcome_display().lower(),
        on=on.isoformat(),
    )
    return request


@transaction.atomic
def school_arrangement_record(
    *,
    placement: Placement,
    by: User,
    from_date: dt.date,
    school_unit: Unit | None = None,
    school_name: str = "",
    contact: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> SchoolArrangement:
    """The school in the placement kommun from a date (SAMS), recorded by the socialtjänst."""
    at = now(at)
    placement = locked(placement)
    require_party(placement, by)
    require_phase(placement, ARRANGED_IN)
    require_child(placement)
    if school_unit is None and not school_name.strip():
        raise ValidationError({"school_name": _("Välj en skolenhet eller skriv skolans namn.")})
    arrangement = SchoolArrangement.objects.create(
        placement=placement,
        school_unit=school_unit,
        school_name=school_name.strip(),
        from_date=from_date,
        contact=contact.strip(),
        note=note.strip(),
        recorded_at=at,
        recorded_by=by,
    )
    history(
        placement,
        what=gettext_noop("Skolgång dokumenterad: %(school)s från %(on)s."),
        at=at,
        by=by,
        school=str(arrangement),
        on=from_date.isoformat(),
    )
    return arrangement


@transaction.atomic
def dental_home_set(
    *,
    placement: Placement,
    by: User,
    home_region: Organisation,
    note: str = "",
    at: dt.datetime | None = None,
) -> DentalHome:
    """The child's dental home region: contacted before planned dental treatment elsewhere;
    acute care is always given."""
    at = now(at)
    placement = locked(placement)
    require_party(placement, by)
    require_phase(placement, ARRANGED_IN)
    require_child(placement)
    if home_region.kind != Organisation.Kind.REGION:
        raise ValidationError({"home_region": _("Välj en region.")})
    home, _created = DentalHome.objects.update_or_create(
        placement=placement,
        defaults={"home_region": home_region, "note": note.strip(), "recorded_at": at},
        create_defaults={
            "home_region": home_region,
            "note": note.strip(),
            "recorded_at": at,
            "recorded_by": by,
        },
    )
    if not _created:
        home.recorded_by = by
        home.save(update_fields=["recorded_by"])
    history(
        placement,
        what=gettext_noop("Hemregion för tandvård: %(region)s."),
        at=at,
        by=by,
        region=home_region.name,
    )
    return home
