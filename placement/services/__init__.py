"""Every change to a placement, one module per step (keyword-only, typed, atomic)."""

from .basis import placement_basis_change
from .clocks import placement_clocks_expire, placement_clocks_refresh, placement_clocks_store
from .cost_reminders import cost_allocations_remind
from .costs import CostRow, cost_allocation_approve, cost_allocation_create
from .decision import legal_step_record, placement_decide
from .ending import ending_plans_open, placement_close, placement_end, placement_ending_plan
from .handover import person_registration_move, region_handover_confirm, region_handover_send
from .health import (
    dental_home_set,
    health_exam_record,
    health_exam_request,
    school_arrangement_record,
)
from .hvb_change import placement_hvb_change
from .investigation import alternative_record, assessment_record
from .limits import placement_planned_end_set
from .open import placement_open, placement_open_process
from .plans import PlanInsats, plan_version_write
from .propose import Proposal, placement_propose
from .review import review_announce, review_record, reviews_remind
from .sip import placement_sip_link, placement_sip_start
from .start import cancel_refusal, placement_cancel, placement_start
from .visits import follow_up_visit_record
from .withdrawal import placement_consent_ended, placement_consent_ends_pending

__all__ = [
    "CostRow",
    "PlanInsats",
    "Proposal",
    "alternative_record",
    "assessment_record",
    "cancel_refusal",
    "cost_allocation_approve",
    "cost_allocation_create",
    "cost_allocations_remind",
    "dental_home_set",
    "ending_plans_open",
    "follow_up_visit_record",
    "health_exam_record",
    "health_exam_request",
    "legal_step_record",
    "person_registration_move",
    "placement_basis_change",
    "placement_cancel",
    "placement_clocks_expire",
    "placement_clocks_refresh",
    "placement_clocks_store",
    "placement_close",
    "placement_consent_ended",
    "placement_consent_ends_pending",
    "placement_decide",
    "placement_end",
    "placement_ending_plan",
    "placement_hvb_change",
    "placement_open",
    "placement_open_process",
    "placement_planned_end_set",
    "placement_propose",
    "placement_sip_link",
    "placement_sip_start",
    "placement_start",
    "plan_version_write",
    "region_handover_confirm",
    "region_handover_send",
    "review_announce",
    "review_record",
    "reviews_remind",
    "school_arrangement_record",
]
