"""Utredning: the assessment's entries per area, and the less intrusive alternatives tried."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.history import history_counted
from directory.models import User

from ..models import AlternativeTried, AssessmentEntry, Placement
from .base import history, locked, now, require_party, require_phase

ASSESSMENT_WRITTEN = history_counted(
    "Utredningen skrevs (%(count)s område).",
    "Utredningen skrevs (%(count)s områden).",
)


@transaction.atomic
def assessment_record(
    *,
    placement: Placement,
    by: User,
    entries: Mapping[str, str],
    at: dt.datetime | None = None,
) -> Placement:
    """Write the utredning's assessment: ``entries`` maps an area's code to its text. An
    empty text clears the area. Only before the decision."""
    at = now(at)
    placement = locked(placement)
    require_party(placement, by)
    require_phase(placement, Placement.BEFORE_DECISION)
    assessment = placement.assessment
    areas = {area.code: area for area in assessment.template.areas.all()}
    unknown = sorted(set(entries) - set(areas))
    if unknown:
        raise ValidationError(
            {"entries": _("Okända områden i utredningen: %(codes)s.") % {"codes": unknown}}
        )
    for code, text in entries.items():
        text = text.strip()
        if text:
            AssessmentEntry.objects.update_or_create(
                assessment=assessment,
                area=areas[code],
                defaults={"text": text, "written_at": at, "written_by": by},
            )
        else:
            AssessmentEntry.objects.filter(assessment=assessment, area=areas[code]).delete()
    history(
        placement,
        what=ASSESSMENT_WRITTEN,
        at=at,
        by=by,
        count=len(entries),
    )
    return placement


@transaction.atomic
def alternative_record(
    *,
    placement: Placement,
    by: User,
    kind: str,
    started_on: dt.date,
    outcome: str,
    ended_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> AlternativeTried:
    """Record a less intrusive insats that was tried (familjehem and stödboende are less
    intrusive than HVB), its period and what came of it. Only before the decision."""
    at = now(at)
    placement = locked(placement)
    require_party(placement, by)
    require_phase(placement, Placement.BEFORE_DECISION)
    alternative = AlternativeTried(
        placement=placement,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        outcome=outcome.strip(),
        recorded_at=at,
        recorded_by=by,
    )
    alternative.full_clean()
    alternative.save()
    history(
        placement,
        what=gettext_noop("Prövat alternativ dokumenterat: %(kind)s."),
        at=at,
        by=by,
        kind=alternative.get_kind_display(),
    )
    return alternative
