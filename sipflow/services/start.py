"""Upptäck behov and förbered: a SIP is started, then its parties, the information to share
and the lead are chosen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import ConsentMissing, NotParty
from cases.history import history_counted, transit
from cases.tasks import member, task_step
from consent.models import InformationCategory
from directory.models import Organisation, Person, Unit, User
from directory.selectors import STARTER_ROLES

from ..coverage import plan_consent_check
from ..grants import grants_sync_sip
from ..models import SipPlan
from .base import history, now, require_case_party, require_lead, sip_flow

PREPARED = history_counted(
    "Förberedd: %(count)s part ska kallas, huvudansvarig %(lead)s.",
    "Förberedd: %(count)s parter ska kallas, huvudansvarig %(lead)s.",
)


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
    at = now(at)
    if not member(by, unit, STARTER_ROLES):
        raise NotParty(
            _("Bara socialsekreterare och vårdpersonal i enheten kan initiera en SIP."),
            reason="not_starter",
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
    if origin not in SipPlan.Origin.values:
        errors["origin"] = _("Välj vem som tog initiativet till SIP:en.")
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
    history(plan, what=gettext_noop("Behov av SIP upptäckt."), at=at, by=by, unit=unit)
    grants_sync_sip(plan=plan, at=at)
    return plan


def sip_start_process(*, by: User, **fields) -> SipPlan:
    """Start a SIP from code (tests, benchmarks, imports), atomically."""
    with transaction.atomic():
        process = sip_flow().start_process.run(by=by, **fields)
    return process.sip_plan


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
    at = now(at)
    require_case_party(plan, by, at=at)
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
    require_lead(plan, lead_unit=lead_unit, coordinator=coordinator, parties=units)
    if placement_related and not cost_allocation.strip():
        raise ValidationError(
            {
                "cost_allocation": _(
                    "En SIP som hör till en placering behöver en skriftlig "
                    "kostnadsfördelning mellan organisationerna."
                )
            }
        )
    with task_step(process=plan.process_id, node=sip_flow().prepare, by=by, activation=activation):
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
        transit(
            plan,
            "prepare",
            what=PREPARED,
            at=at,
            by=by,
            count=len(units) + len(organisations),
            lead=lead_unit,
        )
        plan.save()
        grants_sync_sip(plan=plan, at=at)
    return plan
