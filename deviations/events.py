"""The events of avvikelser: their codes, names and e-mail wordings, registered in
notifications.kinds from ``DeviationsConfig.ready()``. No e-mail names the person, the
organisations or what happened: only the kind of event, a date and the link."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from notifications.kinds import EventKind, Recipient, When, register_event_kind


class DeviationEvent(models.TextChoices):
    REPORTED = "deviation_reported", _("Avvikelse i samverkan")
    ALLOCATION_PROPOSED = (
        "deviation_allocation_proposed",
        _("Tillfällig ansvarsfördelning att godkänna"),
    )
    #: Daily until the temporary allocation is agreed (directory.durations:
    #: DEVIATION_ALLOCATION_REMINDER).
    ALLOCATION_REMINDER = (
        "deviation_allocation_reminder",
        _("Tillfällig ansvarsfördelning inte överenskommen"),
    )
    HANDLER_NAMED = "deviation_handler_named", _("Utsedd handläggare för en avvikelse")
    SIGN_OFF_ASKED = "deviation_sign_off_asked", _("Åtgärder att godkänna")
    CLOSED = "deviation_closed", _("Avvikelse avslutad")
    DISPUTE = "deviation_dispute", _("Tvist om en avvikelse")


KINDS = (
    EventKind(
        code=DeviationEvent.REPORTED,
        label=DeviationEvent.REPORTED.label,
        subject=gettext_noop("En avvikelse i samverkan rör er enhet"),
        lead=gettext_noop(
            "En avvikelse i samverkan mellan kommun och region som rör er enhet har "
            "rapporterats. Parterna ska omgående komma överens om en tillfällig "
            "ansvarsfördelning och utreda avvikelsen tillsammans. Logga in i sipflow för att "
            "se avvikelsen."
        ),
        recipients=frozenset({Recipient.UNIT}),
        dates=(When(gettext_noop("Händelsen inträffade: %(when)s"), "occurred_on"),),
    ),
    EventKind(
        code=DeviationEvent.ALLOCATION_PROPOSED,
        label=DeviationEvent.ALLOCATION_PROPOSED.label,
        subject=gettext_noop("Tillfällig ansvarsfördelning att godkänna"),
        lead=gettext_noop(
            "Ett förslag till tillfällig ansvarsfördelning i en avvikelse väntar på er "
            "organisations godkännande. Logga in i sipflow för att se förslaget."
        ),
        recipients=frozenset({Recipient.UNIT}),
        dates=(When(gettext_noop("Förslaget gäller till och med: %(when)s"), "until"),),
    ),
    EventKind(
        code=DeviationEvent.ALLOCATION_REMINDER,
        label=DeviationEvent.ALLOCATION_REMINDER.label,
        subject=gettext_noop("Påminnelse: tillfällig ansvarsfördelning inte överenskommen"),
        lead=gettext_noop(
            "Parterna i en avvikelse har ännu inte kommit överens om en tillfällig "
            "ansvarsfördelning. Det ska ske omgående. Logga in i sipflow för att godkänna "
            "förslaget eller föreslå ett nytt."
        ),
        recipients=frozenset({Recipient.UNIT, Recipient.USER}),
        dates=(When(gettext_noop("Avvikelsen rapporterades: %(when)s"), "reported_on"),),
    ),
    EventKind(
        code=DeviationEvent.HANDLER_NAMED,
        label=DeviationEvent.HANDLER_NAMED.label,
        subject=gettext_noop("Du är handläggare för en avvikelse i samverkan"),
        lead=gettext_noop(
            "Du har utsetts till din organisations handläggare för en avvikelse i samverkan "
            "mellan kommun och region. Logga in i sipflow för att se avvikelsen."
        ),
        recipients=frozenset({Recipient.USER}),
    ),
    EventKind(
        code=DeviationEvent.SIGN_OFF_ASKED,
        label=DeviationEvent.SIGN_OFF_ASKED.label,
        subject=gettext_noop("Åtgärder i en avvikelse att godkänna"),
        lead=gettext_noop(
            "Åtgärderna i en avvikelse där du är handläggare har skrivits eller ändrats. "
            "Avvikelsen avslutas när alla parters handläggare har godkänt dem. Logga in i "
            "sipflow för att läsa dem."
        ),
        recipients=frozenset({Recipient.USER}),
    ),
    EventKind(
        code=DeviationEvent.CLOSED,
        label=DeviationEvent.CLOSED.label,
        subject=gettext_noop("En avvikelse i samverkan är avslutad"),
        lead=gettext_noop(
            "Alla parter har godkänt åtgärderna i en avvikelse som rör er enhet, och den är "
            "avslutad. Logga in i sipflow för att läsa den."
        ),
        recipients=frozenset({Recipient.UNIT}),
        dates=(When(gettext_noop("Avslutad: %(when)s"), "closed_on"),),
    ),
    EventKind(
        code=DeviationEvent.DISPUTE,
        label=DeviationEvent.DISPUTE.label,
        subject=gettext_noop("Tvist om en avvikelse i samverkan"),
        lead=gettext_noop(
            "En avvikelse som rör er enhet har blivit en tvist, eller tvisten har förts "
            "vidare eller fått ett beslut. Logga in i sipflow för att se nivå och datum."
        ),
        recipients=frozenset({Recipient.UNIT}),
        dates=(When(gettext_noop("Datum: %(when)s"), "on"),),
    ),
)


def deviation_event_kinds_register() -> None:
    for kind in KINDS:
        register_event_kind(kind)
