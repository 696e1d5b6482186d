"""Utredning: a socialsekreterare of a socialtjänst unit opens the placement's utredning."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import NotParty
from cases.tasks import member
from directory.access import persons_visible_to
from directory.models import Membership, Organisation, Person, Unit, User

from ..grants import grants_sync_placement
from ..models import Assessment, Placement
from ..selectors import assessment_template_for
from .base import history, now

#: The units that open placements: socialtjänsten's.
PLACING_UNIT_KINDS = (Unit.Kind.SOCIAL_CHILDREN, Unit.Kind.SOCIAL_ADULTS)


@transaction.atomic
def placement_open(
    *,
    person: Person,
    unit: Unit,
    by: User,
    activation=None,
    at: dt.datetime | None = None,
) -> Placement:
    """Inled utredning (SoL 20 kap): by a socialsekreterare of a kommun's socialtjänst unit
    who sees the person. The utredning follows the organisation's template for the
    person's age, or the national one. In viewflow's start (``activation``) the placement
    gets its process; ``placement_open_process`` starts one from code."""
    at = now(at)
    if (
        unit.kind not in PLACING_UNIT_KINDS
        or unit.organisation.kind != Organisation.Kind.MUNICIPALITY
    ):
        raise ValidationError(
            {"unit": _("Bara en socialtjänstenhet i en kommun kan inleda en placering.")}
        )
    if not member(by, unit, (Membership.Role.SOCIAL_WORKER,)):
        raise NotParty(
            _("Bara socialsekreterare i enheten kan inleda en utredning om placering."),
            reason="not_starter",
        )
    if not persons_visible_to(user=by).filter(pk=person.pk).exists():
        raise NotParty(_("Du kan inte se den här personen."), reason="person_not_visible")
    placement = Placement(person=person, placing_unit=unit, caseworker=by, opened_at=at)
    template = assessment_template_for(placement=placement, on=timezone.localdate(at))
    if template is None:
        raise ValidationError(_("Det finns ingen utredningsmall för personens ålder."))
    if activation is not None:
        if activation.process.pk is None:
            activation.process.save()
        placement.process = activation.process
    placement.save()
    Assessment.objects.create(placement=placement, template=template)
    history(placement, what=gettext_noop("Utredning inledd."), at=at, by=by)
    grants_sync_placement(placement=placement, at=at)
    return placement


def placement_open_process(*, by: User, **fields) -> Placement:
    """Open an utredning with its process from code (tests, demo data), atomically."""
    from ..flows import PlacementFlow

    with transaction.atomic():
        process = PlacementFlow.start_process.run(by=by, **fields)
    return process.placement
