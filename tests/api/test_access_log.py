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
