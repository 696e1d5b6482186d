"""Writes for SIP. Each service is atomic, asks the consent policy, authorises itself and
writes the history, so the flow, the pages, the admin and the tests all go through here.

Steps that finish a viewflow task take ``activation``: the started activation of the web
task view, which already holds the flow lock and the transaction. Without it the service
opens the task itself, lock first (a NOWAIT lock taken inside an open transaction would
abort it on contention).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop
from viewflow.workflow import STATUS, lock
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task

from consent.models import Consent, InformationCategory, Purpose
from consent.policy import consent_evaluate
from consent.rules import Action
from directory.durations import DurationCode
from directory.models import Membership, Organisation, Person, Unit, User
from directory.selectors import CASE_ROLES, STARTER_ROLES, duration_for
from notifications.services import event_emit
from notifications.workdays import add_working_days, is_working_day

from .access import leads_on_consent
from .events import SipEvent, meeting_data
from .grants import grants_sync_sip
from .models import (
    ActionReview,
    FollowUp,
    HistoryEntry,
    Invitation,
    Meeting,
    PlanAction,
    PlanVersion,
    ReconsideredConsent,
    SipPlan,
)
from .selectors import invitation_recipient_units, plan_duration

log = logging.getLogger(__name__)

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED)


class ConsentMissing(ValidationError):
    """The consent policy said no. ``decision`` holds the named reasons (``refusals`` the
    structured ones); with ``field`` the error belongs to that input."""

    def __init__(self, decision, *, field: str | None = None):
        self.decision = decision
        messages = [_("Samtycket räcker inte för det här steget:"), *decision.reasons]
        if field is None:
            super().__init__(messages, code="consent_missing")
        else:
            super().__init__(
                {field: [ValidationError(message, code="consent_missing") for message in messages]}
            )


class StepConflict(ValidationError):
    """Someone else changed the case first."""


def _flow():
    from .flows import SipFlow

    return SipFlow


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _history(
    plan: SipPlan,
    *,
    what: str,
    at: dt.datetime,
    by: User | None = None,
    unit: Unit | None = None,
    **params: Any,
) -> None:
    HistoryEntry.objects.create(
        plan=plan, at=at, by=by, unit=unit, what=what, params={k: str(v) for k, v in params.items()}
    )


def answer_by_default(*, plan: SipPlan, sent_on: dt.date) -> dt.date:
    """Svara senast: the sending organisation's number of working days (directory.durations)
    after the kallelse is sent."""
    days = plan_duration(plan=plan, code=DurationCode.SIP_ANSWER_WORKING_DAYS, on=sent_on)
    return add_working_days(sent_on, days)


def _default_answer_by(*, plan: SipPlan, at: dt.datetime, starts_at: dt.datetime) -> dt.date:
    """The default answer-by date, but never after the meeting itself."""
    sent_on = timezone.localdate(at)
    return min(answer_by_default(plan=plan, sent_on=sent_on), timezone.localdate(starts_at))


def plan_consent_check(
    *,
    plan: SipPlan,
    at: dt.datetime,
    units: Sequence[Unit] | None = None,
    organisations: Sequence[Organisation] | None = None,
):
    """The policy's decision for sharing this SIP with its parties at ``at``."""
    if units is None:
        units = [plan.started_unit, *plan.invited_units.all()]
    if organisations is None:
        organisations = list(plan.invited_organisations.all())
    return consent_evaluate(
        action=Action.SIP,
        person=plan.person,
        at=at,
        units=list(dict.fromkeys(units)),
        organisations=organisations,
        categories=[category.code for category in plan.categories.all()],
    )


def _require_consent(plan: SipPlan, *, at: dt.datetime, **parties) -> None:
    decision = plan_consent_check(plan=plan, at=at, **parties)
    if not decision.allowed:
        raise ConsentMissing(decision)


def _require_open(plan: SipPlan) -> None:
    if not plan.is_open:
        raise ValidationError(
            _("SIP:en är %(phase)s.") % {"phase": plan.get_phase_display().lower()},
            code="not_open",
        )


def _member(user: User, unit: Unit, roles: Iterable[str] | None = None) -> bool:
    memberships = Membership.objects.filter(user=user, unit=unit)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships.exists()


def _require_case_party(plan: SipPlan, by: User, *, at: dt.datetime | None = None) -> None:
    """The initiating unit works the SIP's own steps; the lead unit and the coordinator from
    outside it too, while the consent covers them (as on the plan page, sipflow.access)."""
    if _member(by, plan.started_unit):
        return
    if by.pk == plan.coordinator_id or _member(by, plan.lead_unit):
        if leads_on_consent(user=by, plan=plan, at=_now(at)):
            return
        raise PermissionDenied(
            _("Samtycket omfattar inte längre din enhet, så du kan inte arbeta med SIP:en.")
        )
    raise PermissionDenied(_("Du arbetar inte med den här SIP:en."))


def _require_lead(
    plan: SipPlan, *, lead_unit: Unit, coordinator: User, parties: Iterable[Unit]
) -> None:
    """The huvudansvarig unit is the initiating unit or one of the called ``parties``; the
    huvudansvarig person works there in a case role. Whether the consent covers it is asked
    with the step's other parties (förbered) or on its own (möte)."""
    if lead_unit != plan.started_unit and lead_unit not in set(parties):
        raise ValidationError(
            {"lead_unit": _("Huvudansvarig enhet ska vara den initierande eller en kallad enhet.")}
        )
    if not _member(coordinator, lead_unit, CASE_ROLES):
        raise ValidationError(
            {
                "coordinator": _(
                    "Den huvudansvariga personen ska arbeta i den huvudansvariga enheten."
                )
            }
        )


def _require_covered(plan: SipPlan, unit: Unit, *, at: dt.datetime, field: str) -> None:
    """The consent covers this unit (names it, does not exclude it) for the SIP's information."""
    decision = plan_consent_check(plan=plan, at=at, units=[unit], organisations=[])
    if not decision.consent_satisfied:
        raise ConsentMissing(decision, field=field)


@contextmanager
def _task_step(*, task: Task, by: User, activation=None) -> Iterator[Any]:
    """Run one human task as ``by``: in the web view's activation, or opened here."""
    if activation is not None:
        with transaction.atomic():
            yield activation
            activation.execute()
        return
    with task.activation() as act:
        if act.task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            raise StepConflict(_("Steget är redan gjort."), code="done")
        if act.task.owner_id is None:
            act.assign(by)
        elif act.task.owner_id != by.pk:
            raise PermissionDenied(_("Uppgiften är tilldelad någon annan."))
        act.start(None)
        yield act
        act.execute()


def _open_task(plan: SipPlan, node, **data) -> Task:
    tasks = Task.objects.filter(process=plan.process, flow_task=node, status__in=OPEN)
    for key, value in data.items():
        tasks = tasks.filter(**{f"data__{key}": value})
    task = tasks.order_by("-pk").first()
    if task is None:
        raise StepConflict(_("Steget är inte öppet längre."), code="no_task")
    return task


# --- Upptäck behov -------------------------------------------------------------------------


def sip_start(
    *,
    activation,
    person: Person,
    by: User,
    unit: Unit,
    origin: str,
    social_needs: str,
    health_needs: str,
    coordination_reason: str,
    informed_about_sip: bool,
    at: dt.datetime | None = None,
) -> SipPlan:
    """Upptäck behov: any socialsekreterare or vårdpersonal may start a SIP.

    Runs inside viewflow's start (``activation``); call ``sip_start_process`` from code.
    """
    at = _now(at)
    if not _member(by, unit, STARTER_ROLES):
        raise PermissionDenied(
            _("Bara socialsekreterare och vårdpersonal i enheten kan initiera en SIP.")
        )
    errors = {}
    for field, value in (
        ("social_needs", social_needs),
        ("health_needs", health_needs),
        ("coordination_reason", coordination_reason),
    ):
        if not value.strip():
            errors[field] = _(
                "Beskriv det här: SIP gäller när både socialtjänst och hälso- och sjukvård behövs."
            )
    if not informed_about_sip:
        errors["informed_about_sip"] = _("Personen ska få veta vad en SIP är innan den initieras.")
    if errors:
        raise ValidationError(errors)
    if activation.process.pk is None:
        activation.process.save()
    plan = SipPlan.objects.create(
        process=activation.process,
        person=person,
        started_by=by,
        started_unit=unit,
        started_at=at,
        origin=origin,
        social_needs=social_needs.strip(),
        health_needs=health_needs.strip(),
        coordination_reason=coordination_reason.strip(),
        informed_about_sip=True,
        coordinator=by,
        lead_unit=unit,
    )
    _history(plan, what=gettext_noop("Behov av SIP upptäckt."), at=at, by=by, unit=unit)
    grants_sync_sip(plan=plan, at=at)
    return plan


def sip_start_process(*, by: User, **fields) -> SipPlan:
    """Start a SIP from code (tests, benchmarks, imports), atomically."""
    with transaction.atomic():
        process = _flow().start_process.run(by=by, **fields)
    return process.sip_plan


# --- Förbered ------------------------------------------------------------------------------


def sip_prepare(
    *,
    plan: SipPlan,
    by: User,
    units: Sequence[Unit] = (),
    organisations: Sequence[Organisation] = (),
    categories: Sequence[InformationCategory],
    lead_unit: Unit,
    coordinator: User,
    placement_related: bool = False,
    cost_allocation: str = "",
    activation=None,
    at: dt.datetime | None = None,
) -> SipPlan:
    """Förbered: choose whom to call and the lead. The step does not finish until the consent
    policy allows a SIP meeting with exactly these parties and this information."""
    at = _now(at)
    _require_case_party(plan, by, at=at)
    units, organisations, categories = list(units), list(organisations), list(categories)
    if not units and not organisations:
        raise ValidationError({"units": _("Välj minst en enhet eller huvudman att kalla.")})
    if not categories:
        raise ValidationError({"categories": _("Välj vilken information som ska delas.")})
    for organisation in organisations:
        if any(unit.organisation_id == organisation.pk for unit in units):
            raise ValidationError(
                {
                    "organisations": _(
                        "%(organisation)s kallas redan genom en enhet. Kalla huvudmannen bara "
                        "när personen inte är känd där."
                    )
                    % {"organisation": organisation}
                }
            )
    _require_lead(plan, lead_unit=lead_unit, coordinator=coordinator, parties=units)
    if placement_related and not cost_allocation.strip():
        raise ValidationError(
            {
                "cost_allocation": _(
                    "En SIP som hör till en placering behöver en skriftlig "
                    "kostnadsfördelning mellan organisationerna."
                )
            }
        )
    with _task_step(task=_open_task(plan, _flow().prepare), by=by, activation=activation):
        plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
        plan.categories.set(categories)
        decision = plan_consent_check(
            plan=plan, at=at, units=[plan.started_unit, *units], organisations=organisations
        )
        if not decision.allowed:
            raise ConsentMissing(decision)
        plan.invited_units.set(units)
        plan.invited_organisations.set(organisations)
        plan.lead_unit, plan.coordinator = lead_unit, coordinator
        plan.placement_related, plan.cost_allocation = placement_related, cost_allocation.strip()
        plan.prepare()
        plan.save()
        _history(
            plan,
            what=gettext_noop("Förberedd: %(count)s parter ska kallas, huvudansvarig %(lead)s."),
            at=at,
            by=by,
            count=len(units) + len(organisations),
            lead=lead_unit,
        )
        grants_sync_sip(plan=plan, at=at)
    return plan


# --- Kalla ---------------------------------------------------------------------------------


def sip_summon(
    *,
    plan: SipPlan,
    by: User,
    starts_at: dt.datetime,
    place: str = "",
    video_link: str = "",
    answer_by: dt.date | None = None,
    activation=None,
    at: dt.datetime | None = None,
) -> Meeting:
    """Kalla: one kallelse per unit or huvudman; each gets its own answer task."""
    at = _now(at)
    _require_case_party(plan, by, at=at)
    answer_by = answer_by or _default_answer_by(plan=plan, at=at, starts_at=starts_at)
    _validate_meeting_time(starts_at=starts_at, answer_by=answer_by, at=at)
    with _task_step(task=_open_task(plan, _flow().summon), by=by, activation=activation):
        plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
        _require_open(plan)
        _require_consent(plan, at=at)
        kind = Meeting.Kind.FIRST if not plan.meetings.exists() else Meeting.Kind.FOLLOW_UP
        meeting = Meeting(
            plan=plan,
            kind=kind,
            starts_at=starts_at,
            place=place.strip(),
            video_link=video_link.strip(),
            answer_by=answer_by,
        )
        meeting.full_clean(exclude=["plan"])
        meeting.save()
        invitations = [
            Invitation.objects.create(meeting=meeting, unit=unit)
            for unit in plan.invited_units.all()
        ] + [
            Invitation.objects.create(meeting=meeting, organisation=organisation)
            for organisation in plan.invited_organisations.all()
        ]
        plan.summon()
        plan.save()
        for invitation in invitations:
            _tell_invitee(invitation, kind=SipEvent.INVITATION_SENT)
        _history(
            plan,
            what=gettext_noop("Kallelse till %(meeting)s skickad till %(count)s parter."),
            at=at,
            by=by,
            meeting=meeting,
            count=len(invitations),
        )
        grants_sync_sip(plan=plan, at=at)
    return meeting


def _validate_meeting_time(*, starts_at: dt.datetime, answer_by: dt.date, at: dt.datetime):
    errors = {}
    if starts_at <= at:
        errors["starts_at"] = _("Mötet måste ligga i framtiden.")
    if answer_by < timezone.localdate(at):
        errors["answer_by"] = _("Sista svarsdag kan inte ha passerat.")
    elif answer_by > timezone.localdate(starts_at):
        errors["answer_by"] = _("Sista svarsdag måste vara senast mötesdagen.")
    if errors:
        raise ValidationError(errors)


def _invitation_url(invitation: Invitation) -> str:
    from django.urls import reverse

    return reverse("sip:invitation", kwargs={"pk": invitation.pk})


def _tell_invitee(invitation: Invitation, *, kind: str) -> None:
    units = invitation_recipient_units(invitation=invitation)
    for unit in units:
        event_emit(
            kind=kind,
            recipient_unit=unit,
            url=_invitation_url(invitation),
            data=meeting_data(invitation.meeting),
        )


def meeting_reschedule(
    *,
    meeting: Meeting,
    by: User,
    starts_at: dt.datetime,
    place: str = "",
    video_link: str = "",
    answer_by: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Meeting:
    """Flytta mötet: the invitees are told and answer again."""
    at = _now(at)
    plan = meeting.plan
    _require_case_party(plan, by, at=at)
    answer_by = answer_by or _default_answer_by(plan=plan, at=at, starts_at=starts_at)
    _validate_meeting_time(starts_at=starts_at, answer_by=answer_by, at=at)
    flow = _flow()
    with flow.lock(plan.process_id), transaction.atomic():
        plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _require_open(plan)
        if meeting.held_at or plan.phase != SipPlan.Phase.SUMMONING:
            raise ValidationError(_("Mötet är redan hållet."), code="held")
        _require_consent(plan, at=at)
        meeting.starts_at, meeting.answer_by = starts_at, answer_by
        meeting.place, meeting.video_link = place.strip(), video_link.strip()
        meeting.sequence += 1
        meeting.full_clean(exclude=["plan"])
        meeting.save()
        for invitation in meeting.invitations.select_for_update().exclude(
            status=Invitation.Status.CANCELLED
        ):
            if invitation.status != Invitation.Status.PENDING:
                invitation.reset()
                invitation.attendees = invitation.decline_reason = ""
                invitation.answered_by, invitation.answered_at = None, None
                invitation.reminded_at = None
                invitation.save()
                waiting = _open_task(plan, flow.wait, invitation=invitation.pk)
                flow.wait.run(waiting, again=True)
            _tell_invitee(invitation, kind=SipEvent.INVITATION_RESCHEDULED)
        _history(
            plan,
            what=gettext_noop("Mötet flyttat till %(meeting)s."),
            at=at,
            by=by,
            meeting=meeting,
        )
        grants_sync_sip(plan=plan, at=at)
    return meeting


# --- Svar på kallelse ----------------------------------------------------------------------


class DeclineReason(models.TextChoices):
    UNKNOWN = "unknown", _lazy("Personen är inte känd hos oss")
    NOT_RELEVANT = "not_relevant", _lazy("Våra insatser behövs inte i planen")
    OTHER = "other", _lazy("Annat skäl")


def _require_invitee(invitation: Invitation, by: User) -> None:
    if invitation.unit:
        allowed = _member(by, invitation.unit)
    else:
        allowed = Membership.objects.filter(
            user=by, unit__organisation=invitation.organisation
        ).exists()
    if not allowed:
        raise PermissionDenied(_("Kallelsen gäller inte din enhet."))


@contextmanager
def _answering(invitation: Invitation, *, by: User):
    """Lock the flow, then the kallelse; check it is still open; yield its task's activation."""
    plan = invitation.meeting.plan
    flow = _flow()
    with flow.lock(plan.process_id), transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("meeting__plan", "unit", "organisation", "answered_by")
            .get(pk=invitation.pk)
        )
        if invitation.status != Invitation.Status.PENDING:
            who = invitation.answered_by or _("någon annan")
            raise StepConflict(
                _("Kallelsen är redan besvarad (%(status)s av %(who)s). Ladda om sidan.")
                % {"status": invitation.get_status_display().lower(), "who": who},
                code="already_answered",
            )
        _require_invitee(invitation, by)
        _require_open(invitation.meeting.plan)
        task = _open_task(plan, flow.answer, invitation=invitation.pk)
        with task.activation() as act:
            yield act, invitation


def _finish_answer(act, invitation: Invitation, *, by: User) -> None:
    if act.task.owner_id is None:
        act.assign(by)
    elif act.task.owner_id != by.pk:
        act.unassign()
        act.assign(by)
    act.start(None)
    act.execute()


def _tell_lead(invitation: Invitation, *, kind: str = SipEvent.ANSWER_RECEIVED) -> None:
    plan = invitation.meeting.plan
    from django.urls import reverse

    if plan.coordinator_id:
        event_emit(
            kind=kind,
            recipient_user=plan.coordinator,
            url=reverse("sip:plan", kwargs={"pk": plan.pk}),
            data={**meeting_data(invitation.meeting), "status": invitation.status},
        )


def invitation_accept(
    *, invitation: Invitation, by: User, attendees: str, at: dt.datetime | None = None
) -> Invitation:
    """Accept, naming who attends."""
    at = _now(at)
    if not attendees.strip():
        raise ValidationError({"attendees": _("Ange vem eller vilka som kommer.")})
    with _answering(invitation, by=by) as (act, invitation):
        plan = invitation.meeting.plan
        _require_answering_unit_covered(invitation, by=by, at=at)
        invitation.accept()
        invitation.attendees, invitation.answered_by, invitation.answered_at = (
            attendees.strip(),
            by,
            at,
        )
        invitation.save()
        _tell_lead(invitation)
        _history(
            plan,
            what=gettext_noop("%(invitee)s accepterade kallelsen: %(attendees)s."),
            at=at,
            by=by,
            unit=invitation.unit,
            invitee=invitation.invitee,
            attendees=invitation.attendees,
        )
        _finish_answer(act, invitation, by=by)
    return invitation


def _require_answering_unit_covered(invitation: Invitation, *, by: User, at: dt.datetime):
    """The invited unit, or for a huvudman one of the answering user's units in it, must be
    covered (and not excluded) by the consent."""
    plan = invitation.meeting.plan
    units = (
        [invitation.unit]
        if invitation.unit
        else list(Unit.objects.filter(memberships__user=by, organisation=invitation.organisation))
    )
    decisions = [
        plan_consent_check(plan=plan, at=at, units=[unit], organisations=[]) for unit in units
    ]
    if not any(decision.consent_satisfied for decision in decisions):
        raise ConsentMissing(decisions[0]) if decisions else PermissionDenied()


def invitation_decline(
    *, invitation: Invitation, by: User, reason: str, note: str = "", at: dt.datetime | None = None
) -> Invitation:
    """Decline with a required reason. A huvudman cannot decline because the person is
    unknown to it: it decides who attends, or forwards the kallelse to the right unit."""
    at = _now(at)
    if reason not in DeclineReason.values:
        raise ValidationError(
            {"reason": ValidationError(_("Ange varför ni avböjer."), code="no_reason")}
        )
    with _answering(invitation, by=by) as (act, invitation):
        if reason == DeclineReason.UNKNOWN and invitation.organisation_id:
            raise ValidationError(
                {
                    "reason": _(
                        "En huvudman kan inte avböja för att personen är okänd. Vidarebefordra "
                        "kallelsen till den enhet som ska delta."
                    )
                },
                code="unknown_to_principal",
            )
        text = note.strip()
        if reason == DeclineReason.UNKNOWN:
            text = " ".join([_("Personen är inte känd hos oss."), text]).strip()
        if not text:
            raise ValidationError({"note": _("Skriv varför kallelsen avböjs.")})
        invitation.decline()
        invitation.decline_reason = text
        invitation.answered_by, invitation.answered_at = by, at
        invitation.save()
        _tell_lead(invitation)
        _history(
            invitation.meeting.plan,
            what=gettext_noop("%(invitee)s avböjde kallelsen: %(reason)s"),
            at=at,
            by=by,
            unit=invitation.unit,
            invitee=invitation.invitee,
            reason=text,
        )
        _finish_answer(act, invitation, by=by)
    return invitation


def invitation_forward(
    *, invitation: Invitation, by: User, to_unit: Unit, at: dt.datetime | None = None
) -> Invitation:
    """Vidarebefordra to another unit of the same organisation, which then gets the task."""
    from .backends import unit_permission

    at = _now(at)
    with _answering(invitation, by=by) as (act, invitation):
        organisation = invitation.invitee_organisation
        if to_unit.organisation_id != organisation.pk:
            raise ValidationError(
                {
                    "to_unit": _("Välj en enhet inom %(organisation)s.")
                    % {"organisation": organisation}
                }
            )
        if to_unit == invitation.unit:
            raise ValidationError({"to_unit": _("Kallelsen finns redan hos den enheten.")})
        plan = invitation.meeting.plan
        _require_consent(plan, at=at, units=[to_unit], organisations=[])
        previous = invitation.invitee
        invitation.forward()
        invitation.forwarded_from = invitation.unit
        invitation.unit, invitation.organisation = to_unit, None
        invitation.save()
        if act.task.status == STATUS.ASSIGNED:
            act.unassign()
        task = act.task
        task.owner_permission = unit_permission(to_unit.pk)
        task.save(update_fields=["owner_permission"])
        _tell_invitee(invitation, kind=SipEvent.INVITATION_SENT)
        _history(
            plan,
            what=gettext_noop("%(previous)s vidarebefordrade kallelsen till %(unit_name)s."),
            at=at,
            by=by,
            unit=to_unit,
            previous=previous,
            unit_name=to_unit,
        )
        grants_sync_sip(plan=plan, at=at)
    return invitation


def invitation_remind_unanswered(*, at: dt.datetime | None = None) -> int:
    """Kallelser unanswered after their answer-by date: one reminder event to the unit, and
    the flag (``reminded_at``) the chef's overview shows. Run by the periodic tick; it
    reminds on working days from the sending organisation's reminder hour (07:00 unless it
    chose another, directory.durations), not at midnight or over a weekend."""
    at = _now(at)
    local = timezone.localtime(at)
    if not is_working_day(local.date()):
        return 0
    due = Invitation.objects.filter(
        status=Invitation.Status.PENDING,
        reminded_at__isnull=True,
        meeting__answer_by__lt=timezone.localdate(at),
    )
    reminded = 0
    hours: dict[int, int] = {}
    for pk, organisation_id in list(
        due.values_list("pk", "meeting__plan__started_unit__organisation_id")
    ):
        if organisation_id not in hours:
            hours[organisation_id] = duration_for(
                code=DurationCode.REMINDER_HOUR, organisation=organisation_id, on=local.date()
            )
        if local.hour < hours[organisation_id]:
            continue
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Invitation.Status.PENDING, reminded_at__isnull=True)
                .select_related("meeting__plan")
                .first()
            )
            if invitation is None:
                continue
            Invitation.objects.filter(pk=pk).update(reminded_at=at)
            invitation.reminded_at = at
            _tell_invitee(invitation, kind=SipEvent.INVITATION_UNANSWERED)
            _tell_lead(invitation, kind=SipEvent.INVITATION_UNANSWERED)
            reminded += 1
    return reminded


# --- Möte ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionInput:
    need: str
    action: str
    responsible_organisation: Organisation
    starts_on: dt.date
    responsible_unit: Unit | None = None
    persons_part: str = ""
    ends_on: dt.date | None = None


def meeting_hold(
    *,
    plan: SipPlan,
    by: User,
    attendance: str,
    persons_goals: str,
    actions: Sequence[ActionInput],
    lead_unit: Unit,
    next_follow_up: dt.date | None,
    coordinator: User | None = None,
    close_reason: str = "",
    activation=None,
    at: dt.datetime | None = None,
) -> PlanVersion:
    """Möte: record who came, the person's goals and the plan. It becomes the current
    version. Unanswered kallelser are closed as unanswered.

    The huvudansvarig unit is a party the consent covers, and the huvudansvarig person
    (``coordinator``, by default the current one) works there. A plan row's responsible unit
    belongs to its organisation and is covered by the consent too."""
    at = _now(at)
    _require_case_party(plan, by)
    errors = {}
    if not persons_goals.strip():
        errors["persons_goals"] = _("Skriv vad som är viktigt för personen, med egna ord.")
    if not actions:
        errors["actions"] = _("Planen behöver minst en insats.")
    if not close_reason and next_follow_up is None:
        errors["next_follow_up"] = _("Ange när planen följs upp.")
    if next_follow_up is not None and next_follow_up <= timezone.localdate(at):
        errors["next_follow_up"] = _("Uppföljningen ska ligga efter mötet.")
    if errors:
        raise ValidationError(errors)
    flow = _flow()
    with _task_step(task=_open_task(plan, flow.hold_meeting), by=by, activation=activation):
        plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
        _require_open(plan)
        _require_consent(plan, at=at)
        meeting = plan.meetings.order_by("-pk").first()
        coordinator = coordinator or plan.coordinator
        _require_covered(plan, lead_unit, at=at, field="lead_unit")
        _require_lead(
            plan, lead_unit=lead_unit, coordinator=coordinator, parties=_called_units(plan)
        )
        _require_action_parties(plan, actions, at=at)
        for invitation in meeting.invitations.select_for_update().filter(
            status=Invitation.Status.PENDING
        ):
            invitation.mark_unanswered()
            invitation.save()
            answer = _open_task(plan, flow.answer, invitation=invitation.pk)
            with answer.activation() as act:
                act.cancel()
        for waiting in Task.objects.filter(
            process=plan.process, flow_task=flow.wait, status__in=OPEN
        ):
            flow.wait.run(waiting, again=False)
        meeting.held_at, meeting.attendance = at, attendance.strip()
        meeting.save()
        version = _plan_version_create(
            plan=plan,
            by=by,
            at=at,
            meeting=meeting,
            persons_goals=persons_goals,
            lead_unit=lead_unit,
            next_follow_up=next_follow_up,
            actions=actions,
        )
        plan.coordinator = coordinator
        plan.hold_meeting()
        if close_reason:
            _close(plan, by=by, at=at, reason=close_reason)
        plan.save()
        _history(
            plan,
            what=gettext_noop("Mötet hölls och plan version %(number)s upprättades."),
            at=at,
            by=by,
            number=version.number,
        )
        grants_sync_sip(plan=plan, at=at)
    return version


def _called_units(plan: SipPlan) -> list[Unit]:
    """The units called to the SIP: those invited, the units of an invited huvudman, and
    those that hold a live kallelse (a kallelse forwarded within its organisation)."""
    live = Invitation.objects.filter(meeting__plan=plan, unit__isnull=False).exclude(
        status=Invitation.Status.CANCELLED
    )
    return [
        *plan.invited_units.all(),
        *Unit.objects.filter(organisation__in=plan.invited_organisations.all()),
        *Unit.objects.filter(invitations__in=live),
    ]


def _require_action_parties(plan: SipPlan, actions: Sequence[ActionInput], *, at) -> None:
    """A plan row's responsible unit belongs to the responsible organisation and is a party
    the consent covers: an insats is never planned with a unit the person excluded."""
    for row in actions:
        unit = row.responsible_unit
        if unit is None:
            continue
        if unit.organisation_id != row.responsible_organisation.pk:
            raise ValidationError(
                {
                    "actions": ValidationError(
                        _("%(unit)s hör inte till %(organisation)s.")
                        % {"unit": unit, "organisation": row.responsible_organisation},
                        code="unit_outside_organisation",
                    )
                }
            )
        _require_covered(plan, unit, at=at, field="actions")


def _plan_version_create(
    *, plan, by, at, meeting, persons_goals, lead_unit, next_follow_up, actions
) -> PlanVersion:
    number = (plan.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        meeting=meeting,
        persons_goals=persons_goals.strip(),
        lead_unit=lead_unit,
        next_follow_up=next_follow_up,
        created_at=at,
        created_by=by,
    )
    for row in actions:
        action = PlanAction(
            version=version,
            need=row.need.strip(),
            action=row.action.strip(),
            responsible_organisation=row.responsible_organisation,
            responsible_unit=row.responsible_unit,
            persons_part=row.persons_part.strip(),
            starts_on=row.starts_on,
            ends_on=row.ends_on,
        )
        action.full_clean(exclude=["version"])
        action.save()
    plan.lead_unit, plan.next_follow_up = lead_unit, next_follow_up
    return version


def _close(plan: SipPlan, *, by: User, at: dt.datetime, reason: str, note: str = "") -> None:
    if reason not in SipPlan.CloseReason.values:
        raise ValidationError({"close_reason": _("Välj ett skäl till avslut.")})
    plan.close()
    plan.close_reason, plan.close_note, plan.closed_at = reason, note.strip(), at
    plan.next_follow_up = None
    _history(
        plan,
        what=gettext_noop("SIP:en avslutades: %(reason)s."),
        at=at,
        by=by,
        reason=plan.get_close_reason_display(),
    )


# --- Uppföljning ---------------------------------------------------------------------------


def follow_up_announce(*, plan: SipPlan, at: dt.datetime | None = None) -> None:
    """The follow-up date has come: tell the lead, whose inbox now holds the task."""
    from django.urls import reverse

    at = _now(at)
    with transaction.atomic():
        if plan.coordinator_id:
            event_emit(
                kind=SipEvent.FOLLOW_UP_DUE,
                recipient_user=plan.coordinator,
                url=reverse("sip:plan", kwargs={"pk": plan.pk}),
                data={"due": plan.next_follow_up.isoformat() if plan.next_follow_up else ""},
            )
        _history(plan, what=gettext_noop("Dags för uppföljning."), at=at)


def follow_up_record(
    *,
    plan: SipPlan,
    by: User,
    reviews: dict[int, tuple[str, str]],
    outcome: str,
    next_follow_up: dt.date | None = None,
    close_reason: str = "",
    note: str = "",
    activation=None,
    at: dt.datetime | None = None,
) -> FollowUp:
    """Uppföljning: each insats of the current plan is reviewed on the two ISU questions,
    then the SIP gets a new follow-up date (with or without a new kallelse) or closes."""
    at = _now(at)
    _require_case_party(plan, by, at=at)
    version = plan.versions.order_by("-number").first()
    actions = list(version.actions.all())
    answers = set(ActionReview.Answer.values)
    missing = [
        action
        for action in actions
        if action.pk not in reviews or not set(reviews[action.pk]) <= answers
    ]
    errors = {}
    if missing:
        errors["reviews"] = _("Bedöm varje insats: genomförd som planerat och målet nått.")
    if outcome not in FollowUp.Outcome.values:
        errors["outcome"] = _("Välj hur SIP:en går vidare.")
    elif outcome == FollowUp.Outcome.CLOSE:
        if not close_reason:
            errors["close_reason"] = _("Välj ett skäl till avslut.")
    elif next_follow_up is None or next_follow_up <= timezone.localdate(at):
        errors["next_follow_up"] = _("Ange ett kommande datum för nästa uppföljning.")
    if errors:
        raise ValidationError(errors)
    with _task_step(task=_open_task(plan, _flow().follow_up), by=by, activation=activation):
        plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
        _require_open(plan)
        _require_consent(plan, at=at)
        follow_up = FollowUp.objects.create(
            plan=plan,
            version=version,
            held_at=at,
            held_by=by,
            outcome=outcome,
            next_follow_up=next_follow_up if outcome != FollowUp.Outcome.CLOSE else None,
            note=note.strip(),
        )
        ActionReview.objects.bulk_create(
            ActionReview(
                follow_up=follow_up,
                action=action,
                done_as_planned=reviews[action.pk][0],
                goal_met=reviews[action.pk][1],
            )
            for action in actions
        )
        plan.follow_up()
        _history(plan, what=gettext_noop("Uppföljning genomförd."), at=at, by=by)
        if outcome == FollowUp.Outcome.CLOSE:
            _close(plan, by=by, at=at, reason=close_reason, note=note)
        else:
            plan.next_follow_up = next_follow_up
        plan.save()
    return follow_up


# --- Halt on consent -----------------------------------------------------------------------

#: After a consent ends, a SIP that is being changed is tried this many times (about two
#: seconds in all, viewflow's back-off) before its reconsideration is left to the tick.
RECONSIDER_LOCK_ATTEMPTS = 3
_RECONSIDER_LOCK = lock.SelectForUpdateLock(attempts=RECONSIDER_LOCK_ATTEMPTS)


def sip_consent_ended(*, consent: Consent, at: dt.datetime | None = None) -> bool:
    """A consent the SIPs of its subject may rest on ended. Runs after that change has
    committed: the withdrawal or expiry took effect at once and every access check already
    refuses what it no longer covers; this brings each open SIP in line (``sip_reconsider``).

    A SIP whose flow lock stays taken (someone is changing it) is left, and the consent is
    not recorded as reconsidered, so the tick (``sip_reconsider_pending``) tries again.
    Returns whether every SIP was reconsidered."""
    if consent.purpose != Purpose.SIP:
        return True
    at = _now(at)
    done = True
    for plan in SipPlan.objects.filter(person_id=consent.subject_id).exclude(
        phase__in=[SipPlan.Phase.CLOSED, SipPlan.Phase.HALTED]
    ):
        try:
            sip_reconsider(plan=plan, at=at)
        except FlowLockFailed:
            log.warning(
                "SIP %s: reconsideration after consent %s ended postponed, the case is locked",
                plan.pk,
                consent.pk,
            )
            done = False
    if done:
        ReconsideredConsent.objects.get_or_create(consent=consent, defaults={"at": timezone.now()})
    return done


def sip_reconsider_pending(*, at: dt.datetime | None = None) -> int:
    """For the tick: reconsider the SIPs of every ended SIP consent not yet recorded as
    reconsidered. One that fails is logged and tried again next time; the others go on.
    Returns how many consents are now done."""
    owed = (
        Consent.objects.filter(
            purpose=Purpose.SIP, status__in=[Consent.Status.WITHDRAWN, Consent.Status.EXPIRED]
        )
        .exclude(pk__in=ReconsideredConsent.objects.values("consent_id"))
        .order_by("pk")
    )
    done = 0
    for consent in owed:
        try:
            done += sip_consent_ended(consent=consent, at=at)
        except Exception:
            log.exception("consent %s: reconsidering its SIPs failed", consent.pk)
    return done


def sip_reconsider(*, plan: SipPlan, at: dt.datetime | None = None) -> SipPlan:
    """Bring one SIP in line with the consent now: it halts if its starting unit is no
    longer covered; otherwise kallelser to parties no longer covered are cancelled, those
    parties are no longer called, and a lead the consent no longer covers goes back to the
    starting unit. Each change is written to the history. Raises FlowLockFailed when the
    SIP stays locked."""
    at = _now(at)
    flow = _flow()
    with lock.lock_scope(_RECONSIDER_LOCK, flow, plan.process_id), transaction.atomic():
        plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
        if not plan.is_open:
            return plan
        base = plan_consent_check(plan=plan, at=at, units=[plan.started_unit], organisations=[])
        if not base.consent_satisfied:
            _halt(plan, at=at, reasons=base.reasons)
            grants_sync_sip(plan=plan, at=at)
            return plan
        for invitation in _live_invitations(plan):
            if _party_covered(plan, at=at, unit=invitation.unit, org=invitation.organisation):
                continue
            _cancel_invitation(
                plan,
                invitation,
                at=at,
                what=gettext_noop(
                    "Kallelsen till %(invitee)s återkallades: samtycket omfattar "
                    "inte längre parten."
                ),
            )
        # A party the consent no longer covers is no longer called to later meetings, and
        # no longer blocks the SIP's own steps.
        dropped = [
            unit
            for unit in plan.invited_units.all()
            if not _party_covered(plan, at=at, unit=unit, org=None)
        ]
        plan.invited_units.remove(*dropped)
        dropped_organisations = [
            organisation
            for organisation in plan.invited_organisations.all()
            if not _party_covered(plan, at=at, unit=None, org=organisation)
        ]
        plan.invited_organisations.remove(*dropped_organisations)
        for party in [*dropped, *dropped_organisations]:
            _history(
                plan,
                what=gettext_noop(
                    "%(party)s kallas inte längre till SIP:ens möten: samtycket omfattar "
                    "inte parten."
                ),
                at=at,
                party=party,
            )
        previous = _lead_without_consent(plan, at=at)
        if previous is not None:
            _lead_hand_back(plan, at=at, previous=previous)
        grants_sync_sip(plan=plan, at=at)
    return plan


def _party_covered(plan: SipPlan, *, at: dt.datetime, unit, org) -> bool:
    return plan_consent_check(
        plan=plan, at=at, units=[unit] if unit else [], organisations=[org] if org else []
    ).consent_satisfied


def _live_invitations(plan: SipPlan):
    """Kallelser to meetings not yet held that still stand."""
    return Invitation.objects.select_for_update().filter(
        meeting__plan=plan,
        meeting__held_at__isnull=True,
        status__in=[
            Invitation.Status.PENDING,
            Invitation.Status.ACCEPTED,
            Invitation.Status.DECLINED,
        ],
    )


def _cancel_invitation(plan: SipPlan, invitation: Invitation, *, at: dt.datetime, what: str):
    """Cancel a kallelse, its open task (an answer task while pending, a wait handle once
    answered), tell the invitee and write the history."""
    invitation.cancel()
    invitation.save()
    for task in Task.objects.filter(
        process=plan.process, status__in=OPEN, data__invitation=invitation.pk
    ):
        with task.activation() as act:
            act.cancel()
    _tell_invitee(invitation, kind=SipEvent.INVITATION_CANCELLED)
    _history(plan, what=what, at=at, invitee=invitation.invitee)


def _lead_without_consent(plan: SipPlan, *, at: dt.datetime) -> Unit | User | None:
    """The lead unit, or else the coordinator, that leads from outside the starting unit
    without the consent covering it (as sipflow.access decides); None while the lead holds."""
    if plan.lead_unit_id not in (None, plan.started_unit_id) and not _party_covered(
        plan, at=at, unit=plan.lead_unit, org=None
    ):
        return plan.lead_unit
    coordinator = plan.coordinator
    if coordinator is None or _member(coordinator, plan.started_unit):
        return None
    if leads_on_consent(user=coordinator, plan=plan, at=at):
        return None
    return coordinator


def _lead_hand_back(plan: SipPlan, *, at: dt.datetime, previous: Unit | User) -> None:
    """The starting unit leads again, so that it can choose a new lead: the person who
    started the SIP coordinates if still a case worker there, and the SIP's open lead steps
    go to them (or to the unit's queue). The unit is told."""
    from django.urls import reverse

    from .backends import unit_permission

    starter = plan.started_by
    plan.lead_unit = plan.started_unit
    plan.coordinator = (
        starter
        if starter.is_active and _member(starter, plan.started_unit, STARTER_ROLES)
        else None
    )
    plan.save()
    flow = _flow()
    for node in (flow.summon, flow.hold_meeting, flow.follow_up):
        for task in Task.objects.filter(
            process=plan.process, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        ):
            with task.activation() as act:
                if act.task.status == STATUS.ASSIGNED:
                    act.unassign()
                act.task.owner_permission = unit_permission(plan.started_unit_id)
                act.task.save(update_fields=["owner_permission"])
                if plan.coordinator is not None:
                    act.assign(plan.coordinator)
    event_emit(
        kind=SipEvent.LEAD_RETURNED,
        recipient_unit=plan.started_unit,
        url=reverse("sip:plan", kwargs={"pk": plan.pk}),
    )
    _history(
        plan,
        what=gettext_noop(
            "Huvudansvaret gick tillbaka till %(unit_name)s, som väljer ny huvudansvarig: "
            "samtycket omfattar inte längre %(previous)s."
        ),
        at=at,
        unit=plan.started_unit,
        unit_name=plan.started_unit,
        previous=previous,
    )


def _halt(plan: SipPlan, *, at: dt.datetime, reasons: list[str]) -> None:
    for invitation in _live_invitations(plan):
        _cancel_invitation(
            plan,
            invitation,
            at=at,
            what=gettext_noop("Kallelsen till %(invitee)s återkallades: SIP:en stoppades."),
        )
    plan.halt()
    plan.halted_reason = " ".join(reasons)
    plan.next_follow_up = None
    plan.save()
    if plan.process.status not in (STATUS.DONE, STATUS.CANCELED):
        _flow().instance.cancel(plan.process)
    _history(
        plan,
        what=gettext_noop("SIP:en stoppades: %(reason)s"),
        at=at,
        reason=plan.halted_reason,
    )
