"""Avvikelser between kommun and region: the report, the organisations it concerns (each
with its handler and sign-off), the temporary allocation of responsibility and who agreed
to it, the investigation notes, the tvist and its levels, and the log (historik).

A report's own state is a django-fsm field; every change goes through deviations.services
and every transition through cases.history.transit, which writes its history entry. The
report names a case (a SIP, a placement) by its kind and id, reached through
cases.registry.ReportableCases, or none when it is about the agreement in general; it keeps
the case's person only to log who a look at it concerns, and shows that person only to a
user who may see the case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_fsm import FSMField, transition

from cases.models import HistoryEntryBase
from core.fsm import ConcurrentTransitionMixin
from directory.models import Organisation, Person, Unit

from .rules import AgreementCode, Category, DisputeLevelCode, HandlerRole, Harm


class Deviation(ConcurrentTransitionMixin, models.Model):
    """Avvikelse i samverkan."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Tillfällig ansvarsfördelning inte överenskommen")
        INVESTIGATING = "investigating", _("Utreds")
        CLOSED = "closed", _("Avslutad")

    reported_at = models.DateTimeField(_("rapporterad"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rapporterad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reporting_unit = models.ForeignKey(
        Unit, verbose_name=_("rapporterande enhet"), on_delete=models.PROTECT, related_name="+"
    )
    #: The case it was reported from (cases.registry.ReportableCases); empty: the agreement
    #: in general, without personal data.
    case_kind = models.CharField(_("ärendetyp"), max_length=20, blank=True)
    case_id = models.PositiveBigIntegerField(_("ärende-id"), null=True, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_on = models.DateField(_("inträffade"))
    description = models.TextField(_("vad hände"))
    category = models.CharField(_("kategori"), max_length=30, choices=Category.choices)
    harm = models.CharField(_("skada eller risk"), max_length=10, choices=Harm.choices)
    agreement = models.CharField(_("överenskommelse"), max_length=20, choices=AgreementCode.choices)
    status = FSMField(_("status"), default=Status.REPORTED, choices=Status.choices, protected=True)
    #: When the parties first agreed a temporary allocation (for the yearly statistics).
    allocation_agreed_at = models.DateTimeField(
        _("tillfällig ansvarsfördelning överenskommen"), null=True, blank=True
    )
    measures = models.TextField(_("vidtagna åtgärder"), blank=True)
    measures_at = models.DateTimeField(_("åtgärder skrivna"), null=True, blank=True)
    measures_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("åtgärder skrivna av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)

    class Meta:
        verbose_name = _("avvikelse")
        verbose_name_plural = _("avvikelser")
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case_kind="", case_id__isnull=True, person__isnull=True)
                | (~Q(case_kind="") & Q(case_id__isnull=False, person__isnull=False)),
                name="deviation_case_or_general",
                violation_error_message=_(
                    "En avvikelse gäller ett ärende och dess person, eller överenskommelsen i "
                    "allmänhet utan personuppgifter."
                ),
            ),
        ]
        indexes = [
            # The chefs' red list: reports whose temporary allocation is not agreed.
            models.Index(
                fields=["reported_at"],
                name="deviation_allocation_pending",
                condition=Q(status="reported"),
            ),
        ]

    def __str__(self) -> str:
        return _("Avvikelse %(reference)s") % {"reference": self.reference}

    @property
    def reference(self) -> str:
        """Its number as the parties and the incident system quote it: AVV-2026-12."""
        return f"AVV-{timezone.localtime(self.reported_at):%Y}-{self.pk}"

    @transition(
        field=status,
        source=Status.REPORTED,
        target=Status.INVESTIGATING,
        custom={
            "history": gettext_noop("Alla parter har godkänt den tillfälliga ansvarsfördelningen.")
        },
    )
    def agree_allocation(self) -> None:
        """Every organisation concerned has agreed the temporary allocation."""

    @transition(
        field=status,
        source=Status.INVESTIGATING,
        target=Status.REPORTED,
        custom={
            "history": gettext_noop(
                "En ny tillfällig ansvarsfördelning föreslogs; den gäller när alla parter har "
                "godkänt den."
            )
        },
    )
    def reopen_allocation(self) -> None:
        """A new proposal replaces the agreed allocation until every party agrees to it."""

    @transition(
        field=status,
        source=Status.INVESTIGATING,
        target=Status.CLOSED,
        custom={
            "history": gettext_noop("Alla parter har godkänt åtgärderna; avvikelsen är avslutad.")
        },
    )
    def close(self) -> None:
        """Every organisation's handler has signed off the measures taken."""


class DeviationParty(models.Model):
    """An organisation the avvikelse concerns (berörd part), the unit in it concerned, its
    handler and its sign-off of the measures."""

    deviation = models.ForeignKey(Deviation, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("berörd enhet"), on_delete=models.PROTECT, related_name="+"
    )
    reporting = models.BooleanField(_("rapporterande part"), default=False)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handläggare"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handler_role = models.CharField(
        _("handläggarens roll"), max_length=20, choices=HandlerRole.choices, blank=True
    )
    handler_named_at = models.DateTimeField(_("handläggare utsedd"), null=True, blank=True)
    signed_off_at = models.DateTimeField(_("åtgärderna godkända"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("åtgärderna godkända av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("berörd part")
        verbose_name_plural = _("berörda parter")
        ordering = ["-reporting", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deviation", "organisation"],
                name="deviation_party_once",
                violation_error_message=_("Organisationen är redan part i avvikelsen."),
            ),
            models.CheckConstraint(
                condition=Q(handler__isnull=True, handler_role="")
                | Q(handler__isnull=False) & ~Q(handler_role=""),
                name="deviation_party_handler_has_role",
                violation_error_message=_("En handläggare utses med sin roll."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "deviation"], name="deviation_party_unit")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.unit})"


class Allocation(models.Model):
    """Tillfällig ansvarsfördelning: who does what until the investigation is done, with a
    date; agreed when every party has approved it (``agreed_at``)."""

    deviation = models.ForeignKey(Deviation, on_delete=models.CASCADE, related_name="allocations")
    number = models.PositiveSmallIntegerField(_("nummer"))
    responsibilities = models.TextField(_("vem gör vad"))
    until = models.DateField(_("gäller till och med"))
    proposed_at = models.DateTimeField(_("föreslagen"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("föreslagen av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_party = models.ForeignKey(
        DeviationParty,
        verbose_name=_("föreslagen av part"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    agreed_at = models.DateTimeField(_("överenskommen"), null=True, blank=True)

    class Meta:
        verbose_name = _("tillfällig ansvarsfördelning")
        verbose_name_plural = _("tillfälliga ansvarsfördelningar")
        ordering = ["deviation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["deviation", "number"], name="deviation_allocation_number"
            )
        ]

    def __str__(self) -> str:
        return _("Tillfällig ansvarsfördelning %(number)d") % {"number": self.number}


class AllocationApproval(models.Model):
    """One party's approval of a temporary allocation."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="approvals")
    party = models.ForeignKey(DeviationParty, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("godkänd"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkänd av"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("godkännande av ansvarsfördelning")
        verbose_name_plural = _("godkännanden av ansvarsfördelningar")
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "party"], name="deviation_allocation_approved_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.allocation}: {self.party}"


class InvestigationNote(models.Model):
    """Utredningsanteckning: what one party found, written into the shared log."""

    deviation = models.ForeignKey(Deviation, on_delete=models.CASCADE, related_name="notes")
    party = models.ForeignKey(
        DeviationParty, verbose_name=_("part"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("skriven"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("anteckning"))

    class Meta:
        verbose_name = _("utredningsanteckning")
        verbose_name_plural = _("utredningsanteckningar")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return _("Utredningsanteckning i %(deviation)s") % {"deviation": self.deviation}


class Dispute(ConcurrentTransitionMixin, models.Model):
    """Tvist: the avvikelse the parties cannot settle goes up the ladder (rules.LADDER)."""

    class Stage(models.TextChoices):
        LOCAL = DisputeLevelCode.LOCAL.value, DisputeLevelCode.LOCAL.label
        NETWORK = DisputeLevelCode.NETWORK.value, DisputeLevelCode.NETWORK.label
        COUNCIL = DisputeLevelCode.COUNCIL.value, DisputeLevelCode.COUNCIL.label
        RESOLVED = "resolved", _("Löst")
        UNRESOLVED = "unresolved", _("Inte löst av Välfärdsrådet")

    OPEN = (Stage.LOCAL, Stage.NETWORK, Stage.COUNCIL)

    deviation = models.OneToOneField(Deviation, on_delete=models.CASCADE, related_name="dispute")
    matter = models.TextField(_("vad tvisten gäller"))
    raised_at = models.DateTimeField(_("tvist uppkom"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tagen upp av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    stage = FSMField(_("nivå"), default=Stage.LOCAL, choices=Stage.choices, protected=True)

    class Meta:
        verbose_name = _("tvist")
        verbose_name_plural = _("tvister")

    def __str__(self) -> str:
        return _("Tvist i %(deviation)s") % {"deviation": self.deviation}

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN

    @transition(
        field=stage,
        source=Stage.LOCAL,
        target=Stage.NETWORK,
        custom={"history": gettext_noop("Tvisten fördes till Länschefsnätverket.")},
    )
    def escalate_to_network(self) -> None:
        """The local management of both parties did not agree."""

    @transition(
        field=stage,
        source=Stage.NETWORK,
        target=Stage.COUNCIL,
        custom={"history": gettext_noop("Tvisten fördes till Välfärdsrådet.")},
    )
    def escalate_to_council(self) -> None:
        """Länschefsnätverket could not settle it."""

    @transition(
        field=stage,
        source=[Stage.LOCAL, Stage.NETWORK, Stage.COUNCIL],
        target=Stage.RESOLVED,
        custom={"history": gettext_noop("Tvisten är löst.")},
    )
    def resolve(self) -> None:
        """The level's decision settled it."""

    @transition(
        field=stage,
        source=Stage.COUNCIL,
        target=Stage.UNRESOLVED,
        custom={
            "history": gettext_noop(
                "Välfärdsrådet fann ingen lösning: omförhandling av överenskommelsen, eller "
                "för en lokal tvist allmän domstol."
            )
        },
    )
    def fail(self) -> None:
        """The top of the ladder found no solution."""


class DisputeLevel(models.Model):
    """One level of a tvist: its dates, the proposal it decides on and its decision. At
    Länschefsnätverket also the notice to its steering group and the written submission,
    ahead of the meeting (directory.durations: DISPUTE_NOTICE_BEFORE_MEETING)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="levels")
    level = models.CharField(_("nivå"), max_length=10, choices=DisputeLevelCode.choices)
    opened_on = models.DateField(_("tagen upp"))
    notice_on = models.DateField(_("aviserad till styrgruppen"), null=True, blank=True)
    written_on = models.DateField(_("skriftligen tillställd"), null=True, blank=True)
    meeting_on = models.DateField(_("möte"), null=True, blank=True)
    proposal = models.TextField(_("förslag till lösning"), blank=True)
    proposal_on = models.DateField(_("förslaget lämnat"), null=True, blank=True)
    decision = models.TextField(_("beslut"), blank=True)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("tvistenivå")
        verbose_name_plural = _("tvistenivåer")
        ordering = ["dispute", "opened_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "level"], name="dispute_level_once")
        ]

    def __str__(self) -> str:
        return self.get_level_display()


class DeviationHistoryEntry(HistoryEntryBase):
    """Avvikelsens logg: who did what, and when, for every party to read."""

    deviation = models.ForeignKey(Deviation, on_delete=models.CASCADE, related_name="history")
