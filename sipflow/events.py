"""The events SIP writes to the outbox: their codes, names and e-mail wordings, registered
in notifications.kinds from ``SipflowConfig.ready()``, and the meeting data they carry."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from notifications.kinds import CalendarMethod, EventKind, Recipient, When, register_event_kind

from .models import DeclineReason, Invitation, Meeting


class SipEvent(models.TextChoices):
    INVITATION_SENT = "invitation_sent", _("Kallelse skickad")
    INVITATION_RESCHEDULED = "invitation_rescheduled", _("Möte flyttat")
    INVITATION_CANCELLED = "invitation_cancelled", _("Kallelse återkallad")
    INVITATION_UNANSWERED = "invitation_unanswered", _("Kallelse obesvarad")
    ANSWER_DUE_SOON = "answer_due_soon", _("Kallelse att besvara snart")
    ANSWER_RECEIVED = "answer_received", _("Svar på kallelse")
    FOLLOW_UP_DUE = "follow_up_due", _("Uppföljning att göra")
    LEAD_RETURNED = "lead_returned", _("Huvudansvar tillbaka hos enheten")


def meeting_data(meeting: Meeting) -> dict[str, str]:
    """What a message about a meeting may say: no personal data. ``place`` stays behind the
    login (notifications.ical leaves it out of the invitation)."""
    local = timezone.localtime(meeting.starts_at)
    return {
        "meeting": str(meeting.pk),
        "uid": str(meeting.uid),
        "starts_at": local.isoformat(),
        "answer_by": meeting.answer_by.isoformat(),
        "sequence": str(meeting.sequence),
        "place": meeting.place,
        "video_link": meeting.video_link,
    }


def answer_detail(data) -> str:
    """The in-app notice of an answer: which unit answered, and how (for a decline, the
    reason chosen)."""
    invitee = data.get("invitee")
    if not invitee:  # a notice to the kallad unit itself
        return ""
    status = data.get("status")
    if status == Invitation.Status.ACCEPTED:
        return gettext("%(invitee)s har accepterat kallelsen.") % {"invitee": invitee}
    if status == Invitation.Status.DECLINED:
        reason = data.get("reason")
        if reason in DeclineReason.values:
            return gettext("%(invitee)s har avböjt kallelsen: %(reason)s.") % {
                "invitee": invitee,
                "reason": DeclineReason(reason).label,
            }
        return gettext("%(invitee)s har avböjt kallelsen.") % {"invitee": invitee}
    if status in (Invitation.Status.UNANSWERED, Invitation.Status.PENDING):
        return gettext("%(invitee)s har inte svarat på kallelsen.") % {"invitee": invitee}
    return ""


#: The title of the meeting in a calendar: no names, no place (notifications.ical).
MEETING_SUMMARY = "SIP-möte"
MEETING = When(gettext_noop("Tid för mötet: %(when)s"), "starts_at", with_time=True)
ANSWER_BY = When(gettext_noop("Svara senast: %(when)s"), "answer_by")

_UNIT, _USER = frozenset({Recipient.UNIT}), frozenset({Recipient.USER})

KINDS = (
    EventKind(
        code=SipEvent.INVITATION_SENT,
        label=SipEvent.INVITATION_SENT.label,
        subject=gettext_noop("Ny kallelse till SIP-möte"),
        lead=gettext_noop(
            "Ni har fått en kallelse till ett SIP-möte. Logga in i sipflow för att svara."
        ),
        recipients=_UNIT,
        dates=(MEETING, ANSWER_BY),
        calendar=CalendarMethod.REQUEST,
        calendar_summary=MEETING_SUMMARY,
    ),
    EventKind(
        code=SipEvent.INVITATION_RESCHEDULED,
        label=SipEvent.INVITATION_RESCHEDULED.label,
        subject=gettext_noop("SIP-möte flyttat"),
        lead=gettext_noop(
            "Ett SIP-möte som ni är kallade till har flyttats. Logga in i sipflow för att "
            "svara på nytt."
        ),
        recipients=_UNIT,
        dates=(
            When(gettext_noop("Ny tid för mötet: %(when)s"), "starts_at", with_time=True),
            ANSWER_BY,
        ),
        calendar=CalendarMethod.REQUEST,
        calendar_summary=MEETING_SUMMARY,
    ),
    EventKind(
        code=SipEvent.INVITATION_CANCELLED,
        label=SipEvent.INVITATION_CANCELLED.label,
        subject=gettext_noop("Kallelse till SIP-möte återkallad"),
        lead=gettext_noop("En kallelse till ett SIP-möte har återkallats och gäller inte längre."),
        recipients=_UNIT,
        dates=(MEETING,),
        calendar=CalendarMethod.CANCEL,
        calendar_summary=MEETING_SUMMARY,
    ),
    EventKind(
        code=SipEvent.INVITATION_UNANSWERED,
        label=SipEvent.INVITATION_UNANSWERED.label,
        subject=gettext_noop("Obesvarad kallelse till SIP-möte"),
        lead=gettext_noop(
            "En kallelse till ett SIP-möte har inte besvarats i tid. Logga in i sipflow för "
            "att se den."
        ),
        recipients=_UNIT | _USER,  # the invited units and the SIP's lead
        dates=(MEETING, ANSWER_BY),
        detail=answer_detail,
    ),
    EventKind(
        code=SipEvent.ANSWER_DUE_SOON,
        label=SipEvent.ANSWER_DUE_SOON.label,
        subject=gettext_noop("Påminnelse: kallelse till SIP-möte att besvara"),
        lead=gettext_noop(
            "En kallelse till ett SIP-möte behöver besvaras snart. Logga in i sipflow för "
            "att svara."
        ),
        recipients=_UNIT,
        dates=(MEETING, ANSWER_BY),
    ),
    EventKind(
        code=SipEvent.ANSWER_RECEIVED,
        label=SipEvent.ANSWER_RECEIVED.label,
        subject=gettext_noop("Svar på kallelse till SIP-möte"),
        lead=gettext_noop(
            "Ett svar på en kallelse till ett SIP-möte har kommit in. Logga in i sipflow för "
            "att se svaret."
        ),
        recipients=_USER,
        dates=(MEETING,),
        detail=answer_detail,
    ),
    EventKind(
        code=SipEvent.FOLLOW_UP_DUE,
        label=SipEvent.FOLLOW_UP_DUE.label,
        subject=gettext_noop("Dags för uppföljning av SIP"),
        lead=gettext_noop(
            "Det är dags att följa upp en SIP. Logga in i sipflow för att göra uppföljningen."
        ),
        recipients=_USER,
        dates=(When(gettext_noop("Datum för uppföljning: %(when)s"), "due"),),
    ),
    EventKind(
        code=SipEvent.LEAD_RETURNED,
        label=SipEvent.LEAD_RETURNED.label,
        subject=gettext_noop("Huvudansvaret för en SIP är tillbaka hos er"),
        lead=gettext_noop(
            "Samtycket omfattar inte längre den enhet som var huvudansvarig för en SIP som ni "
            "initierade, så huvudansvaret är tillbaka hos er. Logga in i sipflow för att se "
            "SIP:en och välja ny huvudansvarig."
        ),
        recipients=_UNIT,
    ),
)


def sip_event_kinds_register() -> None:
    for kind in KINDS:
        register_event_kind(kind)
