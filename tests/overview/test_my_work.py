"""The start page of *my* work (issue 15): the socialsekreterare's own SIPs with their next
date, her tasks and her stopped SIPs; the nurse's kallelser and tasks; the HVB staff's
placed youths and the genomförandeplaner to write. Its query count does not grow with the
number of cases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consent.models import Consent
from consent.services import consent_withdraw
from sipflow.models import SipPlan
from tests.access.test_query_counts import Families
from tests.placement_world import pworld  # noqa: F401

pytestmark = pytest.mark.django_db


def summoned(world):
    consents = world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    return plan, consents


def halted(world, capture):
    consents = world.consent_all()
    plan = world.start()
    with capture(execute=True):
        consent_withdraw(
            consent=consents[0],
            withdrawn_by=consents[0].given_by,
            form=Consent.Form.WRITTEN,
            documented_by=world.sara,
        )
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.HALTED
    return plan


def add_cases(world, families, capture, *, open_sips: int, stopped: int):
    for _ in range(open_sips):
        summoned(families.new())
    for _ in range(stopped):
        halted(families.new(), capture)


def start_page(client, user) -> tuple[str, int]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("overview:index"))
    assert response.status_code == 200
    return response.content.decode(), len(captured.captured_queries)


def test_the_socialsekreterare_sees_her_sips_tasks_and_stopped_cases(
    client, world, django_capture_on_commit_callbacks
):
    plan, _consents = summoned(world)
    families = Families(world)
    stopped = halted(families.new(), django_capture_on_commit_callbacks)
    page, _count = start_page(client, world.sara)
    assert "Dina SIP:ar" in page
    assert reverse("sip:plan", kwargs={"pk": plan.pk}) in page
    meeting = plan.meetings.get()
    assert "Kallelse skickad, möte" in page
    assert meeting.starts_at.astimezone().strftime("%Y-%m-%d") in page
    assert "Dina uppgifter i SIP" in page and "Håll SIP-möte och upprätta planen" in page
    assert "Dina stoppade SIP:ar" in page
    assert reverse("sip:plan", kwargs={"pk": stopped.pk}) in page


def test_the_nurse_sees_her_units_kallelser(client, world):
    plan, _consents = summoned(world)
    page, _count = start_page(client, world.vera)
    invitation = plan.meetings.get().invitations.get(unit=world.bup)
    assert reverse("sip:invitation", kwargs={"pk": invitation.pk}) in page
    assert "Dina SIP:ar" not in page  # the SIP is not hers to drive


def test_the_start_page_costs_the_same_at_two_sizes(
    client, world, django_capture_on_commit_callbacks
):
    families = Families(world)
    add_cases(world, families, django_capture_on_commit_callbacks, open_sips=1, stopped=1)
    counts = {}
    for user in (world.sara, world.vera):
        counts[user.username] = [start_page(client, user)[1]]
    add_cases(world, families, django_capture_on_commit_callbacks, open_sips=3, stopped=2)
    for user in (world.sara, world.vera):
        page, count = start_page(client, user)
        counts[user.username].append(count)
    assert page.count("sip/kallelse/") >= 4  # the nurse's list did grow
    for name, (small, large) in counts.items():
        assert small == large, f"{name}: {small} queries with few cases, {large} with more"


def test_the_caseworker_and_the_hvb_staff_see_their_placements(client, pworld):  # noqa: F811
    from tests.placement.test_under import placed_sol

    placement = placed_sol(pworld)
    page, _count = start_page(client, pworld.sara)
    assert "Dina placeringar" in page
    assert reverse("placement:placement", kwargs={"pk": placement.pk}) in page
    assert "nästa datum" in page
    page, _count = start_page(client, pworld.hugo)
    assert "Placerade eller på väg till ert HVB" in page
    assert "Genomförandeplaner att skriva" in page
    assert reverse("placement:implementation_plan", kwargs={"pk": placement.pk}) in page
    assert "Dina SIP:ar" not in page
