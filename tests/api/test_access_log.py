"""API reads and writes are in the person's access log like page reads, with the token
the call was made with; the chef sees them on the person's log; the token is sealed into
the chain."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.chain import entry_digest
from audit.models import AccessLogEntry
from audit.selectors import audit_verify
from audit.services import access_log_record
from directory.models import Membership
from tests.api.helpers import meeting_body, summoned, url
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def entries(**filters):
    return AccessLogEntry.objects.filter(**filters).order_by("pk")


def test_a_read_of_a_sip_is_logged_with_its_person_and_the_token(world, api_as):
    plan, _meeting = summoned(world)
    vera = api_as(world.vera)
    path = url("sip-detail", pk=plan.pk)
    assert vera.get(path).status_code == 200
    entry = entries(path=path).get()
    assert (entry.user, entry.person, entry.action, entry.refused) == (
        world.vera,
        world.child,
        AccessLogEntry.Action.VIEW,
        False,
    )
    assert (entry.purpose, entry.credential) == ("SIP", vera.token.label)
    assert (entry.object_type, entry.object_id) == ("sipflow.sipplan", str(plan.pk))
    assert entry.unit == world.bup


def test_the_list_logs_each_person_it_shows(world, api_as):
    world.consent_all()
    world.start()
    other = world.start(person=world.mother)
    assert other.person == world.mother
    client = api_as(world.sara)
    client.get(url("sips"))
    assert {e.person for e in entries(path=url("sips"))} == {world.child, world.mother}


def test_a_lookup_logs_the_person_found_and_never_the_number(world, api_as):
    client = api_as(world.sara)
    client.post(
        url("persons-lookup"), {"personal_identity_number": world.child.personal_identity_number}
    )
    entry = entries(path=url("persons-lookup")).get()
    assert (entry.person, entry.purpose, entry.action) == (world.child, "Sök person", "view")
    assert world.child.personal_identity_number not in entry.path + entry.purpose


def test_writes_and_the_fhir_export_are_logged_as_such(world, api_as):
    plan, _meeting = summoned(world)
    client = api_as(world.sara)
    client.post(url("sip-meeting", pk=plan.pk), meeting_body(world))
    client.get(url("sip-fhir", pk=plan.pk))
    assert entries(path=url("sip-meeting", pk=plan.pk)).get().action == "create"
    export = entries(path=url("sip-fhir", pk=plan.pk)).get()
    assert (export.action, export.person) == ("export", world.child)


def test_a_refused_read_is_logged_refused_with_the_person(world, api_as):
    plan, _meeting = summoned(world)
    stranger = MembershipFactory(unit=world.adult_psych, role=Membership.Role.HEALTH_STAFF).user
    client = api_as(stranger)
    path = url("sip-detail", pk=plan.pk)
    assert client.get(path).status_code == 404
    entry = entries(path=path).get()
    assert (entry.refused, entry.person, entry.credential) == (
        True,
        world.child,
        client.token.label,
    )


def test_a_retried_write_is_logged_as_a_read_of_what_it_wrote(world, api_as):
    world.consent_all()
    client = api_as(world.sara)
    body = {
        "personal_identity_number": world.child.personal_identity_number,
        "unit": world.social.pk,
        "origin": "professional",
        "social_needs": "Stöd",
        "health_needs": "Sömn",
        "coordination_reason": "Samordning",
        "informed_about_sip": True,
    }
    first = client.post(url("sips"), body, HTTP_IDEMPOTENCY_KEY="start")
    client.post(url("sips"), body, HTTP_IDEMPOTENCY_KEY="start")
    logged = list(entries(path=url("sips")).values_list("action", "person", "object_id"))
    assert logged == [
        ("create", world.child.pk, str(first.json()["id"])),
        ("view", world.child.pk, str(first.json()["id"])),
    ]


def test_the_chef_sees_the_token_on_the_persons_log(world, api_as):
    plan, _meeting = summoned(world)
    vera = api_as(world.vera)
    vera.get(url("sip-detail", pk=plan.pk))
    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    client = Client()
    client.force_login(chef)
    page = client.get(reverse("people:access_log", kwargs={"person_pk": world.child.pk}))
    assert vera.token.label in page.content.decode()


def test_the_token_is_sealed_into_the_chain_and_old_entries_verify_as_before(world, api_as):
    plan, _meeting = summoned(world)
    access_log_record(user=world.sara, action="view", person=world.child, path="/a/page/")
    api_as(world.vera).get(url("sip-detail", pk=plan.pk))
    assert audit_verify().first_broken_pk is None
    entry = entries(credential__startswith="API-nyckel").get()
    # An entry without a credential is sealed exactly as before the field existed.
    plain = entries(credential="").last()
    assert plain.entry_hash == entry_digest(plain, plain.previous_hash)
    # Changing the recorded token breaks the seal.
    entry.credential = "API-nyckel 00000000"
    assert entry_digest(entry, entry.previous_hash) != entry.entry_hash


def test_the_sip_list_costs_the_same_at_two_sizes(world, api_as):
    world.consent_all()
    client = api_as(world.sara)
    world.start()
    client.get(url("sips"))  # caches warm

    def count() -> int:
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("sips")).status_code == 200
        return len(queries)

    small = count()
    for _ in range(4):
        world.prepare(world.start())
    assert count() == small


# --- Placements, avvikelser and the chef's lists ---------------------------------------------


def test_placement_reads_are_logged_with_the_youth_and_refusals_too(world, api_as):
    from placement.models import HealthExamRequest
    from tests.placement_world import build_placement_world

    pw = build_placement_world(world)
    placement = pw.decided_sol()
    pw.cost_allocation(placement, approve=False)
    request = HealthExamRequest.objects.create(
        placement=placement,
        region_unit=world.bup,
        asked="Erbjud en hälsoundersökning.",
        due_on=placement.decided_on,
        requested_at=placement.opened_at,
        requested_by=pw.sara,
    )
    from placement.grants import grants_sync_placement

    grants_sync_placement(placement=placement)
    sara, vera = api_as(pw.sara), api_as(pw.vera)
    sara.get(url("placement-detail", pk=placement.pk))
    sara.get(url("placements"))
    vera.get(url("placement-cost-allocation", pk=placement.pk))
    vera.get(url("health-request-detail", pk=request.pk))
    vera.get(url("placement-detail", pk=placement.pk))  # the region never sees it
    read = entries(path=url("placement-detail", pk=placement.pk), user=pw.sara).get()
    assert (read.person, read.purpose, read.object_type, read.credential) == (
        pw.youth,
        "Placering",
        "placement.placement",
        sara.token.label,
    )
    assert entries(path=url("placements")).get().person == pw.youth
    cost = entries(path=url("placement-cost-allocation", pk=placement.pk)).get()
    assert (cost.user, cost.person, cost.refused, cost.credential) == (
        pw.vera,
        pw.youth,
        False,
        vera.token.label,
    )
    asked = entries(path=url("health-request-detail", pk=request.pk)).get()
    assert (asked.person, asked.object_type) == (pw.youth, "placement.healthexamrequest")
    refused = entries(path=url("placement-detail", pk=placement.pk), user=pw.vera).get()
    assert (refused.refused, refused.person) == (True, pw.youth)


def test_avvikelse_reads_and_exports_are_logged_with_the_cases_person(world, api_as):
    from tests.deviations.helpers import report

    plan, _meeting = summoned(world)
    deviation = report(world, plan=plan)
    vera = api_as(world.vera)
    vera.get(url("deviation-detail", pk=deviation.pk))
    vera.get(url("deviation-export", pk=deviation.pk))
    read = entries(path=url("deviation-detail", pk=deviation.pk)).get()
    assert (read.person, read.action, read.purpose) == (world.child, "view", "Avvikelse")
    export = entries(path=url("deviation-export", pk=deviation.pk)).get()
    assert (export.person, export.action) == (world.child, "export")


def test_the_statistics_name_no_one_in_the_log(world, api_as):
    world.consent_all()
    world.start()
    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    assert api_as(chef).get(url("statistics")).status_code == 200
    assert list(entries(path=url("statistics")).values_list("person", flat=True)) in ([], [None])


def test_the_placement_list_costs_the_same_at_two_sizes(world, api_as):
    from tests.placement_world import build_placement_world

    pw = build_placement_world(world)
    client = api_as(pw.sara)
    pw.open()
    client.get(url("placements"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("placements")).status_code == 200
        return len(queries)

    small = count()
    pw.open(pw.adult)
    pw.decided_sol()
    assert count() == small
