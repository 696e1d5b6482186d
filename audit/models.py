"""The access log (HSLF-FS 2016:40, 4 kap. 9 §): what was done, where, when, by whom and
about whom. It is append-only and hash-chained (see ``audit.chain``); on PostgreSQL a
trigger refuses every UPDATE, DELETE and TRUNCATE (migration 0002). Entries are kept at
least five years, so nothing they point at may be deleted (PROTECT).

The review of samples (stickprov) is kept apart, in ``SampleReview``: its sign-off changes,
the log never does.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLogEntry(models.Model):
    """One access: a user read, created, changed, exported or printed something."""

    class Action(models.TextChoices):
        VIEW = "view", _("Läsning")
        CREATE = "create", _("Skapande")
        UPDATE = "update", _("Ändring")
        EXPORT = "export", _("Export")
        PRINT = "print", _("Utskrift")

    at = models.DateTimeField(_("tidpunkt"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log_entries",
    )
    # Copied: the log must say who it was even if the account is renamed.
    username = models.CharField(_("användarnamn"), max_length=150, blank=True)
    # Not indexed alone: audit_entry_unit_at leads with it (every entry written updates
    # each index of the table, the largest there is, so it keeps no index twice).
    unit = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("enhet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log_entries",
        db_index=False,
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log_entries",
    )
    action = models.CharField(_("åtgärd"), max_length=10, choices=Action.choices)
    object_type = models.CharField(
        _("objekttyp"), max_length=100, blank=True, help_text=_("T.ex. sipflow.sipplan.")
    )
    object_id = models.CharField(_("objekt-id"), max_length=64, blank=True)
    person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log_entries",
        help_text=_("Den som uppgifterna gäller."),
        db_index=False,  # audit_entry_person_at leads with it
    )
    purpose = models.CharField(
        _("ändamål"), max_length=300, blank=True, help_text=_("Uppgiften eller skälet.")
    )
    path = models.CharField(_("sökväg"), max_length=500, blank=True)
    credential = models.CharField(
        _("åtkomstväg"),
        max_length=64,
        blank=True,
        help_text=_("API-nyckeln anropet gjordes med; tomt för sidorna."),
    )
    refused = models.BooleanField(
        _("nekad"),
        default=False,
        help_text=_("Åtkomstkontrollen nekade försöket: inget lästes eller ändrades."),
    )
    previous_hash = models.CharField(_("föregående kontrollsumma"), max_length=64)
    entry_hash = models.CharField(_("kontrollsumma"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("loggpost")
        verbose_name_plural = _("åtkomstlogg")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["person", "at"], name="audit_entry_person_at"),
            models.Index(fields=["unit", "at"], name="audit_entry_unit_at"),
            models.Index(
                fields=["unit", "at"],
                condition=Q(refused=True),
                name="audit_entry_refused_unit_at",
            ),
        ]
        constraints = [
            # Two entries with the same predecessor would fork the chain; the database
            # refuses the second even if the lock in access_log_record were bypassed.
            models.UniqueConstraint(fields=["previous_hash"], name="audit_entry_chain_no_fork"),
        ]

    def __str__(self) -> str:
        what = f"{self.object_type} {self.object_id}".strip()
        refused = f" ({_('nekad')})" if self.refused else ""
        return (
            f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.username} "
            f"{self.get_action_display()}{refused} {what}"
        ).strip()


class SampleReview(models.Model):
    """Stickprov: a manager's random sample of accesses to the unit's cases made from outside
    the unit, checked and signed off once."""

    drawn_at = models.DateTimeField(_("draget"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("draget av"),
        on_delete=models.PROTECT,
        related_name="drawn_sample_reviews",
    )
    unit = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("enhet"),
        on_delete=models.PROTECT,
        related_name="sample_reviews",
        help_text=_("Enheten vars ärenden åtkomsterna gällde."),
    )
    period_start = models.DateField(_("från och med"))
    period_end = models.DateField(_("till och med"))
    entries = models.ManyToManyField(
        AccessLogEntry, verbose_name=_("loggposter"), related_name="sample_reviews", blank=True
    )
    signed_off_at = models.DateTimeField(_("signerat"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signerat av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_sample_reviews",
    )
    note = models.TextField(_("anteckning"), blank=True)

    class Meta:
        verbose_name = _("stickprov")
        verbose_name_plural = _("stickprov")
        ordering = ["-drawn_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")),
                name="sample_review_period_in_order",
                violation_error_message=_("Perioden kan inte sluta före den börjar."),
            ),
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True, signed_off_by__isnull=True)
                | Q(signed_off_at__isnull=False, signed_off_by__isnull=False),
                name="sample_review_signed_off_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return _("Stickprov %(unit)s %(start)s–%(end)s") % {
            "unit": self.unit,
            "start": self.period_start.isoformat(),
            "end": self.period_end.isoformat(),
        }
