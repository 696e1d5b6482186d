"""Escalation: one daily digest per chef, grouping what is overdue in the units they lead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import ngettext

from cases import registry
from cases.registry import OverviewRows
from directory.models import Membership
from notifications.messages import email_for_event
from notifications.models import Event
from overview.digest import OverviewEvent, escalation_digests_send
from sipflow.models import SipPlan
from tests.factories import MembershipFactory, UserFactory
from tests.sipflow_world import answer_by_set

pytestmark = pytest.mark.django_db


def morning(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_one_digest_per_chef_per_day_grouping_their_units(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    answer_by_set(meeting, yesterday)
    SipPlan.objects.filter(pk=plan.pk).update(next_follow_up=yesterday)

    region_chef = MembershipFactory(unit=world.bup, role=Membership.Role.MANAGER).user
    Membership.objects.create(user=region_chef, unit=world.primary, role=Membership.Role.MANAGER)
    social_chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    MembershipFactory(unit=world.adult_psych, role=Membership.Role.MANAGER)  # nothing overdue

    today = timezone.localdate()
    assert escalation_digests_send(at=morning(today, hour=6)) == 0  # before 07:00
    assert escalation_digests_send(at=morning(today)) == 2
    assert escalation_digests_send(at=morning(today, hour=15)) == 0  # once a day

    digests = {
        e.recipient_user: e.data for e in Event.objects.filter(kind=OverviewEvent.ESCALATION)
    }
    assert digests[region_chef] == {
        "date": today.isoformat(),
        "unanswered": 2,  # BUP and the vårdcentral, in one digest
        "overdue_follow_ups": 0,
        "sip_no_follow_up": 0,
        "sip_halted": 0,
        "sip_consents_expiring": 0,
        "placement_consents_ended": 0,
        "placement_reviews_due": 0,
        "placement_lvm_ends": 0,
        "placement_cost_allocations_overdue": 0,
        "placement_handovers_open": 0,
        "placement_visits_overdue": 0,
        "placement_health_exams_not_done": 0,
        "deviation_allocations_pending": 0,
    }
    assert digests[social_chef]["overdue_follow_ups"] == 1
    assert escalation_digests_send(at=morning(today + dt.timedelta(days=1))) == 2


@pytest.fixture
def later_lists(monkeypatch):
    """The chef's lists placement (överväganden) and consent (samtycken som går ut) are to
    register, with the digest phrases they will bring; the digest words whatever is
    registered, after SIP's lists."""

    def rows(**kwargs):
        return []

    for order, code, counted in (
        (
            30,
            "overdue_reviews",
            lambda n: ngettext(
                "%(count)d försenat övervägande", "%(count)d försenade överväganden", n
            ),
        ),
        (
            40,
            "expiring_consents",
            lambda n: ngettext(
                "%(count)d samtycke som snart går ut", "%(count)d samtycken som snart går ut", n
            ),
        ),
    ):
        spec = OverviewRows(
            code=code, title=code, empty="", describe=str, rows=rows, counted=counted, order=order
        )
        monkeypatch.setitem(registry._overview_rows, code, spec)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        (
            {"unanswered": 1, "overdue_follow_ups": 1, "expiring_consents": 1},
            "Försenat i dina enheter: 1 obesvarad kallelse, 1 försenad uppföljning och "
            "1 samtycke som snart går ut.",
        ),
        (
            {"unanswered": 3, "overdue_follow_ups": 2, "expiring_consents": 2},
            "Försenat i dina enheter: 3 obesvarade kallelser, 2 försenade uppföljningar och "
            "2 samtycken som snart går ut.",
        ),
        (
            {"unanswered": 0, "overdue_follow_ups": 4, "expiring_consents": 0},
            "Försenat i dina enheter: 4 försenade uppföljningar.",
        ),
        (
            {"overdue_reviews": 1, "unanswered": 2},
            "Försenat i dina enheter: 2 obesvarade kallelser och 1 försenat övervägande.",
        ),
        ({"unanswered": 0}, "Inget är försenat i dina enheter."),
    ],
)
def test_escalation_digest_counts_in_singular_and_plural(later_lists, counts, expected):
    event = Event.objects.create(
        kind=OverviewEvent.ESCALATION,
        recipient_user=UserFactory(),
        url="/",
        data={"date": "2026-11-23", **counts},
    )

    body = email_for_event(event=event, to=["chef@example.se"], site_url="https://x.se").body

    assert body.startswith(expected + "\n")
    assert "Sammanställt: 23 november 2026" in body
