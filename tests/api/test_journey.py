"""An integrator's journey: a SIP from start to close through the API alone, as
/api/docs/ describes it. The journal systems of the kommun (Sara) and the region (Vera at
BUP, Petra at the vårdcentral) each call with their own token; only time passing (the
tick firing the follow-up's timer) happens outside the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from audit.models import AccessLogEntry
from sipflow.models import SipPlan

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"api:v1:{name}", kwargs=kwargs or None)


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def test_a_sip_from_start_to_close_through_the_api(world, api_as):
    kommun, bup, primary = api_as(world.sara), api_as(world.vera), api_as(world.petra)
    today = timezone.localdate()

    # Find the child by personnummer, sent in the body; register both guardians' consents
    # and the child's own view.
    child = ok(
        kommun.post(
            url("persons-lookup"),
            {"personal_identity_number": world.child.identity_number_display},
            format="json",
        )
    )
    assert [g["first_name"] for g in child["guardians"]] == ["Anna", "Johan"]
    for guardian in child["guardians"]:
        ok(
            kommun.post(
                url("person-consents", pk=child["id"]),
                {
                    "given_by": guardian["id"],
                    "purpose": "sip",
                    "form": "written",
                    "categories": ["health", "social"],
                    "units": [world.social.pk, world.bup.pk, world.primary.pk],
                },
                format="json",
            ),
            201,
        )
    ok(
        kommun.post(
            url("person-views", pk=child["id"]),
            {"holder": child["id"], "purpose": "sip", "view": "Jag vill kunna sova."},
            format="json",
        ),
        201,
    )
    consents = ok(kommun.get(url("person-consents", pk=child["id"])))
    assert [c["in_force"] for c in consents] == [True, True]

    # Upptäck behov, förbered, kalla.
    sip = ok(
        kommun.post(
            url("sips"),
            {
                "personal_identity_number": world.child.personal_identity_number,
                "unit": world.social.pk,
                "origin": "professional",
                "social_needs": "Stöd i familjen",
                "health_needs": "Utredning av sömnproblem",
                "coordination_reason": "Insatserna måste hänga ihop",
                "informed_about_sip": True,
            },
            format="json",
            HTTP_IDEMPOTENCY_KEY="start-1",
        ),
        201,
    )
    assert sip["phase"] == "need_identified"
    sip_id = sip["id"]
    prepared = ok(
        kommun.post(
            url("sip-prepare", pk=sip_id),
            {
                "units": [world.bup.pk, world.primary.pk],
                "categories": ["health", "social"],
                "lead_unit": world.social.pk,
                "coordinator": world.sara.pk,
            },
            format="json",
        )
    )
    assert prepared["phase"] == "preparing"
    starts_at = timezone.now() + dt.timedelta(days=14)
    meeting = ok(
        kommun.post(
            url("sip-invite", pk=sip_id),
            {"starts_at": starts_at.isoformat(), "place": "Familjecentralen"},
            format="json",
        ),
        201,
    )
    invitations = {i["unit"]: i["id"] for i in meeting["invitations"]}
    assert set(invitations) == {world.bup.pk, world.primary.pk}

    # The region's systems answer their own kallelser; the meeting moves and they answer
    # again.
    ok(bup.post(url("kallelse-accept", pk=invitations[world.bup.pk]), {"attendees": "Vera"}))
    moved = ok(
        kommun.post(
            url("sip-reschedule", pk=sip_id),
            {
                "starts_at": (starts_at + dt.timedelta(days=1)).isoformat(),
                "place": "Familjecentralen",
            },
            format="json",
        )
    )
    assert {i["status"] for i in moved["invitations"]} == {"pending"}
    for client, unit, who in ((bup, world.bup, "Vera"), (primary, world.primary, "Petra")):
        answered = ok(
            client.post(
                url("kallelse-accept", pk=invitations[unit.pk]),
                {"attendees": who},
                format="json",
            )
        )
        assert answered["status"] == "accepted"

    # Möte: the plan.
    follow_up_on = today + dt.timedelta(days=60)
    version = ok(
        kommun.post(
            url("sip-meeting", pk=sip_id),
            {
                "attendance": "Alva, Anna, Johan, Vera, Petra, Sara",
                "persons_goals": "Kunna sova och orka gå till skolan",
                "actions": [
                    {
                        "need": "Sömnen",
                        "action": "Utredning på BUP",
                        "responsible_organisation": world.region.pk,
                        "responsible_unit": world.bup.pk,
                        "persons_part": "Föra sömndagbok",
                        "starts_on": today.isoformat(),
                    },
                    {
                        "need": "Familjen",
                        "action": "Familjebehandling",
                        "responsible_organisation": world.ludvika.pk,
                        "starts_on": today.isoformat(),
                    },
                ],
                "lead_unit": world.social.pk,
                "next_follow_up": follow_up_on.isoformat(),
            },
            format="json",
        ),
        201,
    )
    assert (version["number"], version["current"]) == (1, True)

    detail = ok(bup.get(url("sip-detail", pk=sip_id)))
    assert (detail["phase"], detail["current_version"], detail["access"]) == (
        "meeting_held",
        1,
        "invited",
    )
    care_plan = ok(bup.get(url("sip-fhir", pk=sip_id)))
    assert care_plan["resourceType"] == "CarePlan"
    assert care_plan["author"]["display"] == world.social.name

    # A follow-up is not due before its date: the step is not open (409).
    actions = [a["id"] for a in detail["versions"][0]["actions"]]
    reviews = [{"action": a, "done_as_planned": "yes", "goal_met": "partly"} for a in actions]
    early = kommun.post(
        url("sip-follow-up", pk=sip_id),
        {
            "reviews": reviews,
            "outcome": "next",
            "next_follow_up": (today + dt.timedelta(days=90)).isoformat(),
        },
        format="json",
    )
    assert (early.status_code, early.json()["code"]) == (409, "conflict")

    # The date comes (the tick fires the timer), the follow-up goes on, then the SIP closes.
    Task.objects.filter(process__sip_plan__pk=sip_id, status="SCHEDULED").update(
        scheduled=timezone.now() - dt.timedelta(minutes=1)
    )
    fire_due_timers()
    followed = ok(
        kommun.post(
            url("sip-follow-up", pk=sip_id),
            {
                "reviews": reviews,
                "outcome": "next",
                "next_follow_up": (today + dt.timedelta(days=90)).isoformat(),
            },
            format="json",
        ),
        201,
    )
    assert followed["outcome"] == "next"
    Task.objects.filter(process__sip_plan__pk=sip_id, status="SCHEDULED").update(
        scheduled=timezone.now() - dt.timedelta(minutes=1)
    )
    fire_due_timers()
    closing = {"reviews": reviews, "close_reason": "goals_met", "note": "Sover bättre."}
    closed = ok(
        kommun.post(url("sip-close", pk=sip_id), closing, format="json", HTTP_IDEMPOTENCY_KEY="c"),
        201,
    )
    # The journal system retries the close: the first answer again, nothing recorded twice.
    again = kommun.post(
        url("sip-close", pk=sip_id), closing, format="json", HTTP_IDEMPOTENCY_KEY="c"
    )
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (201, closed, "true")

    final = ok(kommun.get(url("sip-detail", pk=sip_id)))
    assert (final["phase"], final["close_reason"]) == ("closed", "goals_met")
    assert ok(kommun.get(url("sip-fhir", pk=sip_id)))["status"] == "completed"
    plan = SipPlan.objects.get(pk=sip_id)
    assert plan.follow_ups.count() == 2
    assert plan.process.status == "DONE"

    # Every read and write named the child in the access log, with the token used.
    entries = AccessLogEntry.objects.filter(person=world.child, path__startswith="/api/")
    assert entries.filter(user=world.vera, credential=bup.token.label).exists()
    assert not entries.filter(credential="").exists()
