"""The e-mail for an outbox event.

E-mail leaves our control (other mail servers, phones, forwarding), so a message says only
what kind of thing happened, when, and where to log in: never a name, a personnummer, a
place, a purpose or any free text from the event's ``data``. Everything else is behind the
link, where access control and the access log apply.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date
from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_noop, ngettext

from .ical import calendar_method, meeting_calendar
from .models import Event, aware_datetime

#: E-mails go out from the worker, which has no user language.
EMAIL_LANGUAGE = "sv"


@dataclass(frozen=True)
class _When:
    """A line naming a date or time from ``data``: the label's msgid and the data key."""

    label: str
    key: str
    with_time: bool = False


_MEETING = _When(gettext_noop("Tid för mötet: %(when)s"), "starts_at", with_time=True)
_ANSWER_BY = _When(gettext_noop("Svara senast: %(when)s"), "answer_by")


@dataclass(frozen=True)
class _Wording:
    subject: str
    lead: str
    dates: tuple[_When, ...] = ()


_WORDINGS: dict[str, _Wording] = {
    Event.Kind.INVITATION_SENT: _Wording(
        gettext_noop("Ny kallelse till SIP-möte"),
        gettext_noop(
            "Ni har fått en kallelse till ett SIP-möte. Logga in i sipflow för att svara."
        ),
        (_MEETING, _ANSWER_BY),
    ),
    Event.Kind.INVITATION_RESCHEDULED: _Wording(
        gettext_noop("SIP-möte flyttat"),
        gettext_noop(
            "Ett SIP-möte som ni är kallade till har flyttats. Logga in i sipflow för att "
            "svara på nytt."
        ),
        (
            _When(gettext_noop("Ny tid för mötet: %(when)s"), "starts_at", with_time=True),
            _ANSWER_BY,
        ),
    ),
    Event.Kind.INVITATION_CANCELLED: _Wording(
        gettext_noop("Kallelse till SIP-möte återkallad"),
        gettext_noop("En kallelse till ett SIP-möte har återkallats och gäller inte längre."),
        (_MEETING,),
    ),
    Event.Kind.INVITATION_UNANSWERED: _Wording(
        gettext_noop("Obesvarad kallelse till SIP-möte"),
        gettext_noop(
            "En kallelse till ett SIP-möte har inte besvarats i tid. Logga in i sipflow för "
            "att se den."
        ),
        (_MEETING, _ANSWER_BY),
    ),
    Event.Kind.ANSWER_DUE_SOON: _Wording(
        gettext_noop("Påminnelse: kallelse till SIP-möte att besvara"),
        gettext_noop(
            "En kallelse till ett SIP-möte behöver besvaras snart. Logga in i sipflow för "
            "att svara."
        ),
        (_MEETING, _ANSWER_BY),
    ),
    Event.Kind.ANSWER_RECEIVED: _Wording(
        gettext_noop("Svar på kallelse till SIP-möte"),
        gettext_noop(
            "Ett svar på en kallelse till ett SIP-möte har kommit in. Logga in i sipflow för "
            "att se svaret."
        ),
        (_MEETING,),
    ),
    Event.Kind.FOLLOW_UP_DUE: _Wording(
        gettext_noop("Dags för uppföljning av SIP"),
        gettext_noop(
            "Det är dags att följa upp en SIP. Logga in i sipflow för att göra uppföljningen."
        ),
        (_When(gettext_noop("Datum för uppföljning: %(when)s"), "due"),),
    ),
    Event.Kind.CONSENT_REGISTERED: _Wording(
        gettext_noop("Samtycke registrerat"),
        gettext_noop(
            "Ett samtycke som omfattar er har registrerats. Logga in i sipflow för att se vad "
            "det gäller."
        ),
    ),
    Event.Kind.LEAD_RETURNED: _Wording(
        gettext_noop("Huvudansvaret för en SIP är tillbaka hos er"),
        gettext_noop(
            "Samtycket omfattar inte längre den enhet som var huvudansvarig för en SIP som ni "
            "initierade, så huvudansvaret är tillbaka hos er. Logga in i sipflow för att se "
            "SIP:en och välja ny huvudansvarig."
        ),
    ),
    Event.Kind.CONSENT_EXPIRING: _Wording(
        gettext_noop("Samtycke går snart ut"),
        gettext_noop("Ett samtycke går snart ut. Logga in i sipflow för att se vad det gäller."),
        (_When(gettext_noop("Samtycket gäller till och med: %(when)s"), "valid_until"),),
    ),
    Event.Kind.CONSENT_WITHDRAWN: _Wording(
        gettext_noop("Samtycke återkallat"),
        gettext_noop(
            "Ett samtycke har återkallats och gäller inte längre. Logga in i sipflow för att "
            "se vad det påverkar."
        ),
    ),
    Event.Kind.CONSENT_EXPIRED: _Wording(
        gettext_noop("Samtycke har gått ut"),
        gettext_noop(
            "Ett samtycke har gått ut och gäller inte längre. Logga in i sipflow för att se "
            "vad det påverkar."
        ),
    ),
    Event.Kind.REVIEW_DUE: _Wording(
        gettext_noop("Övervägande att göra"),
        gettext_noop("Ett övervägande ska göras. Logga in i sipflow för att se ärendet."),
        (_When(gettext_noop("Övervägandet ska göras senast: %(when)s"), "due"),),
    ),
    Event.Kind.ESCALATION: _Wording(
        gettext_noop("Försenat i dina enheter"),
        "",  # written by _escalation_lead from the counts
        (_When(gettext_noop("Sammanställt: %(when)s"), "date"),),
    ),
}

_UNKNOWN = _Wording(
    gettext_noop("Ny händelse i sipflow"),
    gettext_noop(
        "Något har hänt i ett ärende som rör dig eller din enhet. Logga in i sipflow för att "
        "se mer."
    ),
)

_FOOTER = gettext_noop(
    "Det här är ett automatiskt meddelande från sipflow och går inte att svara på. Av "
    "sekretesskäl står inga uppgifter om ärendet här; logga in för att läsa mer."
)

#: The escalation digest's counts, in the order they are listed.
_DIGEST_COUNTS: tuple[tuple[str, Callable[[int], str]], ...] = (
    (
        "unanswered",
        lambda n: ngettext("%(count)d obesvarad kallelse", "%(count)d obesvarade kallelser", n),
    ),
    (
        "overdue_follow_ups",
        lambda n: ngettext(
            "%(count)d försenad uppföljning", "%(count)d försenade uppföljningar", n
        ),
    ),
    (
        "overdue_reviews",
        lambda n: ngettext("%(count)d försenat övervägande", "%(count)d försenade överväganden", n),
    ),
    (
        "expiring_consents",
        lambda n: ngettext(
            "%(count)d samtycke som snart går ut", "%(count)d samtycken som snart går ut", n
        ),
    ),
)


def email_for_event(*, event: Event, to: list[str], site_url: str) -> EmailMultiAlternatives:
    """The e-mail telling ``to`` about ``event``, in Swedish, with a link to ``site_url`` +
    ``event.url``. A kallelse sent, moved or cancelled carries the meeting as ``invite.ics``.
    """
    link = _link(site_url=site_url, path=event.url)
    wording = _WORDINGS.get(event.kind, _UNKNOWN)
    with translation.override(EMAIL_LANGUAGE):
        subject = gettext(wording.subject)
        lead = (
            _escalation_lead(event.data)
            if event.kind == Event.Kind.ESCALATION
            else gettext(wording.lead)
        )
        lines = [lead]
        dates = [_when_line(when, event.data) for when in wording.dates]
        if any(dates):
            lines += ["", *filter(None, dates)]
        lines += ["", link, "", "-- ", gettext(_FOOTER)]
        body = "\n".join(lines) + "\n"
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers={
            "Message-ID": _message_id(event=event, to=to, site_url=site_url),
            # RFC 3834: no out-of-office replies to a mailbox nobody reads.
            "Auto-Submitted": "auto-generated",
        },
    )
    method = calendar_method(event)
    if method:
        organizer = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        ics = meeting_calendar(event=event, attendees=to, organizer=organizer, link=link)
        message.attach("invite.ics", ics, f"text/calendar; method={method}")
    return message


def _link(*, site_url: str, path: str) -> str:
    if not path:
        return site_url
    return f"{site_url.rstrip('/')}/{path.lstrip('/')}"


def _message_id(*, event: Event, to: list[str], site_url: str) -> str:
    """The same event to the same recipients always has the same Message-ID, so a message the
    worker sends twice (a retry after a crash) can be recognised as one."""
    recipients = hashlib.sha256("\n".join(sorted(to)).encode()).hexdigest()[:16]
    domain = urlsplit(site_url).hostname or "sipflow"
    return f"<event-{event.pk}-{recipients}@{domain}>"


def _escalation_lead(data: dict[str, Any]) -> str:
    counts = []
    for key, phrase in _DIGEST_COUNTS:
        count = _count(data.get(key))
        if count:
            counts.append(phrase(count) % {"count": count})
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


def _when_line(when: _When, data: dict[str, Any]) -> str | None:
    value = data.get(when.key)
    if when.with_time:
        moment = aware_datetime(value)
        text = moment and _format_datetime(moment)
    else:
        day = _date(value)
        text = day and _format_date(day)
    return gettext(when.label) % {"when": text} if text else None


def _format_datetime(value: dt.datetime) -> str:
    """``7 december 2026 kl. 13.00``: Swedish month names under the active language, Swedish
    time (the default time zone, whatever zone the worker has activated)."""
    local = timezone.localtime(value, timezone.get_default_timezone())
    return formats.date_format(local, r"j F Y \k\l. H.i")


def _format_date(value: dt.date) -> str:
    """``7 december 2026``."""
    return formats.date_format(value, "j F Y")


def _date(value: Any) -> dt.date | None:
    try:
        return parse_date(value) if isinstance(value, str) else None
    except ValueError:
        return None
