"""The chef's workload per handläggare (arbetsbelastning), counted ahead where counting it is
slow.

The workload counts every open case of the chef's units, and every overdue item, per
handläggare, each case checked against the chef's grants: for the largest region at national
scale that is tens of thousands of cases, a third of a second on every look, and it grows with
the data. Where counting took at least WORKLOAD_SNAPSHOT_SECONDS, the count is kept
(``WorkloadSnapshot``, one per chef) and the periodic tick counts it again every
WORKLOAD_SNAPSHOT_MINUTES; the page reads it while it is at most twice that old and says when
it was counted. A faster workload is counted on every look. The lists themselves (which
cases are late) are always read live: only these numbers can be a few minutes old."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from django.utils import timezone

from directory.models import Membership, Unit, User

from .models import WorkloadSnapshot
from .selectors import OverviewReader, WorkloadRow, overview_units, workload_rows

#: How long the tick may spend on workloads in one run (seconds); what is left waits for
#: the next tick, the oldest count first.
TICK_BUDGET = 20.0


@dataclass(frozen=True)
class Workload:
    """The workload's rows, and when they were counted if not just now (a kept count)."""

    rows: list[WorkloadRow]
    counted_at: dt.datetime | None = None


def workload_key(*, units: Sequence[Unit]) -> str:
    """The units a count is of: another set of units is another count."""
    text = ",".join(str(pk) for pk in sorted({unit.pk for unit in units}))
    return hashlib.sha256(text.encode()).hexdigest()


def _fresh_since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(minutes=2 * settings.WORKLOAD_SNAPSHOT_MINUTES)


def _count(
    *, user: User, units: Sequence[Unit], today: dt.date
) -> tuple[dict[int, tuple[int, int]], float]:
    """The workload counted now, and the seconds that took."""
    started = time.perf_counter()
    counts = OverviewReader(user=user, units=units, today=today).workload_counts()
    return counts, time.perf_counter() - started


def _keep(
    *,
    user: User,
    units: Sequence[Unit],
    today: dt.date,
    counts: dict[int, tuple[int, int]],
    seconds: float,
    now: dt.datetime | None = None,
) -> WorkloadSnapshot:
    snapshot, _created = WorkloadSnapshot.objects.using(DEFAULT_DB_ALIAS).update_or_create(
        user=user,
        defaults={
            "key": workload_key(units=units),
            "computed_on": today,
            "computed_at": now or timezone.now(),
            "seconds": seconds,
            "counts": [[pk, n_open, n_overdue] for pk, (n_open, n_overdue) in counts.items()],
        },
    )
    return snapshot


def workload_snapshot_compute(
    *, user: User, units: Sequence[Unit], today: dt.date, now: dt.datetime | None = None
) -> WorkloadSnapshot:
    """Count the workload directly and keep the count, with the seconds it took, as the
    chef's snapshot (replacing the one before)."""
    counts, seconds = _count(user=user, units=units, today=today)
    return _keep(user=user, units=units, today=today, counts=counts, seconds=seconds, now=now)


def workload_read(*, user: User, units: Sequence[Unit], today: dt.date) -> Workload:
    """The chef's workload: the kept count where there is one of these units, for today,
    slow to count and at most twice WORKLOAD_SNAPSHOT_MINUTES old; otherwise counted now,
    and kept if that was slow (the tick then keeps it counted)."""
    snapshot = WorkloadSnapshot.objects.filter(
        user=user,
        key=workload_key(units=units),
        computed_on=today,
        computed_at__gte=_fresh_since(timezone.now()),
        seconds__gte=settings.WORKLOAD_SNAPSHOT_SECONDS,
    ).first()
    if snapshot is not None:
        counts = {pk: (n_open, n_overdue) for pk, n_open, n_overdue in snapshot.counts}
        return Workload(rows=workload_rows(counts), counted_at=snapshot.computed_at)
    counts, seconds = _count(user=user, units=units, today=today)
    if seconds >= settings.WORKLOAD_SNAPSHOT_SECONDS:
        _keep(user=user, units=units, today=today, counts=counts, seconds=seconds)
    return Workload(rows=workload_rows(counts))


def workload_snapshots_refresh(
    *, now: dt.datetime | None = None, budget: float = TICK_BUDGET
) -> int:
    """The tick's part: count again, the oldest first, every kept workload that was slow to
    count and is WORKLOAD_SNAPSHOT_MINUTES old or from an earlier day, for the chef's units
    as they are now. A chef who leads no unit any more loses hers, and so does a workload
    that has become fast to count once its day is over (the page counts it live). Stops when
    ``budget`` seconds are spent, to go on at the next tick. Returns how many it counted."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    chefs = Membership.objects.filter(role=Membership.Role.MANAGER, user__is_active=True)
    WorkloadSnapshot.objects.exclude(user__in=chefs.values("user_id")).delete()
    WorkloadSnapshot.objects.filter(
        computed_on__lt=today, seconds__lt=settings.WORKLOAD_SNAPSHOT_SECONDS
    ).delete()
    due = (
        WorkloadSnapshot.objects.filter(seconds__gte=settings.WORKLOAD_SNAPSHOT_SECONDS)
        .filter(
            Q(computed_at__lte=now - dt.timedelta(minutes=settings.WORKLOAD_SNAPSHOT_MINUTES))
            | Q(computed_on__lt=today)
        )
        .select_related("user")
        .order_by("computed_at")
    )
    started = time.perf_counter()
    counted = 0
    for snapshot in list(due):
        if time.perf_counter() - started > budget:
            break
        user = snapshot.user
        workload_snapshot_compute(user=user, units=overview_units(user=user), today=today, now=now)
        counted += 1
    return counted
