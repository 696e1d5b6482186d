"""Who may see a SIP, as data: the SIP's access grants (cases.models.AccessGrant), derived
by the same rules as sipflow.access's ``plan_access``:

- own: the unit that started the SIP, in full, without consent;
- lead: the lead unit from outside the starting unit, in full, while the consent covers
  it; and the huvudansvarig person through each of their units the consent covers (a grant
  to that person alone);
- invited: each unit with a live kallelse (not cancelled), or each unit of a huvudman
  organisation with one, that the consent covers and does not exclude: only the SIP's
  information categories.

A grant that rests on consent ends on the last day the policy's decision is sure to hold
(consent.policy.decision_holds_until): expiry, and a child's 18th birthday, take effect
without a job. The tick (``sip_grants_resync_due``) re-derives the grants of SIPs with a
grant that has ended, or whose person has a consent that starts today, so that an access
that still holds goes on.

``grants_sync_sip`` runs in the transaction of every change that affects access (start,
förbered, kalla, forwarding, moving the meeting, the meeting, reconsideration) and of every
consent registered; a withdrawal ends the consent's grants in its own transaction
(cases.services.grants_end_for_person) and the reconsideration after it re-derives them.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from cases.models import AccessGrant
from cases.services import grants_replace
from consent.models import Consent, Purpose
from consent.policy import consents_in_force, decision_holds_until
from consent.rules import Action
from directory.models import Person, Unit
from directory.selectors import CASE_ROLES

from .coverage import plan_consent_check
from .models import Invitation, SipPlan

CASE_KIND = "sip"

#: Kallelser that give their unit access (sipflow.access).
LIVE_INVITATIONS = [
    Invitation.Status.PENDING,
    Invitation.Status.ACCEPTED,
    Invitation.Status.DECLINED,
    Invitation.Status.UNANSWERED,
]


class _Coverage:
    """Whether the consent covers a unit for this SIP at ``at``: the policy asked once per
    distinct way the consents in force name the unit (units the consents name alike get the
    same answer), not once per unit."""

    def __init__(self, plan: SipPlan, at: dt.datetime):
        self.plan, self.at = plan, at
        given = consents_in_force(
            subject_id=plan.person_id, purpose=Purpose.SIP, on=timezone.localdate(at)
        )
        self.reaches = [reach for reaches in given.values() for reach in reaches]
        self._answers: dict[tuple, bool] = {}

    def _profile(self, unit: Unit) -> tuple:
        return tuple(
            (
                unit.pk in reach.units,
                unit.organisation_id in reach.organisations,
                unit.pk in reach.excluded_units,
            )
            for reach in self.reaches
        )

    def __call__(self, unit: Unit) -> bool:
        profile = self._profile(unit)
        if profile not in self._answers:
            self._answers[profile] = plan_consent_check(
                plan=self.plan, at=self.at, units=[unit], organisations=[]
            ).consent_satisfied
        return self._answers[profile]


def sip_grants(*, plan: SipPlan, at: dt.datetime) -> list[AccessGrant]:
    """The grants of the SIP at ``at`` (unsaved)."""
    on = timezone.localdate(at)
    covers = _Coverage(plan, at)
    own = AccessGrant(
        person_id=plan.person_id,
        unit_id=plan.started_unit_id,
        kind=AccessGrant.Kind.OWN,
        full=True,
        valid_from=on,
        source="started_unit",
    )
    on_consent: list[AccessGrant] = []

    def grant(unit: Unit, kind: str, *, full: bool, source: str, user=None) -> None:
        on_consent.append(
            AccessGrant(
                person_id=plan.person_id,
                unit_id=unit.pk,
                user=user,
                kind=kind,
                full=full,
                purpose=Purpose.SIP,
                valid_from=on,
                source=source,
            )
        )

    if plan.lead_unit_id not in (None, plan.started_unit_id) and covers(plan.lead_unit):
        grant(plan.lead_unit, AccessGrant.Kind.LEAD, full=True, source="lead_unit")
    coordinator = plan.coordinator
    if coordinator is not None and coordinator.is_active:
        units = Unit.objects.filter(
            memberships__user=coordinator, memberships__role__in=CASE_ROLES
        ).distinct()
        for unit in units.order_by("pk"):
            if unit.pk != plan.started_unit_id and covers(unit):
                grant(
                    unit,
                    AccessGrant.Kind.LEAD,
                    full=True,
                    source="coordinator",
                    user=coordinator,
                )
    invitations = Invitation.objects.filter(
        meeting__plan=plan, status__in=LIVE_INVITATIONS
    ).select_related("unit__organisation", "organisation")
    for invitation in invitations.order_by("pk"):
        units = (
            [invitation.unit]
            if invitation.unit_id
            else list(Unit.objects.filter(organisation=invitation.organisation_id).order_by("pk"))
        )
        for unit in units:
            if unit.pk != plan.started_unit_id and covers(unit):
                grant(
                    unit,
                    AccessGrant.Kind.INVITED,
                    full=False,
                    source=f"invitation {invitation.pk}",
                )
    if on_consent:
        until = decision_holds_until(action=Action.SIP, person=plan.person, at=at)
        for row in on_consent:
            row.valid_until = until
    return [own, *on_consent]


@transaction.atomic
def grants_sync_sip(*, plan: SipPlan, at: dt.datetime | None = None) -> None:
    """Re-derive the SIP's grants at ``at`` and replace its rows. Locks the SIP's row, so
    that grants derived from an older state never overwrite newer ones."""
    at = at or timezone.now()
    plan = (
        SipPlan.objects.select_for_update(of=("self",))
        .select_related("person", "started_unit", "lead_unit", "coordinator")
        .annotate(consent_ends_now=consent_ends(on=timezone.localdate(at)))
        .get(pk=plan.pk)
    )
    grants_replace(case_kind=CASE_KIND, case_id=plan.pk, rows=sip_grants(plan=plan, at=at))
    if plan.consent_ends_on != plan.consent_ends_now:
        SipPlan.objects.filter(pk=plan.pk).update(consent_ends_on=plan.consent_ends_now)
        plan.consent_ends_on = plan.consent_ends_now


def consent_ends(*, on: dt.date) -> Subquery:
    """For a SIP (a subquery on its person): the last day of the earliest of the person's
    consents to SIP in force on ``on`` (active, begun, not ended), or NULL.
    ``SipPlan.consent_ends_on`` holds it as of the day the grants were last derived."""
    in_force = Consent.objects.filter(
        subject=OuterRef("person"),
        purpose=Purpose.SIP,
        status=Consent.Status.ACTIVE,
        valid_from__lte=on,
        valid_until__gte=on,
    )
    return Subquery(in_force.order_by("valid_until").values("valid_until")[:1])


def grants_sync_person(
    *, person: Person, at: dt.datetime | None = None, open_only: bool | None = None
) -> None:
    """Re-derive the grants of the person's SIPs (``open_only``: True only the open ones,
    False only the closed and halted ones, None all)."""
    plans = SipPlan.objects.filter(person=person)
    ended = SipPlan.ENDED
    if open_only is True:
        plans = plans.exclude(phase__in=ended)
    elif open_only is False:
        plans = plans.filter(phase__in=ended)
    for plan in plans.order_by("pk"):
        grants_sync_sip(plan=plan, at=at)


def sip_grants_resync_due(*, at: dt.datetime | None = None) -> int:
    """For the tick: re-derive the grants of every SIP with a grant that has ended, of the
    SIPs of persons with a SIP consent registered ahead of its start that starts today or
    started yesterday, and of the open SIPs whose earliest consent has run out
    (``consent_ends_on`` past). Each SIP in its own transaction. Returns how many SIPs were
    re-derived."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    ended = AccessGrant.objects.filter(case_kind=CASE_KIND, valid_until__lt=today).values("case_id")
    starting = Consent.objects.filter(
        purpose=Purpose.SIP,
        status=Consent.Status.ACTIVE,
        valid_from__gte=today - dt.timedelta(days=1),
        valid_from__lte=today,
        documented_at__date__lt=F("valid_from"),
    ).values("subject_id")
    # A consent run out yesterday or before: the SIP's earliest consent is now another.
    run_out = Q(consent_ends_on__lt=today) & ~Q(phase__in=SipPlan.ENDED)
    due = SipPlan.objects.filter(Q(pk__in=ended) | Q(person__in=starting) | run_out)
    count = 0
    for plan in due.order_by("pk"):
        grants_sync_sip(plan=plan, at=at)
        count += 1
    return count


def grants_rebuild(*, at: dt.datetime | None = None) -> int:
    """Derive the grants of every SIP (for existing data and repairs)."""
    count = 0
    for plan in SipPlan.objects.order_by("pk"):
        grants_sync_sip(plan=plan, at=at)
        count += 1
    return count
