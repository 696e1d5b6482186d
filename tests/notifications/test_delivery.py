"""The outbox: nothing sent for a rolled-back change, retries with back-off, exactly once,
a visible failure, and nothing lost when the worker dies."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import Delivery, Event, Notification
from notifications.services import CLAIM_LEASE, MAX_ATTEMPTS, deliveries_send, event_emit
from sipflow import services
from sipflow.events import SipEvent
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.notifications.flaky_backend import FlakyBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.flaky_backend.FlakyBackend"
    FlakyBackend.reset()
    return FlakyBackend


def emit_to(*addresses: str) -> list[Event]:
    events = []
    with transaction.atomic():
        for address in addresses:
            user = UserFactory(email=address)
            events.append(event_emit(kind=SipEvent.FOLLOW_UP_DUE, recipient_user=user, url="/sip/"))
    return events


def run_until_done(now: dt.datetime, rounds: int = 20) -> dt.datetime:
    for _ in range(rounds):
        deliveries_send(now=now)
        if not Delivery.objects.filter(status=Delivery.Status.PENDING).exists():
            break
        now += dt.timedelta(hours=1)
    return now


def test_a_rolled_back_change_sends_nothing(world, flaky):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    invitation = world.summon(plan).invitations.get(unit=world.bup)
    before = Event.objects.count(), Delivery.objects.count(), Notification.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.invitation_accept(invitation=invitation, by=world.vera, attendees="Vera")
        raise RuntimeError("something later in the same change failed")

    assert (Event.objects.count(), Delivery.objects.count(), Notification.objects.count()) == (
        before
    )
    invitation.refresh_from_db()
    assert invitation.status == invitation.Status.PENDING


def test_the_mail_server_fails_then_recovers_and_each_message_goes_once(flaky):
    emit_to("a@example.se", "b@example.se", "c@example.se")
    flaky.reset(failures=4)
    run_until_done(timezone.now())

    assert sorted(to for message in flaky.sent for to in message.to) == [
        "a@example.se",
        "b@example.se",
        "c@example.se",
    ]
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert sum(Delivery.objects.values_list("attempts", flat=True)) == 3 + 4
    assert deliveries_send(now=timezone.now() + dt.timedelta(days=1)).sent == 0
    assert len(flaky.sent) == 3


def test_retries_back_off(flaky):
    emit_to("a@example.se")
    flaky.reset(failures=2)
    now = timezone.now()
    assert deliveries_send(now=now).retried == 1
    assert deliveries_send(now=now).retried == 0  # not due yet: one minute back-off
    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at == now + dt.timedelta(minutes=1)
    assert deliveries_send(now=now + dt.timedelta(minutes=1)).retried == 1
    assert Delivery.objects.get().next_attempt_at == now + dt.timedelta(minutes=3)


def test_a_message_that_keeps_failing_ends_failed_with_its_error(flaky, admin_client):
    emit_to("a@example.se")
    flaky.reset(failures=1000)
    run_until_done(timezone.now(), rounds=MAX_ATTEMPTS + 2)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in delivery.last_error
    page = admin_client.get(
        reverse("admin:notifications_delivery_changelist"), {"status__exact": "failed"}
    )
    assert "a@example.se" in page.content.decode()


def test_the_worker_dies_mid_batch_and_nothing_is_lost_or_doubled(flaky):
    emit_to("a@example.se", "b@example.se", "c@example.se")
    flaky.reset(die_on="b@example.se")
    with pytest.raises(SystemExit):
        deliveries_send(now=timezone.now())
    assert Delivery.objects.get(to="b@example.se").status == Delivery.Status.PENDING

    deliveries_send(now=timezone.now() + CLAIM_LEASE)  # the killed one, after its lease
    counts = Counter(to for message in flaky.sent for to in message.to)
    assert counts == {"a@example.se": 1, "b@example.se": 1, "c@example.se": 1}
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_unit_mail_goes_to_the_mailbox_and_members_as_configured():
    unit = UnitFactory(email="bup@example.se", mail_to_mailbox=True, mail_to_members=False)
    member = MembershipFactory(unit=unit, user__email="vera@example.se").user
    with transaction.atomic():
        event = event_emit(kind=SipEvent.INVITATION_SENT, recipient_unit=unit, url="/")
    assert list(event.deliveries.values_list("to", flat=True)) == ["bup@example.se"]
    assert list(event.notifications.values_list("user", flat=True)) == [member.pk]

    unit.mail_to_members = True
    unit.save()
    with transaction.atomic():
        event = event_emit(kind=SipEvent.INVITATION_SENT, recipient_unit=unit, url="/")
    assert sorted(event.deliveries.values_list("to", flat=True)) == [
        "bup@example.se",
        "vera@example.se",
    ]


def test_a_reschedule_mails_an_invitation_with_a_higher_sequence(world, mailoutbox):
    import icalendar

    world.consent_all()  # BUP hears of the consents before it has a mailbox
    world.bup.email = "bup@example.se"
    world.bup.save()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    services.meeting_reschedule(
        meeting=meeting,
        by=world.sara,
        starts_at=timezone.now() + dt.timedelta(days=20),
        place="Rum 2",
    )
    deliveries_send(now=timezone.now())
    to_bup = [m for m in mailoutbox if m.to == ["bup@example.se"]]
    assert len(to_bup) == 2
    sequences = []
    for message in to_bup:
        (attachment,) = [a for a in message.attachments if a[0] == "invite.ics"]
        calendar = icalendar.Calendar.from_ical(attachment[1])
        (vevent,) = calendar.walk("VEVENT")
        sequences.append(int(vevent["SEQUENCE"]))
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(meeting.uid) in str(vevent["UID"])
        body = message.body + message.subject
        assert "Alva" not in body and world.child.personal_identity_number not in body
    assert sorted(sequences) == [0, 1]


def test_a_message_that_kills_the_worker_every_time_ends_failed_without_blocking(flaky):
    """Review finding: a poison message must not hold up the queue behind it."""
    emit_to("poison@example.se", "b@example.se")
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS + 1):
        flaky.reset(die_on="poison@example.se")
        flaky.sent = []
        with contextlib.suppress(SystemExit):
            deliveries_send(now=now)
        now += CLAIM_LEASE
    assert Delivery.objects.get(to="b@example.se").status == Delivery.Status.SENT
    poison = Delivery.objects.get(to="poison@example.se")
    assert poison.status == Delivery.Status.FAILED
    assert poison.attempts == MAX_ATTEMPTS + 1


def enqueued(callbacks) -> int:
    """How many of the captured on-commit callbacks wake the delivery worker."""
    from notifications.services import _enqueue_delivery

    return sum(1 for callback in callbacks if callback is _enqueue_delivery)


def test_the_worker_is_woken_once_per_change_and_only_for_e_mail(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as none_to_send:
        emit_to("")  # an in-app notice only: no address, nothing for the worker
    with django_capture_on_commit_callbacks() as two_to_send:
        emit_to("a@example.se", "b@example.se")

    assert enqueued(none_to_send) == 0
    assert Delivery.objects.count() == 2
    assert enqueued(two_to_send) == 1


def test_an_e_mail_outside_a_rolled_back_savepoint_still_wakes_the_worker(
    django_capture_on_commit_callbacks,
):
    inner, outer = UserFactory(email="inner@example.se"), UserFactory(email="outer@example.se")
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        with contextlib.suppress(RuntimeError), transaction.atomic():
            event_emit(kind=SipEvent.FOLLOW_UP_DUE, recipient_user=inner, url="/sip/")
            raise RuntimeError("this part of the change is undone")
        event_emit(kind=SipEvent.FOLLOW_UP_DUE, recipient_user=outer, url="/sip/")

    assert list(Delivery.objects.values_list("to", flat=True)) == ["outer@example.se"]
    assert enqueued(callbacks) == 1
