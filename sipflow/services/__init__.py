"""Writes for SIP, one module per step of the process:

- ``start``: upptäck behov and förbered;
- ``summons``: kalla, moving the meeting, reminders of unanswered kallelser;
- ``answers``: svar på kallelse (accept, decline, forward);
- ``meetings``: the meeting and the written plan;
- ``follow_ups``: uppföljning and avslut;
- ``reconsider``: what a SIP does when a consent it rests on ends.

Each service is atomic, authorises itself, asks the consent policy, and records every
transition through cases.history, so the flow, the pages, the admin and the tests all go
through here. Steps that finish a viewflow task take ``activation``: the started activation
of the web task view, which already holds the flow lock and the transaction; without it the
service opens the task itself (cases.tasks).
"""

from cases.errors import Conflict as StepConflict
from cases.errors import ConsentMissing

from ..coverage import plan_consent_check, sip_consent_check
from .answers import DeclineReason, invitation_accept, invitation_decline, invitation_forward
from .base import answer_by_default, plan_close
from .follow_ups import follow_up_announce, follow_up_record
from .halted import sip_close_halted
from .meetings import ActionInput, meeting_hold
from .notices import meeting_data
from .reconsider import (
    RECONSIDER_LOCK_ATTEMPTS,
    sip_consent_ended,
    sip_reconsider,
    sip_reconsider_pending,
)
from .start import sip_prepare, sip_start, sip_start_process
from .summons import invitation_remind_unanswered, meeting_reschedule, sip_summon

__all__ = [
    "RECONSIDER_LOCK_ATTEMPTS",
    "ActionInput",
    "ConsentMissing",
    "DeclineReason",
    "StepConflict",
    "answer_by_default",
    "follow_up_announce",
    "follow_up_record",
    "invitation_accept",
    "invitation_decline",
    "invitation_forward",
    "invitation_remind_unanswered",
    "meeting_data",
    "meeting_hold",
    "meeting_reschedule",
    "plan_close",
    "plan_consent_check",
    "sip_close_halted",
    "sip_consent_check",
    "sip_consent_ended",
    "sip_prepare",
    "sip_reconsider",
    "sip_reconsider_pending",
    "sip_start",
    "sip_start_process",
    "sip_summon",
]
