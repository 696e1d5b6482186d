import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from viewflow.workflow.models import Task

from notifications.models import Event
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
