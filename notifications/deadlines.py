"""Due and overdue work, computed by the periodic tick: reminders before a deadline and one
daily digest per chef of what is overdue in their units (escalation)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from directory.durations import DurationCode
from directory.models import Membership, Unit, User
from directory.selectors import duration_for, user_managed_units

from .models import Event
from .services import event_emit
from .workdays import add_working_days


def answer_due_soon_remind(*, at: dt.datetime | None = None) -> int:
    """Kallelser still unanswered whose answer-by date is today or the next working day:
    one reminder to each invited unit (for a huvudman, its units), before the deadline."""
    from sipflow.models import Invitation
    from sipflow.selectors import invitation_recipient_units
    from sipflow.services import meeting_data as _meeting_data

    today = timezone.localdate(at or timezone.now())
    horizon = add_working_days(today, 1)
    due = Invitation.objects.filter(
        status=Invitation.Status.PENDING,
        meeting__answer_by__gte=today,
        meeting__answer_by__lte=horizon,
    ).select_related("meeting", "unit", "organisation")
    reminded = 0
    for invitation in due:
        for unit in invitation_recipient_units(invitation=invitation):
            with transaction.atomic():
                event = event_emit(
                    kind=Event.Kind.ANSWER_DUE_SOON,
                    recipient_unit=unit,
                    url=reverse("sip:invitation", kwargs={"pk": invitation.pk}),
                    data=_meeting_data(invitation.meeting),
                    dedupe_key=(
                        f"answer-due-soon:{invitation.pk}:{unit.pk}:{invitation.meeting.answer_by}"
                    ),
                )
                reminded += event is not None
    return reminded


def overdue_counts(*, user: User, units: list[Unit], today: dt.date) -> dict[str, int]:
    """What is overdue in these units, of the cases the user may see now (the same check as
    the start page's lists); no personal data, only counts."""
    from sipflow.selectors import follow_ups_overdue, invitations_unanswered

    return {
        "unanswered": len(invitations_unanswered(user=user, units=units, today=today)),
        "overdue_follow_ups": len(follow_ups_overdue(user=user, units=units, today=today)),
    }


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
                kind=Event.Kind.ESCALATION,
                recipient_user=chef,
                url=reverse("overview:index"),
                data={"date": today.isoformat(), **counts},
                dedupe_key=f"digest:{chef.pk}:{today.isoformat()}",
            )
            sent += event is not None
    return sent
