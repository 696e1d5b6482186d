"""What each measure counts, before suppression: which events, in which period (local
time), for which units, split by legal sex and by age on the day of the event; and that
all of them cost one SQL statement whatever the number of rows."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.registry import statistics_measures
from directory.models import Person
from overview.statistics.periods import period_parse
from overview.statistics.query import statistics_aggregates
from placement.models import Placement
from sipflow.models import ActionReview, Invitation, SipPlan
from tests.overview.statistics_world import at

TODAY = dt.date(2026, 11, 23)
FEMALE, MALE, OTHER = (
    Person.LegalSex.FEMALE,
    Person.LegalSex.MALE,
    Person.LegalSex.OTHER_OR_UNKNOWN,
)
YES, PARTLY, NO = ActionReview.Answer.YES, ActionReview.Answer.PARTLY, ActionReview.Answer.NO


def figures(stats, period: str = "2026", units=None, today: dt.date = TODAY) -> dict:
    found = statistics_aggregates(
        measures=statistics_measures(),
        units=[unit.pk for unit in units or [stats.social]],
        period=period_parse(period, today=today).span,
        today=today,
        using="default",
    )
    return {(row.measure, row.group, row.sex, row.band): row for row in found}


def events(found: dict, measure: str, sex=None, band=None, group="") -> int:
    row = found.get((measure, group, sex, band))
    return row.events if row else 0


def test_sips_started_are_counted_for_the_units_that_started_or_lead_them(stats):
    women = stats.people(3, dt.date(1980, 5, 1))
    for person in women:
        stats.plan(person, started=at(2026, 3, 10))
    # Led by Ludvika, started by Falun: Ludvika's too. Falun's own: not Ludvika's.
    stats.plan(
        stats.person(dt.date(1980, 5, 1)),
        started=at(2026, 4, 1),
        unit=stats.falun_unit,
        lead_unit=stats.social,
    )
    stats.plan(stats.person(dt.date(1980, 5, 1)), started=at(2026, 4, 1), unit=stats.falun_unit)
    stats.plan(stats.person(dt.date(1980, 5, 1)), started=at(2025, 12, 31, 23, 30))  # 2025
    found = figures(stats)
    assert events(found, "sip_started", "women", "30-49") == 4
    assert events(found, "sip_started") == 4
    assert events(found, "sip_started", "women") == 4
    assert events(found, "sip_started", None, "30-49") == 4
    assert events(figures(stats, units=[stats.falun_unit]), "sip_started") == 2


def test_the_period_is_counted_in_local_time(stats):
    person = stats.person(dt.date(1980, 5, 1))
    # 00:30 on 1 January in Stockholm is still 31 December in UTC.
    stats.plan(person, started=at(2026, 1, 1, 0, 30))
    assert events(figures(stats, "2026-01"), "sip_started") == 1
    assert events(figures(stats, "2025-12", today=TODAY), "sip_started") == 0
    assert events(figures(stats, "2026-K1"), "sip_started") == 1
    assert events(figures(stats, "2026-02"), "sip_started") == 0


def test_sex_and_age_are_taken_on_the_day_of_each_event(stats):
    """A girl who turns 18 between the start of her SIP and its first meeting is counted as
    a girl aged 13-17 when it started and as a woman aged 18-20 when it was held."""
    turning = stats.person(dt.date(2008, 6, 15))
    plan = stats.plan(turning, started=at(2026, 6, 14, 23, 59))
    stats.meeting(plan, held=at(2026, 6, 15, 0, 1), answer_by=dt.date(2026, 6, 10))
    boy = stats.person(dt.date(2014, 2, 1), MALE)
    stats.plan(boy, started=at(2026, 3, 1))
    man = stats.person(dt.date(1950, 2, 1), MALE)
    stats.plan(man, started=at(2026, 3, 1))
    other_child = stats.person(dt.date(2020, 2, 1), OTHER)
    stats.plan(other_child, started=at(2026, 3, 1))
    found = figures(stats)
    assert events(found, "sip_started", "girls", "13-17") == 1
    assert events(found, "sip_held", "women", "18-20") == 1
    assert events(found, "sip_held", "girls") == 0
    assert events(found, "sip_started", "boys", "0-12") == 1
    assert events(found, "sip_started", "men", "65+") == 1
    assert events(found, "sip_started", "other", "0-12") == 1
    assert events(found, "sip_started") == 4


def test_held_followed_up_and_closed(stats):
    people = stats.people(3, dt.date(2012, 1, 1))
    plans = [stats.plan(person, started=at(2025, 11, 1)) for person in people]
    for plan in plans:
        stats.meeting(plan, held=at(2026, 1, 15), answer_by=dt.date(2026, 1, 5))
    # A follow-up meeting is no first meeting.
    stats.meeting(plans[0], held=at(2026, 6, 1), answer_by=dt.date(2026, 5, 20), kind="follow_up")
    # Two follow-ups of one SIP in the period count it once; one in 2025 not at all.
    stats.follow_up(plans[0], held=at(2026, 4, 1), due=dt.date(2026, 4, 1))
    stats.follow_up(plans[0], held=at(2026, 7, 1), due=dt.date(2026, 7, 1))
    stats.follow_up(plans[1], held=at(2025, 12, 1), due=dt.date(2025, 12, 1))
    SipPlan.objects.filter(pk=plans[2].pk).update(phase="closed", closed_at=at(2026, 8, 1))
    SipPlan.objects.filter(pk=plans[1].pk).update(phase="halted", closed_at=None)
    found = figures(stats)
    assert events(found, "sip_held", "girls", "13-17") == 3
    assert events(found, "sip_followed_up") == 1
    assert events(found, "sip_closed", "girls", "13-17") == 1
    assert events(found, "sip_started") == 0  # they started in 2025


def test_median_days_from_need_to_first_meeting(stats):
    for days in (10, 20, 30, 45):
        plan = stats.plan(stats.person(dt.date(1990, 1, 1)), started=at(2026, 2, 1, 15))
        held = at(2026, 2, 1, 9) + dt.timedelta(days=days)
        stats.meeting(plan, held=held, answer_by=dt.date(2026, 1, 30))
    found = figures(stats)
    assert found[("sip_days_to_meeting", "", "women", "30-49")].median == 25
    assert found[("sip_days_to_meeting", "", None, None)].events == 4


def test_time_to_answer_and_kallelser_answered_on_time(stats):
    plan = stats.plan(stats.person(dt.date(1985, 1, 1), MALE), started=at(2026, 1, 1))
    meeting = stats.meeting(plan, held=None, answer_by=dt.date(2026, 3, 10))
    sent = at(2026, 3, 1, 9)
    stats.invitation(meeting, sent=sent, answered=at(2026, 3, 3, 16))  # 2 days, on time
    stats.invitation(meeting, sent=sent, answered=at(2026, 3, 10, 23, 59))  # last day: on time
    stats.invitation(meeting, sent=sent, answered=at(2026, 3, 12), status="declined")  # late
    stats.invitation(meeting, sent=sent, answered=None)  # never: late
    stats.invitation(meeting, sent=sent, answered=None, status=Invitation.Status.CANCELLED)
    # Sent to another unit: not the chef's units' answer.
    stats.invitation(meeting, sent=sent, answered=at(2026, 3, 2), unit=stats.falun_unit)
    found = figures(stats, units=[stats.bup])
    on_time = found[("invitations_on_time", "", "men", "30-49")]
    assert (on_time.events, on_time.yes) == (4, 2)
    assert (on_time.yes_persons, on_time.no_persons) == (1, 1)  # one man behind them all
    answer = found[("invitation_days_to_answer", "", "men", "30-49")]
    assert (answer.events, answer.median) == (3, 9)
    # A kallelse whose last day is still to come counts once it is answered, not before.
    later = stats.meeting(plan, held=None, answer_by=dt.date(2026, 12, 10), kind="follow_up")
    stats.invitation(later, sent=at(2026, 11, 20), answered=at(2026, 11, 21))
    stats.invitation(later, sent=at(2026, 11, 20), answered=None)
    row = figures(stats, units=[stats.bup])[("invitations_on_time", "", None, None)]
    assert (row.events, row.yes) == (5, 3)


def test_follow_ups_on_time_count_the_late_and_the_missing(stats):
    people = stats.people(4, dt.date(1970, 1, 1), MALE)
    plans = [stats.plan(person, started=at(2025, 6, 1)) for person in people]
    stats.follow_up(plans[0], held=at(2026, 5, 1, 18), due=dt.date(2026, 5, 1))  # on time
    stats.follow_up(plans[1], held=at(2026, 5, 3), due=dt.date(2026, 5, 1))  # late
    # Waiting past its date in an open SIP: late. Not yet due: not counted.
    SipPlan.objects.filter(pk=plans[2].pk).update(
        phase="follow_up", next_follow_up=dt.date(2026, 6, 1)
    )
    SipPlan.objects.filter(pk=plans[3].pk).update(
        phase="follow_up", next_follow_up=dt.date(2026, 12, 1)
    )
    row = figures(stats)[("sip_follow_ups_on_time", "", "men", "50-64")]
    assert (row.events, row.yes) == (3, 1)


def test_follow_up_outcomes_come_from_the_reviews_of_each_insats(stats):
    plan = stats.plan(stats.person(dt.date(2000, 3, 1), OTHER), started=at(2025, 6, 1))
    stats.follow_up(
        plan,
        held=at(2026, 2, 1),
        due=dt.date(2026, 2, 1),
        answers=[(YES, YES), (YES, PARTLY), (PARTLY, NO), (NO, NO)],
    )
    found = figures(stats)
    done = found[("review_done_as_planned", "", "other", "21-29")]
    goal = found[("review_goal_met", "", "other", "21-29")]
    assert (done.events, done.yes, done.persons) == (4, 2, 1)
    assert (goal.events, goal.yes) == (4, 1)


def test_placements_by_phase_and_legal_basis(stats):
    youth = stats.people(2, dt.date(2010, 1, 1), MALE)
    adult = stats.person(dt.date(1970, 1, 1))
    stats.placement(
        youth[0],
        opened=at(2025, 12, 1),
        phase=Placement.Phase.PLACED,
        legal_basis="lvu_3",
        decided_on=dt.date(2026, 1, 10),
        start_date=dt.date(2026, 1, 15),
    )
    stats.placement(
        youth[1],
        opened=at(2026, 2, 1),
        phase=Placement.Phase.AFTERCARE,
        legal_basis="sol",
        decided_on=dt.date(2026, 2, 10),
        start_date=dt.date(2026, 2, 15),
        ended_on=dt.date(2026, 9, 1),
        planned_end_date=dt.date(2026, 8, 1),
    )
    stats.placement(
        adult,
        opened=at(2024, 2, 1),
        phase=Placement.Phase.CLOSED,
        legal_basis="lvm",
        decided_on=dt.date(2024, 2, 10),
        start_date=dt.date(2024, 2, 15),
        ended_on=dt.date(2024, 8, 1),
    )
    found = figures(stats)
    phase = "placements_by_phase"
    assert events(found, phase, group="opened") == 1
    assert events(found, phase, "boys", "13-17", group="decided") == 2
    assert events(found, phase, group="moved_in") == 2
    assert events(found, phase, group="moved_out") == 1
    basis = "placements_by_basis"
    assert events(found, basis, "boys", "13-17", group="lvu_3") == 1
    assert events(found, basis, group="sol") == 1
    assert events(found, basis, group="lvm") == 0  # ended in 2024
    ended = found[("placements_ended_as_planned", "", None, None)]
    assert (ended.events, ended.yes) == (1, 1)  # not before its planned end


def test_placements_in_care_are_counted_for_the_hvb_as_well(stats):
    hvb = stats.falun_unit
    stats.placement(
        stats.person(dt.date(2011, 1, 1)),
        opened=at(2026, 1, 1),
        phase=Placement.Phase.PLACED,
        legal_basis="sol",
        hvb_unit=hvb,
        decided_on=dt.date(2026, 1, 5),
        start_date=dt.date(2026, 1, 10),
    )
    assert events(figures(stats, units=[hvb]), "placements_by_basis", group="sol") == 1


def test_reviews_on_time_and_placements_ended_before_their_plan(stats):
    person = stats.person(dt.date(2009, 4, 1))
    placement = stats.placement(
        person,
        opened=at(2025, 1, 1),
        phase=Placement.Phase.AFTERCARE,
        legal_basis="sol",
        decided_on=dt.date(2025, 1, 10),
        start_date=dt.date(2025, 1, 15),
        ended_on=dt.date(2026, 10, 1),
        planned_end_date=dt.date(2026, 12, 31),
    )
    stats.review(placement, due=dt.date(2026, 1, 15), held=dt.date(2026, 1, 10))
    stats.review(placement, due=dt.date(2026, 7, 15), held=dt.date(2026, 7, 20))
    stats.review(placement, due=dt.date(2026, 11, 15), held=None)  # passed, not held
    stats.review(placement, due=dt.date(2026, 12, 15), held=None)  # to come: not counted
    found = figures(stats)
    reviews = found[("placement_reviews_on_time", "", "girls", "13-17")]
    assert (reviews.events, reviews.yes) == (3, 1)
    ended = found[("placements_ended_as_planned", "", "girls", "13-17")]
    assert (ended.events, ended.yes) == (1, 0)  # broken off before its planned end


def test_every_measure_is_one_statement_whatever_the_number_of_rows(stats):
    def count_statements() -> int:
        with CaptureQueriesContext(connection) as queries:
            figures(stats)
        return len(queries)

    def add(n: int) -> None:
        for person in stats.people(n, dt.date(1990, 1, 1)):
            plan = stats.plan(person, started=at(2026, 2, 1))
            meeting = stats.meeting(plan, held=at(2026, 3, 1), answer_by=dt.date(2026, 2, 20))
            stats.invitation(meeting, sent=at(2026, 2, 2), answered=at(2026, 2, 5))
            stats.follow_up(plan, held=at(2026, 5, 1), due=dt.date(2026, 5, 1), answers=[(YES, NO)])
            placement = stats.placement(
                person,
                opened=at(2026, 1, 1),
                legal_basis="sol",
                phase="placed",
                start_date=dt.date(2026, 2, 1),
            )
            stats.review(placement, due=dt.date(2026, 8, 1), held=dt.date(2026, 7, 30))

    add(2)
    small = count_statements()
    add(12)
    assert count_statements() == small == 1
    assert events(figures(stats), "sip_started") == 14
