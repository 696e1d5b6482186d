"""Steps of a SIP through the API, for the contract tests."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.sipflow_world import action_rows


def url(name, **kwargs):
    return reverse(f"api:v1:{name}", kwargs=kwargs or None)


def problem(response, status: int, code: str) -> dict:
    """The problem details of a refusal, checked for its status, code and media type."""
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["code"], body["type"]) == (
        status,
        code,
        f"urn:sipflow:problem:{code}",
    )
    assert body["detail"] and body["title"]
    return body


def meeting_body(world) -> dict:
    today = timezone.localdate()
    return {
        "attendance": "Alva, Anna, Johan, Vera, Sara",
        "persons_goals": "Kunna sova",
        "actions": [
            {
                "need": row.need,
                "action": row.action,
                "responsible_organisation": row.responsible_organisation.pk,
                "responsible_unit": row.responsible_unit.pk if row.responsible_unit else None,
                "persons_part": row.persons_part,
                "starts_on": row.starts_on.isoformat(),
            }
            for row in action_rows(world)
        ],
        "lead_unit": world.social.pk,
        "next_follow_up": (today + dt.timedelta(days=60)).isoformat(),
    }


def summoned(world):
    """A SIP with both guardians' consent, prepared and summoned (through the services)."""
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    return plan, meeting


def invite_body(days: int = 14) -> dict:
    return {
        "starts_at": (timezone.now() + dt.timedelta(days=days)).isoformat(),
        "place": "Familjecentralen",
    }


__all__ = ["invite_body", "meeting_body", "problem", "reverse", "summoned", "url"]
