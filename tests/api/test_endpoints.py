"""Contract tests per endpoint: what each answers, in the shape the schema says, through
the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from fhir.resources.R4B.careplan import CarePlan

from consent.models import Consent
from directory.identity_numbers import luhn_check_digit
from directory.models import Membership, Person
from sipflow.models import Invitation, SipPlan
from tests.api.helpers import meeting_body, problem, summoned, url
from tests.factories import MembershipFactory, OrganisationFactory, person_born

pytestmark = pytest.mark.django_db


# --- Persons --------------------------------------------------------------------------------


def test_lookup_by_personnummer_in_the_body(world, api_as):
    client = api_as(world.sara)
    found = client.post(
        url("persons-lookup"), {"personal_identity_number": world.child.identity_number_display}
    )
    assert found.status_code == 200
    body = found.json()
    assert (body["id"], body["personal_identity_number"]) == (
        world.child.pk,
        world.child.identity_number_display,
    )
    assert world.child.personal_identity_number not in found.wsgi_request.get_full_path()


def test_lookup_of_someone_not_visible_is_404_and_junk_is_422(world, api_as):
    falun = OrganisationFactory(name="Falu kommun")
    stranger = person_born(dt.date(1980, 5, 5), registered_municipality=falun)
    client = api_as(world.sara)
    problem(
        client.post(
            url("persons-lookup"), {"personal_identity_number": stranger.personal_identity_number}
        ),
        404,
        "not_found",
    )
    problem(
        client.post(url("persons-lookup"), {"personal_identity_number": "Alva"}),
        422,
        "validation_error",
    )
    problem(
        client.post(url("persons-lookup"), {"personal_identity_number": "19800505-0000"}),
        422,
        "validation_error",
    )


def test_register_a_person_and_protected_identity_hides_the_address(world, api_as):
    number = f"20100101-981{luhn_check_digit('100101981')}"
    client = api_as(world.sara)
    created = client.post(
        url("persons-create"),
        {
            "personal_identity_number": number,
            "first_name": "Siv",
            "last_name": "Skydd",
            "legal_sex": "female",
            "registered_municipality": world.ludvika.pk,
            "street_address": "Hemlig väg 1",
            "city": "Ludvika",
            "protected_identity": True,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["address"] is None and body["protected_identity"] is True
    assert "Hemlig" not in created.content.decode()
    person = Person.objects.get(pk=body["id"])
    assert person.personal_identity_number == number.replace("-", "")
    shown = client.get(url("person-detail", pk=person.pk))
    assert shown.json()["address"] is None
    again = client.post(
        url("persons-create"),
        {
            "personal_identity_number": number.replace("-", ""),
            "first_name": "Siv",
            "last_name": "Skydd",
            "legal_sex": "female",
        },
    )
    assert "personal_identity_number" in problem(again, 422, "validation_error")["fields"]


def test_an_open_address_is_shown_and_only_starters_register(world, api_as):
    world.child.street_address, world.child.city = "Storgatan 1", "Ludvika"
    world.child.save()
    body = api_as(world.sara).get(url("person-detail", pk=world.child.pk)).json()
    assert body["address"]["street_address"] == "Storgatan 1"
    assert [g["id"] for g in body["guardians"]] == [world.mother.pk, world.father.pk]
    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    problem(api_as(chef).post(url("persons-create"), {}), 403, "permission_denied")


# --- Consents -------------------------------------------------------------------------------


def test_consents_register_list_read_and_withdraw(world, api_as):
    client = api_as(world.sara)
    registered = client.post(
        url("person-consents", pk=world.child.pk),
        {
            "given_by": world.mother.pk,
            "purpose": "sip",
            "form": "oral",
            "categories": ["health"],
            "units": [world.bup.pk],
            "excluded_units": [world.adult_psych.pk],
        },
    )
    assert registered.status_code == 201, registered.content
    consent = registered.json()
    assert (consent["status"], consent["in_force"], consent["units"]) == (
        "active",
        True,
        [world.bup.pk],
    )
    assert consent["excluded_units"] == [world.adult_psych.pk]
    listed = client.get(url("person-consents", pk=world.child.pk)).json()
    assert [c["id"] for c in listed] == [consent["id"]]
    assert client.get(url("consent-detail", pk=consent["id"])).json() == consent

    not_giver = client.post(
        url("consent-withdraw", pk=consent["id"]), {"withdrawn_by": world.father.pk, "form": "oral"}
    )
    assert problem(not_giver, 422, "validation_error")["reason"] == "not_giver"
    withdrawn = client.post(
        url("consent-withdraw", pk=consent["id"]), {"withdrawn_by": world.mother.pk, "form": "oral"}
    )
    assert withdrawn.status_code == 200
    assert (withdrawn.json()["status"], withdrawn.json()["in_force"]) == ("withdrawn", False)
    again = client.post(
        url("consent-withdraw", pk=consent["id"]), {"withdrawn_by": world.mother.pk, "form": "oral"}
    )
    assert problem(again, 422, "validation_error")["reason"] == "not_active"


def test_a_giver_outside_the_family_names_nobody(world, api_as):
    body = problem(
        api_as(world.sara).post(
            url("person-consents", pk=world.child.pk),
            {
                "given_by": world.sara.pk + 10_000,
                "purpose": "sip",
                "form": "oral",
                "categories": ["health"],
                "units": [world.bup.pk],
            },
        ),
        422,
        "validation_error",
    )
    assert list(body["fields"]) == ["given_by"]


def test_an_invited_unit_sees_only_the_sip_consents(world, api_as):
    summoned(world)
    from consent.models import InformationCategory, Purpose
    from consent.services import consent_register

    consent_register(
        subject=world.child,
        given_by=world.mother,
        purpose=Purpose.PLACEMENT,
        form=Consent.Form.WRITTEN,
        documented_by=world.sara,
        categories=InformationCategory.objects.filter(code="social"),
        units=[world.social],
    )
    purposes = {
        c["purpose"]
        for c in api_as(world.vera).get(url("person-consents", pk=world.child.pk)).json()
    }
    assert purposes == {"sip"}
    purposes = {
        c["purpose"]
        for c in api_as(world.sara).get(url("person-consents", pk=world.child.pk)).json()
    }
    assert purposes == {"sip", "placement"}


# --- SIPs -----------------------------------------------------------------------------------


def test_the_list_filters_and_pages_with_cursors(world, api_as):
    world.consent_all()
    plans = [world.start() for _ in range(3)]
    world.prepare(plans[0])
    client = api_as(world.sara)
    first = client.get(url("sips"), {"page_size": 2}).json()
    assert [row["id"] for row in first["results"]] == [plans[2].pk, plans[1].pk]
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [plans[0].pk]
    preparing = client.get(url("sips"), {"phase": "preparing"}).json()["results"]
    assert [row["id"] for row in preparing] == [plans[0].pk]
    assert client.get(url("sips"), {"open": "false"}).json()["results"] == []
    assert len(client.get(url("sips"), {"person": world.child.pk}).json()["results"]) == 3
    problem(client.get(url("sips"), {"phase": "bogus"}), 400, "validation_error")
    # Vera's unit is not called to any of them.
    assert api_as(world.vera).get(url("sips")).json()["results"] == []


def test_an_invited_unit_sees_only_the_shared_categories(world, api_as):
    plan, _meeting = summoned(world)
    vera = api_as(world.vera)
    body = vera.get(url("sip-detail", pk=plan.pk)).json()
    assert (body["access"], body["social_needs"], body["health_needs"]) == (
        "invited",
        "Stöd i familjen",
        "Utredning av sömnproblem på BUP",
    )
    plan.categories.set(plan.categories.filter(code="health"))
    body = vera.get(url("sip-detail", pk=plan.pk)).json()
    assert body["social_needs"] is None and body["health_needs"]
    assert "Stöd i familjen" not in vera.get(url("sip-detail", pk=plan.pk)).content.decode()


def test_the_cost_allocation_is_for_the_sips_own_parties(world, api_as):
    world.consent_all()
    plan = world.start()
    world.prepare(plan, placement_related=True, cost_allocation="Kommunen betalar boendet")
    world.summon(plan)
    assert api_as(world.sara).get(url("sip-detail", pk=plan.pk)).json()["cost_allocation"]
    assert api_as(world.vera).get(url("sip-detail", pk=plan.pk)).json()["cost_allocation"] is None


def test_decline_and_forward(world, api_as):
    world.consent_all(units=[world.social, world.bup, world.primary, world.adult_psych])
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    bup = meeting.invitations.get(unit=world.bup)
    primary = meeting.invitations.get(unit=world.primary)
    declined = api_as(world.vera).post(
        url("kallelse-decline", pk=bup.pk), {"reason": "not_relevant", "note": "Inga insatser"}
    )
    assert (declined.status_code, declined.json()["status"]) == (200, "declined")
    assert declined.json()["decline_reason"] == "Inga insatser"
    forwarded = api_as(world.petra).post(
        url("kallelse-forward", pk=primary.pk), {"to_unit": world.adult_psych.pk}
    )
    assert forwarded.status_code == 200, forwarded.content
    assert forwarded.json()["unit"] == world.adult_psych.pk
    assert forwarded.json()["forwarded_from"] == world.primary.pk
    assert Invitation.objects.get(pk=primary.pk).unit == world.adult_psych


def test_forwarding_to_a_unit_the_consent_does_not_name_is_consent_missing(world, api_as):
    _plan, meeting = summoned(world)
    primary = meeting.invitations.get(unit=world.primary)
    body = problem(
        api_as(world.petra).post(
            url("kallelse-forward", pk=primary.pk), {"to_unit": world.adult_psych.pk}
        ),
        403,
        "consent_missing",
    )
    assert body["reasons"]


def test_the_meeting_writes_a_version_and_the_detail_holds_all_versions(world, api_as):
    plan, _meeting = summoned(world)
    client = api_as(world.sara)
    response = client.post(url("sip-meeting", pk=plan.pk), meeting_body(world))
    assert response.status_code == 201, response.content
    detail = client.get(url("sip-detail", pk=plan.pk)).json()
    assert detail["current_version"] == 1 and len(detail["versions"]) == 1
    assert [a["action"] for a in detail["versions"][0]["actions"]] == [
        "Utredning på BUP",
        "Familjebehandling",
    ]
    assert SipPlan.objects.get(pk=plan.pk).phase == SipPlan.Phase.MEETING_HELD


def test_the_fhir_care_plan_is_a_valid_r4_careplan(world, api_as):
    plan, _meeting = summoned(world)
    client = api_as(world.sara)
    client.post(url("sip-meeting", pk=plan.pk), meeting_body(world))
    response = client.get(url("sip-fhir", pk=plan.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    care_plan = CarePlan.model_validate(body)
    assert (care_plan.status, care_plan.intent) == ("active", "plan")
    contained = {resource["resourceType"] for resource in body["contained"]}
    assert contained == {"Goal", "Organization"}
    goal = next(r for r in body["contained"] if r["resourceType"] == "Goal")
    assert goal["description"]["text"] == "Kunna sova"
    performers = [a["detail"]["performer"][0]["display"] for a in body["activity"]]
    assert performers[:2] == ["BUP Falun", "Barn och familj Ludvika"]
    follow_up = body["activity"][-1]["detail"]
    assert (
        follow_up["scheduledPeriod"]["start"]
        == (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    )
    assert body["author"]["display"] == world.social.name
    assert body["subject"]["identifier"]["value"] == world.child.personal_identity_number
