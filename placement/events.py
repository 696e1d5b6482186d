"""The events of HVB placements: their codes, names and e-mail wordings, registered in
notifications.kinds from ``PlacementConfig.ready()``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from notifications.kinds import EventKind, Recipient, When, register_event_kind


class PlacementEvent(models.TextChoices):
    #: Övervägande (SoL, LVU 13 §): the six-monthly review of a placement.
    REVIEW_DUE = "review_due", _("Övervägande att göra")


KINDS = (
    EventKind(
        code=PlacementEvent.REVIEW_DUE,
        label=PlacementEvent.REVIEW_DUE.label,
        subject=gettext_noop("Övervägande att göra"),
        lead=gettext_noop("Ett övervägande ska göras. Logga in i sipflow för att se ärendet."),
        recipients=frozenset({Recipient.USER, Recipient.UNIT}),
        dates=(When(gettext_noop("Övervägandet ska göras senast: %(when)s"), "due"),),
    ),
)


def placement_event_kinds_register() -> None:
    for kind in KINDS:
        register_event_kind(kind)
