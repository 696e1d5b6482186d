"""The outbox: every event that should reach a person, written in the same transaction as
the state change that causes it. Delivery (in-app, e-mail) reads from here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """Händelse: one thing that happened, addressed to a user or a unit.

    ``data`` holds only what a message needs to be written (a date, a time, a unit's name),
    never personal identity data: e-mails must not carry it.
    """

    class Kind(models.TextChoices):
        INVITATION_SENT = "invitation_sent", _("Kallelse skickad")
        INVITATION_RESCHEDULED = "invitation_rescheduled", _("Möte flyttat")
        INVITATION_CANCELLED = "invitation_cancelled", _("Kallelse återkallad")
        INVITATION_UNANSWERED = "invitation_unanswered", _("Kallelse obesvarad")
        ANSWER_RECEIVED = "answer_received", _("Svar på kallelse")
        FOLLOW_UP_DUE = "follow_up_due", _("Uppföljning att göra")
        CONSENT_EXPIRING = "consent_expiring", _("Samtycke går snart ut")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Samtycke återkallat")
        CONSENT_EXPIRED = "consent_expired", _("Samtycke har gått ut")
        REVIEW_DUE = "review_due", _("Övervägande att göra")
        ESCALATION = "escalation", _("Försenat ärende")

    kind = models.CharField(_("typ"), max_length=40, choices=Kind.choices)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mottagare (användare)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    recipient_unit = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("mottagare (enhet)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    url = models.CharField(_("länk"), max_length=300, blank=True)
    data = models.JSONField(_("uppgifter"), default=dict, blank=True)
    dedupe_key = models.CharField(
        _("nyckel mot dubbletter"), max_length=200, unique=True, null=True, blank=True
    )

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_user__isnull=False) | Q(recipient_unit__isnull=False),
                name="event_has_recipient",
                violation_error_message=_("En händelse måste ha en mottagare."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"
