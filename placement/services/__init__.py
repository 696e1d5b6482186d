"""Every change to a placement, one module per step (keyword-only, typed, atomic)."""

from .costs import CostRow, cost_allocation_approve, cost_allocation_create
from .decision import legal_step_record, placement_decide
from .investigation import alternative_record, assessment_record
from .open import placement_open, placement_open_process
from .propose import Proposal, placement_propose
from .start import placement_cancel, placement_start

__all__ = [
    "CostRow",
    "Proposal",
    "alternative_record",
    "assessment_record",
    "cost_allocation_approve",
    "cost_allocation_create",
    "legal_step_record",
    "placement_cancel",
    "placement_decide",
    "placement_open",
    "placement_open_process",
    "placement_propose",
    "placement_start",
]
