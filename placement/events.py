"""The events of HVB placements: their codes, names and e-mail wordings, registered in
notifications.kinds from ``PlacementConfig.ready()``. No e-mail names the person."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from notifications.kinds import EventKind, Recipient, When, register_event_kind


class PlacementEvent(models.TextChoices):
    #: Övervägande (SoL, LVU 13 §): the six-monthly review of a placement.
    REVIEW_DUE = "review_due", _("Övervägande att göra")
    #: The consent to an SoL placement ended while the person lives at the HVB.
    CONSENT_ENDED = "placement_consent_ended", _("Samtycket till en placering har upphört")
    #: An acute placement's cost allocation is due soon (004 ≈L1320-1327).
    COST_ALLOCATION_DUE = "cost_allocation_due", _("Kostnadsfördelning att göra klar")
    #: ... and is past due: to both chefs.
    COST_ALLOCATION_OVERDUE = "cost_allocation_overdue", _("Kostnadsfördelningen är försenad")
    #: The person's folkbokföring moved to another region: the old region hands over.
    HANDOVER_TO_SEND = "region_handover_to_send", _("Överlämning mellan regioner att göra")
    #: The old region has handed over: the new region confirms.
    HANDOVER_STARTED = "region_handover_started", _("Överlämning mellan regioner")


KINDS = (
    EventKind(
        code=PlacementEvent.REVIEW_DUE,
        label=PlacementEvent.REVIEW_DUE.label,
        subject=gettext_noop("Övervägande att göra"),
        lead=gettext_noop("Ett övervägande ska göras. Logga in i sipflow för att se ärendet."),
        recipients=frozenset({Recipient.USER, Recipient.UNIT}),
        dates=(When(gettext_noop("Övervägandet ska göras senast: %(when)s"), "due"),),
    ),
    EventKind(
        code=PlacementEvent.CONSENT_ENDED,
        label=PlacementEvent.CONSENT_ENDED.label,
        subject=gettext_noop("Brådskande: samtycket till en placering har upphört"),
        lead=gettext_noop(
            "Samtycket till en placering enligt SoL har upphört, men personen bor kvar på "
            "HVB:et. Avsluta placeringen eller ansök om vård enligt LVU. Logga in i sipflow "
            "för att se ärendet."
        ),
        recipients=frozenset({Recipient.USER}),
        dates=(When(gettext_noop("Samtycket upphörde: %(when)s"), "on"),),
    ),
    EventKind(
        code=PlacementEvent.COST_ALLOCATION_DUE,
        label=PlacementEvent.COST_ALLOCATION_DUE.label,
        subject=gettext_noop("Kostnadsfördelning att göra klar"),
        lead=gettext_noop(
            "Kostnadsfördelningen och folkbokföringskommunen efter en akut placering ska "
            "vara klara. Logga in i sipflow för att se ärendet."
        ),
        recipients=frozenset({Recipient.USER}),
        dates=(When(gettext_noop("Ska vara klar senast: %(when)s"), "due"),),
    ),
    EventKind(
        code=PlacementEvent.COST_ALLOCATION_OVERDUE,
        label=PlacementEvent.COST_ALLOCATION_OVERDUE.label,
        subject=gettext_noop("Kostnadsfördelningen är försenad"),
        lead=gettext_noop(
            "Kostnadsfördelningen efter en akut placering är inte klar fast tiden har gått "
            "ut. Till dess betalar den placerande organisationen. Logga in i sipflow för att "
            "se ärendet."
        ),
        recipients=frozenset({Recipient.USER}),
        dates=(When(gettext_noop("Skulle ha varit klar: %(when)s"), "due"),),
    ),
    EventKind(
        code=PlacementEvent.HANDOVER_TO_SEND,
        label=PlacementEvent.HANDOVER_TO_SEND.label,
        subject=gettext_noop("Överlämning mellan regioner att göra"),
        lead=gettext_noop(
            "En placerad persons folkbokföring har flyttats från er region till en annan. "
            "Lämna över hälso- och sjukvården till den nya regionen; ni har kvar vården tills "
            "den har bekräftat. Logga in i sipflow för att se ärendet."
        ),
        recipients=frozenset({Recipient.USER}),
        dates=(When(gettext_noop("Folkbokföringen flyttades: %(when)s"), "on"),),
    ),
    EventKind(
        code=PlacementEvent.HANDOVER_STARTED,
        label=PlacementEvent.HANDOVER_STARTED.label,
        subject=gettext_noop("Överlämning mellan regioner att bekräfta"),
        lead=gettext_noop(
            "En placerad persons folkbokföring har flyttats till er region. Bekräfta att ni "
            "tar över hälso- och sjukvården. Logga in i sipflow för att se ärendet."
        ),
        recipients=frozenset({Recipient.USER}),
        dates=(When(gettext_noop("Påbörjad: %(when)s"), "on"),),
    ),
)


def placement_event_kinds_register() -> None:
    for kind in KINDS:
        register_event_kind(kind)
