"""Möte: who came, the person's goals and the written plan, which becomes the SIP's current
version; kallelser still unanswered are closed as such."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.history import transit
from cases.tasks import task_cancel, task_step
from directory.models import Organisation, Unit, User

from ..coverage import plan_consent_check
from ..grants import grants_sync_sip
from ..models import Invitation, PlanAction, PlanVersion, SipPlan
from .base import (
    now,
    open_task,
    plan_close,
    require_case_party,
    require_consent,
    require_covered,
    require_lead,
    require_open,
    sip_flow,
)


@dataclass(frozen=True)
class ActionInput:
    """A plan row as written: ``source`` keeps the key of an insats carried from a linked
    case (cases.registry.CarriedInsats), so that it is carried once."""

    need: str
    action: str
    responsible_organisation: Organisation
    starts_on: dt.date
    responsible_unit: Unit | None = None
    persons_part: str = ""
    ends_on: dt.date | None = None
    source: str = ""


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
    at = now(at)
    require_case_party(plan, by)
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
    flow = sip_flow()
    with task_step(process=plan.process_id, node=flow.hold_meeting, by=by, activation=activation):
        plan = (
            SipPlan.objects.select_for_update(of=("self",))
            .select_related("person", "started_unit", "lead_unit", "coordinator")
            .get(pk=plan.pk)
        )
        require_open(plan)
        coordinator = coordinator or plan.coordinator
        meeting_parties_require(plan, lead_unit=lead_unit, actions=actions, at=at)
        # The called units matter only when the lead moves away from the starting unit.
        parties = called_units(plan) if lead_unit != plan.started_unit else []
        require_lead(plan, lead_unit=lead_unit, coordinator=coordinator, parties=parties)
        meeting = plan.meetings.order_by("-pk").first()
        unanswered = list(
            meeting.invitations.select_for_update().filter(status=Invitation.Status.PENDING)
        )
        for invitation in unanswered:
            transit(invitation, "mark_unanswered", at=at, by=by, unit=invitation.unit)
            invitation.save()
            task_cancel(open_task(plan, flow.answer, invitation=invitation.pk))
        meeting.held_at, meeting.attendance = at, attendance.strip()
        meeting.save(update_fields=["held_at", "attendance"])
        version = plan_version_create(
            plan=plan,
            by=by,
            at=at,
            meeting=meeting,
            persons_goals=persons_goals,
            lead_unit=lead_unit,
            next_follow_up=next_follow_up,
            actions=actions,
        )
        lead_changed = (plan.lead_unit_id, plan.coordinator_id) != (
            version.lead_unit_id,
            coordinator.pk,
        )
        plan.lead_unit, plan.next_follow_up = lead_unit, next_follow_up
        plan.coordinator = coordinator
        transit(
            plan,
            "hold_meeting",
            what=gettext_noop("Mötet hölls och plan version %(number)s upprättades."),
            at=at,
            by=by,
            number=version.number,
        )
        if close_reason:
            plan_close(plan, by=by, at=at, reason=close_reason)
        plan.save()
        if lead_changed or unanswered:
            # Who may see the SIP changes only with its lead or its live kallelser.
            grants_sync_sip(plan=plan, at=at)
    return version


def called_units(plan: SipPlan) -> list[Unit]:
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


def require_action_organisations(actions: Sequence[ActionInput]) -> None:
    """A plan row's responsible unit belongs to the responsible organisation."""
    for row in actions:
        unit = row.responsible_unit
        if unit is not None and unit.organisation_id != row.responsible_organisation.pk:
            raise ValidationError(
                {
                    "actions": ValidationError(
                        _("%(unit)s hör inte till %(organisation)s.")
                        % {"unit": unit, "organisation": row.responsible_organisation},
                        code="unit_outside_organisation",
                    )
                }
            )


def plan_version_create(
    *, plan, by, at, meeting, persons_goals, lead_unit, next_follow_up, actions
) -> PlanVersion:
    """The next version of the written plan with its rows, validated without a query per
    row and written in one statement. ``meeting`` is None for a version a follow-up
    writes. Sets ``plan.plan_written_on``, which the caller's step saves with the plan."""
    rows = [
        PlanAction(
            need=row.need.strip(),
            action=row.action.strip(),
            responsible_organisation=row.responsible_organisation,
            responsible_unit=row.responsible_unit,
            persons_part=row.persons_part.strip(),
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            source=row.source,
        )
        for row in actions
    ]
    for row in rows:
        # The foreign keys are objects the step has checked already; the one table
        # constraint is checked here, with the message the database would give.
        row.clean_fields(exclude=["version", "responsible_unit", "responsible_organisation"])
        if row.ends_on is not None and row.ends_on < row.starts_on:
            raise ValidationError(
                {"actions": ValidationError(_("Slutdatum kan inte ligga före start."))}
            )
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
    for row in rows:
        row.version = version
    PlanAction.objects.bulk_create(rows)
    # The day the chef's list of SIPs without a next follow-up date counts from.
    plan.plan_written_on = timezone.localdate(at)
    return version


def meeting_parties_require(
    plan: SipPlan, *, lead_unit: Unit, actions: Sequence[ActionInput], at: dt.datetime
) -> None:
    """The consent covers the SIP's parties, the lead unit and every plan row's unit. One
    evaluation of the policy answers all of them when it allows them all; only a refusal
    asks again, party by party, to say which input it concerns."""
    require_action_organisations(actions)
    units = [
        plan.started_unit,
        *plan.invited_units.all(),
        lead_unit,
        *(row.responsible_unit for row in actions if row.responsible_unit is not None),
    ]
    if plan_consent_check(plan=plan, at=at, units=units).allowed:
        return
    require_consent(plan, at=at)
    require_covered(plan, lead_unit, at=at, field="lead_unit")
    for row in actions:
        if row.responsible_unit is not None:
            require_covered(plan, row.responsible_unit, at=at, field="actions")


def plan_rows(actions) -> list[tuple]:
    """Plan rows (PlanAction or ActionInput) as comparable values: a follow-up writes a new
    version only when its rows differ from the current version's."""
    return [
        (
            row.need.strip(),
            row.action.strip(),
            row.responsible_organisation.pk,
            row.responsible_unit.pk if row.responsible_unit else None,
            row.persons_part.strip(),
            row.starts_on,
            row.ends_on,
            row.source,
        )
        for row in actions
    ]
