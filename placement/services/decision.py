"""Tvångsvårdens steg (LVU, LVM) and the decision on the placement."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import InvalidState
from cases.history import transit
from directory.models import User

from ..grants import grants_sync_placement
from ..models import LegalStep, Placement
from ..rules import BASES
from .base import history, locked, now, require_consent, require_party, require_phase, step


def legal_step_record(
    *,
    placement: Placement,
    by: User,
    kind: str,
    on: dt.date,
    reference: str,
    activation=None,
    at: dt.datetime | None = None,
) -> LegalStep:
    """Record the nämnd's application to förvaltningsrätten, an interim decision
    (omedelbart omhändertagande, LVU 6 § / LVM 13 §) or the court's decision: LVU and LVM
    only, after the legal basis is proposed."""
    at = now(at)
    with step(placement, by=by, node="legal", activation=activation, optional=True):
        placement = locked(placement)
        require_party(placement, by)
        require_phase(
            placement,
            (Placement.Phase.PROPOSED, Placement.Phase.DECIDED, Placement.Phase.PLACED),
        )
        if not BASES[placement.legal_basis].compulsory:
            raise InvalidState(
                _("Steg i tvångsvården dokumenteras bara för placeringar enligt LVU eller LVM."),
                reason="not_compulsory",
            )
        legal_step = LegalStep(
            placement=placement,
            kind=kind,
            on=on,
            reference=reference.strip(),
            recorded_at=at,
            recorded_by=by,
        )
        legal_step.full_clean()
        legal_step.save()
        history(
            placement,
            what=gettext_noop("%(step)s dokumenterat (%(on)s, %(reference)s)."),
            at=at,
            by=by,
            step=legal_step.get_kind_display(),
            on=on.isoformat(),
            reference=legal_step.reference,
        )
        return legal_step


def placement_decide(
    *,
    placement: Placement,
    by: User,
    level: str,
    decided_by: str,
    on: dt.date,
    activation=None,
    at: dt.datetime | None = None,
) -> Placement:
    """Beslut om placering: who decided (delegat, utskott or nämnd, and their name) and
    when. LVU and LVM need an interim decision or the court's decision first; the consent
    policy is asked again (SoL: the consents in force now; LVU/LVM: the views)."""
    at = now(at)
    with step(placement, by=by, node="decide", activation=activation):
        placement = locked(placement)
        require_party(placement, by)
        require_phase(placement, (Placement.Phase.PROPOSED,))
        errors = {}
        if level not in Placement.DecisionLevel.values:
            errors["level"] = _("Välj beslutsnivå: delegat, utskott eller nämnd.")
        if not decided_by.strip():
            errors["decided_by"] = _("Ange delegatens eller det beslutande organets namn.")
        if errors:
            raise ValidationError(errors)
        if (
            BASES[placement.legal_basis].compulsory
            and not placement.legal_steps.filter(kind__in=LegalStep.DECIDING, on__lte=on).exists()
        ):
            raise ValidationError(
                _(
                    "Vård enligt LVU eller LVM beslutas först när ett omedelbart omhändertagande "
                    "eller förvaltningsrättens dom är dokumenterat."
                )
            )
        require_consent(placement, at=at)
        placement.decision_level, placement.decided_by = level, decided_by.strip()
        placement.decided_on = on
        transit(
            placement,
            "decide",
            what=gettext_noop("Placeringen beslutades %(on)s av %(decided_by)s (%(level)s)."),
            at=at,
            by=by,
            unit=placement.placing_unit,
            on=on.isoformat(),
            decided_by=placement.decided_by,
            level=placement.get_decision_level_display(),
        )
        placement.save()
        grants_sync_placement(placement=placement, at=at)
        return placement
