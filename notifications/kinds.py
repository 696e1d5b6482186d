"""The registry of event kinds: what each kind of event is called, how its e-mail reads and
who may receive it.

The outbox knows no process. Each app that emits events (consent, SIP, the overview's digest)
registers its kinds from its ``AppConfig.ready()``; ``event_emit`` refuses a kind nobody
registered, and the pages and the e-mail read the label and wording from here. Registration
is idempotent by code, so a ``ready()`` run twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext


class Recipient(StrEnum):
    """Who an event of a kind may be addressed to."""

    UNIT = "unit"  # the unit's case workers (and its mailbox, as the unit is configured)
    USER = "user"  # one user


class CalendarMethod(StrEnum):
    """The iCalendar method (RFC 5546) an e-mail of the kind carries, if any."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class When:
    """A line of the e-mail naming a date or time from the event's ``data``: the label's
    msgid (with ``%(when)s``) and the data key."""

    label: str
    key: str
    with_time: bool = False


@dataclass(frozen=True)
class EventKind:
    """One kind of event.

    ``label`` names it on pages and in the admin; ``subject`` and ``lead`` are the e-mail's
    msgids (kept untranslated, the e-mail is written in Swedish whatever the worker's
    language), or ``lead`` is a function writing the lead from the event's ``data`` (already
    in the e-mail's language); ``dates`` are the date lines. ``calendar`` makes the e-mail
    carry the meeting the data names as an invitation, titled ``calendar_summary`` (which,
    like the e-mail, must name no one). ``detail`` writes the in-app notice's line.
    ``recipients`` are the kinds of recipient an event of
    the kind may have."""

    code: str
    label: str
    subject: str
    lead: str | Callable[[Mapping[str, Any]], str]
    recipients: Collection[Recipient]
    dates: tuple[When, ...] = ()
    calendar: CalendarMethod | None = None
    calendar_summary: str = ""
    #: What the in-app notice adds behind the login, from the event's ``data`` (a unit's
    #: name, an answer): never in the e-mail, which leaves our control.
    detail: Callable[[Mapping[str, Any]], str] | None = None

    def lead_text(self, data: Mapping[str, Any]) -> str:
        """The lead in the active language."""
        return self.lead(data) if callable(self.lead) else gettext(self.lead)


_kinds: dict[str, EventKind] = {}


def register_event_kind(kind: EventKind) -> None:
    _kinds[kind.code] = kind


def event_kind(code: str) -> EventKind | None:
    """The registered kind with this code, or None (an event stored by a kind that is gone)."""
    return _kinds.get(code)


def event_kinds() -> Sequence[EventKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.code)


def event_kind_label(code: str) -> str:
    """The kind's name for a page; an unknown code shows as itself."""
    kind = _kinds.get(code)
    return str(kind.label) if kind else code
