"""Writes to the outbox."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from directory.models import Unit, User

from .models import Event


class OutsideTransaction(RuntimeError):
    """An event must be written in the transaction of the change that causes it."""


def event_emit(
    *,
    kind: str,
    recipient_user: User | None = None,
    recipient_unit: Unit | None = None,
    url: str = "",
    data: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> Event | None:
    """Write one event to the outbox, inside the caller's transaction.

    With a ``dedupe_key`` the event is written once however often it is emitted; a repeat
    returns None.
    """
    if not transaction.get_connection().in_atomic_block:
        raise OutsideTransaction("event_emit must run inside transaction.atomic()")
    if recipient_user is None and recipient_unit is None:
        raise ValueError("an event needs a recipient")
    event = Event(
        kind=kind,
        recipient_user=recipient_user,
        recipient_unit=recipient_unit,
        url=url,
        data=data or {},
        dedupe_key=dedupe_key,
    )
    if dedupe_key is None:
        event.save()
        return event
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        if Event.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    return event
