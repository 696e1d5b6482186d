"""Follow-up visits (uppföljningsbesök): the interval from the rule table per organisation,
recording a visit through its service with history, the visit clock on the placement page,
in the handläggare's list and on the chef's overview, and SOU 2023:66's monthly contact in
the first year and private talk with the child, each switched on in one kommun and off in
another. Dates through a controllable clock, across month ends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.errors import InvalidState, NotParty
from cases.models import AccessGrant
from directory.durations import DurationCode
from directory.models import DurationOverride
from directory.switches import SwitchCode
from overview.digest import overdue_counts
from placement import selectors, services
from placement.grants import CASE_KIND
from placement.models import FollowUpVisit, Placement
from placement.rules import LegalBasis
from tests.placement.kommuner import (
    START,
    falun,
    ludvika,
    placed,
    resident,
    switch_on,
    visit,
)
from tests.placement.test_views import client_for

pytestmark = pytest.mark.django_db


def clocks(placement, on):
    placement.refresh_from_db()
    return selectors.placement_clocks(placement=placement, on=on)


# --- The interval, the service, the history -------------------------------------------------


def test_the_first_visit_is_due_the_organisations_interval_after_the_start(pworld, two):
    here, mine, _there, theirs = two
    assert clocks(mine, START).next_visit == dt.date(2027, 4, 30)  # three months, month end
    DurationOverride.objects.create(
        organisation=here.organisation,
        code=DurationCode.PLACEMENT_FOLLOW_UP_VISIT,
        value=2,
        effective_from=dt.date(2026, 1, 1),
    )
    assert clocks(mine, START).next_visit == dt.date(2027, 3, 31)
    assert clocks(theirs, START).next_visit == dt.date(2027, 4, 30)  # Falun keeps the table's
    # Off when the proposals are off: no private talk clock, and nothing overdue.
    assert clocks(mine, START).private_talk is None


def test_a_visit_is_recorded_with_whom_was_talked_with_and_moves_the_clock(pworld, two, clock):
    _here, mine, _there, _theirs = two
    clock.to(dt.date(2027, 3, 10))
    recorded = visit(mine, pworld.sara, dt.date(2027, 3, 10), with_hvb_staff=True)
    assert recorded.talked_with == ["personen", "HVB:ets personal"]
    assert clocks(mine, clock.today).next_visit == dt.date(2027, 6, 10)
    entry = mine.history.order_by("-pk").first()
    assert entry.text == ("Uppföljningsbesök 2027-03-10; samtal med personen, HVB:ets personal.")
    assert entry.by == pworld.sara


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"with_person": False}, "__all__"),
        ({"private_talk": True, "with_person": False, "with_relatives": True}, "private_talk"),
        ({"visited_on": dt.date(2027, 3, 11)}, "visited_on"),  # tomorrow
        ({"visited_on": dt.date(2027, 1, 30)}, "visited_on"),  # before the move
        ({"note": "  "}, "note"),
    ],
)
def test_a_visit_says_what_is_missing_in_swedish(pworld, two, clock, fields, field):
    _here, mine, _there, _theirs = two
    clock.to(dt.date(2027, 3, 10))
    data = {"visited_on": dt.date(2027, 3, 10), "note": "Bra.", "with_person": True, **fields}
    with pytest.raises(ValidationError) as refused:
        record(mine, pworld.sara, **data)
    assert field in refused.value.message_dict
    assert not FollowUpVisit.objects.exists()


def record(placement, by, **data):
    from placement.services import follow_up_visit_record

    return follow_up_visit_record(placement=placement, by=by, **data)


def test_only_the_placing_unit_records_visits_and_only_while_the_person_lives_there(
    pworld, two, clock
):
    _here, mine, there, _theirs = two
    with pytest.raises(NotParty):
        visit(mine, there.worker, START)
    with pytest.raises(NotParty):
        visit(mine, pworld.hugo, START)
    utredning = pworld.open(pworld.adult)
    with pytest.raises(InvalidState):
        visit(utredning, pworld.sara, START)


# --- Monthly contact in the first year (SOU 2023:66) ------------------------------------------


def test_monthly_contact_in_the_first_year_where_switched_on_only(pworld, two, clock):
    here, mine, _there, theirs = two
    switch_on(here, SwitchCode.CONTACT_MONTHLY_FIRST_YEAR, on=dt.date(2027, 2, 1))
    # Before the day it is followed: the organisation's interval.
    assert clocks(mine, dt.date(2027, 1, 31)).next_visit == dt.date(2027, 4, 30)
    # From that day: a month after the move, 31 January → 28 February.
    assert clocks(mine, dt.date(2027, 2, 1)).next_visit == dt.date(2027, 2, 28)
    assert clocks(theirs, dt.date(2027, 2, 1)).next_visit == dt.date(2027, 4, 30)  # Falun: off
    clock.to(dt.date(2027, 2, 28))
    visit(mine, pworld.sara, dt.date(2027, 2, 28))
    assert clocks(mine, clock.today).next_visit == dt.date(2027, 3, 28)
    # Late in the first year: a month later would pass its end (31 January 2028), so the
    # organisation's interval again.
    clock.to(dt.date(2028, 1, 20))
    visit(mine, pworld.sara, dt.date(2028, 1, 20))
    assert clocks(mine, clock.today).next_visit == dt.date(2028, 4, 20)


def test_monthly_contact_stops_when_the_organisation_stops_following_it(pworld, two):
    from directory.models import RuleSwitch

    here, mine, _there, _theirs = two
    switch_on(here, SwitchCode.CONTACT_MONTHLY_FIRST_YEAR, on=dt.date(2027, 1, 1))
    RuleSwitch.objects.create(
        organisation=here.organisation,
        code=SwitchCode.CONTACT_MONTHLY_FIRST_YEAR,
        enabled=False,
        effective_from=dt.date(2027, 2, 15),
    )
    assert clocks(mine, dt.date(2027, 2, 14)).next_visit == dt.date(2027, 2, 28)
    assert clocks(mine, dt.date(2027, 2, 15)).next_visit == dt.date(2027, 4, 30)


# --- A private talk with the child every six months (SOU 2023:66) ------------------------------


def test_a_private_talk_with_the_child_where_switched_on(pworld, two, clock):
    here, mine, _there, theirs = two
    switch_on(here, SwitchCode.PRIVATE_TALK)
    assert clocks(mine, START).private_talk == dt.date(2027, 7, 31)
    assert clocks(theirs, START).private_talk is None  # Falun: off
    clock.to(dt.date(2027, 5, 31))
    visit(mine, pworld.sara, dt.date(2027, 5, 31), with_relatives=True)  # no private talk
    assert clocks(mine, clock.today).private_talk == dt.date(2027, 7, 31)
    visit(mine, pworld.sara, dt.date(2027, 5, 31), private_talk=True)
    assert clocks(mine, clock.today).private_talk == dt.date(2027, 11, 30)  # month end
    assert "enskilt samtal med barnet" in mine.history.order_by("-pk").first().text


def test_no_private_talk_clock_for_an_adult(pworld, clock):
    clock.to(START)
    here = ludvika(pworld)
    switch_on(here, SwitchCode.PRIVATE_TALK)
    adult = placed(pworld, here, pworld.adult, start=START, basis=LegalBasis.LVM)
    shown = clocks(adult, START)
    assert shown.private_talk is None and shown.next_visit == dt.date(2027, 4, 30)


# --- The chef's overview and the handläggare's list -------------------------------------------


def test_overdue_visits_are_on_the_chefs_overview_of_their_own_units(pworld, two, clock):
    here, mine, there, theirs = two
    units = [here.unit]
    assert selectors.visits_overdue(user=here.chef, units=units, today=dt.date(2027, 4, 30)) == []
    rows = selectors.visits_overdue(user=here.chef, units=units, today=dt.date(2027, 5, 1))
    assert [(row, row.late_visit_due_on) for row in rows] == [(mine, dt.date(2027, 4, 30))]
    counts = overdue_counts(user=here.chef, units=units, today=dt.date(2027, 5, 1))
    assert counts["placement_visits_overdue"] == 1
    # Falun's chef sees Falun's, not Ludvika's; Ludvika's chef not Falun's.
    rows = selectors.visits_overdue(user=there.chef, units=[there.unit], today=dt.date(2027, 5, 1))
    assert rows == [theirs]
    assert selectors.visits_overdue(user=here.chef, units=[there.unit], today=START) == []
    # With monthly contact switched on in Ludvika it is overdue a month after the move.
    switch_on(here, SwitchCode.CONTACT_MONTHLY_FIRST_YEAR)
    switch_on(here, SwitchCode.PRIVATE_TALK)
    rows = selectors.visits_overdue(user=here.chef, units=units, today=dt.date(2027, 3, 1))
    assert [(row, row.late_visit_due_on) for row in rows] == [(mine, dt.date(2027, 2, 28))]
    rows = selectors.visits_overdue(user=here.chef, units=units, today=dt.date(2027, 8, 1))
    assert rows[0].late_private_talk_due_on == dt.date(2027, 7, 31)
    # Recorded: off the list.
    clock.to(dt.date(2027, 8, 1))
    visit(mine, pworld.sara, dt.date(2027, 8, 1), private_talk=True)
    assert selectors.visits_overdue(user=here.chef, units=units, today=dt.date(2027, 8, 1)) == []
    page = client_for(here.chef).get(reverse("overview:index")).content.decode()
    assert "Uppföljningsbesök som är försenade" in page


def test_an_overdue_visit_is_listed_only_while_the_chef_may_see_the_placement(pworld, two, clock):
    """The clock runs on every placement of the units asked; only those the chef may see
    are listed: her own units' placements (the placing unit's own grant), another
    kommun's only while a grant reaches one of her units."""
    here, mine, there, theirs = two
    late = dt.date(2027, 5, 1)
    both = [here.unit, there.unit]

    def listed() -> set:
        return set(selectors.visits_overdue(user=here.chef, units=both, today=late))

    assert listed() == {mine}
    assert overdue_counts(user=here.chef, units=both, today=late)["placement_visits_overdue"] == 1
    grant = AccessGrant.objects.create(
        case_kind=CASE_KIND,
        case_id=theirs.pk,
        person=theirs.person,
        unit=here.unit,
        kind=AccessGrant.Kind.INVITED,
        valid_from=START,
        source="test",
    )
    assert listed() == {mine, theirs}
    grant.delete()
    assert listed() == {mine}


def test_the_overview_row_and_the_pages_show_the_visit_clock(pworld, two, clock):
    here, mine, _there, _theirs = two
    switch_on(here, SwitchCode.PRIVATE_TALK)
    clock.to(dt.date(2027, 5, 2))
    chef_page = client_for(here.chef).get(reverse("overview:index")).content.decode()
    assert "uppföljningsbesök senast 2027-04-30" in chef_page
    sara = client_for(pworld.sara)
    listing = sara.get(reverse("placement:index")).content.decode()
    assert "besök senast 2027-04-30" in listing
    assert "enskilt samtal senast 2027-07-31" in listing
    page = sara.get(reverse("placement:placement", kwargs={"pk": mine.pk})).content.decode()
    assert "Nästa uppföljningsbesök" in page and "2027-04-30" in page and "(försenat)" in page
    assert "Enskilt samtal med barnet senast" in page
    assert reverse("placement:visit", kwargs={"pk": mine.pk}) in page


# --- The visit page ----------------------------------------------------------------------------


def test_the_visit_page_records_a_visit_and_says_what_is_wrong(pworld, two, clock):
    _here, mine, there, _theirs = two
    clock.to(dt.date(2027, 3, 10))
    url = reverse("placement:visit", kwargs={"pk": mine.pk})
    sara = client_for(pworld.sara)
    assert sara.get(url).status_code == 200
    bad = sara.post(url, {"visited_on": "2027-03-10", "note": "Bra.", "private_talk": "on"})
    assert bad.status_code == 422
    body = bad.content.decode()
    assert "Ange vem eller vilka du talade med" in body
    assert "Ett enskilt samtal är ett samtal med barnet" in body
    done = sara.post(
        url,
        {
            "visited_on": "2027-03-10",
            "with_person": "on",
            "with_health_care": "on",
            "private_talk": "on",
            "note": "Mår bättre.",
        },
    )
    assert done.status_code == 302
    saved = FollowUpVisit.objects.get()
    assert (saved.with_person, saved.with_health_care, saved.private_talk) == (True, True, True)
    page = sara.get(reverse("placement:placement", kwargs={"pk": mine.pk})).content.decode()
    assert "Mår bättre." in page and "personen, hälso- och sjukvården" in page
    # Nobody else: another kommun, the HVB (sees only the genomförandeplan), the region.
    for user in (there.worker, pworld.hugo, pworld.vera):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(url, {"with_person": "on"}).status_code == 404
    assert FollowUpVisit.objects.count() == 1


# --- Query counts -------------------------------------------------------------------------------


def test_the_lists_cost_the_same_whatever_the_number_of_placements(pworld, clock):
    """The handläggare's list, the chef's overview and the placement page, with visits,
    overrides and switches in two kommuner, at two sizes."""
    clock.to(START)
    here, there = ludvika(pworld), falun(pworld)
    switch_on(here, SwitchCode.CONTACT_MONTHLY_FIRST_YEAR)
    switch_on(here, SwitchCode.PRIVATE_TALK)
    DurationOverride.objects.create(
        organisation=there.organisation,
        code=DurationCode.PLACEMENT_FOLLOW_UP_VISIT,
        value=2,
        effective_from=dt.date(2026, 1, 1),
    )
    mine = placed(pworld, here, pworld.youth, start=START)
    pages = [
        (here.worker, reverse("placement:index")),
        (here.chef, reverse("overview:index")),
        (here.worker, reverse("placement:placement", kwargs={"pk": mine.pk})),
        (here.worker, reverse("placement:visit", kwargs={"pk": mine.pk})),
    ]

    born = iter(range(70, 200))

    def more(count: int, late: dt.date) -> None:
        clock.to(START)
        for n in range(count):
            for kommun in (here, there):
                person = resident(kommun, first_name=f"Barn{n}", days=next(born))
                placement = placed(pworld, kommun, person, start=START)
                clock.to(late)
                visit(placement, kommun.worker, late, private_talk=n % 2 == 0)
                clock.to(START)
        clock.to(late)
        visit(mine, here.worker, late, with_hvb_staff=True)

    def measure() -> list[int]:
        clock.to(dt.date(2027, 9, 1))  # every visit and private talk overdue
        counts = []
        for user, url in pages:
            client = client_for(user)
            client.get(url)  # fills the caches
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            counts.append(len(queries))

        return counts

    def computed() -> list[int]:
        """The same pages where no stored clock holds (before the tick): computed. Then
        the tick stores them again."""
        services.placement_clocks_expire(placements=Placement.objects.all())
        counts = measure()
        assert services.placement_clocks_refresh(on=dt.date(2027, 9, 1)) > 0
        return counts

    more(1, dt.date(2027, 2, 20))
    small, small_computed = measure(), computed()
    more(3, dt.date(2027, 3, 20))
    large, large_computed = measure(), computed()
    assert small == large
    assert small_computed == large_computed
    rows = selectors.visits_overdue(user=here.chef, units=[here.unit], today=dt.date(2027, 9, 1))
    assert len(rows) == 5  # Ludvika's: Elin and four more, all overdue
