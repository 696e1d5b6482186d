"""The e-mail for an outbox event.

E-mail leaves our control (other mail servers, phones, forwarding), so a message says only
what kind of thing happened, when, and where to log in: never a name, a personnummer, a
place, a purpose or any free text from the event's ``data``. Everything else is behind the
link, where access control and the access log apply.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext, gettext_noop

from .ical import calendar_method, meeting_calendar
from .kinds import EventKind, When, event_kind
from .models import Event, aware_datetime

#: E-mails go out from the worker, which has no user language.
EMAIL_LANGUAGE = "sv"

#: The wording of an event whose kind is no longer registered.
_UNKNOWN = EventKind(
    code="",
    label="",
    subject=gettext_noop("Ny händelse i sipflow"),
    lead=gettext_noop(
        "Något har hänt i ett ärende som rör dig eller din enhet. Logga in i sipflow för att "
        "se mer."
    ),
    recipients=(),
)

_FOOTER = gettext_noop(
    "Det här är ett automatiskt meddelande från sipflow och går inte att svara på. Av "
    "sekretesskäl står inga uppgifter om ärendet här; logga in för att läsa mer."
)


def email_for_event(*, event: Event, to: list[str], site_url: str) -> EmailMultiAlternatives:
    """The e-mail telling ``to`` about ``event``, in Swedish, with a link to ``site_url`` +
    ``event.url``, worded as its kind is registered (notifications.kinds). A kind that
    sends, moves or cancels a meeting carries it as ``invite.ics``.
    """
    link = _link(site_url=site_url, path=event.url)
    wording = event_kind(event.kind) or _UNKNOWN
    with translation.override(EMAIL_LANGUAGE):
        subject = gettext(wording.subject)
        lines = [wording.lead_text(event.data)]
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


def _when_line(when: When, data: dict[str, Any]) -> str | None:
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
