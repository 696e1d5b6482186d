"""Uppföljning and avslut: the follow-up date comes, each insats is reviewed on the two ISU
questions, and the SIP goes on (with or without a new kallelse) or closes."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.history import transit
from cases.tasks import task_step
from directory.models import User
from notifications.services import event_emit

from ..events import SipEvent
from ..models import ActionReview, FollowUp, SipPlan
from .base import (
    history,
    now,
    open_task,
    require_case_party,
    require_consent,
    require_open,
    sip_flow,
)
from .notices import plan_url


def plan_close(plan: SipPlan, *, by: User, at: dt.datetime, reason: str, note: str = "") -> None:
    """Avslut, with one of the listed reasons; the caller saves the SIP."""
    if reason not in SipPlan.CloseReason.values:
        raise ValidationError({"close_reason": _("Välj ett skäl till avslut.")})
    plan.close_reason, plan.close_note, plan.closed_at = reason, note.strip(), at
    plan.next_follow_up = None
    transit(
        plan,
        "close",
        what=gettext_noop("SIP:en avslutades: %(reason)s."),
        at=at,
        by=by,
        reason=plan.get_close_reason_display(),
    )


def follow_up_announce(*, plan: SipPlan, at: dt.datetime | None = None) -> None:
    """The follow-up date has come: tell the lead, whose inbox now holds the task."""
    at = now(at)
    with transaction.atomic():
        if plan.coordinator_id:
            event_emit(
                kind=SipEvent.FOLLOW_UP_DUE,
                recipient_user=plan.coordinator,
                url=plan_url(plan),
                data={"due": plan.next_follow_up.isoformat() if plan.next_follow_up else ""},
            )
        history(plan, what=gettext_noop("Dags för uppföljning."), at=at)


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
    at = now(at)
    require_case_party(plan, by, at=at)
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
    with task_step(task=open_task(plan, sip_flow().follow_up), by=by, activation=activation):
        plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
        require_open(plan)
        require_consent(plan, at=at)
        follow_up = FollowUp.objects.create(
            plan=plan,
            version=version,
            held_at=at,
            held_by=by,
            outcome=outcome,
            due_on=plan.next_follow_up,
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
        transit(plan, "follow_up", at=at, by=by)
        if outcome == FollowUp.Outcome.CLOSE:
            plan_close(plan, by=by, at=at, reason=close_reason, note=note)
        else:
            plan.next_follow_up = next_follow_up
        plan.save()
    return follow_up
