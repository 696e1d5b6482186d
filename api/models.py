"""The API's own records: the tokens journal systems call with, and the first response to
each retried write.

A token is issued to one user by an administrator (api.admin) and acts as that user, with
the user's units and roles: it adds no access of its own, only limits it (its scopes). Only
the token's public prefix and a SHA-256 digest of the whole token are stored; the token
itself is shown once, when it is issued. A token is never deleted (the access log names
it for years): it is revoked, or it expires.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """API-nyckel: a journal system's credential, acting as one user."""

    class Scope(models.TextChoices):
        READ = "read", _("Läsa")
        WRITE = "write", _("Läsa och skriva")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text=_("Nyckeln arbetar som den här användaren, med användarens enheter och roller."),
    )
    name = models.CharField(
        _("namn"), max_length=100, help_text=_("Vilket system som använder nyckeln.")
    )
    prefix = models.CharField(_("nyckelns början"), max_length=16, unique=True, editable=False)
    digest = models.CharField(_("kontrollsumma"), max_length=64, unique=True, editable=False)
    scope = models.CharField(_("behörighet"), max_length=10, choices=Scope.choices)
    created_at = models.DateTimeField(_("utfärdad"), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utfärdad av"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(_("gäller till"))
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("återkallad av"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="api_token_revoked_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.label})"

    @property
    def label(self) -> str:
        """How the access log and the admin name the token: its public prefix only."""
        return f"API-nyckel {self.prefix}"

    def in_force(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and at < self.expires_at

    @property
    def writes(self) -> bool:
        return self.scope == self.Scope.WRITE


class IdempotentRequest(models.Model):
    """A write sent with an Idempotency-Key: its user's key, what was asked, and the first
    response, which a retry with the same key gets again instead of a second write."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    #: SHA-256 of the request body: the same key with another body is a client error.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    #: Empty while the first request is still running.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True)
    location = models.CharField(max_length=500, blank=True)
    #: What the first write was about, so that a replay is logged as a read of it.
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"
