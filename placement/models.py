"""HVB placement (placering på HVB): före → under → avslut. The placement's own phase is a
django-fsm field; every change goes through ``placement.services`` and every transition
through cases.history.transit, which writes its ``PlacementHistoryEntry``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_fsm import FSMField, transition
from viewflow.workflow.models import Process

from cases.models import HistoryEntryBase
from consent.models import Consent, InformationCategory
from core.fsm import ConcurrentTransitionMixin
from directory.models import Organisation, Person, Unit
from sipflow.models import SipPlan

from .rules import LegalBasis


class HvbProfile(models.Model):
    """HVB-profil: what an HVB unit is licensed for and whom it takes (målgrupp)."""

    class IvoStatus(models.TextChoices):
        PERMIT = "permit", _("Tillstånd från IVO (enskilt HVB)")
        NOTIFIED = "notified", _("Anmält till IVO (kommunalt HVB)")
        NONE = "none", _("Varken tillstånd eller anmälan")

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("enhet"),
        on_delete=models.CASCADE,
        related_name="hvb_profile",
        limit_choices_to={"kind": Unit.Kind.HVB},
    )
    ivo_status = models.CharField(_("status hos IVO"), max_length=10, choices=IvoStatus.choices)
    ivo_reference = models.CharField(_("IVO:s diarienummer"), max_length=50, blank=True)
    target_group = models.TextField(_("målgrupp"), blank=True)
    age_from = models.PositiveSmallIntegerField(_("ålder från"), null=True, blank=True)
    age_to = models.PositiveSmallIntegerField(_("ålder till och med"), null=True, blank=True)
    places = models.PositiveSmallIntegerField(_("platser"))

    class Meta:
        verbose_name = _("HVB-profil")
        verbose_name_plural = _("HVB-profiler")
        constraints = [
            models.CheckConstraint(
                condition=Q(age_from__isnull=True)
                | Q(age_to__isnull=True)
                | Q(age_from__lte=models.F("age_to")),
                name="hvb_profile_ages_in_order",
                violation_error_message=_("Den lägsta åldern kan inte vara högre än den högsta."),
            ),
            models.CheckConstraint(
                condition=Q(ivo_status="none") | ~Q(ivo_reference=""),
                name="hvb_profile_ivo_reference",
                violation_error_message=_("Ange IVO:s diarienummer för tillståndet eller anmälan."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.unit)

    def clean(self) -> None:
        if self.unit_id and self.unit.kind != Unit.Kind.HVB:
            raise ValidationError({"unit": _("En HVB-profil hör till en enhet av typen HVB.")})

    @property
    def hvb_choosable(self) -> bool:
        """Only an HVB with an IVO permit (private) or notified to IVO (municipal) may be
        chosen (004 ≈L328-342)."""
        return self.ivo_status in (self.IvoStatus.PERMIT, self.IvoStatus.NOTIFIED)


class PlacementProcess(Process):
    """The viewflow process of one placement; its domain record is ``process.placement``."""

    class Meta:
        proxy = True
        ordering = ["-created"]
        verbose_name = _("placeringsprocess")
        verbose_name_plural = _("placeringsprocesser")


class EndDestination(models.TextChoices):
    """Where the person goes when the placement ends."""

    HOME = "home", _("Hem")
    GUARDIAN = "guardian", _("Till en vårdnadshavare")
    ANOTHER_PLACEMENT = "another_placement", _("Annan placering")
    OWN_HOUSING = "own_housing", _("Eget boende")
    OTHER = "other", _("Annat")


class Placement(ConcurrentTransitionMixin, models.Model):
    """En placering på HVB, from the utredning to the end of the aftercare."""

    class Phase(models.TextChoices):
        INVESTIGATING = "investigating", _("Utredning")
        PROPOSED = "proposed", _("Föreslagen")
        DECIDED = "decided", _("Beslutad")
        PLACED = "placed", _("Placerad")
        ENDING = "ending", _("Avslutas")
        AFTERCARE = "aftercare", _("Uppföljning efter placering")
        CLOSED = "closed", _("Avslutad")
        CANCELLED = "cancelled", _("Utredningen avslutad utan placering")

    #: The phases before the placement is decided, in which the utredning can still change.
    BEFORE_DECISION = (Phase.INVESTIGATING, Phase.PROPOSED)
    #: The phases in which the HVB takes part (and sees the placement).
    WITH_HVB = (Phase.DECIDED, Phase.PLACED, Phase.ENDING)
    ENDED = (Phase.CLOSED, Phase.CANCELLED)

    class DecisionLevel(models.TextChoices):
        DELEGATE = "delegate", _("Delegat")
        COMMITTEE_SECTION = "committee_section", _("Utskott")
        COMMITTEE = "committee", _("Nämnd")

    process = models.OneToOneField(
        Process, on_delete=models.PROTECT, related_name="placement", null=True, blank=True
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="placements"
    )
    placing_unit = models.ForeignKey(
        Unit, verbose_name=_("placerande enhet"), on_delete=models.PROTECT, related_name="+"
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handläggare"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    hvb_unit = models.ForeignKey(
        Unit,
        verbose_name=_("HVB"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    legal_basis = models.CharField(
        _("lagrum"), max_length=10, choices=LegalBasis.choices, blank=True
    )
    acute = models.BooleanField(_("akut placering"), default=False)
    categories = models.ManyToManyField(
        InformationCategory,
        verbose_name=_("information som HVB:et får ta del av"),
        blank=True,
        related_name="+",
    )
    phase = FSMField(_("fas"), default=Phase.INVESTIGATING, choices=Phase.choices, protected=True)
    opened_at = models.DateTimeField(_("utredning inledd"))
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    decision_level = models.CharField(
        _("beslutsnivå"), max_length=20, choices=DecisionLevel.choices, blank=True
    )
    decided_by = models.CharField(
        _("beslutsfattare"),
        max_length=200,
        blank=True,
        help_text=_("Delegatens namn eller det beslutande organets namn."),
    )
    start_date = models.DateField(_("inflyttning"), null=True, blank=True)
    planned_end_date = models.DateField(_("planerat slutdatum"), null=True, blank=True)
    cancel_reason = models.TextField(_("skäl att avsluta utredningen"), blank=True)
    consent_ended_on = models.DateField(
        _("samtycket återkallades eller upphörde"),
        null=True,
        blank=True,
        help_text=_(
            "En placering enligt SoL vars samtycke upphört: avsluta placeringen eller ansök "
            "om vård enligt LVU."
        ),
    )
    ended_on = models.DateField(_("utflyttning"), null=True, blank=True)
    end_reason = models.TextField(_("skäl till avslutet"), blank=True)
    end_destination = models.CharField(
        _("flyttar till"), max_length=20, choices=EndDestination.choices, blank=True
    )
    aftercare_until = models.DateField(
        _("uppföljning efter placering till och med"), null=True, blank=True
    )
    close_note = models.TextField(_("uppföljningen efter placeringen"), blank=True)
    # The clocks of a placement living at its HVB that the chef's lists sort and filter by,
    # stored (placement.services.clocks) so that a list reads the late ones from an index
    # instead of computing every placement's clocks: the next uppföljningsbesök, the next
    # private talk with the child (enskilt samtal), the earlier of the two, the LVM end and
    # an acute placement's cost allocation due date. They hold on the days from
    # ``clocks_on`` up to (not including) ``clocks_until``, the first day a rule, a switch
    # or the child's 18th birthday may change them; outside those days, or null, a list
    # computes them itself and the tick stores them again.
    visit_due_on = models.DateField(_("nästa uppföljningsbesök"), null=True, editable=False)
    private_talk_due_on = models.DateField(
        _("nästa enskilda samtal med barnet"), null=True, editable=False
    )
    contact_due_on = models.DateField(
        _("nästa besök eller enskilda samtal"), null=True, editable=False
    )
    lvm_ends_on = models.DateField(_("LVM-vården upphör senast"), null=True, editable=False)
    cost_allocation_due_on = models.DateField(
        _("kostnadsfördelningen ska vara klar"), null=True, editable=False
    )
    clocks_on = models.DateField(_("tiderna räknade"), null=True, editable=False)
    clocks_until = models.DateField(_("tiderna gäller till"), null=True, editable=False)
    sip_plan = models.ForeignKey(
        SipPlan,
        verbose_name=_("SIP"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Den samordnade individuella planen vars uppföljningar för vidare placeringens "
            "insatser. Kopplas eller startas bara där samtycket till SIP räcker."
        ),
    )

    class Meta:
        verbose_name = _("placering")
        verbose_name_plural = _("placeringar")
        indexes = [
            models.Index(fields=["placing_unit", "phase"], name="placement_unit_phase"),
            # The chef's workload: one unit's running placements per handläggare, counted from
            # the index alone.
            models.Index(
                fields=["placing_unit", "caseworker"],
                include=["id"],
                name="placement_open_caseworker",
                condition=~Q(phase__in=["closed", "cancelled"]),
            ),
            # The chef's lists of placements living at their HVB (LVM ends, acute cost
            # allocations, follow-up visits): one unit's, narrowed in the index.
            models.Index(
                fields=["placing_unit", "acute", "legal_basis"],
                name="placement_living",
                condition=Q(phase__in=["placed", "ending"], start_date__isnull=False),
            ),
            # The same lists from the stored clocks: the late visits, the LVM ends and the
            # acute cost allocations of one unit, by date; and the placements whose stored
            # clocks no longer hold (computed by the list, stored again by the tick).
            models.Index(
                fields=["placing_unit", "contact_due_on"],
                include=["id", "clocks_on", "clocks_until"],
                name="placement_contact_due",
                condition=Q(phase__in=["placed", "ending"], start_date__isnull=False),
            ),
            models.Index(
                fields=["placing_unit", "lvm_ends_on"],
                include=["id", "clocks_on", "clocks_until"],
                name="placement_lvm_ends",
                condition=Q(
                    phase__in=["placed", "ending"],
                    start_date__isnull=False,
                    lvm_ends_on__isnull=False,
                ),
            ),
            models.Index(
                fields=["placing_unit", "cost_allocation_due_on"],
                include=["id", "clocks_on", "clocks_until"],
                name="placement_cost_due",
                condition=Q(
                    phase__in=["placed", "ending"],
                    start_date__isnull=False,
                    cost_allocation_due_on__isnull=False,
                ),
            ),
            # The SoL placements whose consent ended (the chef's list): one unit's, by the
            # day it ended, without reading the unit's other running placements.
            models.Index(
                fields=["placing_unit", "consent_ended_on"],
                include=["id"],
                name="placement_consent_ended",
                condition=Q(
                    phase__in=["decided", "placed", "ending"],
                    legal_basis="sol",
                    consent_ended_on__isnull=False,
                ),
            ),
            models.Index(
                fields=["placing_unit", "clocks_until"],
                include=["id", "clocks_on"],
                name="placement_clocks_until",
                condition=Q(phase__in=["placed", "ending"], start_date__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return _("Placering för %(person)s") % {"person": self.person}

    @transition(
        field=phase,
        source=[Phase.INVESTIGATING, Phase.PROPOSED],
        target=Phase.PROPOSED,
        custom={"history": gettext_noop("Placering föreslagen.")},
    )
    def propose(self) -> None:
        """The HVB, the legal basis and acute or planned are chosen."""

    @transition(
        field=phase,
        source=Phase.PROPOSED,
        target=Phase.DECIDED,
        custom={"history": gettext_noop("Placeringen beslutades.")},
    )
    def decide(self) -> None:
        """Beslut: by a delegat, an utskott or the nämnd (interim or after the court)."""

    @transition(
        field=phase,
        source=Phase.DECIDED,
        target=Phase.PLACED,
        custom={"history": gettext_noop("Personen flyttade in på HVB:et.")},
    )
    def place(self) -> None:
        """Inflyttning: the placement starts."""

    @transition(
        field=phase,
        source=Phase.PLACED,
        target=Phase.ENDING,
        custom={"history": gettext_noop("Avslutet av placeringen planeras.")},
    )
    def plan_ending(self) -> None:
        """Ending planning opens before the planned end."""

    @transition(
        field=phase,
        source=[Phase.PLACED, Phase.ENDING],
        target=Phase.AFTERCARE,
        custom={"history": gettext_noop("Placeringen upphörde; uppföljning efter placering.")},
    )
    def end(self) -> None:
        """The person has moved out; the aftercare follow-up runs."""

    @transition(
        field=phase,
        source=Phase.AFTERCARE,
        target=Phase.CLOSED,
        custom={"history": gettext_noop("Ärendet avslutades.")},
    )
    def close(self) -> None:
        """Avslut after the aftercare."""

    @transition(
        field=phase,
        source=[Phase.INVESTIGATING, Phase.PROPOSED, Phase.DECIDED],
        target=Phase.CANCELLED,
        custom={"history": gettext_noop("Utredningen avslutades utan placering.")},
    )
    def cancel(self) -> None:
        """Utredningen avslutas utan placering."""


class PlacementHistoryEntry(HistoryEntryBase):
    """Ärendets historik: who did what, and when, in a placement."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="history")


class Audience(models.TextChoices):
    CHILDREN = "children", _("Barn och unga")
    ADULTS = "adults", _("Vuxna")


class AssessmentTemplate(models.Model):
    """Utredningsmall (SoL 20 kap): the areas an utredning assesses. Without an organisation
    it is the national default; an organisation may load its own (e.g. BBIC-based)."""

    code = models.SlugField(_("kod"), max_length=50)
    name = models.CharField(_("namn"), max_length=200)
    audience = models.CharField(_("gäller"), max_length=10, choices=Audience.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tomt: den nationella standardmallen."),
    )

    class Meta:
        verbose_name = _("utredningsmall")
        verbose_name_plural = _("utredningsmallar")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="assessment_template_code_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(organisation__isnull=True),
                name="assessment_template_national_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AssessmentArea(models.Model):
    """Ett bedömningsområde in an utredningsmall."""

    template = models.ForeignKey(
        AssessmentTemplate, verbose_name=_("mall"), on_delete=models.CASCADE, related_name="areas"
    )
    order = models.PositiveSmallIntegerField(_("ordning"))
    code = models.SlugField(_("kod"), max_length=50)
    title = models.CharField(_("rubrik"), max_length=200)
    help = models.TextField(_("vägledning"), blank=True)

    class Meta:
        verbose_name = _("bedömningsområde")
        verbose_name_plural = _("bedömningsområden")
        ordering = ["template", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="assessment_area_code"),
        ]

    def __str__(self) -> str:
        return self.title


class Assessment(models.Model):
    """Utredningen (SoL 20 kap): one free-text entry per area of its template."""

    placement = models.OneToOneField(
        Placement, verbose_name=_("placering"), on_delete=models.CASCADE, related_name="assessment"
    )
    template = models.ForeignKey(
        AssessmentTemplate, verbose_name=_("mall"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("utredning")
        verbose_name_plural = _("utredningar")

    def __str__(self) -> str:
        return str(self.template)

    @property
    def complete(self) -> bool:
        """Every area of the template has text."""
        return not self.template.areas.exclude(
            pk__in=self.entries.exclude(text="").values("area_id")
        ).exists()


class AssessmentEntry(models.Model):
    """What the utredning found in one area."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("utredning"), on_delete=models.CASCADE, related_name="entries"
    )
    area = models.ForeignKey(
        AssessmentArea, verbose_name=_("område"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("bedömning"))
    written_at = models.DateTimeField(_("skriven"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("av"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("bedömning")
        verbose_name_plural = _("bedömningar")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="assessment_entry_area"),
        ]

    def __str__(self) -> str:
        return str(self.area)


class AlternativeTried(models.Model):
    """En mindre ingripande insats som prövats före HVB (familjebehandling, familjehem, …)."""

    class Kind(models.TextChoices):
        FAMILY_TREATMENT = "family_treatment", _("Familjebehandling")
        FOSTER_HOME = "foster_home", _("Familjehem")
        SUPPORTED_HOUSING = "supported_housing", _("Stödboende")
        OUTPATIENT = "outpatient", _("Öppenvård")
        OTHER = "other", _("Annat")

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placering"),
        on_delete=models.CASCADE,
        related_name="alternatives",
    )
    kind = models.CharField(_("insats"), max_length=20, choices=Kind.choices)
    started_on = models.DateField(_("från"))
    ended_on = models.DateField(_("till"), null=True, blank=True)
    outcome = models.TextField(_("resultat"))
    recorded_at = models.DateTimeField(_("dokumenterad"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dokumenterad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("prövat alternativ")
        verbose_name_plural = _("prövade alternativ")
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="alternative_period_in_order",
                violation_error_message=_("Insatsen kan inte sluta innan den började."),
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class LegalStep(models.Model):
    """Ett steg i tvångsvården (LVU, LVM): the nämnd's application, its interim decision
    (omedelbart omhändertagande) or the court's decision."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Ansökan till förvaltningsrätten")
        INTERIM = "interim", _("Omedelbart omhändertagande (LVU 6 § / LVM 13 §)")
        COURT_DECISION = "court_decision", _("Förvaltningsrättens dom")

    #: The steps on which care may be decided.
    DECIDING = (Kind.INTERIM, Kind.COURT_DECISION)

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placering"),
        on_delete=models.CASCADE,
        related_name="legal_steps",
    )
    kind = models.CharField(_("steg"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("datum"))
    reference = models.CharField(_("målnummer eller diarienummer"), max_length=100)
    recorded_at = models.DateTimeField(_("dokumenterad"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dokumenterad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("steg i tvångsvården")
        verbose_name_plural = _("steg i tvångsvården")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class CostAllocation(models.Model):
    """Skriftlig kostnadsfördelning between kommun and region (004 ≈L1302-1335): settled
    between the organisations, never in the meeting with the person. Approved by one named
    person on each side."""

    placement = models.OneToOneField(
        Placement,
        verbose_name=_("placering"),
        on_delete=models.CASCADE,
        related_name="cost_allocation",
    )
    created_at = models.DateTimeField(_("upprättad"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("upprättad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by_kommun = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkänd för kommunen av"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    approved_by_kommun_at = models.DateTimeField(_("godkänd för kommunen"), null=True, blank=True)
    approved_by_region = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkänd för regionen av"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    approved_by_region_at = models.DateTimeField(_("godkänd för regionen"), null=True, blank=True)

    class Meta:
        verbose_name = _("kostnadsfördelning")
        verbose_name_plural = _("kostnadsfördelningar")

    def __str__(self) -> str:
        return _("Kostnadsfördelning för %(placement)s") % {"placement": self.placement}

    @property
    def approved(self) -> bool:
        return self.approved_by_kommun_id is not None and self.approved_by_region_id is not None


class CostAllocationRow(models.Model):
    """One row of a kostnadsfördelning: what, who pays, for when, and how much."""

    class What(models.TextChoices):
        HOUSING = "housing", _("Boende")
        SOCIAL = "social", _("Sociala insatser")
        HEALTH_CARE = "health_care", _("Hälso- och sjukvård")
        SCHOOL = "school", _("Skola")

    allocation = models.ForeignKey(
        CostAllocation,
        verbose_name=_("kostnadsfördelning"),
        on_delete=models.CASCADE,
        related_name="rows",
    )
    what = models.CharField(_("avser"), max_length=20, choices=What.choices)
    paying_organisation = models.ForeignKey(
        Organisation, verbose_name=_("betalas av"), on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("från"))
    valid_until = models.DateField(_("till och med"), null=True, blank=True)
    amount_per_day = models.DecimalField(
        _("belopp per dygn (kr)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    share_percent = models.DecimalField(
        _("andel (procent)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("rad i kostnadsfördelningen")
        verbose_name_plural = _("rader i kostnadsfördelningen")
        ordering = ["allocation", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(amount_per_day__isnull=True) & Q(share_percent__isnull=False))
                | (Q(amount_per_day__isnull=False) & Q(share_percent__isnull=True)),
                name="cost_row_amount_or_share",
                violation_error_message=_("Ange antingen belopp per dygn eller andel, inte båda."),
            ),
            models.CheckConstraint(
                condition=Q(share_percent__isnull=True)
                | (Q(share_percent__gt=0) & Q(share_percent__lte=100)),
                name="cost_row_share_percent",
                violation_error_message=_("Andelen ska vara mer än 0 och högst 100 procent."),
            ),
            models.CheckConstraint(
                condition=Q(amount_per_day__isnull=True) | Q(amount_per_day__gt=0),
                name="cost_row_amount_positive",
                violation_error_message=_("Beloppet per dygn ska vara större än noll."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="cost_row_period_in_order",
                violation_error_message=_("Raden kan inte sluta innan den börjar."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_what_display()}: {self.paying_organisation}"


class Review(models.Model):
    """Övervägande (SoL; LVU 13 § första stycket, 2 §) or omprövning (LVU 13 § andra
    stycket, 3 §): due every N months from the start date; open until it is held."""

    class Outcome(models.TextChoices):
        CONTINUE = "continue", _("Placeringen fortsätter")
        END = "end", _("Placeringen ska avslutas")
        CHANGE = "change", _("Placeringen ska ändras")

    placement = models.ForeignKey(
        Placement, verbose_name=_("placering"), on_delete=models.CASCADE, related_name="reviews"
    )
    #: The placement's placing unit (which never changes), so that the chef's list of one
    #: unit's reviews due reads its own index instead of every open review in the country.
    placing_unit = models.ForeignKey(
        Unit,
        verbose_name=_("placerande enhet"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        editable=False,
    )
    due_on = models.DateField(_("ska göras senast"))
    held_on = models.DateField(_("gjordes"), null=True, blank=True)
    outcome = models.CharField(_("utfall"), max_length=10, choices=Outcome.choices, blank=True)
    note = models.TextField(_("anteckning"), blank=True)
    health_examination_offered = models.BooleanField(
        _("hälsoundersökning erbjuden"),
        default=False,
        help_text=_("Bekräftat vid övervägandet att barnet har erbjudits en hälsoundersökning."),
    )
    knowledge_assessment_done = models.BooleanField(
        _("kunskapsbedömning gjord"),
        default=False,
        help_text=_("Bekräftat vid övervägandet att skolan har gjort en kunskapsbedömning."),
    )
    recorded_at = models.DateTimeField(_("dokumenterad"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dokumenterad av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("övervägande")
        verbose_name_plural = _("överväganden")
        ordering = ["placement", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "due_on"], name="review_due_once"),
            models.CheckConstraint(
                condition=(Q(held_on__isnull=True) & Q(outcome=""))
                | (Q(held_on__isnull=False) & ~Q(outcome="")),
                name="review_held_with_outcome",
                violation_error_message=_("Ett gjort övervägande har ett utfall."),
            ),
        ]
        indexes = [
            models.Index(fields=["held_on", "due_on"], name="review_open_due"),
            models.Index(
                fields=["placing_unit", "due_on"],
                include=["id", "placement"],
                name="review_open_unit_due",
                condition=Q(held_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return _("Övervägande senast %(due)s") % {"due": self.due_on.isoformat()}


class FollowUpVisit(models.Model):
    """Uppföljningsbesök: the socialtjänst follows the placement up regularly, by talks with
    the person, the HVB's staff, the health care and närstående (004 ≈L1160-1168), at the
    organisation's interval (directory.durations). A private talk with the child (enskilt
    samtal, SOU 2023:66) is marked on the visit."""

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placering"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    visited_on = models.DateField(_("besöksdatum"))
    with_person = models.BooleanField(_("samtal med personen"), default=False)
    with_hvb_staff = models.BooleanField(_("samtal med HVB:ets personal"), default=False)
    with_health_care = models.BooleanField(_("samtal med hälso- och sjukvården"), default=False)
    with_relatives = models.BooleanField(_("samtal med närstående"), default=False)
    private_talk = models.BooleanField(
        _("enskilt samtal med barnet"),
        default=False,
        help_text=_("Barnet talade med socialsekreteraren utan vårdnadshavare eller personal."),
    )
    note = models.TextField(_("anteckning"))
    recorded_at = models.DateTimeField(_("dokumenterad"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dokumenterad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    #: Whom the socialtjänst talked with (field, name), in the order they are shown.
    TALKED_WITH = (
        ("with_person", _("personen")),
        ("with_hvb_staff", _("HVB:ets personal")),
        ("with_health_care", _("hälso- och sjukvården")),
        ("with_relatives", _("närstående")),
    )

    class Meta:
        verbose_name = _("uppföljningsbesök")
        verbose_name_plural = _("uppföljningsbesök")
        ordering = ["placement", "-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(with_person=True)
                | Q(with_hvb_staff=True)
                | Q(with_health_care=True)
                | Q(with_relatives=True),
                name="follow_up_visit_talked_with_someone",
                violation_error_message=_("Ange vem eller vilka du talade med."),
            ),
            models.CheckConstraint(
                condition=Q(private_talk=False) | Q(with_person=True),
                name="follow_up_visit_private_talk_with_the_person",
                violation_error_message=_("Ett enskilt samtal är ett samtal med barnet."),
            ),
        ]
        indexes = [
            models.Index(fields=["placement", "visited_on"], name="follow_up_visit_on"),
        ]

    def __str__(self) -> str:
        return _("Uppföljningsbesök %(on)s") % {"on": self.visited_on.isoformat()}

    @property
    def talked_with(self) -> list[str]:
        """Whom the socialtjänst talked with, by name."""
        return [str(label) for name, label in self.TALKED_WITH if getattr(self, name)]


class HvbChange(models.Model):
    """Byte av HVB: a decision of its own, from a date on."""

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placering"),
        on_delete=models.CASCADE,
        related_name="hvb_changes",
    )
    from_hvb = models.ForeignKey(
        Unit, verbose_name=_("från HVB"), on_delete=models.PROTECT, related_name="+"
    )
    to_hvb = models.ForeignKey(
        Unit, verbose_name=_("till HVB"), on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField(_("från och med"))
    decision_level = models.CharField(
        _("beslutsnivå"), max_length=20, choices=Placement.DecisionLevel.choices
    )
    decided_by = models.CharField(_("beslutsfattare"), max_length=200)
    recorded_at = models.DateTimeField(_("dokumenterad"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dokumenterad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("byte av HVB")
        verbose_name_plural = _("byten av HVB")
        ordering = ["placement", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.from_hvb} → {self.to_hvb} {self.on}"


class RegionHandover(models.Model):
    """Överlämning mellan regioner: the person's folkbokföring moved to a kommun in another
    region, which takes over the health care without a gap. The old region hands over (what
    care goes on, whom to reach), then the new region confirms it has taken over; until
    then the old region keeps the care."""

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placering"),
        on_delete=models.CASCADE,
        related_name="handovers",
    )
    from_region = models.ForeignKey(
        Organisation, verbose_name=_("från region"), on_delete=models.PROTECT, related_name="+"
    )
    to_region = models.ForeignKey(
        Organisation, verbose_name=_("till region"), on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("påbörjad"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("påbörjad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_over_at = models.DateTimeField(_("överlämnad"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("överlämnad av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handover_note = models.TextField(
        _("vad som lämnas över"),
        blank=True,
        help_text=_("Pågående vård och behandling, planerade kontakter och vem man når."),
    )
    confirmed_at = models.DateTimeField(_("bekräftad"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bekräftad av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("överlämning mellan regioner")
        verbose_name_plural = _("överlämningar mellan regioner")
        ordering = ["placement", "started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement"],
                condition=Q(confirmed_at__isnull=True),
                name="region_handover_one_open",
            ),
            models.CheckConstraint(
                condition=~Q(from_region=models.F("to_region")),
                name="region_handover_two_regions",
                violation_error_message=_("Överlämningen sker mellan två olika regioner."),
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(handed_over_at__isnull=False),
                name="region_handover_confirmed_after_handed_over",
                violation_error_message=_(
                    "Den nya regionen bekräftar först när den gamla har lämnat över."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_region} → {self.to_region}"

    @property
    def open(self) -> bool:
        return self.confirmed_at is None

    @property
    def handed_over(self) -> bool:
        """The old region has handed over; the new region is to confirm."""
        return self.handed_over_at is not None


class HealthExamRequest(models.Model):
    """Begäran om hälsoundersökning (HälsoSAMS; HSLF-FS 2019:19): the socialtjänst asks the
    region of the placing kommun to examine a placed child; the region's unit answers with
    the outcome (offered, done, declined)."""

    class Outcome(models.TextChoices):
        OFFERED = "offered", _("Erbjuden")
        DONE = "done", _("Genomförd")
        DECLINED = "declined", _("Avböjd")

    #: Outcomes after which the region's unit has nothing more to answer.
    FINAL = (Outcome.DONE, Outcome.DECLINED)

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placering"),
        on_delete=models.CASCADE,
        related_name="health_exam_requests",
    )
    region_unit = models.ForeignKey(
        Unit, verbose_name=_("regionens enhet"), on_delete=models.PROTECT, related_name="+"
    )
    asked = models.TextField(_("vad som efterfrågas"))
    due_on = models.DateField(_("ska vara erbjuden senast"))
    requested_at = models.DateTimeField(_("begärd"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("begärd av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("utfall"), max_length=10, choices=Outcome.choices, blank=True)
    offered_on = models.DateField(_("erbjuden"), null=True, blank=True)
    done_on = models.DateField(_("genomförd"), null=True, blank=True)
    declined_on = models.DateField(_("avböjd"), null=True, blank=True)
    outcome_note = models.TextField(_("anteckning om utfallet"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besvarad av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("begäran om hälsoundersökning")
        verbose_name_plural = _("begäranden om hälsoundersökning")
        ordering = ["placement", "requested_at", "pk"]

    def __str__(self) -> str:
        return _("Hälsoundersökning senast %(due)s") % {"due": self.due_on.isoformat()}

    @property
    def open(self) -> bool:
        return self.outcome not in self.FINAL


class SchoolArrangement(models.Model):
    """Skolgång under placeringen (SAMS): the school in the placement kommun, from a date."""

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placering"),
        on_delete=models.CASCADE,
        related_name="school_arrangements",
    )
    school_unit = models.ForeignKey(
        Unit,
        verbose_name=_("skolenhet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Unit.Kind.SCHOOL},
    )
    school_name = models.CharField(_("skolans namn"), max_length=200, blank=True)
    from_date = models.DateField(_("från och med"))
    contact = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    note = models.TextField(_("anteckning"), blank=True)
    recorded_at = models.DateTimeField(_("dokumenterad"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dokumenterad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("skolgång")
        verbose_name_plural = _("skolgång")
        ordering = ["placement", "-from_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school_unit__isnull=False) | ~Q(school_name=""),
                name="school_arrangement_names_a_school",
                violation_error_message=_("Välj en skolenhet eller skriv skolans namn."),
            )
        ]

    def __str__(self) -> str:
        return str(self.school_unit or self.school_name)


class DentalHome(models.Model):
    """Tandvårdens hemregion: the region contacted before planned dental treatment
    elsewhere; acute dental care is always given where the child is."""

    placement = models.OneToOneField(
        Placement,
        verbose_name=_("placering"),
        on_delete=models.CASCADE,
        related_name="dental_home",
    )
    home_region = models.ForeignKey(
        Organisation,
        verbose_name=_("hemregion"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Organisation.Kind.REGION},
    )
    note = models.TextField(_("anteckning"), blank=True)
    recorded_at = models.DateTimeField(_("dokumenterad"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dokumenterad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("hemregion för tandvård")
        verbose_name_plural = _("hemregioner för tandvård")

    def __str__(self) -> str:
        return str(self.home_region)


class CarePlanVersion(models.Model):
    """One version of a vårdplan (the nämnd's plan for the care, SoL/LVU) or a
    genomförandeplan (how the HVB carries it out), after Socialstyrelsen's NI 2022:1: goals,
    insatser (CarePlanInsats), and how and when it is followed up. A new version each time;
    the earlier ones are kept."""

    class Kind(models.TextChoices):
        CARE_PLAN = "care_plan", _("Vårdplan")
        IMPLEMENTATION_PLAN = "implementation_plan", _("Genomförandeplan")

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placering"),
        on_delete=models.CASCADE,
        related_name="plan_versions",
    )
    kind = models.CharField(_("plan"), max_length=20, choices=Kind.choices)
    number = models.PositiveIntegerField(_("version"))
    goals = models.TextField(_("mål"))
    follow_up = models.TextField(_("hur planen följs upp"))
    follow_up_on = models.DateField(_("följs upp senast"))
    written_at = models.DateTimeField(_("skriven"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skriven av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("enhet"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("planversion")
        verbose_name_plural = _("planversioner")
        ordering = ["placement", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "kind", "number"], name="care_plan_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class CarePlanInsats(models.Model):
    """An insats of a plan version: what, who does it, when."""

    version = models.ForeignKey(
        CarePlanVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="insatser",
    )
    order = models.PositiveSmallIntegerField(_("ordning"))
    what = models.CharField(_("insats"), max_length=300)
    who = models.CharField(_("vem gör det"), max_length=200)
    when = models.CharField(_("när"), max_length=200)

    class Meta:
        verbose_name = _("insats i planen")
        verbose_name_plural = _("insatser i planen")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return self.what


class ContinuingInsats(models.Model):
    """En insats som fortsätter efter placeringen: started insatser must not stop (004
    ≈L1249-1262). Recorded when the placement ends; the linked SIP's next follow-up carries
    it."""

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placering"),
        on_delete=models.CASCADE,
        related_name="continuing_insatser",
    )
    order = models.PositiveSmallIntegerField(_("ordning"))
    what = models.CharField(_("insats"), max_length=300)
    who = models.CharField(_("vem gör det"), max_length=200, blank=True)
    when = models.CharField(_("när"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("insats som fortsätter")
        verbose_name_plural = _("insatser som fortsätter")
        ordering = ["placement", "order"]

    def __str__(self) -> str:
        return self.what


class ConsentEndHandled(models.Model):
    """An ended placement consent whose running SoL placements have all been checked since it
    ended (``placement.services.placement_consent_ended``): those it no longer carries have
    their date and the urgent events. An ended placement consent without one is still owed
    that (the placement was being changed, or raising it failed): the periodic tick retries
    it (``placement_consent_ends_pending``)."""

    consent = models.OneToOneField(
        Consent,
        verbose_name=_("samtycke"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    at = models.DateTimeField(_("hanterat"))

    class Meta:
        verbose_name = _("hanterat upphört samtycke till placering")
        verbose_name_plural = _("hanterade upphörda samtycken till placering")

    def __str__(self) -> str:
        return str(self.consent_id)
