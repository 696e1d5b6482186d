"""Every error code as RFC 9457 problem details: the case layer's typed errors with their
Swedish sentence and structured reasons, the API's own codes, and the Idempotency-Key's
refusals. Never a 500."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from api.models import IdempotentRequest
from consent.models import Consent
from consent.services import consent_withdraw
from sipflow.models import SipPlan
from tests.api.helpers import invite_body, meeting_body, problem, summoned, url

pytestmark = pytest.mark.django_db


def test_validation_error_of_the_body_is_400_with_the_fields(world, api_as):
    plan, _meeting = summoned(world)
    body = problem(
        api_as(world.sara).post(url("sip-meeting", pk=plan.pk), {"actions": [{}]}),
        400,
        "validation_error",
    )
    assert {"attendance", "persons_goals", "lead_unit", "actions.0.need"} <= set(body["fields"])
    assert body["reason"] == "malformed"


@pytest.mark.parametrize("code", ["he\x00alth", "health\ud800"])
def test_a_category_code_the_database_cannot_take_is_400_on_its_field(world, api_as, code):
    """A NUL or a lone surrogate in a code looked up by it (schemathesis found the NUL a 500:
    PostgreSQL refuses it in a query's text)."""
    world.consent_all()
    plan = world.start()
    sent = {
        "units": [world.bup.pk],
        "categories": ["social", code],
        "lead_unit": world.social.pk,
        "coordinator": world.sara.pk,
    }
    body = problem(
        api_as(world.sara).generic(
            "POST",
            url("sip-prepare", pk=plan.pk),
            json.dumps(sent),  # ASCII: the surrogate as its escape, as a client sends it
            content_type="application/json",
        ),
        400,
        "validation_error",
    )
    assert "categories.1" in body["fields"], body["fields"]
    assert "ogiltiga tecken" in str(body["fields"]["categories.1"])
    assert SipPlan.objects.get(pk=plan.pk).phase == SipPlan.Phase.NEED_IDENTIFIED


def test_malformed_json_is_400(world, api_as):
    response = api_as(world.sara).generic(
        "POST", url("sips"), "{not json", content_type="application/json"
    )
    problem(response, 400, "validation_error")


def test_a_services_validation_error_is_422_on_its_field(world, api_as):
    world.consent_all()
    plan = world.start()
    body = problem(
        api_as(world.sara).post(
            url("sip-prepare", pk=plan.pk),
            {
                "units": [world.bup.pk],
                "categories": ["health"],
                "lead_unit": world.primary.pk,  # neither starting nor called
                "coordinator": world.sara.pk,
            },
        ),
        422,
        "validation_error",
    )
    assert "lead_unit" in body["fields"]
    assert "Huvudansvarig enhet" in body["detail"]


def test_consent_missing_names_whose_consent_and_what(world, api_as):
    world.guardians_consent(units=[world.social])  # BUP is not named
    plan = world.start()
    body = problem(
        api_as(world.sara).post(
            url("sip-prepare", pk=plan.pk),
            {
                "units": [world.bup.pk],
                "categories": ["health"],
                "lead_unit": world.social.pk,
                "coordinator": world.sara.pk,
            },
        ),
        403,
        "consent_missing",
    )
    assert body["detail"].startswith("Samtycket räcker inte")
    assert body["reasons"], body
    reason = body["reasons"][0]
    assert set(reason) == {
        "code",
        "person",
        "whose",
        "unit",
        "organisation",
        "party",
        "categories",
        "message",
    }
    assert any(r["unit"] == world.bup.pk for r in body["reasons"])
    assert SipPlan.objects.get(pk=plan.pk).phase == SipPlan.Phase.NEED_IDENTIFIED


def test_not_party_for_a_step_that_is_not_the_callers(world, api_as):
    plan, _meeting = summoned(world)
    # Vera sees the SIP (her unit is called) but does not lead it.
    body = problem(
        api_as(world.vera).post(url("sip-reschedule", pk=plan.pk), invite_body(20)),
        403,
        "not_party",
    )
    assert body["reason"] == "not_party"


def test_conflict_when_the_kallelse_is_answered_already(world, api_as):
    _plan, meeting = summoned(world)
    invitation = meeting.invitations.get(unit=world.bup)
    vera = api_as(world.vera)
    assert (
        vera.post(url("kallelse-accept", pk=invitation.pk), {"attendees": "Vera"}).status_code
        == 200
    )
    body = problem(
        api_as(world.vilma).post(
            url("kallelse-decline", pk=invitation.pk), {"reason": "other", "note": "Nej"}
        ),
        409,
        "conflict",
    )
    assert body["reason"] == "already_answered"


def test_invalid_state_for_a_closed_sip_and_a_plan_not_yet_written(world, api_as):
    plan, _meeting = summoned(world)
    sara = api_as(world.sara)
    body = problem(sara.get(url("sip-fhir", pk=plan.pk)), 409, "invalid_state")
    assert body["reason"] == "no_plan"
    meeting = meeting_body(world)
    meeting["close_reason"] = "goals_met"
    assert sara.post(url("sip-meeting", pk=plan.pk), meeting).status_code == 201
    body = problem(
        sara.post(url("sip-reschedule", pk=plan.pk), invite_body(20)), 409, "invalid_state"
    )
    assert body["reason"] == "not_open"


def test_permission_denied_for_a_role_that_cannot_start(world, api_as):
    from directory.models import Membership
    from tests.factories import MembershipFactory

    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    problem(api_as(chef).post(url("sips"), {}), 403, "permission_denied")


def test_a_sip_one_may_not_see_is_404_exactly_as_a_missing_one(world, api_as):
    plan, _meeting = summoned(world)
    consent_withdraw(
        consent=Consent.objects.filter(subject=world.child).first(),
        withdrawn_by=Consent.objects.filter(subject=world.child).first().given_by,
        form=Consent.Form.ORAL,
        documented_by=world.sara,
    )
    vera = api_as(world.vera)
    hidden = problem(vera.get(url("sip-detail", pk=plan.pk)), 404, "not_found")
    missing = problem(vera.get(url("sip-detail", pk=2**31 - 1)), 404, "not_found")
    assert {**hidden, "instance": ""} == {**missing, "instance": ""}


def test_an_address_no_view_answers_is_problem_details(world, api_as):
    client = api_as(world.sara)
    problem(client.get("/api/v1/sips/-1/"), 404, "not_found")
    problem(client.get("/api/v1/nothing/"), 404, "not_found")


def test_method_and_media_type(world, api_as):
    client = api_as(world.sara)
    problem(client.delete(url("sips")), 405, "method_not_allowed")
    problem(
        client.post(url("sips"), "a=b", content_type="application/x-www-form-urlencoded"),
        415,
        "unsupported_media_type",
    )
    problem(client.get(url("sips"), HTTP_ACCEPT="text/csv"), 406, "not_acceptable")


# --- Idempotency-Key ------------------------------------------------------------------------


def test_a_retried_write_gets_the_first_answer_and_records_nothing_twice(world, api_as):
    plan, meeting = summoned(world)
    invitation = meeting.invitations.get(unit=world.bup)
    vera = api_as(world.vera)
    path = url("kallelse-accept", pk=invitation.pk)
    first = vera.post(path, {"attendees": "Vera"}, HTTP_IDEMPOTENCY_KEY="svar-1")
    history = plan.history.count()
    again = vera.post(path, {"attendees": "Vera"}, HTTP_IDEMPOTENCY_KEY="svar-1")
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert plan.history.count() == history
    # Without the key, the retry is refused as the second answer it would be.
    problem(vera.post(path, {"attendees": "Vera"}), 409, "conflict")


def test_the_same_key_with_another_body_is_refused(world, api_as):
    _plan, meeting = summoned(world)
    path = url("kallelse-accept", pk=meeting.invitations.get(unit=world.bup).pk)
    vera = api_as(world.vera)
    vera.post(path, {"attendees": "Vera"}, HTTP_IDEMPOTENCY_KEY="k")
    body = problem(
        vera.post(path, {"attendees": "Vilma"}, HTTP_IDEMPOTENCY_KEY="k"), 422, "validation_error"
    )
    assert body["reason"] == "idempotency_key_reused"


def test_a_refused_write_keeps_nothing_and_the_key_can_be_used_again(world, api_as):
    _plan, meeting = summoned(world)
    path = url("kallelse-accept", pk=meeting.invitations.get(unit=world.bup).pk)
    vera = api_as(world.vera)
    problem(vera.post(path, {"attendees": ""}, HTTP_IDEMPOTENCY_KEY="k"), 400, "validation_error")
    assert not IdempotentRequest.objects.filter(key="k").exists()
    assert vera.post(path, {"attendees": "Vera"}, HTTP_IDEMPOTENCY_KEY="k").status_code == 200


def test_keys_are_per_user_and_a_running_one_is_a_conflict(world, api_as):
    _plan, meeting = summoned(world)
    vera, petra = api_as(world.vera), api_as(world.petra)
    IdempotentRequest.objects.create(
        user=world.vera,
        key="k",
        method="POST",
        path=url("kallelse-accept", pk=meeting.invitations.get(unit=world.bup).pk),
        fingerprint="0" * 64,
        created_at=timezone.now(),
    )
    path = url("kallelse-accept", pk=meeting.invitations.get(unit=world.bup).pk)
    body = vera.post(path, {"attendees": "Vera"}, HTTP_IDEMPOTENCY_KEY="k")
    problem(body, 422, "validation_error")  # another body than the one running
    IdempotentRequest.objects.filter(key="k").update(
        fingerprint=__import__("hashlib").sha256(body.wsgi_request.body).hexdigest()
    )
    running = problem(
        vera.post(path, {"attendees": "Vera"}, HTTP_IDEMPOTENCY_KEY="k"), 409, "conflict"
    )
    assert running["reason"] == "idempotency_in_progress"
    # Petra's own key "k" is hers alone.
    petra_path = url("kallelse-accept", pk=meeting.invitations.get(unit=world.primary).pk)
    assert (
        petra.post(petra_path, {"attendees": "Petra"}, HTTP_IDEMPOTENCY_KEY="k").status_code == 200
    )


def test_a_key_that_is_no_header_value_is_400(world, api_as):
    _plan, meeting = summoned(world)
    path = url("kallelse-accept", pk=meeting.invitations.get(unit=world.bup).pk)
    body = problem(
        api_as(world.vera).post(path, {"attendees": "V"}, HTTP_IDEMPOTENCY_KEY="x" * 300),
        400,
        "validation_error",
    )
    assert body["reason"] == "idempotency_key"


def test_the_tick_forgets_keys_after_a_day(world):
    from datetime import timedelta

    from api.services import idempotency_expire
    from cases.registry import periodic_jobs

    for key, age in (("old", timedelta(hours=25)), ("new", timedelta(hours=1))):
        IdempotentRequest.objects.create(
            user=world.vera,
            key=key,
            method="POST",
            path="/api/v1/sips/",
            fingerprint="0" * 64,
            created_at=timezone.now() - age,
        )
    assert "api_idempotency" in {job.name for job in periodic_jobs()}
    assert idempotency_expire() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]
