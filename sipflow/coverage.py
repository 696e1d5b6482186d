"""What the consent covers for one SIP: the policy's decision for sharing the SIP with its
parties (samtycke till SIP), asked by the steps, the access rules and the grants alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from consent.policy import Decision, consent_evaluate
from consent.rules import Action
from directory.models import Organisation, Person, Unit

from .models import SipPlan


def sip_consent_check(
    *,
    person: Person,
    at: dt.datetime,
    units: Sequence[Unit] = (),
    organisations: Sequence[Organisation] = (),
    categories: Sequence[str] = (),
) -> Decision:
    """The policy's decision for a SIP of ``person`` shared with these parties and this
    information (category codes) at ``at``: samtycke till SIP. Every SIP question, for a
    SIP not yet started too (a placement starting one), goes through here."""
    return consent_evaluate(
        action=Action.SIP,
        person=person,
        at=at,
        units=list(dict.fromkeys(units)),
        organisations=organisations,
        categories=categories,
    )


def plan_consent_check(
    *,
    plan: SipPlan,
    at: dt.datetime,
    units: Sequence[Unit] | None = None,
    organisations: Sequence[Organisation] | None = None,
    categories: Sequence[str] | None = None,
) -> Decision:
    """The policy's decision for sharing this SIP with its parties at ``at``: the SIP's own
    parties and information, or those given (the codes of the categories)."""
    if units is None:
        units = [plan.started_unit, *plan.invited_units.all()]
    if organisations is None:
        organisations = list(plan.invited_organisations.all())
    if categories is None:
        categories = list(plan.categories.values_list("code", flat=True))
    return sip_consent_check(
        person=plan.person,
        at=at,
        units=units,
        organisations=organisations,
        categories=list(categories),
    )


def party_covered(plan: SipPlan, *, at: dt.datetime, unit=None, organisation=None) -> bool:
    """The consent covers this one unit or organisation (names it, does not exclude it)."""
    return plan_consent_check(
        plan=plan,
        at=at,
        units=[unit] if unit else [],
        organisations=[organisation] if organisation else [],
    ).consent_satisfied
