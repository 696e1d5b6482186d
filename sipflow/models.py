"""SIP, samordnad individuell plan: the plan, its meetings, invitations and follow-ups.

The viewflow process (``SipProcess``) drives the steps; these models hold what was decided.
Every change goes through ``sipflow.services``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_fsm import FSMField, transition
from viewflow.workflow.models import Process

from cases.models import HistoryEntryBase
from consent.models import Consent, InformationCategory
from core.choices import choice_label
from core.fsm import ConcurrentTransitionMixin
from directory.models import Organisation, Person, Unit


class SipProcess(Process):
    """The viewflow process of one SIP; its domain record is ``process.sip_plan``."""

    class Meta:
        proxy = True
        ordering = ["-created"]
        verbose_name = _("SIP-process")
        verbose_name_plural = _("SIP-processer")


class SipPlan(ConcurrentTransitionMixin, models.Model):
    """En SIP: from upptäckt behov to avslut (SoL 10 kap 8 §, HSL 16 kap 4 §)."""

    class Phase(models.TextChoices):
        NEED_IDENTIFIED = "need_identified", _("Upptäckt behov")
        PREPARING = "preparing", _("Förbereds")
        SUMMONING = "summoning", _("Kallelse skickad")
        MEETING_HELD = "meeting_held", _("Plan upprättad")
        FOLLOW_UP = "follow_up", _("Uppföljning")
        CLOSED = "closed", _("Avslutad")
        HALTED = "halted", _("Stoppad")

    #: The phases in which a SIP is over: avslutad, or stoppad when its consent ended.
    ENDED = (Phase.CLOSED, Phase.HALTED)

    class Origin(models.TextChoices):
        PROFESSIONAL = "professional", _("En yrkesperson såg behovet")
        PERSON = "person", _("Personen begärde SIP")
        RELATIVE = "relative", _("En närstående begärde SIP")

    class CloseReason(models.TextChoices):
        GOALS_MET = "goals_met", _("Målen är nådda, samordning behövs inte längre")
        PERSON_DECLINED = "person_declined", _("Personen vill inte längre ha SIP")
        MOVED = "moved", _("Personen har flyttat")
        OTHER = "other", _("Annat skäl")

    process = models.OneToOneField(
        Process, on_delete=models.PROTECT, related_name="sip_plan", null=True, blank=True
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="sip_plans"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("initierad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_unit = models.ForeignKey(
        Unit, verbose_name=_("initierande enhet"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("initierad"))
    origin = models.CharField(_("initiativ"), max_length=20, choices=Origin.choices)
    social_needs = models.TextField(_("insatser som behövs från socialtjänsten"))
    health_needs = models.TextField(_("insatser som behövs från hälso- och sjukvården"))
    coordination_reason = models.TextField(_("varför samordning behövs"))
    informed_about_sip = models.BooleanField(_("personen har fått information om SIP"))
    categories = models.ManyToManyField(
        InformationCategory, verbose_name=_("information som delas"), blank=True, related_name="+"
    )
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("huvudansvarig enhet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("huvudansvarig person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_units = models.ManyToManyField(
        Unit, verbose_name=_("enheter att kalla"), blank=True, related_name="+"
    )
    invited_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("huvudmän att kalla"),
        blank=True,
        related_name="+",
        help_text=_("När personen inte är känd hos huvudmannen bestämmer den vem som deltar."),
    )
    placement_related = models.BooleanField(_("hör till en placering"), default=False)
    cost_allocation = models.TextField(
        _("kostnadsfördelning"),
        blank=True,
        help_text=_("Mellan organisationerna; ingår inte i det personen ser."),
    )
    next_follow_up = models.DateField(_("nästa uppföljning"), null=True, blank=True)
    phase = FSMField(_("fas"), default=Phase.NEED_IDENTIFIED, choices=Phase.choices, protected=True)
    halted_reason = models.TextField(_("skäl till stopp"), blank=True)
    close_reason = models.CharField(
        _("skäl till avslut"), max_length=20, choices=CloseReason.choices, blank=True
    )
    close_note = models.TextField(_("kommentar till avslut"), blank=True)
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    #: The last day of the earliest of the person's consents to SIP in force (samtycke,
    #: consent.Consent), as of the day the SIP's grants were last derived: written by
    #: ``grants_sync_sip`` in the transaction of every consent registered, withdrawn or run
    #: out, and by the tick on the day one starts or ends. What the chef's list of consents
    #: running out reads, in due order, from its index.
    consent_ends_on = models.DateField(_("samtycket upphör"), null=True, blank=True, editable=False)
    #: The day the SIP was stopped because its consent ended (stoppad): written by
    #: sipflow.services.reconsider.sip_halt with the halt. What the chef's list of halted SIPs
    #: sorts by, from its index.
    halted_on = models.DateField(_("stoppades"), null=True, blank=True, editable=False)
    #: The day the plan's latest version was written (Europe/Stockholm): the chef's list of
    #: SIPs with no next follow-up date reads how long each has waited from it, by the index
    #: ``sip_open_unplanned``, instead of asking every such SIP for its latest version.
    plan_written_on = models.DateField(_("planen skrevs"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("SIP")
        verbose_name_plural = _("SIP")
        indexes = [
            models.Index(
                fields=["next_follow_up"],
                name="sip_open_follow_up",
                condition=~Q(phase__in=["closed", "halted"]),
            ),
            # The chef's lists (overview): one unit's open SIPs by follow-up date, those with
            # a plan and no next date, and the halted ones.
            # With the own unit and the key, a list's page of keys is read from the index alone.
            models.Index(
                fields=["lead_unit", "next_follow_up", "started_unit"],
                include=["id"],
                name="sip_open_lead_follow_up",
                condition=~Q(phase__in=["closed", "halted"]),
            ),
            # The chef's workload: one unit's open SIPs per handläggare, counted from the
            # index alone (the own unit answers the access check for most of them).
            models.Index(
                fields=["lead_unit", "started_unit", "coordinator", "started_by"],
                include=["id"],
                name="sip_open_lead_handler",
                condition=~Q(phase__in=["closed", "halted"]),
            ),
            models.Index(
                fields=["lead_unit", "plan_written_on", "started_unit"],
                include=["id"],
                name="sip_open_unplanned",
                condition=Q(next_follow_up__isnull=True, phase__in=["meeting_held", "follow_up"]),
            ),
            models.Index(fields=["started_unit"], name="sip_halted", condition=Q(phase="halted")),
            # The chef's halted SIPs, the longest stopped first.
            models.Index(
                fields=["halted_on", "id"], name="sip_halted_on", condition=Q(phase="halted")
            ),
            # The chef's SIP consents running out: one unit's open SIPs by the consent's end.
            models.Index(
                fields=["lead_unit", "consent_ends_on", "started_unit"],
                include=["id"],
                name="sip_open_consent_ends",
                condition=Q(consent_ends_on__isnull=False) & ~Q(phase__in=["closed", "halted"]),
            ),
        ]

    def __str__(self) -> str:
        return _("SIP för %(person)s") % {"person": self.person}

    @property
    def is_open(self) -> bool:
        return self.phase not in self.ENDED

    @transition(
        field=phase,
        source=Phase.NEED_IDENTIFIED,
        target=Phase.PREPARING,
        custom={"history": gettext_noop("Förberedd.")},
    )
    def prepare(self) -> None:
        """Förbered: gather consent and choose the actors."""

    @transition(
        field=phase,
        source=[Phase.PREPARING, Phase.MEETING_HELD, Phase.FOLLOW_UP],
        target=Phase.SUMMONING,
        custom={"history": gettext_noop("Kallelse skickad.")},
    )
    def summon(self) -> None:
        """Kalla: invitations are out."""

    @transition(
        field=phase,
        source=Phase.SUMMONING,
        target=Phase.MEETING_HELD,
        custom={"history": gettext_noop("Mötet hölls.")},
    )
    def hold_meeting(self) -> None:
        """Möte: the plan is drawn up."""

    @transition(
        field=phase,
        source=[Phase.MEETING_HELD, Phase.FOLLOW_UP],
        target=Phase.FOLLOW_UP,
        custom={"history": gettext_noop("Uppföljning genomförd.")},
    )
    def follow_up(self) -> None:
        """Uppföljning held."""

    @transition(
        field=phase,
        source=[Phase.SUMMONING, Phase.MEETING_HELD, Phase.FOLLOW_UP],
        target=Phase.CLOSED,
        custom={"history": gettext_noop("SIP:en avslutades.")},
    )
    def close(self) -> None:
        """Avslut."""

    @transition(
        field=phase,
        source=[
            Phase.NEED_IDENTIFIED,
            Phase.PREPARING,
            Phase.SUMMONING,
            Phase.MEETING_HELD,
            Phase.FOLLOW_UP,
        ],
        target=Phase.HALTED,
        custom={"history": gettext_noop("SIP:en stoppades.")},
    )
    def halt(self) -> None:
        """Stopped: the consent it rests on was withdrawn or ran out."""

    @transition(
        field=phase,
        source=Phase.HALTED,
        target=Phase.CLOSED,
        custom={"history": gettext_noop("Den stoppade SIP:en avslutades.")},
    )
    def close_halted(self) -> None:
        """Avslut of a stopped SIP: nobody will take it up again (or a new SIP goes on)."""


class Meeting(models.Model):
    """SIP-möte: a first meeting or a follow-up meeting."""

    class Kind(models.TextChoices):
        FIRST = "first", _("SIP-möte")
        FOLLOW_UP = "follow_up", _("Uppföljningsmöte")

    plan = models.ForeignKey(SipPlan, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(_("tid"))
    place = models.CharField(_("plats"), max_length=200, blank=True)
    video_link = models.URLField(_("videolänk"), blank=True)
    answer_by = models.DateField(_("svara senast"))
    uid = models.UUIDField(_("kalender-id"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("version i kalendern"), default=0)
    summoned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kallad av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    held_at = models.DateTimeField(_("hölls"), null=True, blank=True)
    attendance = models.TextField(_("närvarande"), blank=True)

    class Meta:
        verbose_name = _("möte")
        verbose_name_plural = _("möten")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link=""),
                name="meeting_has_place_or_link",
                violation_error_message=_("Ange en plats eller en videolänk."),
            )
        ]

    def __str__(self) -> str:
        kind = choice_label(self.Kind, self.kind)
        return f"{kind} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class DeclineReason(models.TextChoices):
    """Why a kallad unit declines (the kallelse's answer offers these)."""

    UNKNOWN = "unknown", _("Personen är inte känd hos oss")
    NOT_RELEVANT = "not_relevant", _("Våra insatser behövs inte i planen")
    OTHER = "other", _("Annat skäl")


class Invitation(ConcurrentTransitionMixin, models.Model):
    """Kallelse to one unit, or to a whole organisation (huvudman) when the person is unknown
    to it. The invitee accepts, declines with a reason, or forwards it within its organisation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på svar")
        ACCEPTED = "accepted", _("Accepterad")
        DECLINED = "declined", _("Avböjd")
        CANCELLED = "cancelled", _("Återkallad")
        UNANSWERED = "unanswered", _("Obesvarad vid mötet")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("enhet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("huvudman"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
    )
    #: The meeting's answer-by date, kept with the kallelse by the steps that set it
    #: (meeting_summon, meeting_reschedule), so that the chef's list of kallelser left
    #: unanswered reads one unit's, by that date, from its own index.
    answer_by = models.DateField(_("svara senast"), editable=False)
    status = FSMField(_("status"), default=Status.PENDING, choices=Status.choices, protected=True)
    attendees = models.TextField(_("deltar"), blank=True)
    decline_code = models.CharField(
        _("skäl att avböja"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_reason = models.TextField(_("förklaring till avböjandet"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besvarad av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("besvarad"), null=True, blank=True)
    forwarded_from = models.ForeignKey(
        Unit,
        verbose_name=_("vidarebefordrad från"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_at = models.DateTimeField(_("påmind"), null=True, blank=True)
    sent_at = models.DateTimeField(
        _("skickad"),
        null=True,
        blank=True,
        help_text=_("När kallelsen gick ut, eller ut på nytt när mötet flyttades."),
    )

    class Meta:
        verbose_name = _("kallelse")
        verbose_name_plural = _("kallelser")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True, organisation__isnull=False)
                | Q(unit__isnull=False, organisation__isnull=True),
                name="invitation_unit_xor_organisation",
                violation_error_message=_("En kallelse går till en enhet eller en huvudman."),
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="invitation_decline_has_reason",
                violation_error_message=_("Ange varför kallelsen avböjs."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["unit", "meeting"], name="invitation_pending", condition=Q(status="pending")
            ),
            # Kallelser to a whole organisation (huvudman) waiting for an answer: the chef's
            # unanswered list (sipflow.selectors.invitations_unanswered_query).
            models.Index(
                fields=["organisation", "meeting"],
                name="invitation_pending_org",
                condition=Q(status="pending", unit__isnull=True),
            ),
            # The same by answer-by date: the chef's unanswered list, longest waiting first.
            models.Index(
                fields=["unit", "answer_by"],
                include=["id", "meeting"],
                name="invitation_pending_answer_by",
                condition=Q(status="pending"),
            ),
            models.Index(
                fields=["organisation", "answer_by"],
                include=["id", "meeting"],
                name="invitation_pending_org_by",
                condition=Q(status="pending", unit__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return str(self.invitee)

    @property
    def invitee(self) -> Unit | Organisation:
        return self.unit or self.organisation

    @property
    def invitee_organisation(self) -> Organisation:
        return self.unit.organisation if self.unit else self.organisation

    @transition(
        field=status,
        source=Status.PENDING,
        target=Status.ACCEPTED,
        custom={"history": gettext_noop("%(invitee)s accepterade kallelsen.")},
    )
    def accept(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.PENDING,
        target=Status.DECLINED,
        custom={"history": gettext_noop("%(invitee)s avböjde kallelsen.")},
    )
    def decline(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.PENDING,
        target=Status.PENDING,
        custom={"history": gettext_noop("%(invitee)s vidarebefordrade kallelsen.")},
    )
    def forward(self) -> None:
        pass

    @transition(
        field=status,
        source=[Status.ACCEPTED, Status.DECLINED],
        target=Status.PENDING,
        custom={"history": gettext_noop("%(invitee)s svarar på nytt: mötet flyttades.")},
    )
    def reset(self) -> None:
        """The meeting moved: the invitee answers again."""

    @transition(
        field=status,
        source=[Status.PENDING, Status.ACCEPTED, Status.DECLINED],
        target=Status.CANCELLED,
        custom={"history": gettext_noop("Kallelsen till %(invitee)s återkallades.")},
    )
    def cancel(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.PENDING,
        target=Status.UNANSWERED,
        custom={"history": gettext_noop("%(invitee)s svarade inte på kallelsen före mötet.")},
    )
    def mark_unanswered(self) -> None:
        pass


class PlanVersion(models.Model):
    """One version of the written plan. The newest is the current one; earlier ones are kept."""

    plan = models.ForeignKey(SipPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    persons_goals = models.TextField(_("Vad är viktigt för dig?"))
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("huvudansvarig enhet"), on_delete=models.PROTECT, related_name="+"
    )
    next_follow_up = models.DateField(_("nästa uppföljning"), null=True, blank=True)
    created_at = models.DateTimeField(_("upprättad"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("upprättad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("planversion")
        verbose_name_plural = _("planversioner")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return _("Version %(number)s") % {"number": self.number}


class PlanAction(models.Model):
    """A plan row: a need, the insats that meets it, who is responsible, the person's part."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="actions")
    need = models.TextField(_("behov"))
    action = models.TextField(_("insats"))
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("ansvarig enhet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ansvarig organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    persons_part = models.TextField(_("personens egen del"), blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("slut"), null=True, blank=True)
    source = models.CharField(
        _("överförd från"),
        max_length=100,
        blank=True,
        help_text=_("Insatsen fördes över från ett kopplat ärende, t.ex. en placering."),
    )

    class Meta:
        verbose_name = _("insats i planen")
        verbose_name_plural = _("insatser i planen")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="plan_action_end_after_start",
                violation_error_message=_("Slutdatum kan inte ligga före start."),
            )
        ]

    def __str__(self) -> str:
        return self.action[:60]


class FollowUp(models.Model):
    """Uppföljning of a plan version."""

    class Outcome(models.TextChoices):
        NEXT = "next", _("Ny uppföljning")
        NEXT_WITH_MEETING = "next_with_meeting", _("Ny uppföljning med kallelse till möte")
        CLOSE = "close", _("Avsluta SIP")

    plan = models.ForeignKey(SipPlan, on_delete=models.CASCADE, related_name="follow_ups")
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="follow_ups")
    held_at = models.DateTimeField(_("genomförd"))
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("av"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("beslut"), max_length=20, choices=Outcome.choices)
    due_on = models.DateField(
        _("planerad till"),
        null=True,
        blank=True,
        help_text=_("Datumet uppföljningen var planerad till när den gjordes."),
    )
    next_follow_up = models.DateField(_("nästa uppföljning"), null=True, blank=True)
    note = models.TextField(_("anteckning"), blank=True)

    class Meta:
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.held_at):%Y-%m-%d}: {self.get_outcome_display()}"


class ActionReview(models.Model):
    """ISU: was each insats carried out as planned, and was its goal met?"""

    class Answer(models.TextChoices):
        YES = "yes", _("Ja")
        PARTLY = "partly", _("Delvis")
        NO = "no", _("Nej")

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reviews")
    action = models.ForeignKey(PlanAction, on_delete=models.PROTECT, related_name="reviews")
    done_as_planned = models.CharField(
        _("genomförd som planerat"), max_length=10, choices=Answer.choices
    )
    goal_met = models.CharField(_("målet nått"), max_length=10, choices=Answer.choices)

    class Meta:
        verbose_name = _("bedömning av insats")
        verbose_name_plural = _("bedömningar av insatser")
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "action"], name="review_once_per_action")
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.done_as_planned}/{self.goal_met}"


class HistoryEntry(HistoryEntryBase):
    """Who did what, and when, in a SIP. Written by the services in the same transaction."""

    plan = models.ForeignKey(SipPlan, on_delete=models.CASCADE, related_name="history")


class ReconsideredConsent(models.Model):
    """An ended SIP consent whose open SIPs have all been reconsidered since it ended
    (``sipflow.services.sip_consent_ended``). An ended consent without one is still owed
    that, e.g. because a SIP was being changed at that moment: the periodic tick retries it."""

    consent = models.OneToOneField(
        Consent,
        verbose_name=_("samtycke"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    at = models.DateTimeField(_("omprövat"))

    class Meta:
        verbose_name = _("omprövat samtycke")
        verbose_name_plural = _("omprövade samtycken")

    def __str__(self) -> str:
        return str(self.consent)
