"""Reads from the access log, and its verification."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from directory.models import Person, Unit

from .chain import GENESIS_HASH, entry_digest, legacy_entry_digest
from .checkpoint import Checkpoint
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
    #: The last entry checked and its hash (what a new checkpoint records).
    last_pk: int = field(default=0, compare=False)
    head: str = field(default=GENESIS_HASH, compare=False)
    #: The last entry found with the legacy hash (0: none).
    legacy_until: int = field(default=0, compare=False)

    @property
    def ok(self) -> bool:
        return not self.reason


def audit_verify(*, checkpoint: Checkpoint | None = None) -> VerifyResult:
    """Walk the whole log in order and check every link and every seal, then compare it with
    ``checkpoint`` (the last one written outside the database, if any).

    Every entry must be sealed with the access log's key, except a run of entries at the
    start of the chain written before sealing began (legacy hash): up to the first sealed
    entry, and no further than the checkpoint's ``legacy_until``. Without a checkpoint a log
    cut short at its end, or emptied, still verifies; with one, the entry it names must be
    there with the hash and the count it recorded.

    ``checked`` counts the entries found intact before the first broken one.
    """
    legacy_allowed_until = checkpoint.legacy_until if checkpoint is not None else None
    expected_previous = GENESIS_HASH
    checked = last_pk = legacy_until = 0
    sealed_seen = checkpoint_seen = False

    def result(first_broken_pk: int | None = None, reason: str = "") -> VerifyResult:
        return VerifyResult(
            checked=checked,
            first_broken_pk=first_broken_pk,
            reason=reason,
            last_pk=last_pk,
            head=expected_previous,
            legacy_until=legacy_until,
        )

    for entry in AccessLogEntry.objects.order_by("pk").iterator(chunk_size=2000):
        if entry.previous_hash != expected_previous:
            return result(entry.pk, "previous_hash does not match the hash of the entry before it")
        if hmac.compare_digest(entry_digest(entry, entry.previous_hash), entry.entry_hash):
            sealed_seen = True
        elif legacy_entry_digest(entry, entry.previous_hash) != entry.entry_hash:
            return result(entry.pk, "entry_hash does not match the entry's contents")
        elif sealed_seen or (legacy_allowed_until is not None and entry.pk > legacy_allowed_until):
            return result(
                entry.pk,
                "entry_hash is a plain SHA-256, not sealed with the access log's key, "
                "where only sealed entries may follow",
            )
        else:
            legacy_until = entry.pk
        checked += 1
        if checkpoint is not None and entry.pk == checkpoint.last_pk:
            checkpoint_seen = True
            if entry.entry_hash != checkpoint.head or checked != checkpoint.count:
                return result(
                    entry.pk,
                    f"the log differs from the checkpoint of {checkpoint}, which recorded "
                    f"{checkpoint.count} entries up to this one with hash "
                    f"{checkpoint.head[:16]}…: it was rewritten",
                )
        expected_previous = entry.entry_hash
        last_pk = entry.pk
    if checkpoint is not None and checkpoint.count and not checkpoint_seen:
        return result(
            None,
            f"entry {checkpoint.last_pk}, the last of {checkpoint.count} at the checkpoint of "
            f"{checkpoint}, is missing: the log now has {checked} entries"
            + (f" up to entry {last_pk}" if last_pk else "")
            + ", so entries were removed",
        )
    return result()
