"""Reads from the access log, and its verification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from directory.models import Person, Unit

from .chain import GENESIS_HASH, entry_digest
from .models import AccessLogEntry


def person_access_log(
    *, person: Person, since: dt.datetime | None = None, refused_only: bool = False
) -> QuerySet[AccessLogEntry]:
    """Who has looked at this person's case, or tried to and was refused, newest first."""
    entries = AccessLogEntry.objects.filter(person=person)
    if since is not None:
        entries = entries.filter(at__gte=since)
    if refused_only:
        entries = entries.filter(refused=True)
    return entries.select_related("user", "unit", "organisation").order_by("-at", "-pk")


def _day_starts(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local midnights that begin ``start`` and end ``end`` (the day after it)."""
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
        timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)),
    )


def outside_accesses(
    *, persons: Iterable[Person], unit: Unit, start: dt.date, end: dt.date
) -> QuerySet[AccessLogEntry]:
    """Accesses to ``persons`` made from any unit but ``unit`` (or from no unit) between
    ``start`` and ``end``, both days included, in the order they happened."""
    since, until = _day_starts(start, end)
    return (
        AccessLogEntry.objects.filter(person__in=persons, at__gte=since, at__lt=until)
        .exclude(unit=unit)
        .select_related("user", "unit", "organisation", "person")
        .order_by("at", "pk")
    )


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    first_broken_pk: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.first_broken_pk is None


def audit_verify() -> VerifyResult:
    """Walk the whole log in order and check every link and every hash.

    ``checked`` counts the entries found intact before the first broken one. A chain cut
    short at its end (the newest entries removed) still verifies: compare the count and the
    last hash with a copy kept elsewhere to notice that.
    """
    expected_previous = GENESIS_HASH
    checked = 0
    for entry in AccessLogEntry.objects.order_by("pk").iterator(chunk_size=2000):
        if entry.previous_hash != expected_previous:
            return VerifyResult(
                checked=checked,
                first_broken_pk=entry.pk,
                reason="previous_hash does not match the hash of the entry before it",
            )
        if entry_digest(entry, entry.previous_hash) != entry.entry_hash:
            return VerifyResult(
                checked=checked,
                first_broken_pk=entry.pk,
                reason="entry_hash does not match the entry's contents",
            )
        expected_previous = entry.entry_hash
        checked += 1
    return VerifyResult(checked=checked, first_broken_pk=None, reason="")
