"""Statistics for the yearly reflection: by category, organisation pair and month, the time
to a temporary allocation and to close, with cells under 5 suppressed."""

from __future__ import annotations

import datetime as dt

import pytest

from deviations import services
from deviations.rules import Category, HandlerRole
from deviations.statistics import deviation_statistics, suppressed, total_gives_away
from tests.deviations.helpers import at, report
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db

YEAR = 2026


def test_small_cells_are_hidden_and_the_total_cannot_give_one_away():
    assert suppressed({"a": 0, "b": 4, "c": 5, "d": 12}) == {
        "a": 0,  # zero names no one
        "b": None,
        "c": None,  # the next smallest: else 21 - 5 - 12 gives b away
        "d": 12,
    }
    assert suppressed({"a": 1, "b": 2, "c": 9}) == {"a": None, "b": None, "c": 9}
    assert suppressed({"a": 5, "b": 6}) == {"a": 5, "b": 6}


def test_the_total_cannot_pin_down_several_hidden_counts():
    """Total 11 with 7 shown leaves 4 for four hidden categories, each at least 1: each is
    1. Two hidden at 4 each leave 8: each is 4. The next smallest count is hidden too."""
    assert suppressed({"a": 7, "b": 1, "c": 1, "d": 1, "e": 1}) == {
        "a": None,
        "b": None,
        "c": None,
        "d": None,
        "e": None,
    }
    assert suppressed({"a": 4, "b": 4, "c": 9, "d": 20}) == {
        "a": None,
        "b": None,
        "c": None,
        "d": 20,
    }
    # Three hidden summing to 6: 1+1+4, 1+2+3, 2+2+2 ... nothing is pinned.
    assert suppressed({"a": 1, "b": 2, "c": 3, "d": 9}) == {"a": None, "b": None, "c": None, "d": 9}
    # Nothing left to hide: the total must go instead.
    counts = {"a": 4, "b": 4}
    assert suppressed(counts) == {"a": None, "b": None}
    assert total_gives_away(counts, suppressed(counts))
    counts = {"a": 3, "b": 4, "c": 9}
    assert not total_gives_away(counts, suppressed(counts))


def closed_report(world, chefs, *, day, category, hours, days):
    deviation = report(world, at=at(day), category=category)
    services.allocation_agree(
        deviation=deviation, by=world.sara, at=at(day) + dt.timedelta(hours=hours)
    )
    for unit, chef, role in (
        (world.social, chefs["social"], HandlerRole.SAS),
        (world.bup, chefs["bup"], HandlerRole.DESIGNATED),
    ):
        services.handler_name(
            deviation=deviation,
            by=chef,
            party=deviation.parties.get(unit=unit),
            handler=chef,
            role=role,
            at=at(day, 12),
        )
    closing = at(day) + dt.timedelta(days=days)
    services.measures_record(deviation=deviation, by=chefs["social"], measures="Rutin.", at=closing)
    for chef in chefs.values():
        services.measures_sign_off(deviation=deviation, by=chef, at=closing)
    return deviation


def test_reports_by_category_pair_and_month_with_their_times(world, chefs):
    for offset in range(6):
        closed_report(
            world,
            chefs,
            day=dt.date(YEAR, 3, 2 + offset),
            category=Category.SIP_SUMMONS_UNANSWERED,
            hours=2 * (offset + 1),
            days=10 + offset,
        )
    for offset in range(5):
        closed_report(
            world,
            chefs,
            day=dt.date(YEAR, 4, 6 + offset),
            category=Category.INFORMATION,
            hours=1,
            days=20,
        )
    closed_report(
        world, chefs, day=dt.date(YEAR, 5, 4), category=Category.HANDOVER, hours=30, days=40
    )
    report(world, at=at(dt.date(YEAR - 1, 12, 30)))  # the year before: not counted
    # Another kommun's report with the region: the kommun's chef does not count it.
    falun = OrganisationFactory(name="Falu kommun", kind="municipality", region=world.region)
    falun_unit = UnitFactory(organisation=falun, name="Barn och familj Falun")
    report(world, at=at(dt.date(YEAR, 3, 3)), concerned=[falun_unit])

    kommun = deviation_statistics(user=chefs["social"], year=YEAR)
    assert kommun.total == 12
    assert [(row.label, row.count) for row in kommun.by_category] == [
        ("Kallelse till SIP besvarades inte", 6),
        ("Information överfördes inte eller blev fel", None),  # else 12 - 6 - 5 gives 1 away
        ("Överlämning mellan huvudmännen brast", None),
    ]
    assert [(row.label, row.count) for row in kommun.by_pair] == [
        ("Ludvika kommun och Region Dalarna", 12)
    ]
    months = {row.label: row.count for row in kommun.by_month}
    assert (months["mars"], months["april"], months["maj"]) == (6, None, None)
    assert months["januari"] == 0
    assert kommun.to_allocation_hours.count == 12
    assert kommun.to_allocation_hours.median == 3.0  # five of 1, then 2, 4, 6, 8, 10, 12, 30 hours
    assert kommun.to_close_days.median == 17.5

    region = deviation_statistics(user=chefs["bup"], year=YEAR)
    assert region.total == 13
    assert [(row.label, row.count) for row in region.by_pair] == [
        ("Falu kommun och Region Dalarna", None),
        ("Ludvika kommun och Region Dalarna", None),  # hidden too: 13 - 12 would give it away
    ]


def test_times_from_fewer_than_five_reports_are_not_shown(world, chefs):
    for offset in range(4):
        closed_report(
            world,
            chefs,
            day=dt.date(YEAR, 2, 2 + offset),
            category=Category.OTHER,
            hours=1,
            days=3,
        )
    stats = deviation_statistics(user=chefs["social"], year=YEAR)
    assert stats.total is None
    assert stats.to_allocation_hours.median is None and stats.to_allocation_hours.count is None
    assert stats.to_close_days.median is None


def test_a_chef_elsewhere_sees_nothing(world, chefs):
    closed_report(world, chefs, day=dt.date(YEAR, 2, 2), category=Category.OTHER, hours=1, days=3)
    other = MembershipFactory(unit__name="Barn och familj Falun", role="manager").user
    stats = deviation_statistics(user=other, year=YEAR)
    assert stats.total == 0 and stats.by_category == [] and stats.by_pair == []
