"""The calendar invitation (iCalendar, RFC 5545/5546) sent with a kallelse.

It travels in the same e-mail as the message, so the same rule holds: no personal identity
data. The summary is only the kind's ``calendar_summary`` (such as "SIP-möte"), the
description only the link, and the location only the video link: the meeting's place is
left out even here, because it may be a person's home and an address beside "SIP-möte" and a
unit's name says who the meeting is about. Both are shown after logging in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
from django.utils import timezone

from .kinds import event_kind
from .models import Event, aware_datetime

#: The data carries only the start; a meeting is booked for an hour.
MEETING_DURATION = dt.timedelta(hours=1)

PRODID = "-//sipflow//sipflow//SV"


def calendar_method(event: Event) -> str | None:
    """``REQUEST`` or ``CANCEL`` when ``event``'s kind sends, moves or cancels a meeting
    (its registered ``calendar``) and its data names it (``uid``, ``starts_at``); otherwise
    None: the event has no calendar part."""
    kind = event_kind(event.kind)
    method = kind.calendar if kind else None
    if method and event.data.get("uid") and _starts_at(event.data):
        return str(method)
    return None


def meeting_calendar(
    *, event: Event, attendees: list[str], organizer: str, link: str = ""
) -> bytes:
    """The iCalendar object for a kallelse event: a request for a sent or moved meeting, a
    cancellation for a cancelled one. ``link`` (the event's page) is the description.

    The UID is the meeting's, so a client updates its entry instead of adding one, and the
    SEQUENCE is the meeting's, which goes up on every move. A cancellation carries the
    meeting's current sequence (cancelling an invitation does not move the meeting): equal
    to the last request's, which RFC 5546 accepts, and a later re-invitation with the same
    sequence is not taken for an outdated one.
    """
    method = calendar_method(event)
    if method is None:
        raise ValueError(f"event {event.pk} ({event.kind}) is not about a meeting time")
    data = event.data
    starts_at = timezone.localtime(_starts_at(data), timezone.get_default_timezone())
    meeting = icalendar.Event.new(
        uid=f"{data['uid']}@sipflow",
        sequence=int(data.get("sequence") or 0),
        stamp=dt.datetime.now(dt.UTC),
        start=starts_at,
        end=starts_at + MEETING_DURATION,
        summary=event_kind(event.kind).calendar_summary or None,
        description=link or None,
        location=(data.get("video_link") or "").strip() or None,
        organizer=icalendar.vCalAddress.new(organizer),
        # RSVP=FALSE: the answer is given in sipflow, not to the noreply organizer.
        attendees=[
            icalendar.vCalAddress.new(address, role="REQ-PARTICIPANT", rsvp=False)
            for address in attendees
        ],
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
    )
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(meeting)
    # VTIMEZONE for the years around the meeting, not 1970 to 2038: the invitation stays small.
    calendar.add_missing_timezones(
        first_date=dt.date(starts_at.year - 1, 1, 1),
        last_date=dt.date(starts_at.year + 2, 1, 1),
    )
    return calendar.to_ical()


def _starts_at(data: dict[str, Any]) -> dt.datetime | None:
    return aware_datetime(data.get("starts_at"))
