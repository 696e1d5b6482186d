"""The chef's statistics computed ahead: once a day, by the periodic tick, for each chef's
units where the direct query is slow, so that the page of a large region at national scale
reads one row instead of aggregating every event of the period (bench/overview.py).

The snapshot is the direct computation (query.statistics_aggregates) stored as it came out,
so it equals it on the day it was computed; what was recorded later that day shows the next
day, and the page says when its figures were computed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import time
from collections.abc import Sequence

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from cases.registry import StatisticsMeasure, statistics_measures
from core.databases import read_alias
from directory.models import Membership

from ..models import StatisticsSnapshot
from .periods import Period, default_period, period_parse
from .query import Aggregate, statistics_aggregates

#: How long the tick may spend on snapshots in one run (seconds), so that a large
#: organisation's statistics never hold up the next tick for long.
TICK_BUDGET = 30.0


def snapshot_key(*, units: Sequence[int], measures: Sequence[StatisticsMeasure]) -> str:
    """The units and the measures a snapshot is of: another unit, or a measure added or
    removed, is another snapshot."""
    text = (
        ",".join(str(pk) for pk in sorted(set(units)))
        + "|"
        + ",".join(measure.code for measure in measures)
    )
    return hashlib.sha256(text.encode()).hexdigest()


def snapshot_figures(snapshot: StatisticsSnapshot) -> list[Aggregate]:
    return [Aggregate(**row) for row in snapshot.figures]


def statistics_snapshot_find(
    *, units: Sequence[int], period: Period, today: dt.date
) -> StatisticsSnapshot | None:
    """Today's snapshot of these units and this period, if the tick made one and computing
    it took at least STATISTICS_SNAPSHOT_SECONDS (read where the statistics read: the
    replica where one is configured). Faster statistics are computed live."""
    key = snapshot_key(units=units, measures=statistics_measures())
    return (
        StatisticsSnapshot.objects.using(read_alias())
        .filter(
            key=key,
            period=period.code,
            computed_on=today,
            seconds__gte=settings.STATISTICS_SNAPSHOT_SECONDS,
        )
        .first()
    )


def statistics_snapshot_compute(
    *, units: Sequence[int], period: Period, today: dt.date
) -> tuple[list[Aggregate], StatisticsSnapshot]:
    """Compute the figures directly and store them as today's snapshot, with the seconds it
    took (one row per units, period and day: a second computation the same day changes
    nothing)."""
    measures = statistics_measures()
    started = time.perf_counter()
    figures = statistics_aggregates(
        measures=measures, units=list(units), period=period.span, today=today, using=read_alias()
    )
    seconds = time.perf_counter() - started
    snapshot = StatisticsSnapshot(
        key=snapshot_key(units=units, measures=measures),
        period=period.code,
        computed_on=today,
        computed_at=timezone.now(),
        seconds=seconds,
        figures=[dataclasses.asdict(figure) for figure in figures],
    )
    StatisticsSnapshot.objects.using(DEFAULT_DB_ALIAS).bulk_create(
        [snapshot], ignore_conflicts=True
    )
    return figures, snapshot


def _periods(today: dt.date) -> list[Period]:
    """The periods a chef looks at most: this year (the page's default), quarter and month."""
    quarter = (today.month - 1) // 3 + 1
    return [
        default_period(today=today),
        period_parse(f"{today.year}-K{quarter}", today=today),
        period_parse(f"{today:%Y-%m}", today=today),
    ]


def statistics_snapshots_refresh(
    *, today: dt.date | None = None, budget: float = TICK_BUDGET
) -> int:
    """The tick's part: today's snapshots of every chef's units, for this year, quarter and
    month (the page uses those that were slow to compute; a small kommun's statistics stay
    live); yesterday's are removed. Stops when ``budget`` seconds are spent, to go on at the
    next tick. Returns how many it computed."""
    today = today or timezone.localdate()
    StatisticsSnapshot.objects.filter(computed_on__lt=today).delete()
    started = time.perf_counter()
    measures = statistics_measures()
    done: set[tuple[str, str]] = set(
        StatisticsSnapshot.objects.filter(computed_on=today).values_list("key", "period")
    )
    # Each chef's units (user_managed_units: the units of their manager memberships).
    chefs: dict[int, set[int]] = {}
    for user_id, unit_id in Membership.objects.filter(
        role=Membership.Role.MANAGER, user__is_active=True
    ).values_list("user_id", "unit_id"):
        chefs.setdefault(user_id, set()).add(unit_id)
    computed = 0
    for units in {tuple(sorted(units)) for units in chefs.values()}:
        key = snapshot_key(units=units, measures=measures)
        for period in _periods(today):
            if (key, period.code) in done:
                continue
            if time.perf_counter() - started > budget:
                return computed
            statistics_snapshot_compute(units=units, period=period, today=today)
            done.add((key, period.code))
            computed += 1
    return computed
