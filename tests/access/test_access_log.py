"""Every read and change of case data lands in the append-only access log."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.models import Task

from audit.models import AccessLogEntry, SampleReview
from audit.selectors import audit_verify, person_access_log
from audit.services import access_log_record_persons
from directory.models import Membership, Organisation
from sipflow.flows import SipFlow
from sipflow.models import Invitation, SipPlan
from tests.conftest import years_ago
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, person_born

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    return plan


def test_reading_a_case_page_is_logged_with_who_where_what_and_why(client, world, case):
    client.force_login(world.vera)
    assert client.get(reverse("sip:plan", kwargs={"pk": case.pk})).status_code == 200
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.user, entry.unit, entry.organisation) == (world.vera, world.bup, world.region)
    assert (entry.action, entry.person, entry.object_type, entry.object_id) == (
        AccessLogEntry.Action.VIEW,
        world.child,
        "sipflow.sipplan",
        str(case.pk),
    )
    assert entry.purpose == "SIP"
    assert entry.path == reverse("sip:plan", kwargs={"pk": case.pk})


def test_viewflow_task_pages_are_logged_with_the_task_as_purpose(client, world, case):
    client.force_login(world.sara)
    task = Task.objects.get(process=case.process_id, flow_task=SipFlow.hold_meeting)
    url = task.flow_task.reverse("detail", args=[case.process_id, task.pk])
    assert client.get(url).status_code == 200
    entry = AccessLogEntry.objects.latest("pk")
    assert entry.person == world.child
    assert "Håll SIP-möte" in entry.purpose


def test_a_change_is_logged(client, world, case):
    client.force_login(world.sara)
    url = reverse("people:view_create", kwargs={"person_pk": world.child.pk})
    response = client.post(url, {"holder": world.child.pk, "purpose": "sip", "view": "Bra"})
    assert response.status_code == 302
    assert AccessLogEntry.objects.filter(
        action=AccessLogEntry.Action.CREATE, person=world.child, user=world.sara, refused=False
    ).exists()


@pytest.fixture
def outsider(db):
    falun = OrganisationFactory(name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY)
    return MembershipFactory(unit=UnitFactory(organisation=falun)).user


def test_a_refused_look_is_logged_as_refused_with_its_person(client, world, case, outsider):
    client.force_login(outsider)
    url = reverse("sip:plan", kwargs={"pk": case.pk})
    before = AccessLogEntry.objects.count()
    assert client.get(url).status_code == 404
    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.user, entry.action, entry.refused, entry.person, entry.path) == (
        outsider,
        AccessLogEntry.Action.VIEW,
        True,
        world.child,
        url,
    )
    assert (entry.object_type, entry.object_id) == ("sipflow.sipplan", str(case.pk))
    assert audit_verify().ok


def test_a_guessed_id_answers_as_a_missing_one_and_both_are_logged(client, world, case, outsider):
    client.force_login(outsider)
    invitation = Invitation.objects.filter(meeting__plan=case).first()
    task = Task.objects.filter(process=case.process_id).first()
    missing = 2**31 - 1
    pairs = [
        ("sip:plan", {"pk": case.pk}, {"pk": missing}),
        ("sip:invitation", {"pk": invitation.pk}, {"pk": missing}),
        ("sip:process_detail", {"process_pk": case.process_id}, {"process_pk": missing}),
        (
            "sip:prepare:detail",
            {"process_pk": case.process_id, "task_pk": task.pk},
            {"process_pk": missing, "task_pk": missing},
        ),
        ("people:person_detail", {"person_pk": world.child.pk}, {"person_pk": missing}),
    ]
    for name, existing, absent in pairs:
        refused = client.get(reverse(name, kwargs=existing))
        not_there = client.get(reverse(name, kwargs=absent))
        assert (refused.status_code, refused.content) == (404, not_there.content), name
        assert not_there.status_code == 404, name
        logged = AccessLogEntry.objects.filter(user=outsider, refused=True)
        assert logged.filter(path=reverse(name, kwargs=existing), person=world.child).exists()
        assert logged.filter(path=reverse(name, kwargs=absent), person=None).exists()


def test_a_refused_change_is_logged_as_a_refused_change(client, world, case, outsider):
    client.force_login(outsider)
    url = reverse("people:view_create", kwargs={"person_pk": world.child.pk})
    response = client.post(url, {"holder": world.child.pk, "purpose": "sip", "view": "Bra"})
    assert response.status_code == 404
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.user, entry.action, entry.refused, entry.person) == (
        outsider,
        AccessLogEntry.Action.CREATE,
        True,
        world.child,
    )
    invitation = Invitation.objects.filter(meeting__plan=case).first()
    url = reverse("sip:invitation", kwargs={"pk": invitation.pk})
    assert client.post(url, {"answer": "accept", "attendees": "X"}).status_code == 404
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.action, entry.refused, entry.person) == (
        AccessLogEntry.Action.UPDATE,
        True,
        world.child,
    )


def test_a_role_refused_a_whole_page_is_logged_as_refused(client, world):
    hvb = MembershipFactory(unit=world.social, role=Membership.Role.HVB_STAFF).user
    client.force_login(hvb)
    assert client.get(reverse("people:index")).status_code == 403
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.user, entry.refused, entry.person) == (hvb, True, None)


def test_a_refusal_is_one_warning_line_without_a_traceback(client, world, case, outsider, caplog):
    hvb = MembershipFactory(unit=world.social, role=Membership.Role.HVB_STAFF).user
    client.force_login(hvb)
    with caplog.at_level(logging.INFO):
        assert client.get(reverse("people:index")).status_code == 403
        client.force_login(outsider)
        assert client.get(reverse("sip:plan", kwargs={"pk": case.pk})).status_code == 404
    records = [record for record in caplog.records if record.name == "django.request"]
    assert len(records) == 2
    for record, user, path in zip(
        records,
        [hvb, outsider],
        [reverse("people:index"), reverse("sip:plan", kwargs={"pk": case.pk})],
        strict=True,
    ):
        assert record.levelno == logging.WARNING
        assert record.exc_info is None
        message = record.getMessage()
        assert "\n" not in message
        assert "Refused" in message and path in message and user.get_username() in message
    assert "Traceback" not in caplog.text


def test_the_chef_filters_the_persons_log_on_refused_attempts(client, world, case, outsider):
    client.force_login(world.vera)
    assert client.get(reverse("sip:plan", kwargs={"pk": case.pk})).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("sip:plan", kwargs={"pk": case.pk})).status_code == 404
    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    client.force_login(chef)
    url = reverse("people:access_log", kwargs={"person_pk": world.child.pk})
    everything = client.get(url)
    assert [entry.user for entry in everything.context["entries"]][:2] == [outsider, world.vera]
    refused = client.get(url, {"nekade": "1"})
    assert [entry.user for entry in refused.context["entries"]] == [outsider]
    assert "nekad" in refused.content.decode()


def shown_persons(user, path):
    return set(
        AccessLogEntry.objects.filter(user=user, path=path, refused=False).values_list(
            "person", flat=True
        )
    )


def test_the_sip_list_logs_each_person_it_shows(client, world, case):
    other = world.start(person=world.mother)
    client.force_login(world.sara)
    page = client.get(reverse("sip:index"))
    assert page.status_code == 200
    assert {plan.person for plan in page.context["plans"]} == {world.child, world.mother}
    assert shown_persons(world.sara, reverse("sip:index")) == {world.child.pk, other.person_id}
    entry = AccessLogEntry.objects.filter(person=world.mother).latest("pk")
    assert entry.purpose == "Lista över SIP"
    # "Vem har tittat på personen" finds the look.
    assert entry in person_access_log(person=world.mother)


@pytest.mark.parametrize("name", ["sip:inbox", "sip:queue", "sip:archive", "sip:task_list"])
def test_task_lists_log_each_person_whose_task_they_show(client, world, case, name):
    world.start(person=world.mother)
    client.force_login(world.sara)
    page = client.get(reverse(name))
    assert page.status_code == 200
    process_ids = {row.process_id for row in page.context["object_list"]}
    expected = set(
        SipPlan.objects.filter(process_id__in=process_ids).values_list("person", flat=True)
    )
    assert shown_persons(world.sara, reverse(name)) == (expected or {None})


def test_the_inbox_logs_both_people_of_two_sips(client, world, case):
    world.start(person=world.mother)
    client.force_login(world.sara)
    assert client.get(reverse("sip:inbox")).status_code == 200
    shown = shown_persons(world.sara, reverse("sip:inbox"))
    assert shown == {world.child.pk, world.mother.pk}


def test_person_search_logs_each_person_found_and_not_what_was_typed(client, world):
    client.force_login(world.sara)
    number = world.child.personal_identity_number
    for query in ["Ek", number]:
        page = client.post(reverse("people:index"), {"q": query}, follow=True)
        assert world.child in page.context["results"]
    entries = AccessLogEntry.objects.filter(user=world.sara, path=reverse("people:index"))
    assert set(entries.values_list("person", flat=True)) >= {world.child.pk}
    # Sending the search changes nothing: only the result page is logged, as a read.
    assert set(entries.values_list("action", flat=True)) == {AccessLogEntry.Action.VIEW}
    for entry in entries:
        assert entry.purpose == "Sökning av person"
        assert number[-4:] not in entry.purpose and "Ek" not in entry.purpose


def test_the_start_page_logs_the_person_whose_number_it_fills_in(client, world):
    client.force_login(world.sara)
    page = client.get(reverse("sip:start:execute"), {"person": world.child.pk})
    assert world.child.personal_identity_number in page.content.decode()
    assert shown_persons(world.sara, reverse("sip:start:execute")) == {world.child.pk}


def test_the_chefs_start_page_logs_the_people_of_overdue_follow_ups(client, world, case):
    SipPlan.objects.filter(pk=case.pk).update(
        lead_unit=world.social, next_follow_up=dt.date(2020, 1, 1)
    )
    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    client.force_login(chef)
    page = client.get(reverse("overview:index"))
    assert world.child.first_name in page.content.decode()
    assert shown_persons(chef, reverse("overview:index")) == {world.child.pk}
    client.force_login(world.vera)  # nobody overdue on her start page: nothing logged
    client.get(reverse("overview:index"))
    assert not AccessLogEntry.objects.filter(user=world.vera).exists()


def test_logging_a_list_costs_the_same_queries_for_few_and_many_people(world):
    persons = [world.child, world.mother, world.father]

    def sara():  # as a request reads her: her memberships not yet read
        return type(world.sara).objects.get(pk=world.sara.pk)

    first, second = sara(), sara()
    with CaptureQueriesContext(connection) as few:
        access_log_record_persons(
            user=first, action=AccessLogEntry.Action.VIEW, persons=persons[:2]
        )
    many = [*persons, *[person_born(years_ago(30 + n)) for n in range(12)]]
    with CaptureQueriesContext(connection) as lots:
        entries = access_log_record_persons(
            user=second, action=AccessLogEntry.Action.VIEW, persons=many
        )
    assert len(lots) == len(few)
    assert [entry.person for entry in entries] == many
    assert audit_verify().ok


def test_the_chef_sees_who_looked_and_signs_off_a_sample(client, world, case):
    client.force_login(world.vera)  # a look from outside Barn och familj
    client.get(reverse("sip:plan", kwargs={"pk": case.pk}))
    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    client.force_login(chef)
    log = client.get(reverse("people:access_log", kwargs={"person_pk": world.child.pk}))
    assert log.status_code == 200
    assert "BUP Falun" in log.content.decode()

    response = client.post(
        reverse("people:samples"),
        {
            "unit": world.social.pk,
            "period_start": "2000-01-01",
            "period_end": "2100-01-01",
            "size": 5,
        },
    )
    assert response.status_code == 302
    sample = SampleReview.objects.get()
    assert sample.entries.filter(user=world.vera).exists()
    assert not sample.entries.filter(unit=world.social).exists()
    signed = client.post(reverse("people:sample_detail", kwargs={"pk": sample.pk}), {"note": "OK"})
    assert signed.status_code == 302
    sample.refresh_from_db()
    assert sample.signed_off_by == chef

    client.force_login(world.sara)  # not a chef
    assert client.get(reverse("people:samples")).status_code == 403


def test_the_chain_verifies_after_a_session_of_reads(client, world, case, capsys):
    client.force_login(world.sara)
    for name, kwargs in [
        ("sip:plan", {"pk": case.pk}),
        ("people:person_detail", {"person_pk": world.child.pk}),
        ("sip:process_detail", {"process_pk": case.process_id}),
    ]:
        client.get(reverse(name, kwargs=kwargs))
    assert audit_verify().ok
    call_command("audit_verify")
    assert "OK: " in capsys.readouterr().out
