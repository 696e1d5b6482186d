"""What a SIP step tells the units and people concerned (through the outbox): the kallade
units about their kallelse, the huvudansvarig about answers. A message names no one: it
carries the meeting's time and place and a link."""

from __future__ import annotations

from django.urls import reverse

from notifications.services import event_emit

from ..events import SipEvent, meeting_data
from ..models import Invitation, SipPlan
from ..selectors import invitation_recipient_units


def plan_url(plan: SipPlan) -> str:
    return reverse("sip:plan", kwargs={"pk": plan.pk})


def invitation_url(invitation: Invitation) -> str:
    return reverse("sip:invitation", kwargs={"pk": invitation.pk})


def tell_invitee(invitation: Invitation, *, kind: str, link: bool = True) -> None:
    """Each unit the kallelse reaches (for a huvudman: its units) is told, with a link to
    the kallelse unless ``link`` is false (a cancelled kallelse: its SIP is no longer the
    unit's to see, and the page would answer "Sidan finns inte")."""
    for unit in invitation_recipient_units(invitation=invitation):
        event_emit(
            kind=kind,
            recipient_unit=unit,
            url=invitation_url(invitation) if link else "",
            data=meeting_data(invitation.meeting),
        )


def tell_lead(invitation: Invitation, *, kind: str = SipEvent.ANSWER_RECEIVED) -> None:
    """The huvudansvarig person is told of an answer (or of its absence): which unit, and
    how it answered (the in-app notice says so; the e-mail does not)."""
    plan = invitation.meeting.plan
    if plan.coordinator_id:
        event_emit(
            kind=kind,
            recipient_user=plan.coordinator,
            url=plan_url(plan),
            data={
                **meeting_data(invitation.meeting),
                "status": invitation.status,
                "invitee": str(invitation.invitee),
                "reason": invitation.decline_code,
            },
        )
