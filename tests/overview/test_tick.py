import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from viewflow.workflow.models import Task

from cases import registry
from cases.registry import PeriodicJob, periodic_jobs
from notifications.models import Event
from overview.management.commands.tick import tick
from sipflow import services
from sipflow.events import SipEvent
from sipflow.flows import SipFlow

pytestmark = pytest.mark.django_db


def test_tick_brings_a_due_follow_up_to_the_leads_inbox(world, capsys):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    services.meeting_hold(
        plan=plan,
        by=world.sara,
        attendance="Alla",
        persons_goals="Mål",
        actions=[
            services.ActionInput(
                need="Sömn",
                action="Utredning",
                responsible_organisation=world.region,
                starts_on=timezone.localdate(),
            )
        ],
        lead_unit=world.social,
        next_follow_up=timezone.localdate() + dt.timedelta(days=30),
    )
    call_command("tick")
    assert not Task.objects.filter(flow_task=SipFlow.follow_up).exists()

    Task.objects.filter(flow_task=SipFlow.wait_for_follow_up).update(
        scheduled=timezone.now() - dt.timedelta(seconds=1)
    )
    call_command("tick")
    assert "timers=1" in capsys.readouterr().out
    assert Task.objects.get(flow_task=SipFlow.follow_up).owner == world.sara
    assert Event.objects.get(kind=SipEvent.FOLLOW_UP_DUE).recipient_user == world.sara


def test_the_tick_runs_the_registered_jobs_in_order_with_the_same_names():
    assert [job.name for job in periodic_jobs()] == [
        "timers",
        "consents",
        "reconsidered",
        "placement_consent_ends",
        "grants",
        "unanswered",
        "due_soon",
        "placement_clocks",
        "placement_reviews",
        "placement_cost_allocations",
        "placement_ending_plans",
        "deviation_allocations",
        "digests",
        "api_idempotency",
        "mail",
        "statistics",
        "workload",
    ]


def test_a_registered_job_runs_and_a_failing_one_stops_nothing(monkeypatch, capsys):
    ran = []

    def broken() -> int:
        ran.append("broken")
        raise RuntimeError("boom")

    def counting() -> int:
        ran.append("counting")
        return 3

    monkeypatch.setitem(
        registry._periodic_jobs, "broken", PeriodicJob(name="broken", run=broken, order=1)
    )
    monkeypatch.setitem(
        registry._periodic_jobs, "counting", PeriodicJob(name="counting", run=counting, order=2)
    )

    results = tick()

    assert ran == ["broken", "counting"]
    assert results["broken"] == -1
    assert results["counting"] == 3
    assert results["mail"] == 0  # the jobs after them ran as well
    call_command("tick")
    out = capsys.readouterr().out
    assert out.startswith("broken=-1 counting=3 timers=0 consents=0 ")
    assert out.rstrip().endswith("digests=0 api_idempotency=0 mail=0 statistics=0 workload=0")
