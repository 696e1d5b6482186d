"""Kalla: the kallelser go out (one per unit or huvudman, each with its own answer task),
the meeting can be moved while it is not held, and kallelser left unanswered past their
answer-by date are reminded."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import InvalidState
from cases.history import history_counted, transit
from cases.tasks import handle_run, task_step
from directory.durations import DurationCode
from directory.models import User
from directory.selectors import duration_for
from notifications.workdays import is_working_day

from ..events import SipEvent
from ..grants import grants_sync_sip
from ..models import Invitation, Meeting, SipPlan
from .base import (
    default_answer_by,
    history,
    now,
    open_task,
    require_case_party,
    require_consent,
    require_open,
    sip_flow,
)
from .notices import tell_invitee, tell_lead

INVITATIONS_SENT = history_counted(
    "Kallelse till %(meeting)s skickad till %(count)s part.",
    "Kallelse till %(meeting)s skickad till %(count)s parter.",
)


def meeting_time_validate(*, starts_at: dt.datetime, answer_by: dt.date, at: dt.datetime):
    errors = {}
    if starts_at <= at:
        errors["starts_at"] = _("Mötet måste ligga i framtiden.")
    if answer_by < timezone.localdate(at):
        errors["answer_by"] = _("Sista svarsdag kan inte ha passerat.")
    elif answer_by > timezone.localdate(starts_at):
        errors["answer_by"] = _("Sista svarsdag måste vara senast mötesdagen.")
    if errors:
        raise ValidationError(errors)


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
    at = now(at)
    require_case_party(plan, by, at=at)
    answer_by = answer_by or default_answer_by(plan=plan, at=at, starts_at=starts_at)
    meeting_time_validate(starts_at=starts_at, answer_by=answer_by, at=at)
    with task_step(process=plan.process_id, node=sip_flow().summon, by=by, activation=activation):
        plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
        require_open(plan)
        require_consent(plan, at=at)
        kind = Meeting.Kind.FIRST if not plan.meetings.exists() else Meeting.Kind.FOLLOW_UP
        meeting = Meeting(
            plan=plan,
            kind=kind,
            starts_at=starts_at,
            place=place.strip(),
            video_link=video_link.strip(),
            answer_by=answer_by,
            summoned_by=by,
        )
        meeting.full_clean(exclude=["plan"])
        meeting.save()
        invitations = [
            Invitation.objects.create(meeting=meeting, unit=unit, sent_at=at, answer_by=answer_by)
            for unit in plan.invited_units.all()
        ] + [
            Invitation.objects.create(
                meeting=meeting, organisation=organisation, sent_at=at, answer_by=answer_by
            )
            for organisation in plan.invited_organisations.all()
        ]
        transit(
            plan,
            "summon",
            what=INVITATIONS_SENT,
            at=at,
            by=by,
            meeting=meeting,
            count=len(invitations),
        )
        plan.save()
        for invitation in invitations:
            tell_invitee(invitation, kind=SipEvent.INVITATION_SENT)
        grants_sync_sip(plan=plan, at=at)
    return meeting


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
    at = now(at)
    plan = meeting.plan
    require_case_party(plan, by, at=at)
    answer_by = answer_by or default_answer_by(plan=plan, at=at, starts_at=starts_at)
    meeting_time_validate(starts_at=starts_at, answer_by=answer_by, at=at)
    flow = sip_flow()
    with flow.lock(plan.process_id), transaction.atomic():
        plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        require_open(plan)
        if meeting.held_at or plan.phase != SipPlan.Phase.SUMMONING:
            raise InvalidState(_("Mötet är redan hållet."), reason="held")
        require_consent(plan, at=at)
        meeting.starts_at, meeting.answer_by = starts_at, answer_by
        meeting.place, meeting.video_link = place.strip(), video_link.strip()
        meeting.sequence += 1
        meeting.full_clean(exclude=["plan"])
        meeting.save()
        history(
            plan,
            what=gettext_noop("Mötet flyttat till %(meeting)s."),
            at=at,
            by=by,
            meeting=meeting,
        )
        for invitation in meeting.invitations.select_for_update().exclude(
            status=Invitation.Status.CANCELLED
        ):
            # The moved meeting is a new kallelse: its answer is timed from now (statistics).
            invitation.sent_at, invitation.answer_by = at, answer_by
            if invitation.status != Invitation.Status.PENDING:
                transit(invitation, "reset", at=at, by=by, unit=invitation.unit)
                invitation.attendees = invitation.decline_reason = invitation.decline_code = ""
                invitation.answered_by, invitation.answered_at = None, None
                invitation.reminded_at = None
                invitation.save()
                waiting = open_task(plan, flow.wait, invitation=invitation.pk)
                handle_run(flow.wait, waiting, again=True)  # under the lock held here
            else:
                invitation.save(update_fields=["sent_at", "answer_by"])
            tell_invitee(invitation, kind=SipEvent.INVITATION_RESCHEDULED)
        grants_sync_sip(plan=plan, at=at)
    return meeting


def invitation_remind_unanswered(*, at: dt.datetime | None = None) -> int:
    """Kallelser unanswered after their answer-by date: one reminder event to the unit, and
    the flag (``reminded_at``) the chef's overview shows. Run by the periodic tick; it
    reminds on working days from the sending organisation's reminder hour (07:00 unless it
    chose another, directory.durations), not at midnight or over a weekend."""
    at = now(at)
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
            tell_invitee(invitation, kind=SipEvent.INVITATION_UNANSWERED)
            tell_lead(invitation, kind=SipEvent.INVITATION_UNANSWERED)
            reminded += 1
    return reminded
