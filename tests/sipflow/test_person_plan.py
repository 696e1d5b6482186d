"""The plan for the person (issue 15): printable and as a PDF, in plain Swedish, starting
from the person's own goals, without what only the staff see, for the child and each
vårdnadshavare; checked and logged like the SIP's page."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import zlib

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from sipflow import services
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory
from tests.sipflow_world import action_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(world):
    world.consent_all()
    plan = world.start()
    world.prepare(
        plan,
        placement_related=True,
        cost_allocation="Kommunen betalar 60 %, regionen 40 % av vårddygnen",
    )
    world.summon(plan)
    services.meeting_hold(
        plan=plan,
        by=world.sara,
        attendance="Alva, Anna, Johan, Sara",
        persons_goals="Jag vill sova hela nätterna och orka gå i skolan.",
        actions=action_rows(world),
        lead_unit=world.social,
        next_follow_up=timezone.localdate() + dt.timedelta(days=90),
    )
    plan.refresh_from_db()
    return plan


def test_the_printable_plan_starts_from_the_persons_goals(client, world, held):
    client.force_login(world.sara)
    response = client.get(reverse("sip:person_plan", kwargs={"pk": held.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    goals = page.index("Vad är viktigt för dig?")
    assert goals < page.index("Det här ska göras") < page.index("När följer vi upp planen?")
    assert "Jag vill sova hela nätterna och orka gå i skolan." in page
    assert "Utredning på BUP" in page and "Föra sömndagbok" in page
    assert "BUP Falun, Region Dalarna" in page
    follow_up = held.next_follow_up
    assert f"den {follow_up.day} " in page
    # The guardians are given the same plan.
    assert "Anna Ek" in page and "Johan Ek" in page
    # What the person must not see.
    assert "Kommunen betalar" not in page
    assert "kostnadsfördelning" not in page.lower()
    assert "Alva, Anna, Johan, Sara" not in page  # the meeting's attendance list


def test_the_pdf_holds_one_copy_for_the_child_and_each_guardian(client, world, held):
    client.force_login(world.sara)
    response = client.get(reverse("sip:person_plan_pdf", kwargs={"pk": held.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = _pdf_objects(pdf)
    # Three copies (Alva, Anna, Johan), each on a page of its own at least.
    assert len(re.findall(rb"/Type\s*/Page\b", text)) >= 3


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF's objects, its compressed streams inflated."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(stream))
    return b"\n".join(parts)


def test_the_plan_for_the_person_is_checked_and_logged(client, world, held):
    region = OrganisationFactory(name="Region Värmland")
    outsider = MembershipFactory(unit=UnitFactory(organisation=region, name="BUP Karlstad")).user
    client.force_login(outsider)
    for name in ("sip:person_plan", "sip:person_plan_pdf"):
        assert client.get(reverse(name, kwargs={"pk": held.pk})).status_code == 404
        entry = AccessLogEntry.objects.latest("pk")
        assert (entry.user, entry.refused, entry.person) == (outsider, True, world.child)
    client.force_login(world.sara)
    client.get(reverse("sip:person_plan_pdf", kwargs={"pk": held.pk}))
    entry = AccessLogEntry.objects.latest("pk")
    assert (entry.user, entry.refused, entry.person) == (world.sara, False, world.child)
    assert entry.purpose == "Planen för personen (PDF)"


def test_a_plan_not_yet_written_says_so(client, world):
    world.consent_all()
    plan = world.start()
    client.force_login(world.sara)
    page = client.get(reverse("sip:person_plan", kwargs={"pk": plan.pk})).content.decode()
    assert "Planen är inte upprättad ännu." in page
