"""The clocks, from the rule tables: the review from the start date across month ends, the
LVM maximum and its warning, the LVU age limits, the acute cost allocation."""

from __future__ import annotations

import datetime as dt

import pytest

from placement.models import Placement
from placement.rules import LegalBasis
from placement.selectors import (
    acute_cost_allocation_due,
    legal_end,
    lvm_end,
    lvm_end_approaching,
    lvu_end,
    next_review_date,
    placement_clocks,
)
from tests.factories import person_born

pytestmark = pytest.mark.django_db


def placement(pworld, *, basis=LegalBasis.SOL, start=None, person=None, acute=False):
    return Placement(
        person=person or pworld.youth,
        placing_unit=pworld.social,
        legal_basis=basis,
        start_date=start,
        acute=acute,
    )


@pytest.mark.parametrize(
    ("start", "on", "review"),
    [
        (dt.date(2026, 3, 10), dt.date(2026, 3, 10), dt.date(2026, 9, 10)),
        (dt.date(2026, 3, 10), dt.date(2026, 9, 11), dt.date(2027, 3, 10)),
        # 31 August: the end of February, then back to the 31st (no drift).
        (dt.date(2026, 8, 31), dt.date(2026, 9, 1), dt.date(2027, 2, 28)),
        (dt.date(2026, 8, 31), dt.date(2027, 3, 1), dt.date(2027, 8, 31)),
        (dt.date(2027, 8, 31), dt.date(2027, 9, 1), dt.date(2028, 2, 29)),  # leap year
        (dt.date(2027, 8, 31), dt.date(2028, 3, 1), dt.date(2028, 8, 31)),
    ],
)
@pytest.mark.parametrize("basis", [LegalBasis.SOL, LegalBasis.LVU_2, LegalBasis.LVU_3])
def test_review_every_six_months_from_the_start(pworld, basis, start, on, review):
    assert next_review_date(placement=placement(pworld, basis=basis, start=start), on=on) == review


def test_no_review_before_the_start_or_under_lvm(pworld):
    today = dt.date(2026, 9, 1)
    assert next_review_date(placement=placement(pworld), on=today) is None
    lvm = placement(pworld, basis=LegalBasis.LVM, start=today, person=pworld.adult)
    assert next_review_date(placement=lvm, on=today) is None


def test_lvm_ends_after_six_months_with_a_warning_before(pworld):
    lvm = placement(pworld, basis=LegalBasis.LVM, start=dt.date(2026, 8, 31), person=pworld.adult)
    assert lvm_end(placement=lvm) == dt.date(2027, 2, 28)
    assert legal_end(placement=lvm) == dt.date(2027, 2, 28)
    assert not lvm_end_approaching(placement=lvm, on=dt.date(2027, 1, 28))
    assert lvm_end_approaching(placement=lvm, on=dt.date(2027, 1, 29))
    assert lvm_end(placement=placement(pworld, start=dt.date(2026, 8, 31))) is None


def test_lvu_2_ends_the_day_before_18_and_lvu_3_the_day_before_21(pworld):
    born = dt.date(2010, 5, 17)
    youth = person_born(born, first_name="Maja", registered_municipality=pworld.sip.ludvika)
    assert lvu_end(placement=placement(pworld, basis=LegalBasis.LVU_2, person=youth)) == (
        dt.date(2028, 5, 16)
    )
    assert lvu_end(placement=placement(pworld, basis=LegalBasis.LVU_3, person=youth)) == (
        dt.date(2031, 5, 16)
    )
    assert lvu_end(placement=placement(pworld, person=youth)) is None


def test_lvu_end_for_a_leap_day_birthday(pworld):
    youth = person_born(dt.date(2012, 2, 29), registered_municipality=pworld.sip.ludvika)
    end = lvu_end(placement=placement(pworld, basis=LegalBasis.LVU_2, person=youth))
    assert youth.age_on(end) == 17 and youth.age_on(end + dt.timedelta(days=1)) == 18


def test_acute_cost_allocation_is_due_two_months_after_the_start(pworld):
    acute = placement(pworld, start=dt.date(2026, 8, 31), acute=True)
    assert acute_cost_allocation_due(placement=acute) == dt.date(2026, 10, 31)
    planned = placement(pworld, start=dt.date(2026, 8, 31))
    assert acute_cost_allocation_due(placement=planned) is None
    clocks = placement_clocks(placement=acute, on=dt.date(2026, 9, 1))
    assert clocks.cost_allocation_due == dt.date(2026, 10, 31)
    assert clocks.next_review == dt.date(2027, 2, 28)
