"""The placement process. Före: utredning → förslag → (LVU/LVM: the steps of tvångsvården)
→ beslut → kostnadsfördelning, approved on each side → inflyttning. A planned placement
writes and approves its cost allocation before the move; an acute one moves in first and
settles the cost allocation afterwards (placement.services.start).

Under: a timer waits for whatever comes first, the next review's notice (övervägande or
omprövning, from the start date) or the opening of ending planning; a review tells the
handläggare and becomes her task, and its outcome loops back (continue, change) or leads
to the ending. Avslut: ending planning → the end (utflyttning) → a timer for the
aftercare follow-up → the case is closed.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from cases.backends import organisation_permission, unit_permission
from cases.nodes import If, UnitView
from directory.models import Membership, Organisation
from directory.selectors import user_roles, user_starts_cases, user_works_with_cases

from . import views
from .models import CostAllocation, LegalStep, Placement, PlacementProcess, Review
from .rules import BASES
from .selectors import LIVING_THERE, ending_opens_on, review_notice_start
from .services import placement_open, review_announce

#: The hour a timer of the placement fires on its day.
TIMER_HOUR = 7

SUMMARY = "{{ process.placement }}"


def _caseworker(activation):
    return activation.process.placement.caseworker


def _placing_unit_permission(activation) -> str:
    return unit_permission(activation.process.placement.placing_unit_id)


def _region_permission(activation) -> str:
    """The region's approval is queued for the paying region, or the placing kommun's."""
    placement = activation.process.placement
    region = (
        placement.cost_allocation.rows.filter(paying_organisation__kind=Organisation.Kind.REGION)
        .values_list("paying_organisation_id", flat=True)
        .first()
    ) or placement.placing_unit.organisation.region_id
    return organisation_permission(region)


def _placement(activation) -> Placement:
    """Read afresh: the step that led here changed it."""
    return Placement.objects.get(process_id=activation.process.pk)


def _open_review(activation) -> Review | None:
    return (
        Review.objects.filter(placement__process_id=activation.process.pk, held_on=None)
        .select_related("placement__placing_unit")
        .order_by("due_on")
        .first()
    )


def _at_timer_hour(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(TIMER_HOUR, 0)))


class PlacementFlow(flow.Flow):
    process_class = PlacementProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Placering på HVB")
    process_description = _("Utredning, beslut och inflyttning på ett HVB.")
    process_summary_template = SUMMARY

    start = (
        flow.Start(views.StartView.as_view())
        .Annotation(title=_("Inled utredning om placering"), summary_template=SUMMARY)
        .Available(lambda user: user_starts_cases(user=user))
        .Next(this.investigate)
    )
    start_process = (
        flow.StartHandle(this.start_from_code)
        .Annotation(title=_("Inled utredning om placering"))
        .Next(this.investigate)
    )

    investigate = (
        flow.View(views.ProposeView.as_view())
        .Annotation(title=_("Utred och föreslå placering"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.compulsory)
    )
    compulsory = (
        If(this.is_compulsory)
        .Annotation(title=_("Gäller det tvångsvård?"))
        .Then(this.legal)
        .Else(this.decide)
    )
    legal = (
        flow.View(views.LegalStepView.as_view())
        .Annotation(title=_("Dokumentera steg i tvångsvården"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.legal_done)
    )
    legal_done = (
        If(this.care_may_be_decided)
        .Annotation(title=_("Kan vården beslutas?"))
        .Then(this.decide)
        .Else(this.legal)
    )
    decide = (
        flow.View(views.DecideView.as_view())
        .Annotation(title=_("Besluta om placering"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.acute_first)
    )
    acute_first = (
        If(this.is_acute)
        .Annotation(title=_("Är placeringen akut?"))
        .Then(this.move_in)
        .Else(this.allocate)
    )
    allocate = (
        flow.View(views.CostAllocationView.as_view())
        .Annotation(title=_("Skriv kostnadsfördelning"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.approve)
    )
    approve = (
        flow.Split()
        .Annotation(title=_("Skicka kostnadsfördelningen för godkännande"))
        .Next(this.approve_kommun)
        .Next(this.approve_region)
    )
    approve_kommun = (
        UnitView(views.ApproveView.as_view())
        .Annotation(title=_("Godkänn kostnadsfördelningen för kommunen"), summary_template=SUMMARY)
        .Permission(_placing_unit_permission)
        .Next(this.approved)
    )
    approve_region = (
        UnitView(views.ApproveView.as_view())
        .Annotation(title=_("Godkänn kostnadsfördelningen för regionen"), summary_template=SUMMARY)
        .Permission(_region_permission)
        .Next(this.approved)
    )
    approved = (
        flow.Join().Annotation(title=_("Kostnadsfördelningen är godkänd")).Next(this.costs_done)
    )
    costs_done = (
        If(this.is_placed)
        .Annotation(title=_("Har personen redan flyttat in?"))
        .Then(this.placed)
        .Else(this.move_in)
    )
    move_in = (
        flow.View(views.MoveInView.as_view())
        .Annotation(title=_("Inflyttning"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.moved_in)
    )
    moved_in = (
        If(this.costs_settled)
        .Annotation(title=_("Är kostnadsfördelningen klar?"))
        .Then(this.placed)
        .Else(this.allocate)
    )

    placed = (
        flow.Switch()
        .Annotation(title=_("Hur går placeringen vidare?"))
        .Case(this.wait_for_aftercare, this.has_ended)
        .Default(this.under_way)
    )
    under_way = (
        flow.Timer(this.under_time).Annotation(
            title=_("Väntar på övervägande eller avslut"), summary_template=SUMMARY
        )
    ).Next(this.under_due)
    under_due = (
        flow.Switch()
        .Annotation(title=_("Vad är nästa steg?"))
        .Case(this.wait_for_aftercare, this.has_ended)
        .Case(this.plan_ending, this.ending_due)
        .Case(this.announce_review, this.review_due)
        .Default(this.under_way)
    )
    announce_review = (
        flow.Function(this.tell_caseworker_review_due)
        .Annotation(title=_("Påminn om övervägandet"))
        .Next(this.review)
    )
    review = (
        flow.View(views.ReviewView.as_view())
        .Annotation(title=_("Gör övervägandet"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.after_review)
    )
    after_review = (
        flow.Switch()
        .Annotation(title=_("Ska placeringen avslutas?"))
        .Case(this.plan_ending, this.review_ends)
        .Default(this.placed)
    )
    plan_ending = (
        flow.View(views.EndingPlanView.as_view())
        .Annotation(title=_("Planera avslutet"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.end_placement)
    )
    end_placement = (
        flow.View(views.EndView.as_view())
        .Annotation(title=_("Avsluta placeringen"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.wait_for_aftercare)
    )
    wait_for_aftercare = (
        flow.Timer(this.aftercare_time).Annotation(
            title=_("Uppföljning efter placeringen"), summary_template=SUMMARY
        )
    ).Next(this.close)
    close = (
        flow.View(views.CloseView.as_view())
        .Annotation(title=_("Avsluta ärendet"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("Ärendet är avslutat"))

    def start_from_code(self, activation, *, by, **fields):
        placement_open(activation=activation, by=by, **fields)
        return activation.process

    def is_compulsory(self, activation) -> bool:
        return BASES[_placement(activation).legal_basis].compulsory

    def care_may_be_decided(self, activation) -> bool:
        return LegalStep.objects.filter(
            placement__process_id=activation.process.pk, kind__in=LegalStep.DECIDING
        ).exists()

    def is_acute(self, activation) -> bool:
        return _placement(activation).acute

    def is_placed(self, activation) -> bool:
        return _placement(activation).phase != Placement.Phase.DECIDED

    def costs_settled(self, activation) -> bool:
        allocation = CostAllocation.objects.filter(
            placement__process_id=activation.process.pk
        ).first()
        return allocation is not None and allocation.approved

    def has_ended(self, activation) -> bool:
        """Ended (or closed) outside its task, from code: straight to the aftercare."""
        return _placement(activation).phase not in LIVING_THERE

    def ending_due(self, activation) -> bool:
        placement = _placement(activation)
        opens = ending_opens_on(placement=placement)
        return placement.phase == Placement.Phase.ENDING or (
            opens is not None and opens <= timezone.localdate()
        )

    def review_due(self, activation) -> bool:
        review = _open_review(activation)
        return review is not None and review_notice_start(review=review) <= timezone.localdate()

    def review_ends(self, activation) -> bool:
        last = (
            Review.objects.filter(placement__process_id=activation.process.pk)
            .exclude(held_on=None)
            .order_by("-held_on", "-pk")
            .first()
        )
        return last is not None and last.outcome == Review.Outcome.END

    def under_time(self, activation):
        """The first of the next review's notice and the opening of ending planning; in a
        month when neither is known (the dates are read anew when it fires)."""
        placement = _placement(activation)
        review = _open_review(activation)
        days = [
            day
            for day in (
                review and review_notice_start(review=review),
                ending_opens_on(placement=placement),
            )
            if day
        ]
        if placement.phase != Placement.Phase.PLACED:
            days.append(timezone.localdate())
        day = min(days) if days else timezone.localdate() + dt.timedelta(days=30)
        return _at_timer_hour(day)

    def tell_caseworker_review_due(self, activation):
        """The review's notice has come: the handläggare is told, and the task follows."""
        review_announce(review=_open_review(activation))

    def aftercare_time(self, activation):
        """The last day of the aftercare follow-up; at once for an adult (none)."""
        until = _placement(activation).aftercare_until
        return _at_timer_hour(until) if until else timezone.now()

    def has_view_permission(self, user, obj=None):
        """Staff who work with cases, and HVB staff (their HVB's placements)."""
        return user.is_authenticated and (
            user_works_with_cases(user=user) or Membership.Role.HVB_STAFF in user_roles(user=user)
        )

    def has_manage_permission(self, user, obj=None):
        """Nobody, superusers included: viewflow's manage actions (undo, cancel or revive a
        task, cancel the process) move the tasks without the placement's phase and history.
        A placement ends through its own steps (placement.services);
        cases.middleware.ManageActionsMiddleware tells whoever tries why."""
        return False
