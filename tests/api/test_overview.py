"""The start page's lists and the chef's overview through the registries (a list a process
registers appears with no change to the API), and the chef's statistics with the page's
suppression."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLogEntry
from cases import registry
from directory.models import Membership
from overview import selectors as overview_selectors
from sipflow.models import Invitation
from sipflow.row_html import invitation_unanswered_html
from tests.api.helpers import problem, summoned, url
from tests.factories import MembershipFactory
from tests.placement_world import build_placement_world
from tests.sipflow_world import answer_by_set

pytestmark = pytest.mark.django_db


def test_the_waiting_lists_show_each_row_as_the_page_does(world, api_as):
    _plan, meeting = summoned(world)
    body = api_as(world.vera).get(url("overview")).json()
    assert [section["code"] for section in body["waiting"]] == [
        spec.code for spec in registry.waiting_rows()
    ]
    assert body["late"] == [] and body["managed_units"] == []
    waiting = next(s for s in body["waiting"] if s["code"] == "invitations_waiting")
    invitation = meeting.invitations.get(unit=world.bup)
    assert waiting["rows"] == [
        {
            **waiting["rows"][0],
            "object_type": "sipflow.invitation",
            "object_id": invitation.pk,
            "person": None,  # the page's row names no one
        }
    ]
    assert waiting["rows"][0]["text"].startswith("SIP-möte")
    assert waiting["rows"][0]["url"] == f"/sip/kallelse/{invitation.pk}/"


def test_the_chefs_lists_come_from_the_registry(world, api_as):
    _plan, meeting = summoned(world)
    Invitation.objects.filter(meeting=meeting).update(status=Invitation.Status.PENDING)
    answer_by_set(meeting, timezone.localdate() - dt.timedelta(days=3))
    meeting.refresh_from_db()
    chef = MembershipFactory(unit=world.bup, role=Membership.Role.MANAGER).user
    registry.register_overview_rows(
        registry.OverviewRows(
            code="api_test_list",
            title="En lista som läggs till senare",
            empty="Inga.",
            describe=invitation_unanswered_html,
            rows=lambda *, user, units, today: [],
            counted=str,
        )
    )
    try:
        body = api_as(chef).get(url("overview")).json()
        expected = [spec.code for spec in registry.overview_rows()]
    finally:
        registry._overview_rows.pop("api_test_list")
    assert [section["code"] for section in body["late"]] == expected
    assert {"api_test_list", "unanswered"} <= set(expected)
    unanswered = next(s for s in body["late"] if s["code"] == "unanswered")
    assert [row["object_id"] for row in unanswered["rows"]] == [
        meeting.invitations.get(unit=world.bup).pk
    ]
    assert body["managed_units"] == [world.bup.pk]


def test_the_overview_costs_the_same_at_two_sizes(world, api_as):
    pw = build_placement_world(world)
    client = api_as(pw.hugo)
    pw.decided_sol()
    client.get(url("overview"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("overview")).status_code == 200
        return len(queries)

    small = count()
    youth = next(s for s in client.get(url("overview")).json()["waiting"] if s["rows"])
    assert youth["rows"][0]["person"]["id"] == pw.youth.pk
    logged = AccessLogEntry.objects.filter(path=url("overview"), user=pw.hugo)
    assert set(logged.values_list("person", flat=True)) == {pw.youth.pk}
    placement = pw.open(pw.adult)
    pw.consent(pw.adult, subject=pw.adult)
    pw.propose(placement)
    pw.decide(placement)
    assert count() == small


def test_statistics_for_chefs_only_with_the_pages_suppression(world, api_as):
    world.consent_all()
    world.start()
    problem(api_as(world.sara).get(url("statistics")), 403, "permission_denied")
    chef = api_as(MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user)
    body = chef.get(url("statistics"), {"period": str(timezone.localdate().year)}).json()
    assert body["units"] == [world.social.pk]
    assert body["period"]["code"] == str(timezone.localdate().year)
    started = next(
        table
        for section in body["sections"]
        for table in section["tables"]
        if table["code"] == "sip_started"
    )
    cells = [cell for row in started["rows"] for cell in row["cells"]]
    assert any(cell["text"] == "<5" and cell["number"] is None for cell in cells)
    assert not any(cell["number"] == 1 for cell in cells)  # the one child is never shown
    assert world.child.last_name not in str(body)
    assert not AccessLogEntry.objects.filter(path=url("statistics"), person__isnull=False).exists()
    problem(chef.get(url("statistics"), {"period": "2026-13"}), 400, "validation_error")
    problem(chef.get(url("statistics"), {"period": "nonsense"}), 400, "validation_error")
    problem(chef.get(url("statistics"), {"unit": world.bup.pk}), 400, "validation_error")


# --- The chef's lists, a page at a time -------------------------------------------------------


def test_each_late_list_gives_its_count_first_rows_and_the_next_page(
    seven_overdue, api_as, monkeypatch
):
    chef, _second, _olle, plans = seven_overdue
    client = api_as(chef)
    body = client.get(url("overview")).json()
    section = next(s for s in body["late"] if s["code"] == "overdue_follow_ups")
    ids = [plan.pk for plan in plans]
    # As the start page: the count and the five most overdue, never every row.
    assert (section["count"], section["more"]) == (7, False)
    assert [row["object_id"] for row in section["rows"]] == ids[:5]
    assert section["url"] == url("overview-list", code="overdue_follow_ups")
    following = client.get(section["url"], {"after": section["next"]}).json()
    assert [row["object_id"] for row in following["rows"]] == ids[5:]
    assert following["next"] is None and following["count"] == 7
    logged = AccessLogEntry.objects.filter(path=section["url"], user=chef)
    assert set(logged.values_list("person", flat=True)) == {plan.person_id for plan in plans[5:]}
    # A list page holds PAGE_SIZE rows and says where the next starts.
    monkeypatch.setattr(overview_selectors, "PAGE_SIZE", 3)
    first = client.get(section["url"]).json()
    assert [row["object_id"] for row in first["rows"]] == ids[:3]
    second = client.get(section["url"], {"after": first["next"]}).json()
    assert [row["object_id"] for row in second["rows"]] == ids[3:6]
    # The count stops at the cap, as on the pages.
    monkeypatch.setattr(overview_selectors, "COUNT_CAP", 5)
    capped = client.get(section["url"]).json()
    assert (capped["count"], capped["more"]) == (6, True)


def test_a_list_filters_as_its_page_and_refuses_what_it_cannot(seven_overdue, api_as, world):
    chef, second, olle, plans = seven_overdue
    client = api_as(chef)
    path = url("overview-list", code="overdue_follow_ups")
    mine = client.get(path, {"handler": olle.pk}).json()
    assert [row["object_id"] for row in mine["rows"]] == [plans[5].pk, plans[6].pk]
    assert client.get(path, {"unit": second.pk}).json()["rows"] == mine["rows"]
    assert client.get(path, {"age": "0-12"}).json()["rows"] == []
    for wrong, field in (
        ({"after": "igår"}, "after"),
        ({"handler": 999999}, "handler"),
        ({"unit": world.bup.pk}, "unit"),
        ({"age": "100-"}, "age"),
        ({"basis": "LVM"}, "basis"),  # a SIP list has no legal basis
        ({"unit": "en"}, "unit"),
    ):
        body = problem(client.get(path, wrong), 400, "validation_error")
        assert field in body["fields"], (wrong, body)
    problem(client.get(url("overview-list", code="finns-inte")), 404, "not_found")
    problem(api_as(world.sara).get(path), 403, "permission_denied")
