"""The start page: kallelser waiting for a unit, and the chef's overdue lists."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from cases import registry
from cases.registry import OverviewRows, WaitingRows
from directory.models import Membership
from sipflow import services
from sipflow.grants import grants_sync_sip
from sipflow.models import SipPlan
from tests.factories import MembershipFactory
from tests.sipflow_world import answer_by_set

pytestmark = pytest.mark.django_db


def test_a_nurse_sees_the_kallelse_waiting_for_her_unit(client, world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    client.force_login(world.vera)
    page = client.get(reverse("overview:index")).content.decode()
    bup = meeting.invitations.get(unit=world.bup)
    assert reverse("sip:invitation", kwargs={"pk": bup.pk}) in page
    primary = meeting.invitations.get(unit=world.primary)
    assert reverse("sip:invitation", kwargs={"pk": primary.pk}) not in page


def test_the_chef_sees_unanswered_kallelser_and_overdue_follow_ups(client, world):
    chef = MembershipFactory(unit=world.bup, role=Membership.Role.MANAGER).user
    social_chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    client.force_login(chef)
    assert "Obesvarade kallelser" in client.get(reverse("overview:index")).content.decode()
    assert not client.get(reverse("overview:index")).context["rows"]["unanswered"]

    answer_by_set(meeting, timezone.localdate() - dt.timedelta(days=1))
    unanswered = client.get(reverse("overview:index")).context["rows"]["unanswered"]
    assert [i.unit for i in unanswered] == [world.bup]

    services.invitation_accept(
        invitation=meeting.invitations.get(unit=world.bup), by=world.vera, attendees="Vera"
    )
    SipPlan.objects.filter(pk=plan.pk).update(
        next_follow_up=timezone.localdate() - dt.timedelta(days=2)
    )
    client.force_login(social_chef)
    context = client.get(reverse("overview:index")).context
    assert list(context["rows"]["overdue_follow_ups"]) == [plan]
    assert [i.unit for i in context["rows"]["unanswered"]] == []  # primärvården is not her unit


def test_a_kallelse_leaves_the_start_page_when_the_consent_runs_out(client, world):
    from consent.models import Consent

    consents = world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    client.force_login(world.vera)
    assert client.get(reverse("overview:index")).context["rows"]["invitations_waiting"]
    Consent.objects.filter(pk=consents[0].pk).update(
        valid_from=timezone.localdate() - dt.timedelta(days=100),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    # The grants were derived while that consent was in force; they end with it (the same
    # day), so the lists drop the SIP today without any job.
    grants_sync_sip(plan=plan, at=timezone.now() - dt.timedelta(days=1))
    assert client.get(reverse("overview:index")).context["rows"]["invitations_waiting"] == []


@pytest.fixture
def row_templates(settings, tmp_path):
    (tmp_path / "row.html").write_text("Rad: {{ row.name }}")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]


def test_the_page_shows_what_a_process_registered(client, world, monkeypatch, row_templates):
    """The page knows no process: it lists whatever waiting and late lists are registered,
    and logs the people the late lists name."""
    chef = MembershipFactory(unit=world.bup, role=Membership.Role.MANAGER).user
    seen = {}

    def waiting(*, user):
        seen["waiting"] = user
        return [SimpleNamespace(name="väntar")]

    def late(*, user, units, today):
        seen["late"] = (user, list(units), today)
        return [SimpleNamespace(name="försenad", person=world.child)]

    monkeypatch.setitem(
        registry._waiting_rows,
        "test_waiting",
        WaitingRows(
            code="test_waiting", title="Att ta emot", empty="", template="row.html", rows=waiting
        ),
    )
    for code, rows in (("test_late", late), ("test_none", lambda **kwargs: [])):
        monkeypatch.setitem(
            registry._overview_rows,
            code,
            OverviewRows(
                code=code,
                title=f"Lista {code}",
                empty="Inget här.",
                describe=lambda row: format_html("Rad: {}", row.name),
                rows=rows,
                counted=lambda n: f"{n}",
            ),
        )
    client.force_login(chef)

    response = client.get(reverse("overview:index"))

    page = response.content.decode()
    assert "Att ta emot" in page and "Rad: väntar" in page
    assert "Lista test_late" in page and "Rad: försenad" in page
    # An empty list is counted on the start page; its own page says there is nothing.
    assert "Lista test_none" in page and "Inget här." not in page
    empty = client.get(reverse("overview:list", kwargs={"code": "test_none"})).content.decode()
    assert "Inget är försenat" in empty and "Inget här." in empty
    assert seen == {"waiting": chef, "late": (chef, [world.bup], timezone.localdate())}
    assert world.child in response.wsgi_request.case_persons
    assert [row.name for row in response.context["rows"]["test_late"]] == ["försenad"]


def test_a_user_who_leads_no_unit_sees_no_late_lists(client, world, monkeypatch, row_templates):
    monkeypatch.setitem(
        registry._overview_rows,
        "test_late",
        OverviewRows(
            code="test_late",
            title="Lista test_late",
            empty="Inget här.",
            describe=str,
            rows=lambda **kwargs: pytest.fail("asked for a chef's list"),
            counted=lambda n: f"{n}",
        ),
    )
    client.force_login(world.vera)
    assert "Lista test_late" not in client.get(reverse("overview:index")).content.decode()
