"""Samtycke: consents, and the records that stand in for one where the law allows."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.fsm import ConcurrentTransitionMixin
from directory.models import Organisation, Person, Unit


class Purpose(models.TextChoices):
    SIP = "sip", _("SIP")
    PLACEMENT = "placement", _("Placering")


class InformationCategory(models.Model):
    """A kind of information a consent may cover, e.g. hälsa, socialt, skola."""

    code = models.SlugField(_("kod"), max_length=30, unique=True)
    name = models.CharField(_("namn"), max_length=100)

    class Meta:
        verbose_name = _("informationskategori")
        verbose_name_plural = _("informationskategorier")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Consent(ConcurrentTransitionMixin, models.Model):
    """One person's consent (samtycke) in one matter, scoped to actors and information.

    ``subject`` is the person the matter is about; ``given_by`` is who consented: the
    subject, or each vårdnadshavare separately.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Gällande")
        EXPIRED = "expired", _("Utgånget")
        WITHDRAWN = "withdrawn", _("Återkallat")

    class Form(models.TextChoices):
        WRITTEN = "written", _("Skriftligt")
        ORAL = "oral", _("Muntligt")
        OTHER = "other", _("På annat sätt")

    subject = models.ForeignKey(
        Person, verbose_name=_("gäller"), on_delete=models.PROTECT, related_name="consents"
    )
    given_by = models.ForeignKey(
        Person,
        verbose_name=_("lämnat av"),
        on_delete=models.PROTECT,
        related_name="consents_given",
    )
    purpose = models.CharField(_("ändamål"), max_length=20, choices=Purpose.choices)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    documented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dokumenterat av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    documented_at = models.DateTimeField(_("dokumenterat"))
    valid_from = models.DateField(_("gäller från"))
    valid_until = models.DateField(_("gäller till och med"))
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisationer"), blank=True, related_name="+"
    )
    units = models.ManyToManyField(Unit, verbose_name=_("enheter"), blank=True, related_name="+")
    categories = models.ManyToManyField(
        InformationCategory, verbose_name=_("information"), related_name="+"
    )
    excluded_units = models.ManyToManyField(
        Unit, verbose_name=_("undantagna enheter"), blank=True, related_name="+"
    )
    excluded_categories = models.ManyToManyField(
        InformationCategory,
        verbose_name=_("undantagen information"),
        blank=True,
        related_name="+",
    )
    excluded_persons = models.TextField(
        _("undantagna personer"),
        blank=True,
        help_text=_("Personer som inte får delta eller ta del av informationen."),
    )
    document = models.FileField(_("inskannat dokument"), upload_to="consents/", blank=True)
    status = FSMField(_("status"), default=Status.ACTIVE, choices=Status.choices, protected=True)
    withdrawn_at = models.DateTimeField(_("återkallat"), null=True, blank=True)
    withdrawal_form = models.CharField(
        _("återkallelsens form"), max_length=10, choices=Form.choices, blank=True
    )
    withdrawal_documented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("återkallelse dokumenterad av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("samtycke")
        verbose_name_plural = _("samtycken")
        ordering = ["-documented_at"]
        indexes = [
            # A person's SIP consents in force, the earliest end first (the chef's list of
            # consents running out, overview).
            models.Index(
                fields=["subject", "valid_until"],
                name="consent_sip_active_until",
                condition=Q(purpose="sip", status="active"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="consent_valid_until_after_from",
            ),
            # At most a year: checked in consent_register with a clear message; the
            # database refuses anything over 366 days (a year across 29 February).
            models.CheckConstraint(
                condition=Q(valid_until__lte=models.F("valid_from") + dt.timedelta(days=366)),
                name="consent_at_most_a_year",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False),
                name="consent_withdrawal_has_time",
            ),
        ]

    def __str__(self) -> str:
        return _("Samtycke från %(giver)s (%(purpose)s)") % {
            "giver": self.given_by,
            "purpose": self.get_purpose_display(),
        }

    @transition(field=status, source=Status.ACTIVE, target=Status.WITHDRAWN)
    def withdraw(self) -> None:
        """Återkallelse. Only through consent_withdraw, which records who and how."""

    @transition(field=status, source=Status.ACTIVE, target=Status.EXPIRED)
    def expire(self) -> None:
        """Marks a consent past its end date; the policy treats it as expired already."""


class CommitteeDecision(models.Model):
    """Socialnämndens beslut to act without one vårdnadshavare's consent (004 ≈L705-710),
    or, with no ``guardian``, for a child whose vårdnadshavare are not called and who cannot
    consent alone (004 ≈L712-715; RULES.md §2)."""

    subject = models.ForeignKey(
        Person, verbose_name=_("barn"), on_delete=models.PROTECT, related_name="+"
    )
    guardian = models.ForeignKey(
        Person,
        verbose_name=_("vårdnadshavare"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Tomt när vårdnadshavarna inte kallas."),
    )
    purpose = models.CharField(_("ändamål"), max_length=20, choices=Purpose.choices)
    legal_ground = models.CharField(
        _("lagrum"), max_length=200, help_text=_("T.ex. SoL eller HSL 6 kap 13 a §.")
    )
    decided_on = models.DateField(_("beslutsdatum"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registrerat av"), on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("nämndbeslut utan vårdnadshavares samtycke")
        verbose_name_plural = _("nämndbeslut utan vårdnadshavares samtycke")

    def __str__(self) -> str:
        return f"{self.subject}: {self.legal_ground} ({self.decided_on})"


class GuardiansNotCalled(models.Model):
    """Vårdnadshavarna kallas inte: for safety, or the child's will with a maturity
    assessment (004 ≈L712-715). They keep a right to information until the child is 18."""

    class Reason(models.TextChoices):
        SAFETY = "safety", _("Av säkerhetsskäl")
        CHILD_WILL = "child_will", _("Barnets vilja, efter bedömning av ålder och mognad")

    subject = models.ForeignKey(
        Person, verbose_name=_("barn"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("ändamål"), max_length=20, choices=Purpose.choices)
    reason = models.CharField(_("skäl"), max_length=20, choices=Reason.choices)
    maturity_assessment = models.TextField(_("bedömning av ålder och mognad"), blank=True)
    recorded_at = models.DateTimeField(_("registrerat"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registrerat av"), on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("beslut att inte kalla vårdnadshavare")
        verbose_name_plural = _("beslut att inte kalla vårdnadshavare")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason="child_will") | ~Q(maturity_assessment=""),
                name="guardians_not_called_child_will_needs_assessment",
                violation_error_message=_("Beskriv bedömningen av barnets ålder och mognad."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.get_reason_display()}"


class RecordedView(models.Model):
    """A recorded view (inställning) of the child, a guardian or the person: required for
    every step concerning a child of 12 or more, and instead of consent under LVU/LVM."""

    subject = models.ForeignKey(
        Person, verbose_name=_("gäller"), on_delete=models.PROTECT, related_name="+"
    )
    holder = models.ForeignKey(
        Person, verbose_name=_("vems inställning"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("ändamål"), max_length=20, choices=Purpose.choices)
    view = models.TextField(_("inställning"))
    recorded_at = models.DateTimeField(_("registrerad"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registrerad av"), on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("registrerad inställning")
        verbose_name_plural = _("registrerade inställningar")

    def __str__(self) -> str:
        return f"{self.holder}: {self.view[:40]}"
