"""Who may see a SIP, and which of its information.

- Staff (socialsekreterare, vårdpersonal, chef) of the unit that started the SIP or leads it,
  and the huvudansvarig person: the whole SIP ("own").
- Staff of a unit with a kallelse (to the unit, or to its organisation as huvudman) that is
  not cancelled: the SIP, while the consent policy allows sharing with that unit, and only
  the information categories the SIP shares ("invited"). Withdrawal or expiry ends it at once.
- A superuser: everything ("admin"), in an emergency; every request is logged as such
  (audit.middleware).
- HVB staff and administrators: nothing here.

``plan_access`` runs the full policy for the one SIP shown and for every write. Lists ask
the SIPs' access grants instead (sipflow.grants derives them by the same rules), in one SQL
filter whatever the number of SIPs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.selectors import visible_case_ids, visible_person_ids
from directory.models import Unit, User
from directory.selectors import user_case_unit_ids

from .coverage import plan_consent_check
from .grants import CASE_KIND, LIVE_INVITATIONS
from .models import Invitation, SipPlan

OWN, INVITED, ADMIN = "own", "invited", "admin"


@dataclass(frozen=True)
class PlanAccess:
    kind: str
    units: list[Unit] = field(default_factory=list)
    categories: frozenset[str] = frozenset()

    @property
    def full(self) -> bool:
        return self.kind in (OWN, ADMIN)

    def may_see(self, category: str) -> bool:
        return self.full or category in self.categories


def _case_units(user: User):
    """The units the user works with cases in, a chef's units with the units under them."""
    return Unit.objects.filter(pk__in=user_case_unit_ids(user=user))


def plan_access(*, user: User, plan: SipPlan, at: dt.datetime | None = None) -> PlanAccess | None:
    """How the user may see this SIP now, or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return PlanAccess(kind=ADMIN)
    at = at or timezone.now()
    units = set(_case_units(user))
    if not units:
        return None

    def covers(unit: Unit) -> bool:
        return plan_consent_check(
            plan=plan, at=at, units=[unit], organisations=[]
        ).consent_satisfied

    ordered = sorted(units, key=lambda unit: unit.pk)
    if plan.started_unit_id in {unit.pk for unit in units}:
        return PlanAccess(kind=OWN, units=ordered)
    if leads_on_consent(user=user, plan=plan, at=at, units=ordered):
        return PlanAccess(kind=OWN, units=ordered)

    invitations = Invitation.objects.filter(meeting__plan=plan, status__in=LIVE_INVITATIONS).filter(
        Q(unit__in=units) | Q(organisation__in={unit.organisation_id for unit in units})
    )
    covered = []
    for invitation in invitations.select_related("unit", "organisation"):
        # A kallelse to a huvudman reaches each of the user's units there that the consent
        # covers and does not exclude.
        candidates = (
            [invitation.unit]
            if invitation.unit
            else [unit for unit in ordered if unit.organisation_id == invitation.organisation_id]
        )
        covered += [unit for unit in candidates if unit not in covered and covers(unit)]
    if not covered:
        return None
    return PlanAccess(
        kind=INVITED,
        units=covered,
        categories=frozenset(plan.categories.values_list("code", flat=True)),
    )


def leads_on_consent(
    *, user: User, plan: SipPlan, at: dt.datetime, units: Sequence[Unit] | None = None
) -> bool:
    """Whether the user leads the SIP from outside its starting unit: a member of the lead
    unit, or the coordinator (through any of their units), while the consent covers that
    unit. Without it a lead sees and does no more than anyone else outside. ``units`` are the
    user's case units, when the caller has them already."""
    if units is None:
        units = list(_case_units(user).order_by("pk"))
    leading = [unit for unit in units if unit.pk == plan.lead_unit_id]
    if plan.coordinator_id == user.pk:
        leading = list(units)
    return any(
        plan_consent_check(plan=plan, at=at, units=[unit], organisations=[]).consent_satisfied
        for unit in leading
    )


def require_plan_access(*, user: User, plan: SipPlan) -> PlanAccess:
    """How the user may see this SIP; Http404, as for a SIP that does not exist, otherwise:
    someone outside it must not learn that it exists."""
    access = plan_access(user=user, plan=plan)
    if access is None:
        raise Http404
    return access


def plans_visible_to(*, user: User, at: dt.datetime | None = None) -> QuerySet[SipPlan]:
    """The SIPs the user may see: one SQL filter over the SIPs' access grants
    (sipflow.grants, the same rules as ``plan_access``); every SIP for a superuser."""
    if not user.is_authenticated or not user.is_active:
        return SipPlan.objects.none()
    plans = SipPlan.objects.select_related("person", "lead_unit", "started_unit")
    if user.is_superuser:
        return plans.all()
    on = timezone.localdate(at) if at else None
    return plans.filter(pk__in=visible_case_ids(user=user, case_kind=CASE_KIND, on=on))


def process_visible(*, user: User, process_pk: int) -> bool:
    plan = SipPlan.objects.filter(process_id=process_pk).first()
    return plan is not None and plan_access(user=user, plan=plan) is not None


def visible_process_ids(*, user: User) -> QuerySet:
    """The viewflow processes of the SIPs the user may see (a ``values`` QuerySet)."""
    return plans_visible_to(user=user).filter(process__isnull=False).order_by().values("process_id")


def case_person_ids(user: User) -> QuerySet:
    """For directory.access: the persons whose SIPs the user may see (a QuerySet of ids)."""
    if user.is_superuser and user.is_active:
        return SipPlan.objects.order_by().values("person_id")
    return visible_person_ids(user=user, case_kind=CASE_KIND)


def unit_case_person_ids(unit: Unit) -> QuerySet:
    """For directory.access: the persons whose SIPs the unit started or leads (ids)."""
    return (
        SipPlan.objects.filter(Q(started_unit=unit) | Q(lead_unit=unit))
        .order_by()
        .values("person_id")
    )
