"""The chef's daily digest (escalation): one e-mail a day per chef counting what is late in
the units they lead, list by list of the overview (cases.registry.overview_rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from cases.registry import overview_rows
from directory.durations import DurationCode
from directory.models import Membership, Unit, User
from directory.selectors import duration_for, user_managed_units
from notifications.kinds import EventKind, Recipient, When, register_event_kind
from notifications.services import event_emit


class OverviewEvent(models.TextChoices):
    ESCALATION = "escalation", _("Försenat ärende")


def overdue_counts(*, user: User, units: list[Unit], today: dt.date) -> dict[str, int]:
    """What is late in these units, of the cases the user may see now (the same lists as
    the start page's), by the lists' codes; no personal data, only counts, each up to
    ``COUNT_CAP + 1`` (more than the cap, overview.selectors)."""
    from .selectors import OverviewReader

    return OverviewReader(user=user, units=units, today=today).counts()


def escalation_digests_send(*, at: dt.datetime | None = None) -> int:
    """One digest per chef per day, listing what is overdue in the units they lead. It goes
    out with the first tick after the reminder hour (local time; 07:00 unless the
    organisation chose another, directory.durations) of the chef's units' organisation, the
    earliest one where they lead units in several."""
    at = at or timezone.now()
    hour, today = timezone.localtime(at).hour, timezone.localdate(at)
    chefs = User.objects.filter(
        memberships__role=Membership.Role.MANAGER, is_active=True
    ).distinct()
    sent = 0
    hours: dict[int, int] = {}
    for chef in chefs:
        units = list(user_managed_units(user=chef))
        for organisation_id in {unit.organisation_id for unit in units} - hours.keys():
            hours[organisation_id] = duration_for(
                code=DurationCode.REMINDER_HOUR, organisation=organisation_id, on=today
            )
        if not units or hour < min(hours[unit.organisation_id] for unit in units):
            continue
        counts = overdue_counts(user=chef, units=units, today=today)
        if not any(counts.values()):
            continue
        with transaction.atomic():
            event = event_emit(
                kind=OverviewEvent.ESCALATION,
                recipient_user=chef,
                url=reverse("overview:index"),
                data={"date": today.isoformat(), **counts},
                dedupe_key=f"digest:{chef.pk}:{today.isoformat()}",
            )
            sent += event is not None
    return sent


def digest_lead(data: Mapping[str, Any]) -> str:
    """The digest's first line, from the counts its data holds, in the overview's order."""
    from .selectors import COUNT_CAP

    counts = []
    for rows in overview_rows():
        count = _count(data.get(rows.code))
        if count > COUNT_CAP:  # counted up to the cap (overview.selectors.COUNT_CAP)
            counted = rows.counted(COUNT_CAP) % {"count": COUNT_CAP}
            counts.append(gettext("fler än %(counted)s") % {"counted": counted})
        elif count:
            counts.append(rows.counted(count) % {"count": count})
    if not counts:
        return gettext("Inget är försenat i dina enheter.")
    return gettext("Försenat i dina enheter: %(counts)s.") % {
        "counts": get_text_list(counts, gettext("och"))
    }


def _count(value: Any) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


ESCALATION = EventKind(
    code=OverviewEvent.ESCALATION,
    label=OverviewEvent.ESCALATION.label,
    subject=gettext_noop("Försenat i dina enheter"),
    lead=digest_lead,
    recipients=frozenset({Recipient.USER}),
    dates=(When(gettext_noop("Sammanställt: %(when)s"), "date"),),
)


def digest_register() -> None:
    register_event_kind(ESCALATION)
