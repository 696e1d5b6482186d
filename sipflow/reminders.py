"""Reminders the periodic tick sends before a SIP deadline."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.services import event_emit
from notifications.workdays import add_working_days

from .events import SipEvent, meeting_data
from .models import Invitation
from .selectors import invitation_recipient_units


def answer_due_soon_remind(*, at: dt.datetime | None = None) -> int:
    """Kallelser still unanswered whose answer-by date is today or the next working day:
    one reminder to each invited unit (for a huvudman, its units), before the deadline."""
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
                    kind=SipEvent.ANSWER_DUE_SOON,
                    recipient_unit=unit,
                    url=reverse("sip:invitation", kwargs={"pk": invitation.pk}),
                    data=meeting_data(invitation.meeting),
                    dedupe_key=(
                        f"answer-due-soon:{invitation.pk}:{unit.pk}:{invitation.meeting.answer_by}"
                    ),
                )
                reminded += event is not None
    return reminded
