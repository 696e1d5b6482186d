"""When a consent ends (återkallat or utgånget): each open SIP of the person is brought in
line with what the consent covers now. It halts if its starting unit is no longer covered;
otherwise kallelser to parties no longer covered are cancelled, those parties are no longer
called, and a lead the consent no longer covers hands back to the starting unit."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from viewflow.workflow import STATUS, lock
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task

from cases.backends import unit_permission
from cases.history import transit
from cases.tasks import OPEN, member, task_requeue
from consent.models import Consent, Purpose
from directory.models import Unit, User
from directory.selectors import STARTER_ROLES
from notifications.services import event_emit

from ..access import leads_on_consent
from ..coverage import party_covered, plan_consent_check
from ..events import SipEvent
from ..grants import grants_sync_sip
from ..models import Invitation, ReconsideredConsent, SipPlan
from .base import history, now, sip_flow
from .notices import plan_url, tell_invitee

log = logging.getLogger(__name__)

#: After a consent ends, a SIP that is being changed is tried this many times (about two
#: seconds in all, viewflow's back-off) before its reconsideration is left to the tick.
RECONSIDER_LOCK_ATTEMPTS = 3
RECONSIDER_LOCK = lock.SelectForUpdateLock(attempts=RECONSIDER_LOCK_ATTEMPTS)


def sip_consent_ended(*, consent: Consent, at: dt.datetime | None = None) -> bool:
    """A consent the SIPs of its subject may rest on ended. Runs after that change has
    committed: the withdrawal or expiry took effect at once and every access check already
    refuses what it no longer covers; this brings each open SIP in line (``sip_reconsider``).

    A SIP whose flow lock stays taken (someone is changing it) is left, and the consent is
    not recorded as reconsidered, so the tick (``sip_reconsider_pending``) tries again.
    Returns whether every SIP was reconsidered."""
    if consent.purpose != Purpose.SIP:
        return True
    at = now(at)
    done = True
    for plan in SipPlan.objects.filter(person_id=consent.subject_id).exclude(
        phase__in=SipPlan.ENDED
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
    """Bring one SIP in line with the consent now. Each change is written to the history.
    Raises FlowLockFailed when the SIP stays locked."""
    at = now(at)
    flow = sip_flow()
    with lock.lock_scope(RECONSIDER_LOCK, flow, plan.process_id), transaction.atomic():
        plan = SipPlan.objects.select_for_update().get(pk=plan.pk)
        if not plan.is_open:
            return plan
        base = plan_consent_check(plan=plan, at=at, units=[plan.started_unit], organisations=[])
        if not base.consent_satisfied:
            sip_halt(plan, at=at, reasons=base.reasons)
            grants_sync_sip(plan=plan, at=at)
            return plan
        for invitation in live_invitations(plan):
            if party_covered(
                plan, at=at, unit=invitation.unit, organisation=invitation.organisation
            ):
                continue
            invitation_cancel(
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
            unit for unit in plan.invited_units.all() if not party_covered(plan, at=at, unit=unit)
        ]
        plan.invited_units.remove(*dropped)
        dropped_organisations = [
            organisation
            for organisation in plan.invited_organisations.all()
            if not party_covered(plan, at=at, organisation=organisation)
        ]
        plan.invited_organisations.remove(*dropped_organisations)
        for party in [*dropped, *dropped_organisations]:
            history(
                plan,
                what=gettext_noop(
                    "%(party)s kallas inte längre till SIP:ens möten: samtycket omfattar "
                    "inte parten."
                ),
                at=at,
                party=party,
            )
        previous = lead_without_consent(plan, at=at)
        if previous is not None:
            lead_hand_back(plan, at=at, previous=previous)
        grants_sync_sip(plan=plan, at=at)
    return plan


def live_invitations(plan: SipPlan):
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


def invitation_cancel(plan: SipPlan, invitation: Invitation, *, at: dt.datetime, what: str):
    """Cancel a kallelse, its open task (an answer task while pending, a wait handle once
    answered), tell the invitee and write the history."""
    transit(invitation, "cancel", what=what, at=at)
    invitation.save()
    for task in Task.objects.filter(
        process=plan.process, status__in=OPEN, data__invitation=invitation.pk
    ):
        with task.activation() as act:
            act.cancel()
    tell_invitee(invitation, kind=SipEvent.INVITATION_CANCELLED, link=False)


def lead_without_consent(plan: SipPlan, *, at: dt.datetime) -> Unit | User | None:
    """The lead unit, or else the coordinator, that leads from outside the starting unit
    without the consent covering it (as sipflow.access decides); None while the lead holds."""
    if plan.lead_unit_id not in (None, plan.started_unit_id) and not party_covered(
        plan, at=at, unit=plan.lead_unit
    ):
        return plan.lead_unit
    coordinator = plan.coordinator
    if coordinator is None or member(coordinator, plan.started_unit_id):
        return None
    if leads_on_consent(user=coordinator, plan=plan, at=at):
        return None
    return coordinator


def lead_hand_back(plan: SipPlan, *, at: dt.datetime, previous: Unit | User) -> None:
    """The starting unit leads again, so that it can choose a new lead: the person who
    started the SIP coordinates if still a case worker there, and the SIP's open lead steps
    go to them (or to the unit's queue). The unit is told."""
    starter = plan.started_by
    plan.lead_unit = plan.started_unit
    plan.coordinator = (
        starter
        if starter.is_active and member(starter, plan.started_unit_id, STARTER_ROLES)
        else None
    )
    plan.save()
    flow = sip_flow()
    for node in (flow.summon, flow.hold_meeting, flow.follow_up):
        for task in Task.objects.filter(
            process=plan.process, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        ):
            with task.activation() as act:
                task_requeue(
                    act,
                    permission=unit_permission(plan.started_unit_id),
                    owner=plan.coordinator,
                )
    event_emit(kind=SipEvent.LEAD_RETURNED, recipient_unit=plan.started_unit, url=plan_url(plan))
    history(
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


def sip_halt(plan: SipPlan, *, at: dt.datetime, reasons: list[str]) -> None:
    """Stoppad: the consent no longer covers the starting unit. Its kallelser are cancelled
    and the process ends."""
    for invitation in live_invitations(plan):
        invitation_cancel(
            plan,
            invitation,
            at=at,
            what=gettext_noop("Kallelsen till %(invitee)s återkallades: SIP:en stoppades."),
        )
    plan.halted_reason = " ".join(reasons)
    plan.halted_on = timezone.localdate(at)
    plan.next_follow_up = None
    transit(
        plan,
        "halt",
        what=gettext_noop("SIP:en stoppades: %(reason)s"),
        at=at,
        reason=plan.halted_reason,
    )
    plan.save()
    if plan.process.status not in (STATUS.DONE, STATUS.CANCELED):
        sip_flow().instance.cancel(plan.process)
