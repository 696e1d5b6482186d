"""The demo's placements: one in each phase and legal basis, made through the services and
the flow, and seeding twice adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from viewflow.workflow.status import STATUS

from directory.models import User
from placement.flows import PlacementFlow
from placement.models import Placement
from placement.rules import LegalBasis
from placement.selectors import (
    health_requests_to_answer,
    placements_in_users_hvb,
    placements_of_caseworker,
)

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_placements_in_each_phase_and_twice_is_harmless(demo):
    first = {p.person.first_name: p for p in Placement.objects.select_related("person")}
    call_command("seed_demo")
    assert Placement.objects.count() == len(first) == 5

    phases = {name: (p.phase, p.legal_basis, p.acute) for name, p in first.items()}
    assert phases["Erik"][0] == Placement.Phase.INVESTIGATING
    assert phases["Liam"] == (Placement.Phase.DECIDED, LegalBasis.LVU_2, False)
    assert phases["Maja"] == (Placement.Phase.PLACED, LegalBasis.SOL, False)
    assert phases["Ella"] == (Placement.Phase.PLACED, LegalBasis.LVU_2, True)
    assert phases["Oskar"][0] == Placement.Phase.AFTERCARE
    assert first["Liam"].legal_steps.filter(kind="interim").exists()
    assert first["Maja"].cost_allocation.approved
    # Maja's follow-up visits, the last with a private talk.
    assert list(first["Maja"].visits.values_list("private_talk", flat=True)) == [True, False]
    # Maja's first review is in its notice: the flow has made it Sara's task.
    review = first["Maja"].process.task_set.get(flow_task=PlacementFlow.review)
    assert review.status == STATUS.ASSIGNED and review.owner.username == "sara"
    assert (
        first["Oskar"]
        .process.task_set.filter(
            flow_task=PlacementFlow.wait_for_aftercare, status=STATUS.SCHEDULED
        )
        .exists()
    )

    sara, hugo = User.objects.get(username="sara"), User.objects.get(username="hugo")
    rows = placements_of_caseworker(user=sara, on=first["Maja"].start_date)
    assert {row.placement.person.first_name for row in rows} >= {"Liam", "Maja", "Ella"}
    assert {p.person.first_name for p in placements_in_users_hvb(user=hugo)} >= {"Maja", "Ella"}
    # vera (BUP Falun) is asked for Ella's hälsoundersökning, and sees only that request.
    vera = User.objects.get(username="vera")
    (request,) = health_requests_to_answer(user=vera)
    assert request.placement == first["Ella"]


def test_the_demo_shows_a_placements_sip_where_consent_allows_it(demo):
    """Oskar's SIP, initiated from his placement, has its follow-up in Sara's inbox with the
    insatser that went on after the placement; Maja may initiate one, Liam (LVU, no consent
    to a SIP) may not."""
    from django.utils import timezone

    from placement.selectors import placement_sip
    from sipflow.flows import SipFlow
    from sipflow.selectors import plan_carried

    sara = User.objects.get(username="sara")
    placements = {p.person.first_name: p for p in Placement.objects.select_related("person")}
    oskar = placements["Oskar"]
    plan = oskar.sip_plan
    assert plan is not None and plan.is_open
    follow_up = plan.process.task_set.get(flow_task=SipFlow.follow_up)
    assert follow_up.status == STATUS.ASSIGNED and follow_up.owner == sara
    carried = [row.what for row in plan_carried(plan=plan)]
    assert carried == ["Familjebehandling", "Kontakt med BUP"]
    now = timezone.now()
    assert placement_sip(placement=placements["Maja"], user=sara, at=now).decision.allowed
    liam = placement_sip(placement=placements["Liam"], user=sara, at=now)
    assert liam.may_link and not liam.decision.allowed and liam.compulsory
