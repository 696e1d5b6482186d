"""Typed refusals (cases.errors): the page, the admin and an API render the same refusal,
with a stable code and the consent policy's structured reasons."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.errors import Conflict, ErrorCode, InvalidState, NotParty, error_payload
from sipflow import services

pytestmark = pytest.mark.django_db


def test_a_consent_refusal_carries_whose_consent_which_party_and_what(world):
    """The guardians consent to BUP only; förbered with the vårdcentral is refused, and the
    payload names each guardian's missing consent for the vårdcentral."""
    world.consent_all(units=[world.social, world.bup])
    plan = world.start()
    with pytest.raises(services.ConsentMissing) as refused:
        world.prepare(plan, units=[world.bup, world.primary])
    payload = error_payload(refused.value)
    assert payload["code"] == ErrorCode.CONSENT_MISSING == "consent_missing"
    reasons = payload["reasons"]
    assert reasons, payload
    assert {(reason["code"], reason["unit"]) for reason in reasons} == {
        ("party_not_covered", world.primary.pk)
    }
    assert {reason["person"] for reason in reasons} == {world.mother.pk, world.father.pk}
    assert all(reason["party"] == "Vårdcentral Ludvika" for reason in reasons)
    assert all(reason["message"] in payload["message"] for reason in reasons)


def test_a_field_error_keeps_its_field(world):
    world.consent_all()
    plan = world.start()
    with pytest.raises(ValidationError) as refused:
        world.prepare(plan, units=[], organisations=[])
    payload = error_payload(refused.value)
    assert payload["code"] == "validation_error"
    assert list(payload["fields"]) == ["units"]
    assert payload["reasons"] == []


def test_someone_outside_the_sip_is_no_party(world):
    world.consent_all()
    plan = world.start()
    with pytest.raises(NotParty) as refused:
        services.sip_prepare(
            plan=plan,
            by=world.petra,
            units=[world.bup],
            categories=plan.categories.none(),
            lead_unit=world.social,
            coordinator=world.sara,
        )
    assert isinstance(refused.value, PermissionDenied)  # pages answer as before
    payload = error_payload(refused.value)
    assert payload["code"] == "not_party"
    assert payload["message"] == "Du arbetar inte med den här SIP:en."


def test_a_step_already_taken_is_a_conflict(world):
    world.consent_all()
    plan = world.start()
    meeting = (world.prepare(plan), world.summon(plan))[1]
    invitation = meeting.invitations.get(unit=world.bup)
    services.invitation_accept(invitation=invitation, by=world.vera, attendees="Vera")
    with pytest.raises(Conflict) as refused:
        services.invitation_accept(invitation=invitation, by=world.vilma, attendees="Vilma")
    payload = error_payload(refused.value)
    assert (payload["code"], payload["reason"]) == ("conflict", "already_answered")


def test_a_closed_case_is_in_an_invalid_state():
    payload = error_payload(InvalidState("SIP:en är avslutad.", reason="not_open"))
    assert (payload["code"], payload["reason"], payload["message"]) == (
        "invalid_state",
        "not_open",
        "SIP:en är avslutad.",
    )


def test_only_refusals_have_a_payload():
    with pytest.raises(TypeError):
        error_payload(RuntimeError("boom"))
