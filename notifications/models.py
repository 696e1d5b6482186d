"""The outbox: every event that should reach a person, written in the same transaction as
the state change that causes it. Delivery (in-app, e-mail) reads from here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from .kinds import event_kind, event_kind_label


def aware_datetime(value: Any) -> dt.datetime | None:
    """An ISO date-time from an event's data, aware (local time if it had no offset), or
    None when it is missing or unreadable."""
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Event(models.Model):
    """Händelse: one thing that happened, addressed to a user or a unit.

    ``data`` holds only what a message needs to be written (a date, a time, a unit's name),
    never personal identity data: e-mails must not carry it.
    """

    #: A code registered in notifications.kinds by the app that emits it.
    kind = models.CharField(_("typ"), max_length=40)
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
        return f"{self.kind_label} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"

    @property
    def kind_label(self) -> str:
        return event_kind_label(self.kind)

    @property
    def detail(self) -> str:
        """What the in-app notice says besides its kind (EventKind.detail), or ""."""
        kind = event_kind(self.kind)
        return kind.detail(self.data) if kind and kind.detail else ""

    @property
    def meeting_time(self) -> dt.datetime | None:
        """The meeting a kallelse event is about, as an aware datetime."""
        return aware_datetime(self.data.get("starts_at"))


class Notification(models.Model):
    """In-app notis: one event as one user sees it, read or unread."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    read_at = models.DateTimeField(_("läst"), null=True, blank=True)

    class Meta:
        verbose_name = _("notis")
        verbose_name_plural = _("notiser")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_once_per_user")
        ]
        indexes = [
            models.Index(fields=["user"], name="notification_unread", condition=Q(read_at=None))
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.event}"


class Delivery(models.Model):
    """One e-mail of one event to one address. The worker sends it, retrying with back-off;
    it is recorded as sent exactly once, or ends as failed with its error."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        SENT = "sent", _("Skickad")
        FAILED = "failed", _("Misslyckad")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    to = models.EmailField(_("till"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("försök"), default=0)
    next_attempt_at = models.DateTimeField(_("nästa försök"), default=timezone.now)
    last_error = models.TextField(_("senaste fel"), blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-postleverans")
        verbose_name_plural = _("e-postleveranser")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "to"], name="delivery_once_per_address"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.to} ({self.get_status_display()})"
