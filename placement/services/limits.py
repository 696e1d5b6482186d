"""The legal end of the care, enforced: LVM at most the rule table's longest care (it cannot
be extended), LVU 2 § until the day before the 18th birthday, LVU 3 § the 21st (LVU 21 §,
LVM 20 §). Every step that sets a date the care goes on to asks here."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from directory.models import User

from ..models import Placement
from ..selectors import LIVING_THERE, legal_end
from .base import history, locked, now, require_party, require_phase


def legal_end_require(placement: Placement, day: dt.date, *, field: str) -> None:
    """Refuse ``day`` when the placement's legal basis does not allow the care that long."""
    end = legal_end(placement=placement)
    if end is not None and day > end:
        raise ValidationError(
            {
                field: _(
                    "Lagrummet tillåter vården längst till och med %(end)s; den kan inte förlängas."
                )
                % {"end": end.isoformat()}
            }
        )


@transaction.atomic
def placement_planned_end_set(
    *,
    placement: Placement,
    by: User,
    planned_end_date: dt.date,
    at: dt.datetime | None = None,
) -> Placement:
    """Change the planned end date of a running placement, never past its legal end."""
    at = now(at)
    placement = locked(placement)
    require_party(placement, by)
    require_phase(placement, LIVING_THERE)
    if planned_end_date < placement.start_date:
        raise ValidationError(
            {"planned_end_date": _("Slutdatumet kan inte ligga före inflyttningen.")}
        )
    legal_end_require(placement, planned_end_date, field="planned_end_date")
    placement.planned_end_date = planned_end_date
    placement.save(update_fields=["planned_end_date"])
    history(
        placement,
        what=gettext_noop("Planerat slutdatum ändrat till %(on)s."),
        at=at,
        by=by,
        on=planned_end_date.isoformat(),
    )
    return placement
