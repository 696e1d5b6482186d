"""Who may see which case, as data.

An ``AccessGrant`` is a relation tuple in the manner of Google's Zanzibar: "the case-role
staff of *unit* may see *case* (about *person*) from *valid_from* to *valid_until*, in full
or only its shared information categories, because of *kind*". A process derives its
grants from its own rules (for SIP: sipflow.grants, the same rules as sipflow.access's
``plan_access``) and replaces a case's rows in the same transaction as every change that
affects access. A list page then asks one indexed SQL question (cases.selectors) instead
of running the consent policy once per case; the full policy still decides for the one
case shown and for every write.

A grant that rests on consent ends (``valid_until``) on the last day its decision is sure
to hold, so that expiry takes effect without waiting for a job; a withdrawal ends such
grants at once in its own transaction (cases.services.grants_end_for_person), and the
process re-derives them right after.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Person, Unit

from .history import history_text


class AccessGrant(models.Model):
    class Kind(models.TextChoices):
        OWN = "own", _("Egen enhet")  # the unit that started the case: no consent needed
        LEAD = "lead", _("Huvudansvarig")  # leads from another unit, on the strength of consent
        INVITED = "invited", _("Kallad")  # holds a live kallelse, while consent covers it

    case_kind = models.CharField(_("ärendetyp"), max_length=20)
    case_id = models.PositiveBigIntegerField(_("ärende-id"))
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("enhet"), on_delete=models.CASCADE, related_name="+"
    )
    #: Only this user of the unit (a coordinator leading from their own units); empty: all
    #: of the unit's staff with a case role.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("grund"), max_length=20, choices=Kind.choices)
    #: The whole case; otherwise only the information categories the case shares.
    full = models.BooleanField(_("hela ärendet"), default=False)
    #: The consent purpose the grant rests on (consent.models.Purpose); empty when none.
    purpose = models.CharField(_("samtyckets ändamål"), max_length=20, blank=True)
    valid_from = models.DateField(_("gäller från"))
    valid_until = models.DateField(_("gäller till och med"), null=True, blank=True)
    source = models.CharField(_("underlag"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("åtkomst")
        verbose_name_plural = _("åtkomster")
        indexes = [
            models.Index(fields=["unit", "valid_until"], name="cases_grant_unit_until"),
            # A case's grants, with every column the grants' filter asks of them: a list
            # checks each of its rows against them in the index alone (cases.selectors
            # ``case_visible``), and a case's own grants are found by its first two.
            models.Index(
                fields=[
                    "case_kind",
                    "case_id",
                    "unit",
                    "valid_until",
                    "valid_from",
                    "user",
                    "source",
                ],
                name="cases_grant_case_check",
            ),
            models.Index(fields=["valid_until"], name="cases_grant_until"),
        ]

    def __str__(self) -> str:
        return f"{self.case_kind} {self.case_id}: {self.unit} ({self.kind})"


class HistoryEntryBase(models.Model):
    """One row of a case's historik: who did what, and when, written by cases.history in the
    same transaction as the change. A process's concrete model adds the foreign key to its
    case (``plan``, ``placement``)."""

    at = models.DateTimeField(_("tid"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("enhet"), on_delete=models.PROTECT, null=True, blank=True
    )
    what = models.CharField(_("händelse"), max_length=200)
    params = models.JSONField(_("uppgifter"), default=dict, blank=True)

    class Meta:
        abstract = True
        verbose_name = _("historikrad")
        verbose_name_plural = _("historik")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.text}"

    @property
    def text(self) -> str:
        """``what`` is a Swedish message id, translated when shown (cases.history)."""
        return history_text(self.what, self.params)

    @staticmethod
    def stored_params(params: dict) -> dict[str, str]:
        """The parameters as the row keeps them: text, as they read when it was written."""
        return {key: str(value) for key, value in params.items()}
