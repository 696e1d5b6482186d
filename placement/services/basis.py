"""Vård enligt LVU instead of an SoL placement: the nämnd applied and care was decided (an
interim decision, LVU 6 §, or the court's), so the running placement's legal basis changes
by a decision of its own. This resolves a withdrawn consent."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import InvalidState
from directory.models import User

from ..grants import grants_sync_placement
from ..models import LegalStep, Placement
from ..rules import BASES, LegalBasis
from ..selectors import RUNNING
from .base import history, locked, now, require_party, require_phase
from .limits import legal_end_require
from .review import review_schedule

#: The bases a running SoL placement may turn into.
TO_LVU = (LegalBasis.LVU_2, LegalBasis.LVU_3)


@transaction.atomic
def placement_basis_change(
    *,
    placement: Placement,
    by: User,
    legal_basis: str,
    step_kind: str,
    reference: str,
    on: dt.date,
    level: str,
    decided_by: str,
    at: dt.datetime | None = None,
) -> Placement:
    """Change an SoL placement's basis to LVU 2 § or 3 § from ``on``: the deciding step
    (omedelbart omhändertagande or the court's decision, with its reference) is recorded
    with it. The person must be young enough for the basis, and the planned end may not pass
    its legal end."""
    at = now(at)
    placement = locked(placement)
    require_party(placement, by)
    require_phase(placement, RUNNING)
    if placement.legal_basis != LegalBasis.SOL:
        raise InvalidState(
            _("Bara en placering enligt SoL kan övergå i vård enligt LVU."), reason="not_sol"
        )
    errors = {}
    if legal_basis not in TO_LVU:
        errors["legal_basis"] = _("Välj LVU 2 § eller LVU 3 §.")
    if step_kind not in LegalStep.DECIDING:
        errors["step_kind"] = _("Vården beslutas genom omedelbart omhändertagande eller dom.")
    if level not in Placement.DecisionLevel.values:
        errors["level"] = _("Välj beslutsnivå: delegat, utskott eller nämnd.")
    if not decided_by.strip():
        errors["decided_by"] = _("Ange delegatens eller det beslutande organets namn.")
    if errors:
        raise ValidationError(errors)
    basis = BASES[legal_basis]
    if placement.person.age_on(on) >= basis.decided_before_age:
        raise ValidationError(
            {
                "legal_basis": _("Vård enligt %(basis)s beslutas före %(age)s års ålder.")
                % {"basis": LegalBasis(legal_basis).label, "age": basis.decided_before_age}
            }
        )
    placement.legal_basis = legal_basis
    if placement.planned_end_date is not None:
        legal_end_require(placement, placement.planned_end_date, field="planned_end_date")
    step = LegalStep(
        placement=placement,
        kind=step_kind,
        on=on,
        reference=reference.strip(),
        recorded_at=at,
        recorded_by=by,
    )
    step.full_clean()
    step.save()
    placement.consent_ended_on = None
    placement.save(update_fields=["legal_basis", "consent_ended_on"])
    history(
        placement,
        what=gettext_noop(
            "Vård enligt %(basis)s från %(on)s (%(step)s, %(reference)s), beslutat av "
            "%(decided_by)s (%(level)s)."
        ),
        at=at,
        by=by,
        basis=placement.get_legal_basis_display(),
        on=on.isoformat(),
        step=step.get_kind_display(),
        reference=step.reference,
        decided_by=decided_by.strip(),
        level=Placement.DecisionLevel(level).label,
    )
    if placement.phase != Placement.Phase.DECIDED:
        review_schedule(placement)
    grants_sync_placement(placement=placement, at=at)
    return placement
