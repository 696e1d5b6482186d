"""Byte av HVB: a decision of its own (who decided, at which level, from which date). The
new HVB must be choosable (IVO); under SoL the consents must name it. The old HVB's grant
ends the day before the change, the new one's starts on it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from directory.models import Unit, User

from ..grants import grants_sync_placement
from ..models import HvbChange, Placement
from ..selectors import RUNNING
from .base import history, locked, now, require_consent, require_party, require_phase
from .propose import _profile as hvb_profile_choosable


@transaction.atomic
def placement_hvb_change(
    *,
    placement: Placement,
    by: User,
    to_hvb: Unit,
    on: dt.date,
    level: str,
    decided_by: str,
    at: dt.datetime | None = None,
) -> HvbChange:
    """Move a running placement to another HVB from ``on`` (not before the decision or the
    move in). The cost allocation's rows are revised separately (cost_allocation_create)."""
    at = now(at)
    placement = locked(placement)
    require_party(placement, by)
    require_phase(placement, RUNNING)
    hvb_profile_choosable(to_hvb)
    errors = {}
    if to_hvb.pk == placement.hvb_unit_id:
        errors["to_hvb"] = _("Personen är redan placerad på det HVB:et.")
    if on < (placement.start_date or placement.decided_on):
        errors["on"] = _("Bytet kan inte gälla före beslutet eller inflyttningen.")
    if level not in Placement.DecisionLevel.values:
        errors["level"] = _("Välj beslutsnivå: delegat, utskott eller nämnd.")
    if not decided_by.strip():
        errors["decided_by"] = _("Ange delegatens eller det beslutande organets namn.")
    if errors:
        raise ValidationError(errors)
    change = HvbChange.objects.create(
        placement=placement,
        from_hvb=placement.hvb_unit,
        to_hvb=to_hvb,
        on=on,
        decision_level=level,
        decided_by=decided_by.strip(),
        recorded_at=at,
        recorded_by=by,
    )
    placement.hvb_unit = to_hvb
    require_consent(placement, at=at)
    placement.save(update_fields=["hvb_unit"])
    history(
        placement,
        what=gettext_noop(
            "Byte av HVB från %(from_hvb)s till %(to_hvb)s från %(on)s, beslutat av "
            "%(decided_by)s (%(level)s)."
        ),
        at=at,
        by=by,
        from_hvb=change.from_hvb,
        to_hvb=to_hvb,
        on=on.isoformat(),
        decided_by=change.decided_by,
        level=change.get_decision_level_display(),
    )
    grants_sync_placement(placement=placement, at=at)
    return change
