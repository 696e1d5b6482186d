"""Reads for avvikelser: the lists (one SQL filter over the parties whatever the number of
reports), one report's log and state, the chefs' red list, and the notice rule of the tvist
ladder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import chain
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse

from directory.durations import DurationCode, add_months
from directory.models import Membership, Unit, User
from directory.selectors import CASE_ROLES, duration_for

from .access import deviations_visible_to, with_person_visible
from .models import Allocation, Deviation, DeviationParty, Dispute, DisputeLevel
from .rules import PARTY_ORGANISATION_KINDS

#: A list page shows this many reports at a time.
PAGE_SIZE = 50


def deviation_url(deviation: Deviation | int) -> str:
    pk = deviation if isinstance(deviation, int) else deviation.pk
    return reverse("deviations:detail", kwargs={"pk": pk})


def _parties() -> Prefetch:
    return Prefetch(
        "parties",
        queryset=DeviationParty.objects.select_related("organisation", "unit", "handler"),
    )


def deviation_rows(*, user: User, status: str | None = None) -> QuerySet[Deviation]:
    """The reports the user may see, newest first, each marked ``person_visible``, with
    their parties: a constant number of queries however many there are."""
    rows = with_person_visible(deviations_visible_to(user=user), user=user)
    if status:
        rows = rows.filter(status=status)
    return (
        rows.select_related("reporting_unit__organisation", "person")
        .prefetch_related(_parties())
        .order_by("-reported_at", "-pk")
    )


def allocations_pending_query(*, user: User, units, today: dt.date) -> QuerySet[Deviation]:
    """For the chef's overview (red): reports concerning these units whose temporary
    allocation of responsibility the parties have not yet all agreed, of those the user may
    see, due since they were reported (``overview_due``). Shown without the person."""
    return (
        deviations_visible_to(user=user)
        .filter(
            status=Deviation.Status.REPORTED,
            pk__in=DeviationParty.objects.filter(unit__in=units).values("deviation_id"),
        )
        .annotate(overview_due=TruncDate("reported_at"))
        .select_related("reporting_unit")
        .prefetch_related(_parties())
    )


def allocations_pending(*, user: User, units, today: dt.date) -> list[Deviation]:
    """``allocations_pending_query``, evaluated: the oldest report first."""
    return list(
        allocations_pending_query(user=user, units=units, today=today).order_by("reported_at", "pk")
    )


def current_allocation(*, deviation: Deviation) -> Allocation | None:
    """The newest proposal, with who has approved it."""
    return (
        deviation.allocations.select_related("proposed_by", "proposed_party__organisation")
        .prefetch_related("approvals__party__organisation", "approvals__by")
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class LogLine:
    """One line of an avvikelse's log: a history entry or an investigation note."""

    at: dt.datetime
    by: Any
    organisation: Any
    text: str
    note: bool


def deviation_log(*, deviation: Deviation) -> list[LogLine]:
    """What happened, and each party's investigation notes, in time order (two queries)."""
    history = deviation.history.select_related("by", "unit__organisation")
    notes = deviation.notes.select_related("by", "party__organisation")
    lines = chain(
        (
            LogLine(entry.at, entry.by, entry.unit and entry.unit.organisation, entry.text, False)
            for entry in history
        ),
        (LogLine(note.at, note.by, note.party.organisation, note.text, True) for note in notes),
    )
    return sorted(lines, key=lambda line: line.at)


def deviation_parties(*, deviation: Deviation) -> list[DeviationParty]:
    return list(
        deviation.parties.select_related("organisation", "unit", "handler", "signed_off_by")
    )


def dispute_of(*, deviation: Deviation) -> Dispute | None:
    return (
        Dispute.objects.filter(deviation=deviation)
        .prefetch_related(Prefetch("levels", queryset=DisputeLevel.objects.order_by("pk")))
        .first()
    )


def handler_candidates(*, organisations) -> QuerySet[User]:
    """Who can be named a party's handler: active staff with a case role anywhere in its
    organisation (the MAS, MAR or SAS rarely works in the unit concerned)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__unit__organisation__in=organisations,
            memberships__role__in=CASE_ROLES,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def report_units(*, user: User) -> QuerySet[Unit]:
    """The units a user reports from: where they work with cases, in a kommun or region."""
    return (
        Unit.objects.filter(
            memberships__user=user,
            memberships__role__in=CASE_ROLES,
            organisation__kind__in=PARTY_ORGANISATION_KINDS,
        )
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "name")
    )


def concerned_unit_choices(*, user: User) -> QuerySet[Unit]:
    """The units a report by the user can concern: those of a kommun or a region the user
    does not work in."""
    return (
        Unit.objects.filter(organisation__kind__in=PARTY_ORGANISATION_KINDS)
        .exclude(organisation__in=report_units(user=user).values("organisation_id"))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def user_is_manager_of(*, user: User, units) -> bool:
    return Membership.objects.filter(
        user=user, unit__in=units, role=Membership.Role.MANAGER
    ).exists()


# --- The tvist ladder's notice rule -----------------------------------------------------------


@dataclass(frozen=True)
class NoticeCheck:
    """Länschefsnätverket: the notice to its steering group at least a month before the
    meeting the tvist is raised at (directory.durations: DISPUTE_NOTICE_BEFORE_MEETING).
    ``months`` is None where no rule was in force on the notice's date."""

    months: int | None
    earliest_meeting: dt.date | None
    latest_notice: dt.date | None

    def allows(self, meeting_on: dt.date) -> bool:
        """Whether a meeting on ``meeting_on`` is far enough after the notice."""
        return self.earliest_meeting is None or meeting_on >= self.earliest_meeting


def notice_months(*, on: dt.date) -> int | None:
    try:
        return duration_for(
            code=DurationCode.DISPUTE_NOTICE_BEFORE_MEETING, organisation=None, on=on
        )
    except LookupError:
        return None


def notice_check(*, notice_on: dt.date | None, meeting_on: dt.date | None) -> NoticeCheck:
    """The earliest meeting a notice given on ``notice_on`` allows, and the latest day a
    notice for a meeting on ``meeting_on`` may be given."""
    months = notice_months(on=notice_on or meeting_on) if (notice_on or meeting_on) else None
    if months is None:
        return NoticeCheck(months=None, earliest_meeting=None, latest_notice=None)
    return NoticeCheck(
        months=months,
        earliest_meeting=add_months(notice_on, months) if notice_on else None,
        latest_notice=add_months(meeting_on, -months) if meeting_on else None,
    )
