"""Until every party has agreed the temporary allocation of responsibility, the report is
red on both chefs' overviews, counted in their digest, and reminded daily (after each
organisation's reminder hour, as often as it chose: directory.durations)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.registry import overview_rows, periodic_jobs
from deviations import services
from deviations.events import DeviationEvent
from deviations.models import Deviation
from deviations.rules import HandlerRole
from directory.durations import DurationCode
from directory.models import DurationOverride, Membership
from notifications.messages import email_for_event
from notifications.models import Event
from overview.digest import OverviewEvent, escalation_digests_send
from tests.deviations.helpers import at, report
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def reminders():
    return Event.objects.filter(kind=DeviationEvent.ALLOCATION_REMINDER)


def test_both_parties_are_reminded_daily_until_the_allocation_is_agreed(world):
    reported = timezone.localdate() - dt.timedelta(days=3)
    deviation = report(world, at=at(reported, 15))
    send = services.allocation_reminders_send

    assert send(at=at(reported, 16)) == 0  # not on the day of the report
    day = reported + dt.timedelta(days=1)
    assert send(at=at(day, 6)) == 0  # before the reminder hour (07:00)
    assert send(at=at(day, 7)) == 2  # the kommun's unit and the region's
    assert send(at=at(day, 15)) == 0  # once a day
    assert set(reminders().values_list("recipient_unit", flat=True)) == {
        world.social.pk,
        world.bup.pk,
    }
    assert send(at=at(day + dt.timedelta(days=1), 8)) == 2

    services.allocation_agree(deviation=deviation, by=world.sara, at=at(day, 16))
    assert send(at=at(day + dt.timedelta(days=2), 8)) == 0
    # The e-mail names no one and nothing of what happened: a date and the link.
    body = email_for_event(event=reminders().first(), to=["x@example.se"], site_url="http://s")
    assert "Ek" not in body.body and "besvarades" not in body.body
    assert "http://s" + reverse("deviations:detail", kwargs={"pk": deviation.pk}) in body.body


def test_an_organisation_may_remind_less_often_and_a_handler_elsewhere_hears_too(world):
    reported = timezone.localdate() - dt.timedelta(days=5)
    deviation = report(world, at=at(reported))
    DurationOverride.objects.create(
        organisation=world.region,
        code=DurationCode.DEVIATION_ALLOCATION_REMINDER,
        value=2,
        effective_from=reported,
    )
    mas = MembershipFactory(
        unit__organisation=world.ludvika, role=Membership.Role.HEALTH_STAFF
    ).user
    services.handler_name(
        deviation=deviation,
        by=world.sara,
        party=deviation.parties.get(unit=world.social),
        handler=mas,
        role=HandlerRole.MAS,
        at=at(reported, 10),
    )
    first = reported + dt.timedelta(days=1)
    assert services.allocation_reminders_send(at=at(first, 8)) == 2  # Ludvika: unit, the MAS
    second = reported + dt.timedelta(days=2)
    assert services.allocation_reminders_send(at=at(second, 8)) == 3  # and the region's
    assert reminders().filter(recipient_user=mas).count() == 2


def test_the_reminder_runs_in_the_tick():
    assert "deviation_allocations" in [job.name for job in periodic_jobs()]


def test_it_is_red_on_both_chefs_overviews_until_agreed(client, world, chefs, falun):
    deviation = report(world)
    for chef in chefs.values():
        client.force_login(chef)
        page = client.get(reverse("overview:index")).content.decode()
        assert "Avvikelser utan överenskommen tillfällig ansvarsfördelning" in page
        assert deviation.reference in page and "#b00020" in page
        assert "Alva" not in page
    client.force_login(falun["chef"])  # a chef the report does not concern
    assert deviation.reference not in client.get(reverse("overview:index")).content.decode()

    today = timezone.localdate()
    spec = next(rows for rows in overview_rows() if rows.code == "deviation_allocations_pending")
    assert spec.rows(user=chefs["bup"], units=[world.bup], today=today) == [deviation]
    escalation_digests_send(at=at(today, 8))
    digest = Event.objects.get(kind=OverviewEvent.ESCALATION, recipient_user=chefs["social"])
    assert digest.data["deviation_allocations_pending"] == 1

    # The list counts the days since the report, which is no deadline: never "försenad".
    reported = today - dt.timedelta(days=3)
    Deviation.objects.filter(pk=deviation.pk).update(reported_at=at(reported, 10))
    client.force_login(chefs["bup"])
    listed = client.get(
        reverse("overview:list", kwargs={"code": "deviation_allocations_pending"})
    ).content.decode()
    assert f"Rapporterad {reported:%Y-%m-%d} (3 dagar)" in listed
    assert "försenad" not in listed

    services.allocation_agree(deviation=deviation, by=world.sara)
    assert spec.rows(user=chefs["bup"], units=[world.bup], today=today) == []
    client.force_login(chefs["social"])
    assert deviation.reference not in client.get(reverse("overview:index")).content.decode()
