"""What the SIP's step pages offer and say: the huvudansvarig person among the case's own
staff, a consent box that never claims what the step refuses, a default svara senast that
cannot fall after the meeting, counted history, and no control that cancels the SIP."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from consent.models import InformationCategory
from directory.models import Membership
from sipflow.flows import SipFlow
from tests.factories import MembershipFactory
from tests.placement_world import build_placement_world
from tests.sipflow.test_views import ok, task_url

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    """A logged-in client; its first page loads the site's addresses (the steps' too)."""
    client = Client()
    client.force_login(user)
    client.get("/")
    return client


def categories() -> list[int]:
    return [c.pk for c in InformationCategory.objects.filter(code__in=["health", "social"])]


def test_the_huvudansvarig_person_is_one_of_the_cases_socialsekreterare_or_vardpersonal():
    """Not the HVB's staff, not the chef, not the administrator: the initiating unit's
    socialsekreterare, and the staff of a unit once it is chosen to be called."""
    pworld = build_placement_world()
    world = pworld.sip
    admin = MembershipFactory(unit=world.social, role=Membership.Role.ADMIN).user
    MembershipFactory(unit=world.social, role=Membership.Role.HVB_STAFF, user=pworld.hugo)
    plan = world.start()
    sara = client_for(world.sara)

    page = sara.get(task_url(plan, SipFlow.prepare))
    offered = set(page.context["form"].fields["coordinator"].queryset)
    assert offered == {world.sara}
    assert not offered & {admin, pworld.hugo, pworld.carl}

    chosen = sara.post(
        task_url(plan, SipFlow.prepare),
        {"units": [world.bup.pk], "lead_unit": world.bup.pk, "coordinator": world.vera.pk},
    )
    offered = set(chosen.context["form"].fields["coordinator"].queryset)
    assert offered == {world.sara, world.vera, world.vilma}


def test_a_refused_forbered_does_not_say_the_consent_suffices(world):
    world.consent_all(units=[world.social, world.bup])
    plan = world.start()
    refused = client_for(world.sara).post(
        task_url(plan, SipFlow.prepare),
        {
            "units": [world.bup.pk, world.primary.pk],
            "categories": categories(),
            "lead_unit": world.social.pk,
            "coordinator": world.sara.pk,
        },
    )
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Samtycket räcker inte ännu:" in page
    assert "Samtycket räcker för de valda parterna" not in page


def test_the_consent_box_answers_for_the_parties_chosen(world):
    """The box shows what the policy says of the units ticked, not of those saved."""
    world.consent_all(units=[world.social, world.bup])
    plan = world.start()
    page = client_for(world.sara).post(
        task_url(plan, SipFlow.prepare),
        {"units": [world.bup.pk], "lead_unit": world.social.pk, "coordinator": world.sara.pk},
    )
    # The step is refused for want of the information shared, but the parties are covered.
    assert "Välj vilken information som ska delas." in page.content.decode()
    assert page.context["decision"].consent_satisfied


def test_svara_senast_defaults_to_a_day_no_later_than_the_meeting(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    sara = client_for(world.sara)
    page = sara.get(task_url(plan, SipFlow.summon))
    field = page.context["form"]["answer_by"]
    assert field.value() in (None, "")
    assert "Lämnas fältet tomt blir sista svarsdag" in field.help_text
    assert field.field.widget.attrs["min"] == timezone.localdate().isoformat()

    # A meeting sooner than the default answer day: the answer day is the meeting's.
    starts = timezone.localtime() + dt.timedelta(days=2)
    ok(
        sara.post(
            task_url(plan, SipFlow.summon),
            {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "place": "Familjecentralen"},
        )
    )
    meeting = plan.meetings.get()
    assert timezone.localdate() <= meeting.answer_by <= timezone.localdate(meeting.starts_at)


def test_the_history_counts_its_parties_in_swedish(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan, units=[world.bup])
    world.summon(plan)
    texts = [entry.text for entry in plan.history.all()]
    assert any(": 1 part ska kallas, huvudansvarig" in text for text in texts), texts
    assert any(text.endswith("skickad till 1 part.") for text in texts), texts
    plan = world.start()
    world.prepare(plan)
    assert any(": 2 parter ska kallas" in entry.text for entry in plan.history.all())


def test_no_page_of_the_process_offers_to_cancel_it():
    pworld = build_placement_world()
    world = pworld.sip
    plan = world.start()
    for user in (world.sara, pworld.carl):
        page = client_for(user).get(f"/sip/{plan.process_id}/").content.decode()
        assert "/cancel/" not in page and "Avbryt" not in page
