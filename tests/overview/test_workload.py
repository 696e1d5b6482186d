"""The chef's workload per handläggare where counting it is slow: kept (WorkloadSnapshot),
read by the page while fresh and saying when it was counted, kept counted by the tick, and
dropped when it is no chef's or no longer slow (overview.workload)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Membership
from overview.models import WorkloadSnapshot
from overview.workload import (
    workload_read,
    workload_snapshot_compute,
    workload_snapshots_refresh,
)
from tests.factories import UnitFactory
from tests.overview.test_overview_lists import (
    TODAY,
    Families,
    overdue,
    reader,
    seven_overdue,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db


def counted(workload) -> dict[str, tuple[int, int]]:
    return {row.handler.username: (row.open_cases, row.overdue) for row in workload.rows}


def another_overdue(world):
    """One more overdue SIP of Sara's, of a family the fixture did not make."""
    families = Families(world)
    families.count = 100
    overdue(families.new(), on=TODAY - dt.timedelta(days=9))


def read(chef):
    return workload_read(user=chef, units=reader(chef).units, today=TODAY)


def test_a_slow_workload_is_kept_and_read_while_fresh_saying_when(
    seven_overdue,  # noqa: F811
    world,
    client,
    settings,
):
    chef, _second, olle, _plans = seven_overdue
    settings.WORKLOAD_SNAPSHOT_SECONDS = 0  # every count is slow
    first = read(chef)
    assert first.counted_at is None  # counted now
    assert counted(first)["sara"] == (5, 5) and counted(first)[olle.username] == (2, 2)
    kept = WorkloadSnapshot.objects.get(user=chef)
    assert kept.computed_on == TODAY
    # One more overdue SIP of Sara's: the kept count does not know it yet, and says when
    # it was counted.
    another_overdue(world)
    again = read(chef)
    assert counted(again)["sara"] == (5, 5) and again.counted_at == kept.computed_at
    client.force_login(chef)
    page = client.get(reverse("overview:workload")).content.decode()
    counted_at = timezone.localtime(kept.computed_at).strftime("%H:%M")
    assert f"Räknat kl. {counted_at}" in page
    # Twice WORKLOAD_SNAPSHOT_MINUTES old: counted again, now with the new SIP.
    old = timezone.now() - dt.timedelta(minutes=2 * settings.WORKLOAD_SNAPSHOT_MINUTES + 1)
    WorkloadSnapshot.objects.filter(user=chef).update(computed_at=old)
    fresh = read(chef)
    assert fresh.counted_at is None and counted(fresh)["sara"] == (6, 6)
    assert WorkloadSnapshot.objects.get(user=chef).computed_at > old


def test_a_fast_workload_is_counted_on_every_look(seven_overdue, client, settings):  # noqa: F811
    chef, *_ = seven_overdue
    settings.WORKLOAD_SNAPSHOT_SECONDS = 3600  # no count is slow
    assert read(chef).counted_at is None
    assert not WorkloadSnapshot.objects.exists()
    client.force_login(chef)
    page = client.get(reverse("overview:workload")).content.decode()
    assert "Arbetsbelastning per handläggare" in page and "Räknat kl." not in page


def test_a_kept_count_of_other_units_or_of_another_day_is_not_read(
    seven_overdue,  # noqa: F811
    world,
    settings,
):
    chef, *_ = seven_overdue
    settings.WORKLOAD_SNAPSHOT_SECONDS = 0
    read(chef)
    # A count kept yesterday: the overdue items are counted against today.
    WorkloadSnapshot.objects.filter(user=chef).update(
        computed_on=TODAY - dt.timedelta(days=1), counts=[]
    )
    assert read(chef).counted_at is None and counted(read(chef))["sara"] == (5, 5)
    # The chef leads one more unit: her kept count is of the units she led before.
    WorkloadSnapshot.objects.filter(user=chef).update(counts=[])
    Membership.objects.create(
        user=chef, unit=UnitFactory(organisation=world.ludvika), role=Membership.Role.MANAGER
    )
    assert read(chef).counted_at is None and counted(read(chef))["sara"] == (5, 5)


def test_the_tick_keeps_a_slow_workload_counted_the_oldest_first(
    seven_overdue,  # noqa: F811
    world,
    settings,
):
    chef, *_ = seven_overdue
    settings.WORKLOAD_SNAPSHOT_SECONDS = 0.5
    now = timezone.now()
    units = reader(chef).units
    snapshot = workload_snapshot_compute(user=chef, units=units, today=TODAY, now=now)
    WorkloadSnapshot.objects.filter(pk=snapshot.pk).update(seconds=0.8)
    another_overdue(world)
    # Counted a minute ago: not yet due.
    assert workload_snapshots_refresh(now=now + dt.timedelta(minutes=1)) == 0
    # Out of budget: it waits for the next tick.
    later = now + dt.timedelta(minutes=settings.WORKLOAD_SNAPSHOT_MINUTES)
    assert workload_snapshots_refresh(now=later, budget=-1) == 0
    assert workload_snapshots_refresh(now=later) == 1
    snapshot = WorkloadSnapshot.objects.get(user=chef)
    assert snapshot.computed_at == later
    assert {pk: (n, late) for pk, n, late in snapshot.counts}[world.sara.pk] == (6, 6)


def test_the_tick_drops_a_former_chefs_count_and_one_no_longer_slow(
    seven_overdue,  # noqa: F811
    world,
    settings,
):
    chef, *_ = seven_overdue
    settings.WORKLOAD_SNAPSHOT_SECONDS = 0.5
    now = timezone.now()
    units = reader(chef).units
    workload_snapshot_compute(user=chef, units=units, today=TODAY, now=now)
    # Fast to count (the test's few SIPs): kept today, dropped once its day is over.
    assert workload_snapshots_refresh(now=now + dt.timedelta(minutes=1)) == 0
    assert WorkloadSnapshot.objects.filter(user=chef).exists()
    assert workload_snapshots_refresh(now=now + dt.timedelta(days=1)) == 0
    assert not WorkloadSnapshot.objects.filter(user=chef).exists()
    # Slow, but she no longer leads any unit.
    snapshot = workload_snapshot_compute(user=chef, units=units, today=TODAY, now=now)
    WorkloadSnapshot.objects.filter(pk=snapshot.pk).update(seconds=0.8)
    Membership.objects.filter(user=chef, role=Membership.Role.MANAGER).delete()
    assert workload_snapshots_refresh(now=now) == 0
    assert not WorkloadSnapshot.objects.exists()
