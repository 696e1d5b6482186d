import email

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone, translation

from notifications.messages import email_for_event
from notifications.models import Event
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://sipflow.example.se"
TO = ["handlaggare@example.se"]

#: What must never reach an e-mail: identity data and free text hidden in extra keys.
FORBIDDEN = ["Alva", "Ek", "201301019822", "20130101-9822", "Storgatan", "SIP enligt SoL"]

MEETING_DATA = {
    "meeting": "7",
    "uid": "4f0c2f3e-1d0a-4a7e-9c1f-2b3c4d5e6f70",
    "starts_at": "2026-12-07T13:00:00+01:00",
    "answer_by": "2026-11-30",
    "sequence": "0",
    "place": "Storgatan 1",
    "video_link": "",
}
SENSITIVE = {"person": "Alva Ek", "pnr": "201301019822", "note": "Alva Ek, 20130101-9822"}

DATA = {
    Event.Kind.INVITATION_SENT: MEETING_DATA,
    Event.Kind.INVITATION_RESCHEDULED: {**MEETING_DATA, "sequence": "1"},
    Event.Kind.INVITATION_CANCELLED: MEETING_DATA,
    Event.Kind.INVITATION_UNANSWERED: MEETING_DATA,
    Event.Kind.ANSWER_DUE_SOON: MEETING_DATA,
    Event.Kind.ANSWER_RECEIVED: {**MEETING_DATA, "status": "declined"},
    Event.Kind.FOLLOW_UP_DUE: {"due": "2027-03-12"},
    Event.Kind.CONSENT_REGISTERED: {"purpose": "SIP enligt SoL"},
    Event.Kind.LEAD_RETURNED: {},
    Event.Kind.CONSENT_EXPIRING: {"purpose": "SIP enligt SoL", "valid_until": "2026-12-20"},
    Event.Kind.CONSENT_WITHDRAWN: {"purpose": "SIP enligt SoL"},
    Event.Kind.CONSENT_EXPIRED: {"purpose": "SIP enligt SoL"},
    Event.Kind.REVIEW_DUE: {"due": "2027-01-15"},
    Event.Kind.ESCALATION: {"date": "2026-11-23", "unanswered": 3, "overdue_follow_ups": 1},
}

SUBJECTS = {
    Event.Kind.INVITATION_SENT: "Ny kallelse till SIP-möte",
    Event.Kind.INVITATION_RESCHEDULED: "SIP-möte flyttat",
    Event.Kind.INVITATION_CANCELLED: "Kallelse till SIP-möte återkallad",
    Event.Kind.INVITATION_UNANSWERED: "Obesvarad kallelse till SIP-möte",
    Event.Kind.ANSWER_DUE_SOON: "Påminnelse: kallelse till SIP-möte att besvara",
    Event.Kind.ANSWER_RECEIVED: "Svar på kallelse till SIP-möte",
    Event.Kind.FOLLOW_UP_DUE: "Dags för uppföljning av SIP",
    Event.Kind.CONSENT_REGISTERED: "Samtycke registrerat",
    Event.Kind.LEAD_RETURNED: "Huvudansvaret för en SIP är tillbaka hos er",
    Event.Kind.CONSENT_EXPIRING: "Samtycke går snart ut",
    Event.Kind.CONSENT_WITHDRAWN: "Samtycke återkallat",
    Event.Kind.CONSENT_EXPIRED: "Samtycke har gått ut",
    Event.Kind.REVIEW_DUE: "Övervägande att göra",
    Event.Kind.ESCALATION: "Försenat i dina enheter",
}

#: The date or time each kind's mail must show, as written in Swedish.
WHEN = {
    Event.Kind.INVITATION_SENT: ["Tid för mötet: 7 december 2026 kl. 13.00", "30 november 2026"],
    Event.Kind.INVITATION_RESCHEDULED: ["Ny tid för mötet: 7 december 2026 kl. 13.00"],
    Event.Kind.INVITATION_CANCELLED: ["7 december 2026 kl. 13.00"],
    Event.Kind.INVITATION_UNANSWERED: ["7 december 2026 kl. 13.00", "30 november 2026"],
    Event.Kind.ANSWER_DUE_SOON: ["7 december 2026 kl. 13.00", "Svara senast: 30 november 2026"],
    Event.Kind.ANSWER_RECEIVED: ["7 december 2026 kl. 13.00"],
    Event.Kind.FOLLOW_UP_DUE: ["12 mars 2027"],
    Event.Kind.CONSENT_REGISTERED: [],
    Event.Kind.LEAD_RETURNED: [],
    Event.Kind.CONSENT_EXPIRING: ["20 december 2026"],
    Event.Kind.CONSENT_WITHDRAWN: [],
    Event.Kind.CONSENT_EXPIRED: [],
    Event.Kind.REVIEW_DUE: ["15 januari 2027"],
    Event.Kind.ESCALATION: ["23 november 2026"],
}


def make_event(kind, data, *, url="/sip/kallelser/5/"):
    return Event.objects.create(
        kind=kind, recipient_user=UserFactory(), url=url, data={**data, **SENSITIVE}
    )


def test_every_kind_has_a_wording():
    assert set(SUBJECTS) == set(Event.Kind.values)


@pytest.mark.parametrize("kind", Event.Kind.values)
def test_every_kind_renders_swedish_with_the_link_and_no_personal_data(kind):
    event = make_event(kind, DATA[kind])

    with translation.override("en"):  # the worker's language does not matter
        message = email_for_event(event=event, to=TO, site_url=SITE)

    assert message.subject == SUBJECTS[kind]
    assert f"{SITE}/sip/kallelser/5/" in message.body
    assert "sipflow" in message.body
    for when in WHEN[kind]:
        assert when in message.body
    raw = message.message().as_string()
    for word in FORBIDDEN:
        assert word not in message.subject
        assert word not in message.body
        assert word not in raw
    assert message.to == TO


@override_settings(DEFAULT_FROM_EMAIL="sipflow <noreply@sipflow.example.se>")
def test_from_address_headers_and_sending():
    event = make_event(Event.Kind.CONSENT_WITHDRAWN, DATA[Event.Kind.CONSENT_WITHDRAWN])

    message = email_for_event(event=event, to=TO, site_url=SITE)
    message.send()

    assert message.from_email == "sipflow <noreply@sipflow.example.se>"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert mail.outbox[0].subject == "Samtycke återkallat"


def test_message_id_is_stable_per_event_and_recipients():
    event = make_event(Event.Kind.FOLLOW_UP_DUE, DATA[Event.Kind.FOLLOW_UP_DUE])

    def message_id(to):
        return email_for_event(event=event, to=to, site_url=SITE).extra_headers["Message-ID"]

    assert message_id(["a@x.se", "b@x.se"]) == message_id(["b@x.se", "a@x.se"])
    assert message_id(["a@x.se"]) != message_id(["b@x.se"])
    assert message_id(["a@x.se"]).startswith(f"<event-{event.pk}-")
    assert message_id(["a@x.se"]).endswith("@sipflow.example.se>")


def test_meeting_time_is_written_in_swedish_time():
    data = {**MEETING_DATA, "starts_at": "2027-03-12T12:00:00+00:00", "answer_by": "2027-03-01"}
    event = make_event(Event.Kind.INVITATION_SENT, data)

    with timezone.override("UTC"):  # whatever zone the worker has active
        body = email_for_event(event=event, to=TO, site_url=SITE).body

    assert "Tid för mötet: 12 mars 2027 kl. 13.00" in body
    assert "Svara senast: 1 mars 2027" in body


def test_summer_time_is_written_in_swedish_time():
    data = {**MEETING_DATA, "starts_at": "2027-06-01T07:30:00+00:00"}
    event = make_event(Event.Kind.INVITATION_SENT, data)

    assert "1 juni 2027 kl. 09.30" in email_for_event(event=event, to=TO, site_url=SITE).body


def test_missing_or_broken_dates_leave_their_line_out():
    event = make_event(Event.Kind.FOLLOW_UP_DUE, {"due": ""})
    broken = make_event(Event.Kind.INVITATION_SENT, {"starts_at": "i morgon", "answer_by": 3})

    body = email_for_event(event=event, to=TO, site_url=SITE).body
    message = email_for_event(event=broken, to=TO, site_url=SITE)

    assert "Datum för uppföljning" not in body
    assert "Tid för mötet" not in message.body
    assert message.attachments == []


def test_an_unknown_kind_gets_a_generic_message():
    event = Event.objects.create(
        kind="something_new", recipient_unit=UnitFactory(), url="/x/", data=SENSITIVE
    )

    message = email_for_event(event=event, to=TO, site_url=SITE + "/")

    assert message.subject == "Ny händelse i sipflow"
    assert f"{SITE}/x/" in message.body
    assert "Alva" not in message.body


def test_an_event_without_url_links_to_the_site():
    event = Event.objects.create(kind=Event.Kind.REVIEW_DUE, recipient_user=UserFactory())

    assert SITE in email_for_event(event=event, to=TO, site_url=SITE).body


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        (
            {"unanswered": 1, "overdue_follow_ups": 1, "expiring_consents": 1},
            "Försenat i dina enheter: 1 obesvarad kallelse, 1 försenad uppföljning och "
            "1 samtycke som snart går ut.",
        ),
        (
            {"unanswered": 3, "overdue_follow_ups": 2, "expiring_consents": 2},
            "Försenat i dina enheter: 3 obesvarade kallelser, 2 försenade uppföljningar och "
            "2 samtycken som snart går ut.",
        ),
        (
            {"unanswered": 0, "overdue_follow_ups": 4, "expiring_consents": 0},
            "Försenat i dina enheter: 4 försenade uppföljningar.",
        ),
        (
            {"overdue_reviews": 1, "unanswered": 2},
            "Försenat i dina enheter: 2 obesvarade kallelser och 1 försenat övervägande.",
        ),
        ({"unanswered": 0}, "Inget är försenat i dina enheter."),
    ],
)
def test_escalation_digest_counts_in_singular_and_plural(counts, expected):
    event = make_event(Event.Kind.ESCALATION, {"date": "2026-11-23", **counts})

    body = email_for_event(event=event, to=TO, site_url=SITE).body

    assert body.startswith(expected + "\n")
    assert "Sammanställt: 23 november 2026" in body


@pytest.mark.parametrize(
    ("kind", "method"),
    [
        (Event.Kind.INVITATION_SENT, "REQUEST"),
        (Event.Kind.INVITATION_RESCHEDULED, "REQUEST"),
        (Event.Kind.INVITATION_CANCELLED, "CANCEL"),
    ],
)
def test_kallelse_carries_the_meeting_as_invite_ics(kind, method):
    event = make_event(kind, DATA[kind])

    message = email_for_event(event=event, to=TO, site_url=SITE)

    [(filename, content, mimetype)] = message.attachments
    assert filename == "invite.ics"
    assert mimetype == f"text/calendar; method={method}"
    assert f"METHOD:{method}" in content
    part = next(
        part
        for part in email.message_from_bytes(message.message().as_bytes()).walk()
        if part.get_content_type() == "text/calendar"
    )
    assert part.get_param("method") == method
    assert "Storgatan" not in part.get_payload(decode=True).decode()


@pytest.mark.parametrize(
    "kind",
    [
        Event.Kind.INVITATION_UNANSWERED,
        Event.Kind.ANSWER_DUE_SOON,
        Event.Kind.ANSWER_RECEIVED,
        Event.Kind.FOLLOW_UP_DUE,
    ],
)
def test_other_kinds_carry_no_calendar(kind):
    event = make_event(kind, DATA[kind])

    assert email_for_event(event=event, to=TO, site_url=SITE).attachments == []


def test_no_calendar_without_a_meeting_uid():
    data = {key: value for key, value in MEETING_DATA.items() if key != "uid"}
    event = make_event(Event.Kind.INVITATION_SENT, data)

    assert email_for_event(event=event, to=TO, site_url=SITE).attachments == []
