"""The SIP list (issue 15): searched by name or whole personnummer (sent by POST, never in
the URL), narrowed by phase, unit and huvudansvarig, a page at a time, at a constant query
count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consent.models import InformationCategory
from sipflow import services
from sipflow.models import SipPlan
from tests.access.test_query_counts import Families

pytestmark = pytest.mark.django_db


def started(world, count, families=None):
    families = families or Families(world)
    plans = []
    for _ in range(count):
        family = families.new()
        family.consent_all()
        plans.append(family.start())
    return plans


def list_page(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("sip:index"), params)
    assert response.status_code == 200
    return response.content.decode(), len(captured.captured_queries)


def test_the_search_finds_by_name_and_keeps_it_out_of_the_url(client, world):
    plans = started(world, 3)
    wanted = plans[1].person
    wanted.last_name = "Lindqvist"
    wanted.save()
    client.force_login(world.sara)
    response = client.post(reverse("sip:index"), {"q": wanted.last_name})
    assert response.status_code == 302
    assert wanted.last_name not in response["Location"]
    assert "sokning=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert reverse("sip:plan", kwargs={"pk": plans[1].pk}) in page
    assert reverse("sip:plan", kwargs={"pk": plans[0].pk}) not in page
    by_number = client.post(reverse("sip:index"), {"q": wanted.personal_identity_number})
    assert wanted.personal_identity_number not in by_number["Location"]
    page = client.get(by_number["Location"]).content.decode()
    assert reverse("sip:plan", kwargs={"pk": plans[1].pk}) in page
    assert reverse("sip:plan", kwargs={"pk": plans[2].pk}) not in page


def test_a_partial_number_is_refused_with_a_reason(client, world):
    started(world, 1)
    client.force_login(world.sara)
    response = client.post(reverse("sip:index"), {"q": "2013"})
    assert response.status_code == 200
    assert "personnummer" in response.content.decode()


def test_the_filters_narrow_the_list(client, world):
    plans = started(world, 2)
    prepared = plans[0]
    services.sip_prepare(
        plan=prepared,
        by=world.sara,
        units=[world.bup],
        categories=InformationCategory.objects.filter(code__in=["health", "social"]),
        lead_unit=world.social,
        coordinator=world.sara,
    )
    client.force_login(world.sara)
    page, _ = list_page(client, fas=SipPlan.Phase.PREPARING)
    assert reverse("sip:plan", kwargs={"pk": prepared.pk}) in page
    assert reverse("sip:plan", kwargs={"pk": plans[1].pk}) not in page
    page, _ = list_page(client, handlaggare=world.sara.pk)
    assert reverse("sip:plan", kwargs={"pk": prepared.pk}) in page
    page, _ = list_page(client, enhet=world.social.pk)
    assert reverse("sip:plan", kwargs={"pk": plans[1].pk}) in page


def test_the_list_pages_at_a_constant_query_count(client, world):
    families = Families(world)
    started(world, 3, families)
    client.force_login(world.sara)
    _page, small = list_page(client)
    started(world, 27, families)  # more than a page
    page, large = list_page(client)
    assert "Sida 1 av 2 (30)" in page
    assert small == large
    second, _count = list_page(client, sida=2)
    assert second.count('href="/sip/plan/') == 5
