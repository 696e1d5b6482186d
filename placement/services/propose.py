"""Föreslå placering: the HVB, the legal basis, acute or planned, and the information the
HVB may take part of. Under SoL the consent policy must allow it; under LVU and LVM the
views must be recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.history import transit
from consent.models import InformationCategory
from directory.models import Unit, User

from ..grants import grants_sync_placement
from ..models import HvbProfile, Placement
from ..rules import BASES, LegalBasis
from .base import locked, now, require_consent, require_party, require_phase, step


@dataclass(frozen=True)
class Proposal:
    placement: Placement
    #: What does not match (the matchningsdokument's questions): shown, not refused.
    warnings: list[str] = field(default_factory=list)


def _profile(hvb_unit: Unit) -> HvbProfile:
    profile = HvbProfile.objects.filter(unit=hvb_unit).first()
    if profile is None or not profile.hvb_choosable:
        raise ValidationError(
            {
                "hvb_unit": _(
                    "Bara ett HVB med tillstånd från IVO (enskilt) eller anmält till IVO "
                    "(kommunalt) kan väljas."
                )
            }
        )
    return profile


def _warnings(placement: Placement, profile: HvbProfile, on: dt.date) -> list[str]:
    warnings = []
    age = placement.person.age_on(on)
    if (profile.age_from is not None and age < profile.age_from) or (
        profile.age_to is not None and age > profile.age_to
    ):
        warnings.append(
            _("%(person)s är %(age)s år; %(hvb)s tar emot %(from)s–%(to)s år.")
            % {
                "person": placement.person,
                "age": age,
                "hvb": profile.unit,
                "from": profile.age_from if profile.age_from is not None else "",
                "to": profile.age_to if profile.age_to is not None else "",
            }
        )
    taken = (
        Placement.objects.filter(hvb_unit=profile.unit, phase=Placement.Phase.PLACED)
        .exclude(pk=placement.pk)
        .count()
    )
    if taken >= profile.places:
        warnings.append(
            _("%(hvb)s har %(places)s platser och alla är upptagna.")
            % {"hvb": profile.unit, "places": profile.places}
        )
    return warnings


def _require_age(placement: Placement, legal_basis: str, on: dt.date) -> None:
    limit = BASES[legal_basis].decided_before_age
    if limit is not None and placement.person.age_on(on) >= limit:
        raise ValidationError(
            {
                "legal_basis": _("%(basis)s gäller den som inte har fyllt %(age)s år.")
                % {"basis": LegalBasis(legal_basis).label, "age": limit}
            }
        )


def placement_propose(
    *,
    placement: Placement,
    by: User,
    hvb_unit: Unit,
    legal_basis: str,
    acute: bool,
    categories: Sequence[InformationCategory],
    activation=None,
    at: dt.datetime | None = None,
) -> Proposal:
    """Choose the HVB (with an IVO permit or notified), the legal basis and acute or planned.
    The utredning must be complete and at least one less intrusive alternative recorded.
    SoL asks the consent policy with the placing unit and the HVB; LVU/LVM need the views
    the policy names. A proposal can be changed until the decision."""
    at = now(at)
    on = timezone.localdate(at)
    with step(placement, by=by, node="investigate", activation=activation, optional=True):
        placement = locked(placement)
        require_party(placement, by)
        require_phase(placement, Placement.BEFORE_DECISION)
        if legal_basis not in LegalBasis.values:
            raise ValidationError({"legal_basis": _("Välj lagrum för placeringen.")})
        categories = list(categories)
        if not categories:
            raise ValidationError(
                {"categories": _("Välj vilken information HVB:et får ta del av.")}
            )
        if not placement.alternatives.exists():
            raise ValidationError(
                _(
                    "Dokumentera först vilka mindre ingripande insatser som har prövats "
                    "(familjebehandling, familjehem, stödboende …)."
                )
            )
        if not placement.assessment.complete:
            raise ValidationError(_("Utredningen är inte klar: alla områden ska vara bedömda."))
        profile = _profile(hvb_unit)
        _require_age(placement, legal_basis, on)
        placement.hvb_unit, placement.legal_basis, placement.acute = hvb_unit, legal_basis, acute
        placement.categories.set(categories)
        require_consent(placement, at=at)
        warnings = _warnings(placement, profile, on)
        transit(
            placement,
            "propose",
            what=gettext_noop("Placering föreslagen på %(hvb)s enligt %(basis)s."),
            at=at,
            by=by,
            unit=placement.placing_unit,
            hvb=hvb_unit,
            basis=placement.get_legal_basis_display(),
        )
        placement.save()
        grants_sync_placement(placement=placement, at=at)
        return Proposal(placement=placement, warnings=warnings)
