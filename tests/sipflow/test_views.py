"""The SIP in the browser: every step through the pages, with the test client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from consent.models import InformationCategory
from sipflow.flows import SipFlow
from sipflow.models import Invitation, SipPlan

pytestmark = pytest.mark.django_db


def task_url(plan, node):
    task = Task.objects.get(
        process=plan.process_id, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    return task.flow_task.reverse("execute", args=[plan.process_id, task.pk])


def ok(response):
    """A form post that went through redirects; one that failed shows its errors."""
    if response.status_code != 302:
        context = response.context or {}
        errors = [context[name].errors for name in ("form", "formset") if name in context]
        raise AssertionError(f"{response.status_code}: {errors}")
    return response


def register_consents(client, world):
    categories = [c.pk for c in InformationCategory.objects.filter(code__in=["health", "social"])]
    url = reverse("people:consent_create", kwargs={"person_pk": world.child.pk})
    for guardian in (world.mother, world.father):
        ok(
            client.post(
                url,
                {
                    "given_by": guardian.pk,
                    "purpose": "sip",
                    "form": "written",
                    "units": [world.social.pk, world.bup.pk, world.primary.pk],
                    "categories": categories,
                    "valid_from": timezone.localdate().isoformat(),
                },
            )
        )
    ok(
        client.post(
            reverse("people:view_create", kwargs={"person_pk": world.child.pk}),
            {"holder": world.child.pk, "purpose": "sip", "view": "Jag vill sova bättre."},
        )
    )
    return categories


def test_a_sip_from_start_to_close_in_the_browser(client, world):
    client.force_login(world.sara)
    start = client.get(reverse("sip:start:execute"), {"person": world.child.pk})
    assert start.status_code == 200
    assert "Initiera SIP" in start.content.decode()
    ok(
        client.post(
            reverse("sip:start:execute"),
            {
                "personal_identity_number": world.child.personal_identity_number,
                "unit": world.social.pk,
                "origin": "professional",
                "social_needs": "Stöd till familjen",
                "health_needs": "Utredning på BUP",
                "coordination_reason": "Insatserna behöver hänga ihop",
                "informed_about_sip": "on",
            },
        )
    )
    plan = SipPlan.objects.get()

    # Förbered without consent: refused, with the missing consents named.
    prepare = {
        "units": [world.bup.pk, world.primary.pk],
        "categories": [
            c.pk for c in InformationCategory.objects.filter(code__in=["health", "social"])
        ],
        "lead_unit": world.social.pk,
        "coordinator": world.sara.pk,
    }
    refused = client.post(task_url(plan, SipFlow.prepare), prepare)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Vårdnadshavare Anna Ek har inte samtyckt." in page
    register_consents(client, world)
    ok(client.post(task_url(plan, SipFlow.prepare), prepare))

    starts = timezone.localtime() + dt.timedelta(days=14)
    ok(
        client.post(
            task_url(plan, SipFlow.summon),
            {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "place": "Familjecentralen"},
        )
    )
    bup = Invitation.objects.get(unit=world.bup)
    primary = Invitation.objects.get(unit=world.primary)

    # The nurse at BUP finds the kallelse in her unit's queue and accepts it.
    client.force_login(world.vera)
    queue = client.get(reverse("sip:queue"))
    assert queue.status_code == 200
    answer_task = Task.objects.get(flow_task=SipFlow.answer, data__invitation=bup.pk)
    execute = client.get(
        answer_task.flow_task.reverse("execute", args=[plan.process_id, answer_task.pk])
    )
    assert execute.status_code in (302, 403)  # queue tasks are answered on the kallelse page
    kallelse = client.get(reverse("sip:invitation", kwargs={"pk": bup.pk}))
    assert "Vi kommer" in kallelse.content.decode()
    ok(
        client.post(
            reverse("sip:invitation", kwargs={"pk": bup.pk}),
            {"answer": "accept", "attendees": "Vera, sjuksköterska"},
        )
    )
    client.force_login(world.petra)
    declined = client.post(
        reverse("sip:invitation", kwargs={"pk": primary.pk}), {"answer": "decline"}
    )
    assert "Ange varför ni avböjer." in declined.content.decode()
    ok(
        client.post(
            reverse("sip:invitation", kwargs={"pk": primary.pk}),
            {"answer": "decline", "reason": "not_relevant", "note": "Vi har ingen kontakt."},
        )
    )

    # The meeting is held and the plan recorded.
    client.force_login(world.sara)
    follow_up_on = timezone.localdate() + dt.timedelta(days=90)
    today = timezone.localdate().isoformat()
    ok(
        client.post(
            task_url(plan, SipFlow.hold_meeting),
            {
                "attendance": "Alva, Anna, Johan, Vera, Sara",
                "persons_goals": "Sova bättre och gå i skolan",
                "lead_unit": world.social.pk,
                "next_follow_up": follow_up_on.isoformat(),
                "close_reason": "",
                "actions-TOTAL_FORMS": "2",
                "actions-INITIAL_FORMS": "0",
                "actions-MIN_NUM_FORMS": "1",
                "actions-MAX_NUM_FORMS": "1000",
                "actions-0-need": "Sömn",
                "actions-0-action": "Utredning",
                "actions-0-responsible_organisation": world.region.pk,
                "actions-0-responsible_unit": world.bup.pk,
                "actions-0-persons_part": "Sömndagbok",
                "actions-0-starts_on": today,
                "actions-1-need": "",
                "actions-1-action": "",
            },
        )
    )
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.MEETING_HELD
    detail = client.get(reverse("sip:plan", kwargs={"pk": plan.pk})).content.decode()
    assert "Sova bättre och gå i skolan" in detail
    assert "Vera, sjuksköterska" in detail
    assert "Vi har ingen kontakt." in detail

    # The follow-up comes due and lands in her inbox.
    Task.objects.filter(flow_task=SipFlow.wait_for_follow_up).update(
        scheduled=timezone.now() - dt.timedelta(minutes=1)
    )
    fire_due_timers()
    inbox = client.get(reverse("sip:inbox")).content.decode()
    assert "Följ upp planen" in inbox
    action = plan.versions.get().actions.get()
    ok(
        client.post(
            task_url(plan, SipFlow.follow_up),
            {
                f"done_{action.pk}": "yes",
                f"goal_{action.pk}": "partly",
                "outcome": "close",
                "close_reason": "goals_met",
            },
        )
    )
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.CLOSED
    for url in (
        reverse("sip:plan", kwargs={"pk": plan.pk}),
        reverse("sip:process_detail", args=[plan.process_id]),
        reverse("sip:process_chart", args=[plan.process_id]),
        reverse("sip:process_list"),
    ):
        assert client.get(url).status_code == 200, url


def test_a_second_answer_gets_a_clear_conflict_message(client, world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    invitation = world.summon(plan).invitations.get(unit=world.bup)
    client.force_login(world.vera)
    url = reverse("sip:invitation", kwargs={"pk": invitation.pk})
    ok(client.post(url, {"answer": "accept", "attendees": "Vera"}))
    client.force_login(world.vilma)
    late = client.post(url, {"answer": "accept", "attendees": "Vilma"})
    assert late.status_code == 200
    assert "Kallelsen är redan besvarad" in late.content.decode()
    invitation.refresh_from_db()
    assert invitation.attendees == "Vera"


def test_a_starter_without_a_case_role_is_refused(client, world):
    from directory.models import Membership
    from tests.factories import MembershipFactory

    manager = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    client.force_login(manager)
    assert client.get(reverse("sip:start:execute")).status_code == 403


@pytest.mark.parametrize("junk", ["abc", "a\x00b", "9" * 100_000, "-1", "9" * 30, "²"])
def test_the_start_page_ignores_a_person_link_that_is_not_an_id(client, world, junk):
    client.force_login(world.sara)
    page = client.get(reverse("sip:start:execute"), {"person": junk})
    assert page.status_code == 200
    assert page.context["form"].initial["personal_identity_number"] == ""


def test_the_start_page_prefills_the_linked_persons_number(client, world):
    client.force_login(world.sara)
    page = client.get(reverse("sip:start:execute"), {"person": world.child.pk})
    number = world.child.personal_identity_number
    assert page.context["form"].initial["personal_identity_number"] == number


def test_a_task_page_of_another_step_is_refused(client, world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    client.force_login(world.sara)
    # The meeting task is Sara's; the follow-up page must not run on it.
    task = Task.objects.get(process=plan.process_id, flow_task=SipFlow.hold_meeting)
    assert client.get(task_url(plan, SipFlow.hold_meeting)).status_code == 200
    url = SipFlow.follow_up.reverse("execute", args=[plan.process_id, task.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {}).status_code in (403, 404)


def test_the_reschedule_page_shows_the_current_time(client, world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    client.force_login(world.sara)
    page = client.get(reverse("sip:reschedule", kwargs={"pk": plan.pk}))
    assert page.status_code == 200
    local = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M")
    assert local in page.content.decode()


def test_the_queue_is_in_swedish(client, world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    client.force_login(world.vera)
    page = client.get(reverse("sip:queue")).content.decode()
    assert "Sammanfattning" in page
    assert "1–1 av 1" in page
    assert "Brief" not in page
