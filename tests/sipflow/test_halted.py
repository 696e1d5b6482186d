"""A stopped SIP offers the way on (issue 15): register the missing consent and start it
again (its needs carried over, the stopped one closed as continued), or close it."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.urls import reverse

from consent.models import Consent
from consent.services import consent_withdraw
from directory.models import Membership
from sipflow.models import SipPlan
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stopped(world, django_capture_on_commit_callbacks):
    consents = world.consent_all()
    plan = world.start(social_needs="Stöd i vardagen till familjen")
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(
            consent=consents[0],
            withdrawn_by=consents[0].given_by,
            form=Consent.Form.WRITTEN,
            documented_by=world.sara,
        )
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.HALTED
    return plan


def test_the_stopped_sip_shows_the_way_on(client, world, stopped):
    client.force_login(world.sara)
    page = client.get(reverse("sip:plan", kwargs={"pk": stopped.pk})).content.decode()
    assert "Så går du vidare" in page
    assert reverse("people:consent_create", kwargs={"person_pk": world.child.pk}) in page
    assert f"{reverse('sip:start:execute')}?continues={stopped.pk}" in page
    assert reverse("sip:close_halted", kwargs={"pk": stopped.pk}) in page


def test_a_chef_sees_the_way_on_without_a_start_she_may_not_use(client, world, stopped):
    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    client.force_login(chef)
    page = client.get(reverse("sip:plan", kwargs={"pk": stopped.pk})).content.decode()
    assert "Så går du vidare" in page
    assert f"{reverse('sip:start:execute')}?continues={stopped.pk}" not in page
    assert "kan en socialsekreterare eller vårdpersonal i enheten starta SIP:en igen" in page
    assert client.get(reverse("sip:start:execute"), {"continues": stopped.pk}).status_code == 403


def test_it_starts_again_with_its_needs_and_the_stopped_one_is_closed(client, world, stopped):
    world.guardians_consent(units=[world.social, world.bup, world.primary])
    client.force_login(world.sara)
    form = client.get(reverse("sip:start:execute"), {"continues": stopped.pk})
    page = form.content.decode()
    assert "Stöd i vardagen till familjen" in page
    assert world.child.personal_identity_number[:8] in page.replace("-", "")
    response = client.post(
        reverse("sip:start:execute"),
        {
            "personal_identity_number": world.child.personal_identity_number,
            "unit": world.social.pk,
            "origin": "professional",
            "social_needs": "Stöd i vardagen till familjen",
            "health_needs": "Utredning",
            "coordination_reason": "Insatserna måste hänga ihop",
            "informed_about_sip": "on",
            "continues": stopped.pk,
        },
    )
    assert response.status_code == 302
    stopped.refresh_from_db()
    assert stopped.phase == SipPlan.Phase.CLOSED
    new = SipPlan.objects.exclude(pk=stopped.pk).get()
    assert new.phase == SipPlan.Phase.NEED_IDENTIFIED
    assert stopped.history.filter(what__contains="fortsätter i en ny SIP").exists()


def test_a_stopped_sip_is_closed_with_a_reason(client, world, stopped):
    client.force_login(world.sara)
    url = reverse("sip:close_halted", kwargs={"pk": stopped.pk})
    assert client.get(url).status_code == 200
    refused = client.post(url, {"close_reason": ""})
    assert refused.status_code == 200
    response = client.post(url, {"close_reason": "person_declined", "note": "Vill inte."})
    assert response.status_code == 302
    stopped.refresh_from_db()
    assert (stopped.phase, stopped.close_reason, stopped.close_note) == (
        SipPlan.Phase.CLOSED,
        "person_declined",
        "Vill inte.",
    )
    # It leaves the start page's stopped list.
    page = client.get(reverse("overview:index")).content.decode()
    assert "Dina stoppade SIP:ar" not in page


def test_only_a_party_closes_a_stopped_sip(client, world, stopped):
    client.force_login(world.vera)
    url = reverse("sip:close_halted", kwargs={"pk": stopped.pk})
    assert client.post(url, {"close_reason": "other"}).status_code == 404
    stopped.refresh_from_db()
    assert stopped.phase == SipPlan.Phase.HALTED


def test_a_halt_records_its_day_and_the_migration_fills_it_for_sips_stopped_before(stopped):
    """``halted_on`` is the day of the halt (what the chef's list sorts by). For SIPs stopped
    before the field existed, the migration takes the day of the latest halt in the history,
    or the day the SIP started when the history holds none."""
    from django.apps import apps
    from django.utils import timezone

    halt = stopped.history.get(what="SIP:en stoppades: %(reason)s")
    assert stopped.halted_on == timezone.localdate(halt.at)

    fill = importlib.import_module("sipflow.migrations.0010_plan_halted_on").fill
    halted_at = halt.at - dt.timedelta(days=5)
    started_at = stopped.started_at - dt.timedelta(days=9)
    stopped.history.filter(pk=halt.pk).update(at=halted_at)
    SipPlan.objects.filter(pk=stopped.pk).update(halted_on=None, started_at=started_at)
    fill(apps, None)
    assert SipPlan.objects.get(pk=stopped.pk).halted_on == timezone.localdate(halted_at)

    stopped.history.all().delete()
    SipPlan.objects.filter(pk=stopped.pk).update(halted_on=None)
    fill(apps, None)
    assert SipPlan.objects.get(pk=stopped.pk).halted_on == timezone.localdate(started_at)
