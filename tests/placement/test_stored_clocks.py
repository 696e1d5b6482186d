"""The stored clocks of placements living at their HVB (placement.services.clocks): the
steps store them, the chef's lists read them from their index where they hold and compute
them where they do not (a rule changed, a birthday or a switch came, the tick has not yet
run), and the tick stores them again. Dates through a controllable clock."""

from __future__ import annotations

import datetime as dt

import pytest

from directory.durations import DurationCode
from directory.models import DurationOverride, RuleSwitch
from directory.switches import SwitchCode
from placement import selectors, services
from placement.models import Placement
from placement.rules import birthday
from tests.placement.conftest import stored_clocks_mismatches
from tests.placement.kommuner import START, switch_on, visit

pytestmark = pytest.mark.django_db


def stored(placement: Placement) -> selectors.StoredClocks:
    placement.refresh_from_db()
    return selectors.clocks_stored(placement)


def overdue(chef, units, on) -> list[tuple[Placement, dt.date]]:
    return [
        (row, row.overview_due)
        for row in selectors.visits_overdue(user=chef, units=units, today=on)
    ]


def test_the_move_in_stores_the_clocks_until_the_childs_18th_birthday(pworld, two):
    _here, mine, _there, _theirs = two
    clocks = stored(mine)
    assert clocks.visit_due_on == clocks.contact_due_on == dt.date(2027, 4, 30)
    assert clocks.private_talk_due_on is None  # the proposal is off in Ludvika
    assert clocks.lvm_ends_on is None and clocks.cost_allocation_due_on is not None  # acute
    assert clocks.clocks_on == START
    # Nothing in Ludvika's rules changes later: they hold until Elin is 18.
    assert clocks.clocks_until == birthday(pworld.youth, 18)
    assert clocks.holds_on(dt.date(2027, 5, 1))


def test_the_list_reads_the_stored_clocks_where_they_hold_and_computes_them_where_not(pworld, two):
    here, mine, _there, _theirs = two
    late = dt.date(2027, 3, 2)
    assert overdue(here.chef, [here.unit], late) == []
    # Where they hold, the list reads what is stored (here made wrong on purpose).
    Placement.objects.filter(pk=mine.pk).update(
        visit_due_on=dt.date(2027, 3, 1), contact_due_on=dt.date(2027, 3, 1)
    )
    assert overdue(here.chef, [here.unit], late) == [(mine, dt.date(2027, 3, 1))]
    assert stored_clocks_mismatches() != []  # and every placement test's check sees it
    # Marked as no longer holding, the list computes them: right before any tick.
    services.placement_clocks_expire(placements=Placement.objects.filter(pk=mine.pk))
    assert overdue(here.chef, [here.unit], late) == []
    assert overdue(here.chef, [here.unit], dt.date(2027, 5, 1)) == [(mine, dt.date(2027, 4, 30))]
    assert services.placement_clocks_refresh(on=late) == 1
    assert stored(mine).visit_due_on == dt.date(2027, 4, 30)
    assert stored_clocks_mismatches() == []


def test_an_organisations_own_interval_expires_its_stored_clocks_until_the_tick(pworld, two):
    here, mine, _there, theirs = two
    DurationOverride.objects.create(
        organisation=here.organisation,
        code=DurationCode.PLACEMENT_FOLLOW_UP_VISIT,
        value=2,
        effective_from=dt.date(2026, 1, 1),
    )
    assert stored(mine).clocks_until is None
    assert stored(theirs).holds_on(dt.date(2027, 4, 1))  # Falun's are untouched
    # Before the tick the list already counts two months.
    assert overdue(here.chef, [here.unit], dt.date(2027, 4, 1)) == [(mine, dt.date(2027, 3, 31))]
    assert services.placement_clocks_refresh(on=dt.date(2027, 4, 1)) == 1  # Ludvika's only
    clocks = stored(mine)
    assert (clocks.visit_due_on, clocks.clocks_on) == (dt.date(2027, 3, 31), dt.date(2027, 4, 1))
    assert overdue(here.chef, [here.unit], dt.date(2027, 4, 1)) == [(mine, dt.date(2027, 3, 31))]
    assert services.placement_clocks_refresh(on=dt.date(2027, 4, 1)) == 0  # nothing left


def test_a_proposal_followed_from_a_later_day_ends_the_days_the_clocks_hold(pworld, two, clock):
    here, mine, _there, _theirs = two
    switch_on(here, SwitchCode.CONTACT_MONTHLY_FIRST_YEAR, on=dt.date(2027, 6, 1))
    services.placement_clocks_refresh(on=dt.date(2027, 2, 1))
    clocks = stored(mine)
    assert clocks.clocks_until == dt.date(2027, 6, 1)
    assert clocks.visit_due_on == dt.date(2027, 4, 30)
    # On that day the stored clocks no longer hold: the list counts monthly contact.
    clock.to(dt.date(2027, 5, 20))
    visit(mine, pworld.sara, dt.date(2027, 5, 20))
    assert stored(mine).clocks_until == dt.date(2027, 6, 1)
    assert overdue(here.chef, [here.unit], dt.date(2027, 6, 1)) == []
    assert overdue(here.chef, [here.unit], dt.date(2027, 6, 21)) == [(mine, dt.date(2027, 6, 20))]


def test_the_private_talk_clock_stops_on_the_childs_18th_birthday_before_the_tick(
    pworld, two, clock
):
    here, mine, _there, _theirs = two
    switch_on(here, SwitchCode.PRIVATE_TALK)
    adult = birthday(pworld.youth, 18)
    visits_until = adult - dt.timedelta(days=10)
    clock.to(visits_until)
    visit(mine, pworld.sara, visits_until)  # no private talk since the start
    clocks = stored(mine)
    assert clocks.private_talk_due_on == dt.date(2027, 7, 31)
    assert clocks.contact_due_on == dt.date(2027, 7, 31)
    assert clocks.clocks_until == adult
    day_before = adult - dt.timedelta(days=1)
    rows = selectors.visits_overdue(user=here.chef, units=[here.unit], today=day_before)
    assert [(row, row.late_private_talk_due_on, row.late_visit_due_on) for row in rows] == [
        (mine, dt.date(2027, 7, 31), None)
    ]
    # An adult has no private talk clock: off the list on the birthday, with no tick run.
    assert overdue(here.chef, [here.unit], adult) == []


def test_moving_out_clears_the_stored_clocks(pworld, two, clock):
    _here, mine, _there, _theirs = two
    clock.to(dt.date(2027, 3, 1))
    services.placement_end(
        placement=mine,
        by=pworld.sara,
        ended_on=dt.date(2027, 3, 1),
        reason="Vården är klar.",
        destination="home",
    )
    assert stored(mine) == selectors.NO_CLOCKS


def test_a_rule_switch_removed_expires_the_stored_clocks(pworld, two):
    here, mine, _there, _theirs = two
    chosen = switch_on(here, SwitchCode.PRIVATE_TALK)
    services.placement_clocks_refresh(on=dt.date(2027, 2, 1))
    assert stored(mine).private_talk_due_on == dt.date(2027, 7, 31)
    RuleSwitch.objects.filter(pk=chosen.pk).delete()
    assert stored(mine).clocks_until is None
    services.placement_clocks_refresh(on=dt.date(2027, 2, 1))
    assert stored(mine).private_talk_due_on is None


def test_which_clocks_do_not_hold_is_read_from_their_index_alone(pworld, two):
    """Each list of the stored clocks first asks which of the units' placements have clocks
    that do not hold, from the clocks' index alone: asked together with the list's own
    filter and the clocks' values, PostgreSQL read every living placement of a largest
    kommun's units (4 to 8 ms at the million) to find none. Asked of the planner with every
    scan but the index-only one turned off."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    here, mine, _there, _theirs = two
    on = dt.date(2027, 3, 2)
    assert stored(mine).holds_on(on)
    for query in (
        selectors.visits_overdue_query,
        selectors.lvm_ends_query,
        selectors.cost_allocations_overdue_query,
    ):
        with CaptureQueriesContext(connection) as queries:
            list(query(user=here.chef, units=[here.unit], today=on))
        (asked,) = [q["sql"] for q in queries if '"clocks_until" IS NULL' in q["sql"]]
        with connection.cursor() as cursor:
            for scan in ("seqscan", "bitmapscan", "indexscan"):
                cursor.execute(f"SET enable_{scan} = off")
            try:
                cursor.execute("EXPLAIN " + asked)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            finally:
                for scan in ("seqscan", "bitmapscan", "indexscan"):
                    cursor.execute(f"RESET enable_{scan}")
        assert "Index Only Scan using placement_clocks_until" in plan, plan
    # Where some do not hold, they are computed, as before: the list is right before the
    # tick (test_the_list_reads_the_stored_clocks_where_they_hold_and_computes_them_where_not).
    services.placement_clocks_expire(placements=Placement.objects.filter(pk=mine.pk))
    assert overdue(here.chef, [here.unit], dt.date(2027, 5, 1)) == [(mine, dt.date(2027, 4, 30))]
