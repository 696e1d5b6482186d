"""Contract tests for the avvikelser endpoints: report, list, the report with its log, every
step of the joint handling and the tvist ladder, the export and the chefs' statistics, with
their refusals as problem details."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from deviations.models import Deviation
from directory.models import Membership, Organisation
from tests.api.helpers import problem, summoned, url
from tests.deviations.helpers import report
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def falun_worker(world):
    organisation = OrganisationFactory(
        name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY, region=world.region
    )
    unit = UnitFactory(organisation=organisation, name="Barn och familj Falun")
    return MembershipFactory(unit=unit, role=Membership.Role.SOCIAL_WORKER).user


def report_body(world, plan=None) -> dict:
    today = timezone.localdate()
    body = {
        "unit": world.bup.pk,
        "concerned_units": [world.social.pk],
        "occurred_on": (today - dt.timedelta(days=1)).isoformat(),
        "description": "Kallelsen besvarades inte.",
        "category": "sip_summons_unanswered",
        "harm": "risk",
        "agreement": "hvb",
        "responsibilities": "Socialtjänsten kallar till nytt möte.",
        "allocation_until": (today + dt.timedelta(days=14)).isoformat(),
    }
    if plan is not None:
        body.update(case_kind="sip", case_id=plan.pk)
    return body


def test_report_list_and_detail_with_the_person_only_for_the_cases_readers(world, api_as):
    plan, _meeting = summoned(world)
    vera = api_as(world.vera)
    created = vera.post(url("deviations"), report_body(world, plan), HTTP_IDEMPOTENCY_KEY="r")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["person"]["id"], len(body["parties"])) == (
        "reported",
        world.child.pk,
        2,
    )
    assert body["allocation"]["approved_by"] == [p["id"] for p in body["parties"] if p["reporting"]]
    listed = api_as(world.sara).get(url("deviations")).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    assert api_as(world.sara).get(url("deviations"), {"status": "closed"}).json()["results"] == []
    # Petra's vårdcentral is called to the SIP but no party to the report: 404.
    problem(api_as(world.petra).get(url("deviation-detail", pk=body["id"])), 404, "not_found")


def test_a_report_from_a_case_one_may_not_see_is_refused_on_its_field(world, api_as):
    plan, _meeting = summoned(world)
    body = problem(
        api_as(world.petra).post(
            url("deviations"),
            {**report_body(world, plan), "unit": world.primary.pk, "case_id": plan.pk + 1000},
        ),
        422,
        "validation_error",
    )
    assert list(body["fields"]) == ["case"]
    assert not Deviation.objects.exists()


def test_the_joint_handling_to_its_close(world, api_as):
    deviation = report(world)
    sara, vera = api_as(world.sara), api_as(world.vera)
    agreed = sara.post(url("deviation-agree", pk=deviation.pk), {})
    assert agreed.json()["status"] == "investigating", agreed.content
    problem(sara.post(url("deviation-agree", pk=deviation.pk), {}), 409, "conflict")
    note = sara.post(url("deviation-notes", pk=deviation.pk), {"text": "Vi utreder."})
    assert note.status_code == 201 and any(line["note"] for line in note.json()["log"])
    for client, user in ((sara, world.sara), (vera, world.vera)):
        named = client.post(
            url("deviation-handler", pk=deviation.pk), {"handler": user.pk, "role": "mas"}
        )
        assert named.status_code == 200, named.content
    measures = vera.post(
        url("deviation-measures", pk=deviation.pk), {"measures": "Rutin ses över."}
    )
    assert measures.json()["measures"] == "Rutin ses över."
    sara.post(url("deviation-sign-off", pk=deviation.pk), {})
    closed = vera.post(url("deviation-sign-off", pk=deviation.pk), {})
    assert closed.json()["status"] == "closed"
    body = problem(
        sara.post(url("deviation-notes", pk=deviation.pk), {"text": "x"}), 409, "invalid_state"
    )
    assert body["reason"] == "closed"


def test_a_party_named_that_is_not_the_reports_is_a_field_error(world, api_as):
    deviation = report(world)
    body = problem(
        api_as(world.sara).post(url("deviation-agree", pk=deviation.pk), {"party": 2**31 - 1}),
        422,
        "validation_error",
    )
    assert list(body["fields"]) == ["party"]


def test_the_tvist_ladder_by_a_chef_or_a_handler(world, api_as):
    deviation = report(world)
    problem(
        api_as(world.sara).post(url("deviation-dispute", pk=deviation.pk), {"matter": "Oenighet"}),
        403,
        "not_party",
    )
    problem(
        api_as(world.sara).post(url("deviation-dispute-level", pk=deviation.pk), {}),
        404,
        "not_found",
    )
    chef = api_as(MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user)
    raised = chef.post(url("deviation-dispute", pk=deviation.pk), {"matter": "Vem betalar"})
    assert raised.status_code == 201, raised.content
    assert raised.json()["dispute"]["stage"] == "local"
    proposal = {"proposal": "Dela lika", "proposal_on": timezone.localdate().isoformat()}
    level = chef.post(url("deviation-dispute-level", pk=deviation.pk), proposal)
    assert level.status_code == 200, level.content
    assert level.json()["dispute"]["levels"][0]["proposal"] == "Dela lika"
    decided = chef.post(
        url("deviation-dispute-decide", pk=deviation.pk),
        {"decision": "Lika", "decided_on": timezone.localdate().isoformat(), "resolved": True},
    )
    assert decided.json()["dispute"]["is_open"] is False
    problem(
        chef.post(url("deviation-dispute", pk=deviation.pk), {"matter": "Igen"}), 409, "conflict"
    )


def test_the_export_names_no_person(world, api_as):
    plan, _meeting = summoned(world)
    deviation = report(world, plan=plan)
    response = api_as(world.vera).get(url("deviation-export", pk=deviation.pk))
    assert response.status_code == 200
    assert response.json()["reference"] == deviation.reference
    assert world.child.last_name not in response.content.decode()
    assert world.child.personal_identity_number not in response.content.decode()


def test_statistics_for_chefs_with_small_counts_hidden(world, api_as, falun_worker):
    report(world)
    problem(api_as(world.sara).get(url("deviation-statistics")), 403, "permission_denied")
    chef = api_as(MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user)
    body = chef.get(url("deviation-statistics")).json()
    assert body["total"] is None  # one report: fewer than 5, hidden
    assert all(row["count"] is None for row in body["by_category"] if row["count"] != 0)
    problem(chef.get(url("deviation-statistics"), {"year": 2999}), 400, "validation_error")
    problem(chef.get(url("deviation-statistics"), {"year": "x"}), 400, "validation_error")


def test_the_list_costs_the_same_at_two_sizes(world, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan, _meeting = summoned(world)
    report(world, plan=plan)
    client = api_as(world.sara)
    client.get(url("deviations"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("deviations")).status_code == 200
        return len(queries)

    small = count()
    for _ in range(3):
        report(world, plan=plan)
    assert count() == small


def test_a_new_allocation_is_proposed_and_holds_when_both_agree(world, api_as):
    deviation = report(world)
    until = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    proposed = api_as(world.sara).post(
        url("deviation-allocation", pk=deviation.pk),
        {"responsibilities": "BUP kallar i stället.", "until": until},
    )
    assert proposed.status_code == 201, proposed.content
    assert (proposed.json()["allocation"]["number"], proposed.json()["status"]) == (2, "reported")
    agreed = api_as(world.vera).post(url("deviation-agree", pk=deviation.pk), {})
    assert agreed.json()["allocation"]["agreed_at"] and agreed.json()["status"] == "investigating"
