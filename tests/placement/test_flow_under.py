"""The placement process after the move, through the pages with a controllable clock:
move in, the review timer comes due (the handläggare is told, the task is hers), a review
that continues loops to the next one from the start date, a review that ends leads to the
ending planning and the end, the aftercare timer runs out and the case is closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from notifications.models import Event
from placement import services
from placement.events import PlacementEvent
from placement.flows import PlacementFlow
from placement.models import EndDestination, Placement, Review
from placement.selectors import review_notice_start
from tests.placement.test_views import client_for, do, opened_in_flow

pytestmark = pytest.mark.django_db


class Clock:
    """timezone.now, moved by the test (every service and viewflow's timers read it)."""

    def __init__(self, monkeypatch):
        self.at = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.at)

    def to(self, day: dt.date, hour: int = 9) -> None:
        self.at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.at)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def timer(placement: Placement, node) -> Task:
    return Task.objects.get(
        process_id=placement.process_id, flow_task=node, status=STATUS.SCHEDULED
    )


def placed_sol(pworld) -> Placement:
    """An SoL placement decided through the flow, its cost allocation approved on both
    sides, waiting for the move."""
    pworld.sol_consents()
    placement = opened_in_flow(pworld)
    pworld.propose(placement)
    pworld.decide(placement)
    pworld.cost_allocation(placement)
    return placement


def test_the_flow_from_the_move_through_reviews_to_the_end_aftercare_and_close(pworld, clock):
    placement = placed_sol(pworld)
    start = clock.today
    response = do(client_for(pworld.sara), placement, PlacementFlow.move_in, {"start_date": start})
    assert response.status_code == 302

    # The first review: six months from the start; the timer fires at its notice.
    review = Review.objects.get(placement=placement, held_on=None)
    notice = review_notice_start(review=review)
    waiting = timer(placement, PlacementFlow.under_way)
    assert timezone.localdate(waiting.scheduled) == notice
    clock.to(notice - dt.timedelta(days=1))
    assert fire_due_timers() == 0
    clock.to(notice)
    assert fire_due_timers() == 1
    told = Event.objects.get(kind=PlacementEvent.REVIEW_DUE, recipient_user=pworld.sara)
    assert told.url == reverse("placement:placement", kwargs={"pk": placement.pk})
    services.reviews_remind()  # the tick's reminder does not tell her twice
    assert Event.objects.filter(kind=PlacementEvent.REVIEW_DUE).count() == 1

    sara = client_for(pworld.sara)
    bad = do(sara, placement, PlacementFlow.review, {"held_on": clock.today, "outcome": ""})
    assert bad.status_code == 422
    response = do(
        sara,
        placement,
        PlacementFlow.review,
        {"held_on": clock.today, "outcome": Review.Outcome.CONTINUE, "note": "Går bra."},
    )
    assert response.status_code == 302

    # Continue: the loop waits for the next review, counted from the start date.
    following = Review.objects.get(placement=placement, held_on=None)
    assert following.due_on > review.due_on
    notice = review_notice_start(review=following)
    assert timezone.localdate(timer(placement, PlacementFlow.under_way).scheduled) == notice
    clock.to(notice)
    assert fire_due_timers() == 1
    sara = client_for(pworld.sara)
    response = do(
        sara,
        placement,
        PlacementFlow.review,
        {"held_on": clock.today, "outcome": Review.Outcome.END, "note": "Målen är nådda."},
    )
    assert response.status_code == 302

    # End: ending planning, then the move out.
    assert do(sara, placement, PlacementFlow.plan_ending, {}).status_code == 422
    assert do(sara, placement, PlacementFlow.plan_ending, {"confirm": "on"}).status_code == 302
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.ENDING
    ended = clock.today
    response = do(
        sara,
        placement,
        PlacementFlow.end_placement,
        {
            "ended_on": ended,
            "reason": "Målen i vårdplanen är nådda.",
            "destination": EndDestination.HOME,
            "insatser-TOTAL_FORMS": 1,
            "insatser-INITIAL_FORMS": 0,
            "insatser-0-what": "Familjebehandling",
            "insatser-0-who": "Barn och familj",
            "insatser-0-when": "Varje vecka",
        },
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.AFTERCARE
    assert placement.aftercare_until is not None
    assert [row.what for row in placement.continuing_insatser.all()] == ["Familjebehandling"]

    # Aftercare: the timer runs to its last day, then the case is closed.
    waiting = timer(placement, PlacementFlow.wait_for_aftercare)
    assert timezone.localdate(waiting.scheduled) == placement.aftercare_until
    clock.to(placement.aftercare_until - dt.timedelta(days=1))
    assert fire_due_timers() == 0
    clock.to(placement.aftercare_until)
    assert fire_due_timers() == 1
    sara = client_for(pworld.sara)
    assert do(sara, placement, PlacementFlow.close, {"note": ""}).status_code == 422
    response = do(
        sara, placement, PlacementFlow.close, {"note": "Oskar bor hemma och går i skolan."}
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.CLOSED
    assert placement.process.status == STATUS.DONE
    page = sara.get(reverse("placement:placement", kwargs={"pk": placement.pk}))
    assert page.status_code == 200


def test_an_ending_opened_by_the_tick_still_leads_to_the_end_task(pworld, clock):
    """The tick opens ending planning before the review; the timer goes to the ending."""
    placement = placed_sol(pworld)
    services.placement_start(
        placement=placement,
        by=pworld.sara,
        start_date=clock.today,
        planned_end_date=clock.today + dt.timedelta(days=120),
    )
    waiting = timer(placement, PlacementFlow.under_way)
    clock.to(timezone.localdate(waiting.scheduled))
    services.ending_plans_open()
    assert fire_due_timers() == 1
    sara = client_for(pworld.sara)
    assert do(sara, placement, PlacementFlow.plan_ending, {"confirm": "on"}).status_code == 302
    assert Task.objects.get(
        process_id=placement.process_id, flow_task=PlacementFlow.end_placement
    ).status in (STATUS.NEW, STATUS.ASSIGNED)
