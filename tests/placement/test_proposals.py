"""The SOU proposals of the review and the ending, switched on in one kommun and off in
another: at the first review of a child's placement, the confirmation that a
hälsoundersökning was offered and a kunskapsbedömning done (SOU 2023:66); and six months
of follow-up after the placement ends instead of two (SOU 2020:47), in the service, the
clocks, the lists and the flow's timer. Dates through a controllable clock, across month
ends."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.timers import fire_due_timers

from directory.models import RuleSwitch
from directory.switches import SwitchCode
from placement import selectors, services
from placement.flows import PlacementFlow
from placement.models import EndDestination, HealthExamRequest, Placement, Review
from placement.rules import LegalBasis
from tests.placement.kommuner import START, ludvika, placed, resident, switch_on
from tests.placement.test_flow_under import placed_sol, timer
from tests.placement.test_views import client_for, do, open_task, task_url

pytestmark = pytest.mark.django_db

FIRST_REVIEW = dt.date(2027, 7, 31)  # six months after 31 January


def review(placement, by, *, held_on, **confirmations):
    return services.review_record(
        placement=placement,
        by=by,
        held_on=held_on,
        outcome=Review.Outcome.CONTINUE,
        note="Fortsätter.",
        **confirmations,
    )


# --- The first review checks the hälsoundersökning and the kunskapsbedömning ---------------------


def test_the_first_review_confirms_the_health_check_where_switched_on_only(pworld, two, clock):
    here, mine, there, theirs = two
    switch_on(here, SwitchCode.FIRST_REVIEW_HEALTH_CHECK)
    assert mine.reviews.get().due_on == FIRST_REVIEW
    clock.to(dt.date(2027, 7, 20))
    with pytest.raises(ValidationError) as refused:
        review(mine, pworld.sara, held_on=clock.today)
    errors = refused.value.message_dict
    assert set(errors) == {"health_examination_offered", "knowledge_assessment_done"}
    assert "hälsoundersökning" in errors["health_examination_offered"][0]
    assert "SOU 2023:66" in errors["knowledge_assessment_done"][0]
    with pytest.raises(ValidationError) as refused:
        review(mine, pworld.sara, held_on=clock.today, health_examination_offered=True)
    assert set(refused.value.message_dict) == {"knowledge_assessment_done"}
    assert not mine.reviews.exclude(held_on=None).exists()
    held = review(
        mine,
        pworld.sara,
        held_on=clock.today,
        health_examination_offered=True,
        knowledge_assessment_done=True,
    )
    assert held.health_examination_offered and held.knowledge_assessment_done
    assert "Bekräftat att hälsoundersökning har erbjudits" in mine.history.order_by("-pk")[0].text
    # Only the first: the next review asks nothing more.
    clock.to(dt.date(2028, 1, 20))
    assert review(mine, pworld.sara, held_on=clock.today).held_on == clock.today
    # Falun does not follow the proposal: its first review asks nothing.
    clock.to(dt.date(2027, 7, 20))
    assert review(theirs, there.worker, held_on=clock.today).outcome == Review.Outcome.CONTINUE


def test_the_health_check_follows_the_switch_on_the_day_of_the_review(pworld, two, clock):
    here, mine, _there, _theirs = two
    switch_on(here, SwitchCode.FIRST_REVIEW_HEALTH_CHECK, on=dt.date(2027, 7, 21))
    clock.to(dt.date(2027, 7, 21))
    assert selectors.review_health_check_required(placement=mine, on=dt.date(2027, 7, 21))
    assert not selectors.review_health_check_required(placement=mine, on=dt.date(2027, 7, 20))
    assert review(mine, pworld.sara, held_on=dt.date(2027, 7, 20)).held_on  # before: not asked


def test_no_health_check_for_a_placement_that_began_for_an_adult(pworld, clock):
    clock.to(START)
    here = ludvika(pworld)
    switch_on(here, SwitchCode.FIRST_REVIEW_HEALTH_CHECK)
    young_adult = resident(here, age=19, first_name="Nils")
    placement = placed(pworld, here, young_adult, start=START, basis=LegalBasis.LVU_3)
    clock.to(dt.date(2027, 7, 20))
    assert not selectors.review_health_check_required(placement=placement, on=clock.today)
    assert review(placement, pworld.sara, held_on=clock.today).held_on == clock.today


def test_the_review_page_asks_for_the_confirmations_and_refuses_without(pworld, clock):
    clock.to(dt.date(2027, 1, 31))
    switch_on(ludvika(pworld), SwitchCode.FIRST_REVIEW_HEALTH_CHECK)
    placement = placed_sol(pworld)
    sara = client_for(pworld.sara)
    assert (
        do(sara, placement, PlacementFlow.move_in, {"start_date": clock.today}).status_code == 302
    )
    # The region has answered that the examination was offered: the page proposes it.
    request = services.health_exam_request(
        placement=placement, by=pworld.sara, region_unit=pworld.sip.bup, asked="Erbjud."
    )
    services.health_exam_record(
        request=request, by=pworld.vera, outcome=HealthExamRequest.Outcome.OFFERED, on=clock.today
    )
    due = Review.objects.get(placement=placement, held_on=None)
    clock.to(selectors.review_notice_start(review=due))
    assert fire_due_timers() == 1
    sara = client_for(pworld.sara)
    refused = do(
        sara,
        placement,
        PlacementFlow.review,
        {"held_on": clock.today, "outcome": Review.Outcome.CONTINUE},
    )
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "Skolan har gjort en kunskapsbedömning" in body
    assert "Förslag i SOU 2023:66 (inte gällande lag)" in body  # the source, by name
    assert "ska nämnden följa upp att skolan har gjort en kunskapsbedömning" in body
    page = sara.get(task_url(placement, open_task(placement, PlacementFlow.review)), follow=True)
    offered = re.search(
        r'<input type="checkbox"[^>]*name="health_examination_offered"[^>]*>',
        page.content.decode(),
    )
    assert ' checked="checked"' in offered.group(0)
    done = do(
        sara,
        placement,
        PlacementFlow.review,
        {
            "held_on": clock.today,
            "outcome": Review.Outcome.CONTINUE,
            "health_examination_offered": "on",
            "knowledge_assessment_done": "on",
        },
    )
    assert done.status_code == 302
    assert Review.objects.get(placement=placement, held_on=clock.today).knowledge_assessment_done


# --- Aftercare: two months, or six where the organisation follows the proposal -------------------


def end(placement, by, on):
    return services.placement_end(
        placement=placement,
        by=by,
        ended_on=on,
        reason="Målen är nådda.",
        destination=EndDestination.HOME,
    )


def test_the_aftercare_runs_six_months_where_switched_on_two_elsewhere(pworld, two, clock):
    here, mine, there, theirs = two
    switch_on(here, SwitchCode.AFTERCARE_SIX_MONTHS)
    ended = dt.date(2027, 8, 31)
    clock.to(ended)
    mine, theirs = end(mine, pworld.sara, ended), end(theirs, there.worker, ended)
    assert mine.aftercare_until == dt.date(2028, 2, 29)  # a leap year's month end
    assert theirs.aftercare_until == dt.date(2027, 10, 31)
    # The clocks and the list show it as the next deadline.
    assert selectors.placement_clocks(placement=mine, on=ended).aftercare_until == dt.date(
        2028, 2, 29
    )
    rows = selectors.placements_of_caseworker(user=pworld.sara, on=ended)
    assert [(row.placement, row.clocks.aftercare_until) for row in rows] == [
        (mine, dt.date(2028, 2, 29))
    ]
    page = client_for(pworld.sara).get(reverse("placement:index")).content.decode()
    assert "efter placeringen till och med 2028-02-29" in page
    # The case closes only once the six months have run.
    clock.to(dt.date(2027, 11, 1))
    with pytest.raises(ValidationError, match="2028-02-29"):
        services.placement_close(placement=mine, by=pworld.sara, note="Bor hemma.")
    assert services.placement_close(placement=theirs, by=there.worker, note="Bor hemma.")
    clock.to(dt.date(2028, 2, 29))
    closed = services.placement_close(placement=mine, by=pworld.sara, note="Bor hemma.")
    assert closed.phase == Placement.Phase.CLOSED


def test_the_aftercare_follows_the_switch_on_the_day_the_placement_ends(pworld, two, clock):
    here, mine, _there, _theirs = two
    switch_on(here, SwitchCode.AFTERCARE_SIX_MONTHS, on=dt.date(2027, 9, 1))
    clock.to(dt.date(2027, 8, 31))
    assert end(mine, pworld.sara, clock.today).aftercare_until == dt.date(2027, 10, 31)


def test_the_aftercare_stays_two_months_once_the_organisation_stops_following(pworld, two, clock):
    here, mine, _there, _theirs = two
    switch_on(here, SwitchCode.AFTERCARE_SIX_MONTHS)
    RuleSwitch.objects.create(
        organisation=here.organisation,
        code=SwitchCode.AFTERCARE_SIX_MONTHS,
        enabled=False,
        effective_from=dt.date(2027, 6, 1),
    )
    clock.to(dt.date(2027, 8, 31))
    assert end(mine, pworld.sara, clock.today).aftercare_until == dt.date(2027, 10, 31)


def test_an_adult_has_no_aftercare_even_where_switched_on(pworld, clock):
    clock.to(START)
    here = ludvika(pworld)
    switch_on(here, SwitchCode.AFTERCARE_SIX_MONTHS)
    placement = placed(pworld, here, pworld.adult, start=START, basis=LegalBasis.LVM)
    clock.to(dt.date(2027, 5, 31))
    assert end(placement, pworld.sara, clock.today).aftercare_until is None


@pytest.mark.parametrize(
    ("switched", "until"), [(False, dt.date(2027, 10, 31)), (True, dt.date(2028, 2, 29))]
)
def test_the_flows_aftercare_timer_runs_to_the_end_of_the_follow_up(pworld, clock, switched, until):
    clock.to(dt.date(2027, 6, 30))
    if switched:
        switch_on(ludvika(pworld), SwitchCode.AFTERCARE_SIX_MONTHS)
    placement = placed_sol(pworld)
    services.placement_start(
        placement=placement,
        by=pworld.sara,
        start_date=clock.today,
        planned_end_date=dt.date(2027, 10, 31),
    )
    clock.to(timezone.localdate(timer(placement, PlacementFlow.under_way).scheduled))
    assert clock.today == dt.date(2027, 8, 31)  # ending planning opens two months before
    services.ending_plans_open()
    assert fire_due_timers() == 1
    sara = client_for(pworld.sara)
    assert do(sara, placement, PlacementFlow.plan_ending, {"confirm": "on"}).status_code == 302
    ended = do(
        sara,
        placement,
        PlacementFlow.end_placement,
        {
            "ended_on": clock.today,
            "reason": "Planerat slut.",
            "destination": EndDestination.GUARDIAN,
            "insatser-TOTAL_FORMS": 0,
            "insatser-INITIAL_FORMS": 0,
        },
    )
    assert ended.status_code == 302
    waiting = timer(placement, PlacementFlow.wait_for_aftercare)
    assert timezone.localdate(waiting.scheduled) == until
    clock.to(until - dt.timedelta(days=1))
    assert fire_due_timers() == 0
    clock.to(until)
    assert fire_due_timers() == 1
    page = client_for(pworld.sara).get(reverse("placement:placement", kwargs={"pk": placement.pk}))
    assert until.isoformat() in page.content.decode()
