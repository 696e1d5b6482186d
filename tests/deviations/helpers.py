"""Helpers for the avvikelser tests, in the SIP world (tests.sipflow_world): Vera at BUP
Falun reports a kallelse Ludvika's socialtjänst never answered."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from deviations import services
from deviations.rules import AgreementCode, Category, Harm
from tests.sipflow_world import World


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def report(world: World, *, by=None, unit=None, concerned=None, plan=None, **overrides):
    """Vera (BUP Falun) reports, about Barn och familj Ludvika, from ``plan`` where given
    (else about the agreement in general)."""
    today = timezone.localdate(overrides["at"]) if overrides.get("at") else timezone.localdate()
    fields = {
        "by": by or world.vera,
        "unit": unit or world.bup,
        "concerned_units": [world.social] if concerned is None else concerned,
        "occurred_on": today - dt.timedelta(days=1),
        "description": "Kallelsen till SIP-mötet besvarades inte.",
        "category": Category.SIP_SUMMONS_UNANSWERED,
        "harm": Harm.RISK,
        "agreement": AgreementCode.HVB,
        "responsibilities": "Socialtjänsten kallar till nytt möte; BUP fortsätter behandlingen.",
        "allocation_until": today + dt.timedelta(days=14),
    }
    if plan is not None:
        fields.update(case_kind="sip", case_id=plan.pk)
    fields.update(overrides)
    return services.deviation_report(**fields)


def sip_inviting_bup(world: World):
    """A SIP of Barn och familj Ludvika that calls BUP Falun (so Vera sees it)."""
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    return plan
