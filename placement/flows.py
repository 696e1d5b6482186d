"""The placement process before the move (före): utredning → förslag → (LVU/LVM: the steps
of tvångsvården) → beslut → kostnadsfördelning, approved on each side → inflyttning.

A planned placement writes and approves its cost allocation before the move; an acute one
moves in first and settles the cost allocation afterwards (placement.services.start).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from cases.backends import organisation_permission, unit_permission
from cases.nodes import UnitView
from directory.models import Membership, Organisation
from directory.selectors import user_starts_cases, user_works_with_cases

from . import views
from .models import CostAllocation, LegalStep, Placement, PlacementProcess
from .rules import BASES
from .services import placement_open

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
    start_process = flow.StartHandle(this.start_from_code).Next(this.investigate)

    investigate = (
        flow.View(views.ProposeView.as_view())
        .Annotation(title=_("Utred och föreslå placering"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.compulsory)
    )
    compulsory = flow.If(this.is_compulsory).Then(this.legal).Else(this.decide)
    legal = (
        flow.View(views.LegalStepView.as_view())
        .Annotation(title=_("Dokumentera steg i tvångsvården"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.legal_done)
    )
    legal_done = flow.If(this.care_may_be_decided).Then(this.decide).Else(this.legal)
    decide = (
        flow.View(views.DecideView.as_view())
        .Annotation(title=_("Besluta om placering"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.acute_first)
    )
    acute_first = flow.If(this.is_acute).Then(this.move_in).Else(this.allocate)
    allocate = (
        flow.View(views.CostAllocationView.as_view())
        .Annotation(title=_("Skriv kostnadsfördelning"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.approve)
    )
    approve = flow.Split().Next(this.approve_kommun).Next(this.approve_region)
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
    approved = flow.Join().Next(this.costs_done)
    costs_done = flow.If(this.is_placed).Then(this.end).Else(this.move_in)
    move_in = (
        flow.View(views.MoveInView.as_view())
        .Annotation(title=_("Inflyttning"), summary_template=SUMMARY)
        .Assign(_caseworker)
        .Permission(_placing_unit_permission)
        .Next(this.moved_in)
    )
    moved_in = flow.If(this.costs_settled).Then(this.end).Else(this.allocate)
    end = flow.End()

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

    def has_view_permission(self, user, obj=None):
        """Staff who work with cases, and HVB staff (their HVB's placements)."""
        return user.is_authenticated and (
            user_works_with_cases(user=user)
            or Membership.objects.filter(user=user, role=Membership.Role.HVB_STAFF).exists()
        )

    def has_manage_permission(self, user, obj=None):
        """Nobody, superusers included: viewflow's manage actions (undo, cancel or revive a
        task, cancel the process) move the tasks without the placement's phase and history.
        A placement ends through its own steps (placement.services);
        cases.middleware.ManageActionsMiddleware tells whoever tries why."""
        return False
