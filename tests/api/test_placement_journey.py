"""An integrator's journey: a placement of a 16-year-old through its phases through the API
alone, as /api/docs/ describes it. The kommun's journal system (Sara), the region's (Vera at
BUP) and the HVB's (Hugo) each call with their own token; only time passing (the tick firing
the placement's timers, the aftercare running out) happens outside the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from audit.models import AccessLogEntry
from placement.models import Placement
from tests.placement_world import build_placement_world

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"api:v1:{name}", kwargs=kwargs or None)


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def time_passes(placement_id: int) -> None:
    """The tick fires the placement's timers that are due (they are made due now)."""
    Task.objects.filter(process__placement__pk=placement_id, status="SCHEDULED").update(
        scheduled=timezone.now() - dt.timedelta(minutes=1)
    )
    fire_due_timers()


def test_a_placement_through_its_phases_through_the_api(world, api_as):
    pw = build_placement_world(world)
    kommun, region, hvb = api_as(pw.sara), api_as(pw.vera), api_as(pw.hugo)
    today = timezone.localdate()

    # Find the youth by personnummer; both guardians and the youth (16) consent to the
    # placement at the HVB, and the youth's view is recorded.
    youth = ok(
        kommun.post(
            url("persons-lookup"),
            {"personal_identity_number": pw.youth.identity_number_display},
            format="json",
        )
    )
    for giver in [youth, *youth["guardians"]]:
        ok(
            kommun.post(
                url("person-consents", pk=youth["id"]),
                {
                    "given_by": giver["id"],
                    "purpose": "placement",
                    "form": "written",
                    "categories": ["health", "social"],
                    "units": [pw.social.pk, pw.hvb.pk],
                },
                format="json",
            ),
            201,
        )
    ok(
        kommun.post(
            url("person-views", pk=youth["id"]),
            {"holder": youth["id"], "purpose": "placement", "view": "Jag vill bo där."},
            format="json",
        ),
        201,
    )

    # Före: the utredning, the alternatives tried, the proposal and the decision.
    placement = ok(
        kommun.post(
            url("placements"),
            {"personal_identity_number": pw.youth.personal_identity_number, "unit": pw.social.pk},
            format="json",
            HTTP_IDEMPOTENCY_KEY="placement-start",
        ),
        201,
    )
    pk = placement["id"]
    assert placement["phase"] == "investigating"
    entries = {area["code"]: "Bedömt." for area in placement["assessment"]}
    ok(kommun.post(url("placement-assessment", pk=pk), {"entries": entries}, format="json"))
    ok(
        kommun.post(
            url("placement-alternatives", pk=pk),
            {
                "kind": "family_treatment",
                "started_on": (today - dt.timedelta(days=200)).isoformat(),
                "ended_on": (today - dt.timedelta(days=30)).isoformat(),
                "outcome": "Räckte inte.",
            },
            format="json",
        ),
        201,
    )
    proposed = ok(
        kommun.post(
            url("placement-propose", pk=pk),
            {
                "hvb_unit": pw.hvb.pk,
                "legal_basis": "sol",
                "acute": False,
                "categories": ["health", "social"],
            },
            format="json",
        )
    )
    assert proposed["placement"]["next_steps"] == ["decide", "cancel"]
    decided = ok(
        kommun.post(
            url("placement-decide", pk=pk),
            {"level": "delegate", "decided_by": "Karin Delegat", "on": today.isoformat()},
            format="json",
        )
    )
    assert (decided["phase"], decided["next_steps"]) == ("decided", ["cost-allocation"])

    # The written cost allocation, approved by a named person in the kommun and the region.
    ok(
        kommun.post(
            url("placement-cost-allocation", pk=pk),
            {
                "rows": [
                    {
                        "what": "housing",
                        "paying_organisation": world.ludvika.pk,
                        "valid_from": today.isoformat(),
                        "amount_per_day": "2800",
                    },
                    {
                        "what": "health_care",
                        "paying_organisation": world.region.pk,
                        "valid_from": today.isoformat(),
                        "share_percent": "100",
                    },
                ]
            },
            format="json",
        ),
        201,
    )
    ok(kommun.post(url("placement-cost-allocation-approve", pk=pk), {"side": "municipality"}))
    approved = ok(region.post(url("placement-cost-allocation-approve", pk=pk), {"side": "region"}))
    assert approved["approved"] is True

    # Inflyttning; the child's health, school and dental care; the plans.
    placed = ok(
        kommun.post(
            url("placement-move-in", pk=pk), {"start_date": today.isoformat()}, format="json"
        )
    )
    assert placed["phase"] == "placed" and placed["clocks"]["next_review"]
    asked = ok(
        kommun.post(
            url("placement-health-requests", pk=pk),
            {"region_unit": world.bup.pk, "asked": "Erbjud en hälsoundersökning."},
            format="json",
        ),
        201,
    )
    ok(
        region.post(
            url("health-request-outcome", pk=asked["id"]),
            {"outcome": "offered", "on": today.isoformat()},
            format="json",
        )
    )
    ok(
        kommun.post(
            url("placement-school", pk=pk),
            {"school_name": "Exempelskolan", "from_date": today.isoformat()},
            format="json",
        ),
        201,
    )
    ok(kommun.post(url("placement-dental-home", pk=pk), {"home_region": world.region.pk}))
    plan = {
        "goals": "Gå i skolan och må bättre",
        "insatser": [{"what": "Samtalsstöd", "who": "BUP", "when": "Varannan vecka"}],
        "follow_up": "Vid uppföljningsbesöken",
        "follow_up_on": (today + dt.timedelta(days=90)).isoformat(),
    }
    ok(kommun.post(url("placement-care-plan", pk=pk), plan, format="json"), 201)
    ok(hvb.post(url("placement-implementation-plan", pk=pk), plan, format="json"), 201)
    as_hvb = ok(hvb.get(url("placement-detail", pk=pk)))
    assert (as_hvb["access"], len(as_hvb["implementation_plans"])) == ("hvb", 1)
    assert as_hvb["cost_allocation"] is None

    # Under: a follow-up visit and the review.
    ok(
        kommun.post(
            url("placement-visits", pk=pk),
            {
                "visited_on": today.isoformat(),
                "with_person": True,
                "with_hvb_staff": True,
                "note": "Trivs.",
            },
            format="json",
        ),
        201,
    )
    reviewed = ok(
        kommun.post(
            url("placement-review", pk=pk),
            {"held_on": today.isoformat(), "outcome": "end", "note": "Hem till sommaren."},
            format="json",
        )
    )
    assert reviewed["reviews"][0]["outcome"] == "end"

    # Avslut: ending planning, the end with the insatser that go on, the aftercare.
    assert ok(kommun.post(url("placement-ending-plan", pk=pk), {}, format="json"))["phase"] == (
        "ending"
    )
    ended = ok(
        kommun.post(
            url("placement-end", pk=pk),
            {
                "ended_on": today.isoformat(),
                "reason": "Målen är nådda.",
                "destination": "home",
                "continuing": [{"what": "Samtalsstöd", "who": "BUP", "when": "Varje månad"}],
            },
            format="json",
        )
    )
    assert ended["phase"] == "aftercare" and ended["aftercare_until"]
    early = kommun.post(url("placement-close", pk=pk), {"note": "Bra."}, format="json")
    assert (early.status_code, early.json()["code"]) == (422, "validation_error")
    assert ok(kommun.get(url("placement-detail", pk=pk)))["phase"] == "aftercare"

    # The aftercare runs out: the tick fires the timers, the close is the last step.
    time_passes(pk)
    Placement.objects.filter(pk=pk).update(aftercare_until=today)
    time_passes(pk)
    assert "close" in ok(kommun.get(url("placement-detail", pk=pk)))["next_steps"]
    closing = {"note": "Uppföljningen visade att det går bra hemma."}
    closed = ok(
        kommun.post(url("placement-close", pk=pk), closing, format="json", HTTP_IDEMPOTENCY_KEY="x")
    )
    again = kommun.post(
        url("placement-close", pk=pk), closing, format="json", HTTP_IDEMPOTENCY_KEY="x"
    )
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (200, closed, "true")
    assert closed["phase"] == "closed" and closed["next_steps"] == []
    assert Placement.objects.get(pk=pk).process.status == "DONE"
    listed = ok(kommun.get(url("placements"), {"open": "false"}))["results"]
    assert [row["id"] for row in listed] == [pk]

    # Every call named the youth in the access log, with the token it was made with.
    entries = AccessLogEntry.objects.filter(person=pw.youth, path__startswith="/api/")
    for client, user in ((kommun, pw.sara), (region, pw.vera), (hvb, pw.hugo)):
        assert entries.filter(user=user, credential=client.token.label).exists()
    assert not entries.filter(credential="").exists()
