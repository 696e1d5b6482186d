import datetime as dt

import icalendar
import pytest

from notifications.ical import meeting_calendar
from notifications.models import Event
from sipflow.events import SipEvent
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

UID = "4f0c2f3e-1d0a-4a7e-9c1f-2b3c4d5e6f70"
MEETING_DATA = {
    "meeting": "7",
    "uid": UID,
    "starts_at": "2026-12-07T13:00:00+01:00",
    "answer_by": "2026-11-30",
    "sequence": "0",
    "place": "Storgatan 1",
    "video_link": "",
    "person": "Alva Ek",
    "pnr": "201301019822",
}
ATTENDEES = ["bup@example.se", "hc@example.se"]
ORGANIZER = "noreply@sipflow.example.se"
LINK = "https://sipflow.example.se/sip/kallelser/5/"


def make_event(kind=SipEvent.INVITATION_SENT, **data):
    return Event.objects.create(
        kind=kind,
        recipient_unit=UnitFactory(),
        url="/sip/kallelser/5/",
        data={**MEETING_DATA, **data},
    )


def calendar_for(event):
    ics = meeting_calendar(event=event, attendees=ATTENDEES, organizer=ORGANIZER, link=LINK)
    return ics, icalendar.Calendar.from_ical(ics)


def test_a_kallelse_is_a_request_in_swedish_time():
    ics, calendar = calendar_for(make_event())

    assert calendar["METHOD"] == "REQUEST"
    [meeting] = calendar.events
    assert meeting["UID"] == f"{UID}@sipflow"
    assert meeting.sequence == 0
    assert meeting["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert meeting.start == dt.datetime.fromisoformat("2026-12-07T13:00:00+01:00")
    assert (meeting.start.hour, meeting.start.minute) == (13, 0)
    assert str(meeting.start.tzinfo) == "Europe/Stockholm"
    assert meeting.end - meeting.start == dt.timedelta(hours=1)
    assert meeting.stamp.tzinfo is not None and meeting.stamp.utcoffset() == dt.timedelta(0)
    assert meeting["SUMMARY"] == "SIP-möte"
    assert meeting["DESCRIPTION"] == LINK
    assert meeting["STATUS"] == "CONFIRMED"
    assert b"DTSTART;TZID=Europe/Stockholm:20261207T130000" in ics
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Stockholm"]


def test_organizer_and_attendees():
    _, calendar = calendar_for(make_event())
    [meeting] = calendar.events

    assert meeting["ORGANIZER"] == f"mailto:{ORGANIZER}"
    assert [str(attendee) for attendee in meeting.attendees] == [
        f"mailto:{address}" for address in ATTENDEES
    ]
    for attendee in meeting.attendees:
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["RSVP"] == "FALSE"  # answers are given in sipflow


def test_no_personal_data_and_no_place_in_the_calendar():
    ics, calendar = calendar_for(make_event())

    for word in (b"Alva", b"Ek", b"201301019822", b"Storgatan"):
        assert word not in ics
    assert "LOCATION" not in calendar.events[0]


def test_the_video_link_is_the_location():
    _, calendar = calendar_for(make_event(video_link="https://meet.example.se/r/123"))

    assert calendar.events[0]["LOCATION"] == "https://meet.example.se/r/123"


def test_summer_time_keeps_the_local_time():
    _, calendar = calendar_for(make_event(starts_at="2027-06-01T09:30:00+02:00"))
    [meeting] = calendar.events

    assert (meeting.start.hour, meeting.start.minute) == (9, 30)
    assert meeting.start.utcoffset() == dt.timedelta(hours=2)


def test_a_reschedule_raises_the_sequence():
    _, first = calendar_for(make_event())
    moved_ics, moved = calendar_for(
        make_event(
            SipEvent.INVITATION_RESCHEDULED,
            sequence="1",
            starts_at="2026-12-09T10:00:00+01:00",
        )
    )

    assert moved["METHOD"] == "REQUEST"
    assert b"SEQUENCE:1" in moved_ics
    assert moved.events[0].sequence > first.events[0].sequence
    assert moved.events[0]["UID"] == first.events[0]["UID"]
    assert (moved.events[0].start.day, moved.events[0].start.hour) == (9, 10)


def test_a_cancellation_cancels_at_the_last_sequence():
    ics, calendar = calendar_for(make_event(SipEvent.INVITATION_CANCELLED, sequence="2"))
    [meeting] = calendar.events

    assert calendar["METHOD"] == "CANCEL"
    assert meeting["STATUS"] == "CANCELLED"
    assert meeting.sequence == 2
    assert meeting["UID"] == f"{UID}@sipflow"
    assert b"Alva" not in ics


def test_other_events_have_no_calendar():
    with pytest.raises(ValueError):
        meeting_calendar(
            event=make_event(SipEvent.ANSWER_RECEIVED), attendees=[], organizer=ORGANIZER
        )
    with pytest.raises(ValueError):
        meeting_calendar(event=make_event(uid=""), attendees=[], organizer=ORGANIZER)
