"""Contract tests for the placement endpoints: start, the list, the placement by phase as
its page shows it to each caller, every step as an action endpoint, the cost allocation
for the organisations party to it, the region's hälsoundersökning and handover, and their
refusals as problem details."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from directory.models import Membership, Organisation
from placement.models import CostAllocation, HealthExamRequest, Placement, RegionHandover
from placement.rules import LegalBasis
from tests.api.helpers import problem, url
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, person_born
from tests.placement_world import build_placement_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world):
    return build_placement_world(world)


@pytest.fixture
def falun(world):
    organisation = OrganisationFactory(
        name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY, region=world.region
    )
    unit = UnitFactory(organisation=organisation, name="Barn och familj Falun")
    return {
        "organisation": organisation,
        "worker": MembershipFactory(unit=unit, role=Membership.Role.SOCIAL_WORKER).user,
    }


def cost_rows(pw) -> dict:
    today = timezone.localdate().isoformat()
    return {
        "rows": [
            {
                "what": "housing",
                "paying_organisation": pw.sip.ludvika.pk,
                "valid_from": today,
                "amount_per_day": "2800.00",
            },
            {
                "what": "health_care",
                "paying_organisation": pw.sip.region.pk,
                "valid_from": today,
                "share_percent": "100",
            },
        ]
    }


# --- Start ----------------------------------------------------------------------------------


def test_start_opens_an_utredning_for_a_person_the_caller_may_see(pw, api_as):
    response = api_as(pw.sara).post(
        url("placements"),
        {"personal_identity_number": pw.youth.identity_number_display, "unit": pw.social.pk},
        HTTP_IDEMPOTENCY_KEY="start",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["phase"], body["access"], body["person"]["id"]) == (
        "investigating",
        "own",
        pw.youth.pk,
    )
    assert {"assessment", "alternatives", "propose"} <= set(body["next_steps"])
    assert len(body["assessment"]) == 10
    placement = Placement.objects.get(pk=body["id"])
    assert placement.process_id is not None and placement.caseworker == pw.sara


@pytest.mark.parametrize("endpoint", ["placements", "sips"])
def test_a_person_out_of_sight_is_refused_as_an_unknown_number(pw, api_as, falun, endpoint):
    """A person of another kommun (or with skyddade personuppgifter seen by no case) is
    refused exactly as a number nobody has: nothing tells who is registered elsewhere."""
    elsewhere = person_born(dt.date(2010, 3, 3), registered_municipality=falun["organisation"])
    body = {
        "unit": pw.social.pk,
        "origin": "professional",
        "social_needs": "Stöd",
        "health_needs": "Sömn",
        "coordination_reason": "Samordning",
        "informed_about_sip": True,
    }
    client = api_as(pw.sara)
    hidden = client.post(
        url(endpoint), {**body, "personal_identity_number": elsewhere.personal_identity_number}
    )
    elsewhere.delete()
    unknown = client.post(
        url(endpoint), {**body, "personal_identity_number": elsewhere.personal_identity_number}
    )
    hidden_body = problem(hidden, 422, "validation_error")
    assert list(hidden_body["fields"]) == ["personal_identity_number"]
    assert {**hidden_body, "instance": ""} == {
        **problem(unknown, 422, "validation_error"),
        "instance": "",
    }
    assert not Placement.objects.exists()


def test_only_starters_start_and_a_health_unit_cannot_place(pw, api_as):
    problem(api_as(pw.hugo).post(url("placements"), {}), 403, "permission_denied")
    refused = api_as(pw.vera).post(
        url("placements"),
        {"personal_identity_number": pw.youth.personal_identity_number, "unit": pw.sip.bup.pk},
    )
    # Vera cannot see the youth (not her kommun, no case): as an unknown number.
    assert "personal_identity_number" in problem(refused, 422, "validation_error")["fields"]


# --- List and detail ------------------------------------------------------------------------


def test_the_list_filters_by_phase_and_pages(pw, api_as):
    decided = pw.decided_sol()
    other = pw.open(pw.adult)
    client = api_as(pw.sara)
    first = client.get(url("placements"), {"page_size": 1}).json()
    assert [row["id"] for row in first["results"]] == [other.pk]
    assert [row["id"] for row in client.get(first["next"]).json()["results"]] == [decided.pk]
    phase = client.get(url("placements"), {"phase": "decided"}).json()["results"]
    assert [row["id"] for row in phase] == [decided.pk]
    assert client.get(url("placements"), {"open": "false"}).json()["results"] == []
    problem(client.get(url("placements"), {"phase": "bogus"}), 400, "validation_error")
    # The HVB sees its youth from the decision on; the region sees no placement.
    assert [r["id"] for r in api_as(pw.hugo).get(url("placements")).json()["results"]] == [
        decided.pk
    ]
    assert api_as(pw.vera).get(url("placements")).json()["results"] == []
    # HVB staff of the placing unit (an odd membership) work no case there: as the page.
    odd = MembershipFactory(unit=pw.social, role=Membership.Role.HVB_STAFF).user
    assert api_as(odd).get(url("placements")).json()["results"] == []


def test_the_hvb_sees_the_youth_and_the_genomforandeplan_only(pw, api_as):
    placement = pw.decided_sol()
    pw.cost_allocation(placement)
    own = api_as(pw.sara).get(url("placement-detail", pk=placement.pk)).json()
    assert own["cost_allocation"]["approved"] is True and own["assessment"]
    assert own["legal_basis"] == LegalBasis.SOL
    hvb = api_as(pw.hugo).get(url("placement-detail", pk=placement.pk)).json()
    assert hvb["access"] == "hvb"
    assert (hvb["cost_allocation"], hvb["assessment"], hvb["history"]) == (None, [], [])
    assert "Bedömt." not in str(hvb)
    # The HVB's staff may not take the placing unit's steps: as an unknown placement.
    problem(api_as(pw.hugo).post(url("placement-school", pk=placement.pk), {}), 404, "not_found")


def test_a_placement_one_may_not_see_is_404_exactly_as_a_missing_one(pw, api_as, falun):
    placement = pw.open()
    client = api_as(falun["worker"])
    hidden = problem(client.get(url("placement-detail", pk=placement.pk)), 404, "not_found")
    missing = problem(client.get(url("placement-detail", pk=2**31 - 1)), 404, "not_found")
    assert {**hidden, "instance": ""} == {**missing, "instance": ""}
    problem(client.post(url("placement-propose", pk=placement.pk), {}), 404, "not_found")


# --- Steps and their refusals ---------------------------------------------------------------


def test_propose_without_consent_is_consent_missing_with_whose(pw, api_as):
    placement = pw.open()
    body = problem(
        api_as(pw.sara).post(
            url("placement-propose", pk=placement.pk),
            {
                "hvb_unit": pw.hvb.pk,
                "legal_basis": "sol",
                "acute": False,
                "categories": ["health", "social"],
            },
        ),
        403,
        "consent_missing",
    )
    assert {reason["person"] for reason in body["reasons"]} >= {pw.sip.mother.pk}
    assert Placement.objects.get(pk=placement.pk).phase == "investigating"


def test_propose_answers_with_the_placement_and_the_warnings(pw, api_as):
    pw.sol_consents()
    placement = pw.open()
    pw.profile.places = 0
    pw.profile.save()
    response = api_as(pw.sara).post(
        url("placement-propose", pk=placement.pk),
        {"hvb_unit": pw.hvb.pk, "legal_basis": "sol", "categories": ["health", "social"]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["placement"]["phase"] == "proposed"
    assert response.json()["warnings"]


def test_a_step_out_of_its_phase_and_a_service_refusal(pw, api_as):
    client = api_as(pw.sara)
    started = client.post(
        url("placements"),
        {"personal_identity_number": pw.youth.personal_identity_number, "unit": pw.social.pk},
    ).json()
    decide = {"level": "delegate", "decided_by": "Karin", "on": timezone.localdate().isoformat()}
    # The decision's task is not open before the proposal: a conflict with the process.
    body = problem(client.post(url("placement-decide", pk=started["id"]), decide), 409, "conflict")
    assert body["reason"] == "no_task"
    placement = pw.open()  # from code, without a process: the phase refuses
    body = problem(
        client.post(url("placement-decide", pk=placement.pk), decide), 409, "invalid_state"
    )
    assert body["reason"] == "phase"
    body = problem(
        client.post(
            url("placement-review", pk=placement.pk),
            {"held_on": "2026-01-01", "outcome": "continue"},
        ),
        409,
        "invalid_state",
    )
    body = problem(
        client.post(url("placement-alternatives", pk=placement.pk), {"kind": "x"}),
        400,
        "validation_error",
    )
    assert {"kind", "started_on", "outcome"} <= set(body["fields"])
    refused = client.post(
        url("placement-cancel", pk=placement.pk), {"reason": " "}, HTTP_IDEMPOTENCY_KEY="c"
    )
    assert "reason" in problem(refused, 400, "validation_error")["fields"]
    cancelled = client.post(
        url("placement-cancel", pk=placement.pk),
        {"reason": "Behövs inte"},
        HTTP_IDEMPOTENCY_KEY="c",
    )
    assert cancelled.json()["phase"] == "cancelled"


def test_not_party_for_the_region_on_the_placing_units_step(pw, api_as):
    placement = pw.decided_sol()
    pw.cost_allocation(placement, approve=False)
    # Vera (the region) reads the cost allocation and may approve it, but not for the kommun.
    body = problem(
        api_as(pw.vera).post(
            url("placement-cost-allocation-approve", pk=placement.pk), {"side": "municipality"}
        ),
        403,
        "not_party",
    )
    assert body["reason"] in ("not_approver", "not_party")


def test_the_cost_allocation_is_for_the_organisations_party_to_it(pw, api_as, falun):
    placement = pw.decided_sol()
    sara, vera = api_as(pw.sara), api_as(pw.vera)
    problem(sara.get(url("placement-cost-allocation", pk=placement.pk)), 404, "not_found")
    written = sara.post(url("placement-cost-allocation", pk=placement.pk), cost_rows(pw))
    assert written.status_code == 201, written.content
    assert [row["what"] for row in written.json()["rows"]] == ["housing", "health_care"]
    assert vera.get(url("placement-cost-allocation", pk=placement.pk)).json() == written.json()
    for outsider in (pw.hugo, falun["worker"]):
        problem(
            api_as(outsider).get(url("placement-cost-allocation", pk=placement.pk)),
            404,
            "not_found",
        )
    # Vera may not see the placement itself.
    problem(vera.get(url("placement-detail", pk=placement.pk)), 404, "not_found")
    kommun = sara.post(
        url("placement-cost-allocation-approve", pk=placement.pk), {"side": "municipality"}
    )
    assert kommun.json()["approved_by_kommun"] == pw.sara.username
    region = vera.post(
        url("placement-cost-allocation-approve", pk=placement.pk), {"side": "region"}
    )
    assert region.status_code == 200, region.content
    assert region.json()["approved"] is True
    again = vera.post(url("placement-cost-allocation-approve", pk=placement.pk), {"side": "region"})
    assert problem(again, 409, "invalid_state")["reason"] == "already_approved"
    assert CostAllocation.objects.get(placement=placement).approved


def test_health_request_school_dental_and_plans(pw, api_as):
    placement = pw.decided_sol()
    sara = api_as(pw.sara)
    requested = sara.post(
        url("placement-health-requests", pk=placement.pk),
        {"region_unit": pw.sip.bup.pk, "asked": "Erbjud en hälsoundersökning."},
    )
    assert requested.status_code == 201, requested.content
    request_id = requested.json()["id"]
    vera = api_as(pw.vera)
    assert vera.get(url("health-request-detail", pk=request_id)).json()["open"] is True
    answered = vera.post(
        url("health-request-outcome", pk=request_id),
        {"outcome": "done", "on": timezone.localdate().isoformat()},
    )
    assert (answered.status_code, answered.json()["outcome"]) == (200, "done")
    assert HealthExamRequest.objects.get(pk=request_id).done_on == timezone.localdate()
    # Done closes the request, and with it the unit's sight of it.
    problem(vera.get(url("health-request-detail", pk=request_id)), 404, "not_found")

    school = sara.post(
        url("placement-school", pk=placement.pk),
        {"school_name": "Exempelskolan", "from_date": timezone.localdate().isoformat()},
    )
    assert school.status_code == 201 and school.json()["schools"][0]["school_name"]
    dental = sara.post(
        url("placement-dental-home", pk=placement.pk), {"home_region": pw.sip.region.pk}
    )
    assert dental.json()["dental_home"]["home_region"] == pw.sip.region.pk
    plan = {
        "goals": "Gå i skolan",
        "insatser": [{"what": "Samtal", "who": "HVB", "when": "Varje vecka"}],
        "follow_up": "Vid uppföljningsbesöken",
        "follow_up_on": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
    }
    care = sara.post(url("placement-care-plan", pk=placement.pk), plan)
    assert (care.status_code, care.json()["kind"], care.json()["number"]) == (201, "care_plan", 1)
    # The HVB writes the genomförandeplan, never the vårdplan.
    hvb = api_as(pw.hugo)
    written = hvb.post(url("placement-implementation-plan", pk=placement.pk), plan)
    assert (written.status_code, written.json()["unit"]) == (201, pw.hvb.pk)
    problem(hvb.post(url("placement-care-plan", pk=placement.pk), plan), 404, "not_found")


def test_the_handover_between_regions(pw, api_as):
    placement = pw.decided_sol()
    gavleborg = OrganisationFactory(name="Region Gävleborg", kind=Organisation.Kind.REGION)
    sandviken = OrganisationFactory(
        name="Sandvikens kommun", kind=Organisation.Kind.MUNICIPALITY, region=gavleborg
    )
    new_region = MembershipFactory(
        unit=UnitFactory(organisation=gavleborg, name="BUP Gävle"),
        role=Membership.Role.HEALTH_STAFF,
    ).user
    moved = api_as(pw.sara).post(
        url("placement-registration-move", pk=placement.pk),
        {"municipality": sandviken.pk, "on": timezone.localdate().isoformat()},
    )
    assert moved.status_code == 200, moved.content
    handover = RegionHandover.objects.get(placement=placement)
    vera, gavle = api_as(pw.vera), api_as(new_region)
    early = gavle.post(url("placement-handover-confirm", pk=placement.pk), {})
    assert problem(early, 409, "invalid_state")["reason"] == "not_handed_over"
    problem(
        gavle.post(url("placement-handover-send", pk=placement.pk), {"note": "x"}), 403, "not_party"
    )
    sent = vera.post(url("placement-handover-send", pk=placement.pk), {"note": "BUP-kontakt"})
    assert sent.status_code == 200, sent.content
    confirmed = gavle.post(url("placement-handover-confirm", pk=placement.pk), {})
    assert confirmed.json()["open"] is False
    handover.refresh_from_db()
    assert handover.confirmed_by == new_region
    problem(api_as(pw.hugo).get(url("placement-handover", pk=placement.pk)), 404, "not_found")


def test_a_retried_placement_write_is_done_once(pw, api_as):
    placement = pw.open()
    client = api_as(pw.sara)
    body = {"kind": "family_treatment", "started_on": "2026-01-01", "outcome": "Räckte inte."}
    path = url("placement-alternatives", pk=placement.pk)
    first = client.post(path, body, HTTP_IDEMPOTENCY_KEY="alt")
    again = client.post(path, body, HTTP_IDEMPOTENCY_KEY="alt")
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (
        201,
        201,
        "true",
    )
    assert placement.alternatives.count() == 2  # the world's, and this one once


def test_lvu_steps_then_decisions_during_the_placement(pw, api_as):
    """LVU 2 §: the views recorded, an interim decision, the decision; during the placement
    a change of HVB and (for another, SoL placement) a change of basis to LVU."""
    for holder in (pw.youth, *pw.guardians):
        pw.view(holder)
    placement = pw.open()
    client, today = api_as(pw.sara), timezone.localdate().isoformat()
    proposed = client.post(
        url("placement-propose", pk=placement.pk),
        {"hvb_unit": pw.hvb.pk, "legal_basis": "lvu_2", "categories": ["health"]},
    )
    assert proposed.status_code == 200, proposed.content
    decide = {"level": "committee", "decided_by": "Socialnämnden", "on": today}
    early = problem(
        client.post(url("placement-decide", pk=placement.pk), decide), 422, "validation_error"
    )
    assert "LVU" in early["detail"]
    step = client.post(
        url("placement-legal-step", pk=placement.pk),
        {"kind": "interim", "on": today, "reference": "Dnr 2026/17"},
    )
    assert (step.status_code, step.json()["legal_steps"][0]["kind"]) == (201, "interim")
    assert (
        client.post(url("placement-decide", pk=placement.pk), decide).json()["phase"] == "decided"
    )
    other_hvb = build_other_hvb(pw)
    changed = client.post(
        url("placement-hvb-change", pk=placement.pk),
        {"to_hvb": other_hvb.pk, "on": today, "level": "delegate", "decided_by": "Karin"},
    )
    assert changed.status_code == 201, changed.content
    not_sol = client.post(
        url("placement-basis-change", pk=placement.pk),
        {
            "legal_basis": "lvu_3",
            "step_kind": "interim",
            "reference": "Dnr 1",
            "on": today,
            "level": "delegate",
            "decided_by": "Karin",
        },
    )
    assert problem(not_sol, 409, "invalid_state")["reason"] == "not_sol"
    sol = pw.decided_sol()
    based = client.post(
        url("placement-basis-change", pk=sol.pk),
        {
            "legal_basis": "lvu_2",
            "step_kind": "interim",
            "reference": "Dnr 2",
            "on": today,
            "level": "delegate",
            "decided_by": "Karin",
        },
    )
    assert (based.status_code, based.json()["legal_basis"]) == (200, "lvu_2")


def build_other_hvb(pw):
    from placement.models import HvbProfile

    unit = UnitFactory(organisation=pw.provider, name="Solbacken", kind="hvb")
    HvbProfile.objects.create(
        unit=unit, ivo_status=HvbProfile.IvoStatus.PERMIT, ivo_reference="IVO 1", places=4
    )
    return unit
