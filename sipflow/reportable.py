"""SIPs as cases an avvikelse can be reported from (cases.registry.ReportableCases): the
deviations app reaches a SIP only through this, never by importing sipflow."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.registry import CaseReference, ReportableCases, register_reportable_cases
from directory.models import Unit, User

from .access import plan_access, plans_visible_to
from .grants import CASE_KIND
from .models import Invitation, SipPlan

#: The report form offers the user's newest SIPs, at most this many.
CHOICES_LIMIT = 100


def _reference(plan: SipPlan, *, units: tuple[Unit, ...] = ()) -> CaseReference:
    started = formats.date_format(timezone.localdate(plan.started_at), "Y-m-d")
    return CaseReference(
        case_kind=CASE_KIND,
        case_id=plan.pk,
        title=_("SIP för %(person)s, initierad %(date)s")
        % {"person": plan.person, "date": started},
        url=reverse("sip:plan", kwargs={"pk": plan.pk}),
        person=plan.person,
        units=units,
    )


def sip_reference(*, user: User, case_id: int) -> CaseReference | None:
    """The SIP as the user may see it now (the full policy, sipflow.access), with the units
    taking part: the starting and lead units and each unit called and not cancelled."""
    plan = (
        SipPlan.objects.select_related(
            "person", "started_unit__organisation", "lead_unit__organisation"
        )
        .filter(pk=case_id)
        .first()
    )
    if plan is None or plan_access(user=user, plan=plan) is None:
        return None
    called = (
        Unit.objects.filter(invitations__meeting__plan=plan)
        .exclude(invitations__status=Invitation.Status.CANCELLED)
        .select_related("organisation")
        .order_by("pk")
        .distinct()
    )
    units = [plan.started_unit, plan.lead_unit, *called]
    return _reference(plan, units=tuple(dict.fromkeys(unit for unit in units if unit)))


def sip_visible_ids(*, user: User) -> QuerySet:
    return plans_visible_to(user=user).order_by().values("pk")


def sip_choices(*, user: User) -> list[CaseReference]:
    plans = plans_visible_to(user=user).order_by("-started_at", "-pk")[:CHOICES_LIMIT]
    return [_reference(plan) for plan in plans]


def sip_reportable_register() -> None:
    register_reportable_cases(
        ReportableCases(
            case_kind=CASE_KIND,
            label=gettext_lazy("SIP"),
            visible_ids=sip_visible_ids,
            reference=sip_reference,
            choices=sip_choices,
            order=10,
        )
    )
