"""Writes to the outbox, and the worker that delivers it.

``event_emit`` writes the event, its in-app notifications and its pending e-mails in the
caller's transaction: a change that rolls back leaves nothing to send. After commit the
worker (``deliver_outbox``, a django-tasks task; also run by the tick for retries) sends the
e-mails one by one, each under a row lock, with back-off on failure.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from directory.models import Unit, User
from directory.selectors import CASE_ROLES

from .kinds import Recipient, event_kind
from .models import Delivery, Event, Notification

log = logging.getLogger(__name__)

#: After this many failed attempts a delivery is marked failed (visible in the admin).
MAX_ATTEMPTS = 8
#: Back-off: 1, 2, 4, … minutes, at most an hour.
BACKOFF_CAP = dt.timedelta(hours=1)


class OutsideTransaction(RuntimeError):
    """An event must be written in the transaction of the change that causes it."""


class UnknownEventKind(ValueError):
    """No app registered this kind of event (notifications.kinds.register_event_kind)."""


class WrongRecipient(ValueError):
    """The event is addressed to a kind of recipient its kind does not take."""


def event_emit(
    *,
    kind: str,
    recipient_user: User | None = None,
    recipient_unit: Unit | None = None,
    url: str = "",
    data: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> Event | None:
    """Write one event to the outbox, with its notifications and e-mails, inside the
    caller's transaction. With a ``dedupe_key`` the event is written once however often it
    is emitted; a repeat returns None. The kind must be registered and take the recipient
    given (a unit's case workers, or one user)."""
    if not transaction.get_connection().in_atomic_block:
        raise OutsideTransaction("event_emit must run inside transaction.atomic()")
    if recipient_user is None and recipient_unit is None:
        raise ValueError("an event needs a recipient")
    registered = event_kind(kind)
    if registered is None:
        raise UnknownEventKind(f"no app registered the event kind {kind!r}")
    for recipient, given in ((Recipient.USER, recipient_user), (Recipient.UNIT, recipient_unit)):
        if given is not None and recipient not in registered.recipients:
            raise WrongRecipient(f"an event of kind {kind!r} is not sent to a {recipient}")
    event = Event(
        kind=kind,
        recipient_user=recipient_user,
        recipient_unit=recipient_unit,
        url=url,
        data=data or {},
        dedupe_key=dedupe_key,
    )
    if dedupe_key is None:
        event.save()  # nothing can collide: no savepoint needed
    else:
        try:
            with transaction.atomic():
                event.save()
        except IntegrityError:
            if Event.objects.filter(dedupe_key=dedupe_key).exists():
                return None
            raise
    if _fan_out(event):
        _enqueue_delivery_on_commit()
    return event


def _enqueue_delivery_on_commit() -> None:
    """Wake the worker once the transaction commits: once however many events with e-mails
    it writes, and not at all for events that send none (in-app notices only). Savepoints
    nest, so a rollback that drops an earlier wake-up drops this event with it."""
    connection = transaction.get_connection()
    if not any(func is _enqueue_delivery for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_enqueue_delivery)


def _fan_out(event: Event) -> int:
    """Write the event's notifications and e-mails; the number of e-mails to send."""
    users: list[User] = []
    addresses: list[str] = []
    if event.recipient_user is not None:
        users.append(event.recipient_user)
        addresses.append(event.recipient_user.email)
    if event.recipient_unit is not None:
        unit = event.recipient_unit
        # The unit's case workers: its administrators and HVB staff see no SIP.
        members = list(
            User.objects.filter(
                memberships__unit=unit, memberships__role__in=CASE_ROLES, is_active=True
            )
            .distinct()
            .order_by("pk")
        )
        users += members
        if unit.mail_to_mailbox:
            addresses.append(unit.email)
        if unit.mail_to_members:
            addresses += [member.email for member in members]
    Notification.objects.bulk_create(
        [Notification(user=user, event=event) for user in dict.fromkeys(users)],
        ignore_conflicts=True,
    )
    deliveries = [
        Delivery(event=event, to=address) for address in dict.fromkeys(addresses) if address
    ]
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return len(deliveries)


def _enqueue_delivery() -> None:
    from .tasks import deliver_outbox

    try:
        deliver_outbox.enqueue()
    except Exception:  # the tick retries; a queue hiccup must not break the change
        log.exception("could not enqueue the outbox delivery")


def notification_mark_read(*, notification: Notification, by: User) -> Notification:
    if notification.user_id != by.pk:
        raise PermissionError("not your notification")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())
        notification.refresh_from_db()
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at=None).update(read_at=timezone.now())


@dataclass(frozen=True)
class DeliveryResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_CAP)


#: A message claimed by a worker is not claimed again for this long (longer than any send).
CLAIM_LEASE = dt.timedelta(minutes=10)


def deliveries_send(*, now: dt.datetime | None = None, limit: int = 200) -> DeliveryResult:
    """Send due e-mails.

    Each message is first claimed in its own committed transaction: the attempt is counted
    and the message is not due again for ``CLAIM_LEASE``, so another worker skips it and a
    message that kills the worker is retried later and ends failed instead of blocking the
    queue. It is then sent, and marked sent (once, guarded by its status) or given its error
    and a back-off. A worker that dies between the mail server's acceptance and the mark
    would send that one message again after the lease: at-least-once at that instant, which
    no mail protocol lets us close.
    """
    from .messages import email_for_event

    sent = retried = failed = 0
    site_url = settings.SITE_URL.rstrip("/")
    for _ in range(limit):
        now_ = now or timezone.now()
        with transaction.atomic():
            delivery = (
                Delivery.objects.select_for_update(skip_locked=True)
                .select_related("event")
                .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now_)
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if delivery is None:
                break
            delivery.attempts += 1
            delivery.next_attempt_at = now_ + CLAIM_LEASE
            if delivery.attempts > MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
                delivery.last_error = delivery.last_error or "the worker stopped while sending"
                failed += 1
            delivery.save(update_fields=["attempts", "next_attempt_at", "status", "last_error"])
            if delivery.status == Delivery.Status.FAILED:
                continue
        try:
            email_for_event(event=delivery.event, to=[delivery.to], site_url=site_url).send()
        except Exception as error:
            ended = delivery.attempts >= MAX_ATTEMPTS
            Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
                last_error=f"{type(error).__name__}: {error}"[:2000],
                status=Delivery.Status.FAILED if ended else Delivery.Status.PENDING,
                next_attempt_at=now_ + backoff(delivery.attempts),
            )
            failed += ended
            retried += not ended
        else:
            Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
                status=Delivery.Status.SENT, sent_at=now_
            )
            sent += 1
    return DeliveryResult(sent=sent, retried=retried, failed=failed)
