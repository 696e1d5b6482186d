"""The events consent writes to the outbox: their codes, names and e-mail wordings,
registered in notifications.kinds from ``ConsentConfig.ready()``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from notifications.kinds import EventKind, Recipient, When, register_event_kind


class ConsentEvent(models.TextChoices):
    CONSENT_REGISTERED = "consent_registered", _("Samtycke registrerat")
    CONSENT_EXPIRING = "consent_expiring", _("Samtycke går snart ut")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Samtycke återkallat")
    CONSENT_EXPIRED = "consent_expired", _("Samtycke har gått ut")


#: An ended consent is told to the case worker who documented it and to the units it named.
_ENDED_RECIPIENTS = frozenset({Recipient.USER, Recipient.UNIT})

KINDS = (
    EventKind(
        code=ConsentEvent.CONSENT_REGISTERED,
        label=ConsentEvent.CONSENT_REGISTERED.label,
        subject=gettext_noop("Samtycke registrerat"),
        lead=gettext_noop(
            "Ett samtycke som omfattar er har registrerats. Logga in i sipflow för att se vad "
            "det gäller."
        ),
        recipients=frozenset({Recipient.UNIT}),
    ),
    EventKind(
        code=ConsentEvent.CONSENT_EXPIRING,
        label=ConsentEvent.CONSENT_EXPIRING.label,
        subject=gettext_noop("Samtycke går snart ut"),
        lead=gettext_noop(
            "Ett samtycke går snart ut. Logga in i sipflow för att se vad det gäller."
        ),
        recipients=frozenset({Recipient.USER}),
        dates=(When(gettext_noop("Samtycket gäller till och med: %(when)s"), "valid_until"),),
    ),
    EventKind(
        code=ConsentEvent.CONSENT_WITHDRAWN,
        label=ConsentEvent.CONSENT_WITHDRAWN.label,
        subject=gettext_noop("Samtycke återkallat"),
        lead=gettext_noop(
            "Ett samtycke har återkallats och gäller inte längre. Logga in i sipflow för att "
            "se vad det påverkar."
        ),
        recipients=_ENDED_RECIPIENTS,
    ),
    EventKind(
        code=ConsentEvent.CONSENT_EXPIRED,
        label=ConsentEvent.CONSENT_EXPIRED.label,
        subject=gettext_noop("Samtycke har gått ut"),
        lead=gettext_noop(
            "Ett samtycke har gått ut och gäller inte längre. Logga in i sipflow för att se "
            "vad det påverkar."
        ),
        recipients=_ENDED_RECIPIENTS,
    ),
)


def consent_event_kinds_register() -> None:
    for kind in KINDS:
        register_event_kind(kind)
