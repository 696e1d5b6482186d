"""Uppföljning and avslut: the follow-up date comes, each insats is reviewed on the two ISU
questions, and the SIP goes on (with or without a new kallelse) or closes. A follow-up may
also change the plan's insatser (a SIP linked to a placement carries the placement's):
the plan then gets its next version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

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
    plan_close,
    require_case_party,
    require_consent,
    require_open,
    sip_flow,
)
from .meetings import (
    ActionInput,
    meeting_parties_require,
    plan_rows,
    plan_version_create,
    require_action_organisations,
)
from .notices import plan_url


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
    actions: Sequence[ActionInput] | None = None,
    activation=None,
    at: dt.datetime | None = None,
) -> FollowUp:
    """Uppföljning: each insats of the current plan is reviewed on the two ISU questions,
    then the SIP gets a new follow-up date (with or without a new kallelse) or closes.

    ``actions``: the plan's insatser after the follow-up (the current ones, and those a
    linked case carries in). Where they differ from the current version's, and the SIP goes
    on, they become the plan's next version, with the same goals and lead; the consent must
    cover every row's unit, as at a meeting."""
    at = now(at)
    require_case_party(plan, by, at=at)
    version = plan.versions.order_by("-number").first()
    current = actions_of(version)
    answers = set(ActionReview.Answer.values)
    missing = [
        action
        for action in current
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
    changed = (
        actions is not None
        and outcome != FollowUp.Outcome.CLOSE
        and plan_rows(actions) != plan_rows(current)
    )
    if changed and not actions:
        errors["actions"] = _("Planen behöver minst en insats.")
    if errors:
        raise ValidationError(errors)
    if changed:
        require_action_organisations(actions)
    with task_step(
        process=plan.process_id, node=sip_flow().follow_up, by=by, activation=activation
    ):
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
            for action in current
        )
        transit(plan, "follow_up", at=at, by=by)
        if outcome == FollowUp.Outcome.CLOSE:
            plan_close(plan, by=by, at=at, reason=close_reason, note=note)
        else:
            plan.next_follow_up = next_follow_up
            if changed:
                meeting_parties_require(plan, lead_unit=plan.lead_unit, actions=actions, at=at)
                revised = plan_version_create(
                    plan=plan,
                    by=by,
                    at=at,
                    meeting=None,
                    persons_goals=version.persons_goals,
                    lead_unit=plan.lead_unit,
                    next_follow_up=next_follow_up,
                    actions=actions,
                )
                history(
                    plan,
                    what=gettext_noop("Plan version %(number)s upprättades vid uppföljningen."),
                    at=at,
                    by=by,
                    number=revised.number,
                )
        plan.save()
    return follow_up


def actions_of(version) -> list:
    """The current version's rows, with what ``plan_rows`` compares."""
    return list(version.actions.select_related("responsible_organisation", "responsible_unit"))
