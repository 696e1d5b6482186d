import email

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone, translation

from consent.events import ConsentEvent
from deviations.events import DeviationEvent
from notifications.kinds import event_kinds
from notifications.messages import email_for_event
from notifications.models import Event
from overview.digest import OverviewEvent
from placement.events import PlacementEvent
from sipflow.events import SipEvent
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
    SipEvent.INVITATION_SENT: MEETING_DATA,
    SipEvent.INVITATION_RESCHEDULED: {**MEETING_DATA, "sequence": "1"},
    SipEvent.INVITATION_CANCELLED: MEETING_DATA,
    SipEvent.INVITATION_UNANSWERED: MEETING_DATA,
    SipEvent.ANSWER_DUE_SOON: MEETING_DATA,
    SipEvent.ANSWER_RECEIVED: {**MEETING_DATA, "status": "declined"},
    SipEvent.FOLLOW_UP_DUE: {"due": "2027-03-12"},
    ConsentEvent.CONSENT_REGISTERED: {"purpose": "SIP enligt SoL"},
    SipEvent.LEAD_RETURNED: {},
    ConsentEvent.CONSENT_EXPIRING: {"purpose": "SIP enligt SoL", "valid_until": "2026-12-20"},
    ConsentEvent.CONSENT_WITHDRAWN: {"purpose": "SIP enligt SoL"},
    ConsentEvent.CONSENT_EXPIRED: {"purpose": "SIP enligt SoL"},
    PlacementEvent.REVIEW_DUE: {"due": "2027-01-15"},
    PlacementEvent.CONSENT_ENDED: {"on": "2026-11-30"},
    PlacementEvent.COST_ALLOCATION_DUE: {"due": "2027-01-15"},
    PlacementEvent.COST_ALLOCATION_OVERDUE: {"due": "2027-01-15"},
    PlacementEvent.HANDOVER_TO_SEND: {"on": "2026-11-30"},
    PlacementEvent.HANDOVER_STARTED: {"on": "2026-11-30"},
    OverviewEvent.ESCALATION: {"date": "2026-11-23", "unanswered": 3, "overdue_follow_ups": 1},
    DeviationEvent.REPORTED: {"occurred_on": "2026-11-20"},
    DeviationEvent.ALLOCATION_PROPOSED: {"until": "2026-12-04"},
    DeviationEvent.ALLOCATION_REMINDER: {"reported_on": "2026-11-21"},
    DeviationEvent.HANDLER_NAMED: {},
    DeviationEvent.SIGN_OFF_ASKED: {},
    DeviationEvent.CLOSED: {"closed_on": "2026-11-30"},
    DeviationEvent.DISPUTE: {"on": "2026-11-30"},
}

SUBJECTS = {
    SipEvent.INVITATION_SENT: "Ny kallelse till SIP-möte",
    SipEvent.INVITATION_RESCHEDULED: "SIP-möte flyttat",
    SipEvent.INVITATION_CANCELLED: "Kallelse till SIP-möte återkallad",
    SipEvent.INVITATION_UNANSWERED: "Obesvarad kallelse till SIP-möte",
    SipEvent.ANSWER_DUE_SOON: "Påminnelse: kallelse till SIP-möte att besvara",
    SipEvent.ANSWER_RECEIVED: "Svar på kallelse till SIP-möte",
    SipEvent.FOLLOW_UP_DUE: "Dags för uppföljning av SIP",
    ConsentEvent.CONSENT_REGISTERED: "Samtycke registrerat",
    SipEvent.LEAD_RETURNED: "Huvudansvaret för en SIP är tillbaka hos er",
    ConsentEvent.CONSENT_EXPIRING: "Samtycke går snart ut",
    ConsentEvent.CONSENT_WITHDRAWN: "Samtycke återkallat",
    ConsentEvent.CONSENT_EXPIRED: "Samtycke har gått ut",
    PlacementEvent.REVIEW_DUE: "Övervägande att göra",
    PlacementEvent.CONSENT_ENDED: "Brådskande: samtycket till en placering har upphört",
    PlacementEvent.COST_ALLOCATION_DUE: "Kostnadsfördelning att göra klar",
    PlacementEvent.COST_ALLOCATION_OVERDUE: "Kostnadsfördelningen är försenad",
    PlacementEvent.HANDOVER_TO_SEND: "Överlämning mellan regioner att göra",
    PlacementEvent.HANDOVER_STARTED: "Överlämning mellan regioner att bekräfta",
    OverviewEvent.ESCALATION: "Försenat i dina enheter",
    DeviationEvent.REPORTED: "En avvikelse i samverkan rör er enhet",
    DeviationEvent.ALLOCATION_PROPOSED: "Tillfällig ansvarsfördelning att godkänna",
    DeviationEvent.ALLOCATION_REMINDER: (
        "Påminnelse: tillfällig ansvarsfördelning inte överenskommen"
    ),
    DeviationEvent.HANDLER_NAMED: "Du är handläggare för en avvikelse i samverkan",
    DeviationEvent.SIGN_OFF_ASKED: "Åtgärder i en avvikelse att godkänna",
    DeviationEvent.CLOSED: "En avvikelse i samverkan är avslutad",
    DeviationEvent.DISPUTE: "Tvist om en avvikelse i samverkan",
}

#: The date or time each kind's mail must show, as written in Swedish.
WHEN = {
    SipEvent.INVITATION_SENT: ["Tid för mötet: 7 december 2026 kl. 13.00", "30 november 2026"],
    SipEvent.INVITATION_RESCHEDULED: ["Ny tid för mötet: 7 december 2026 kl. 13.00"],
    SipEvent.INVITATION_CANCELLED: ["7 december 2026 kl. 13.00"],
    SipEvent.INVITATION_UNANSWERED: ["7 december 2026 kl. 13.00", "30 november 2026"],
    SipEvent.ANSWER_DUE_SOON: ["7 december 2026 kl. 13.00", "Svara senast: 30 november 2026"],
    SipEvent.ANSWER_RECEIVED: ["7 december 2026 kl. 13.00"],
    SipEvent.FOLLOW_UP_DUE: ["12 mars 2027"],
    ConsentEvent.CONSENT_REGISTERED: [],
    SipEvent.LEAD_RETURNED: [],
    ConsentEvent.CONSENT_EXPIRING: ["20 december 2026"],
    ConsentEvent.CONSENT_WITHDRAWN: [],
    ConsentEvent.CONSENT_EXPIRED: [],
    PlacementEvent.REVIEW_DUE: ["15 januari 2027"],
    PlacementEvent.CONSENT_ENDED: ["Samtycket upphörde: 30 november 2026"],
    PlacementEvent.COST_ALLOCATION_DUE: ["Ska vara klar senast: 15 januari 2027"],
    PlacementEvent.COST_ALLOCATION_OVERDUE: ["Skulle ha varit klar: 15 januari 2027"],
    PlacementEvent.HANDOVER_TO_SEND: ["Folkbokföringen flyttades: 30 november 2026"],
    PlacementEvent.HANDOVER_STARTED: ["Påbörjad: 30 november 2026"],
    OverviewEvent.ESCALATION: ["23 november 2026"],
    DeviationEvent.REPORTED: ["Händelsen inträffade: 20 november 2026"],
    DeviationEvent.ALLOCATION_PROPOSED: ["Förslaget gäller till och med: 4 december 2026"],
    DeviationEvent.ALLOCATION_REMINDER: ["Avvikelsen rapporterades: 21 november 2026"],
    DeviationEvent.HANDLER_NAMED: [],
    DeviationEvent.SIGN_OFF_ASKED: [],
    DeviationEvent.CLOSED: ["Avslutad: 30 november 2026"],
    DeviationEvent.DISPUTE: ["Datum: 30 november 2026"],
}


def make_event(kind, data, *, url="/sip/kallelser/5/"):
    return Event.objects.create(
        kind=kind, recipient_user=UserFactory(), url=url, data={**data, **SENSITIVE}
    )


def test_every_kind_has_a_wording():
    assert set(SUBJECTS) == {kind.code for kind in event_kinds()}


@pytest.mark.parametrize("kind", list(SUBJECTS))
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
    event = make_event(ConsentEvent.CONSENT_WITHDRAWN, DATA[ConsentEvent.CONSENT_WITHDRAWN])

    message = email_for_event(event=event, to=TO, site_url=SITE)
    message.send()

    assert message.from_email == "sipflow <noreply@sipflow.example.se>"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert mail.outbox[0].subject == "Samtycke återkallat"


def test_message_id_is_stable_per_event_and_recipients():
    event = make_event(SipEvent.FOLLOW_UP_DUE, DATA[SipEvent.FOLLOW_UP_DUE])

    def message_id(to):
        return email_for_event(event=event, to=to, site_url=SITE).extra_headers["Message-ID"]

    assert message_id(["a@x.se", "b@x.se"]) == message_id(["b@x.se", "a@x.se"])
    assert message_id(["a@x.se"]) != message_id(["b@x.se"])
    assert message_id(["a@x.se"]).startswith(f"<event-{event.pk}-")
    assert message_id(["a@x.se"]).endswith("@sipflow.example.se>")


def test_meeting_time_is_written_in_swedish_time():
    data = {**MEETING_DATA, "starts_at": "2027-03-12T12:00:00+00:00", "answer_by": "2027-03-01"}
    event = make_event(SipEvent.INVITATION_SENT, data)

    with timezone.override("UTC"):  # whatever zone the worker has active
        body = email_for_event(event=event, to=TO, site_url=SITE).body

    assert "Tid för mötet: 12 mars 2027 kl. 13.00" in body
    assert "Svara senast: 1 mars 2027" in body


def test_summer_time_is_written_in_swedish_time():
    data = {**MEETING_DATA, "starts_at": "2027-06-01T07:30:00+00:00"}
    event = make_event(SipEvent.INVITATION_SENT, data)

    assert "1 juni 2027 kl. 09.30" in email_for_event(event=event, to=TO, site_url=SITE).body


def test_missing_or_broken_dates_leave_their_line_out():
    event = make_event(SipEvent.FOLLOW_UP_DUE, {"due": ""})
    broken = make_event(SipEvent.INVITATION_SENT, {"starts_at": "i morgon", "answer_by": 3})

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
    event = Event.objects.create(kind=PlacementEvent.REVIEW_DUE, recipient_user=UserFactory())

    assert SITE in email_for_event(event=event, to=TO, site_url=SITE).body


@pytest.mark.parametrize(
    ("kind", "method"),
    [
        (SipEvent.INVITATION_SENT, "REQUEST"),
        (SipEvent.INVITATION_RESCHEDULED, "REQUEST"),
        (SipEvent.INVITATION_CANCELLED, "CANCEL"),
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
        SipEvent.INVITATION_UNANSWERED,
        SipEvent.ANSWER_DUE_SOON,
        SipEvent.ANSWER_RECEIVED,
        SipEvent.FOLLOW_UP_DUE,
    ],
)
def test_other_kinds_carry_no_calendar(kind):
    event = make_event(kind, DATA[kind])

    assert email_for_event(event=event, to=TO, site_url=SITE).attachments == []


def test_no_calendar_without_a_meeting_uid():
    data = {key: value for key, value in MEETING_DATA.items() if key != "uid"}
    event = make_event(SipEvent.INVITATION_SENT, data)

    assert email_for_event(event=event, to=TO, site_url=SITE).attachments == []
