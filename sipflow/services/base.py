"""What every SIP step shares: the flow, the history, and the checks a step makes before it
changes anything (the SIP is open, the user is a party to it, the consent covers it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.errors import ConsentMissing, InvalidState
from cases.history import history_write, transit
from cases.parties import case_party_require
from cases.tasks import member, task_open
from directory.durations import DurationCode
from directory.models import Unit, User
from directory.selectors import CASE_ROLES
from notifications.workdays import add_working_days

from ..access import leads_on_consent
from ..coverage import plan_consent_check
from ..models import SipPlan
from ..selectors import plan_duration


def sip_flow():
    from ..flows import SipFlow

    return SipFlow


def now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def history(plan: SipPlan, *, what: str, at: dt.datetime, by=None, unit=None, **params: Any):
    """A history entry that is no transition of the SIP's own state (cases.history)."""
    history_write(plan, what=what, at=at, by=by, unit=unit, **params)


def open_task(plan: SipPlan, node, **data):
    return task_open(process=plan.process_id, node=node, **data)


def answer_by_default(*, plan: SipPlan, sent_on: dt.date) -> dt.date:
    """Svara senast: the sending organisation's number of working days (directory.durations)
    after the kallelse is sent."""
    days = plan_duration(plan=plan, code=DurationCode.SIP_ANSWER_WORKING_DAYS, on=sent_on)
    return add_working_days(sent_on, days)


def default_answer_by(*, plan: SipPlan, at: dt.datetime, starts_at: dt.datetime) -> dt.date:
    """The default answer-by date, but never after the meeting itself."""
    sent_on = timezone.localdate(at)
    return min(answer_by_default(plan=plan, sent_on=sent_on), timezone.localdate(starts_at))


def require_consent(plan: SipPlan, *, at: dt.datetime, **parties) -> None:
    decision = plan_consent_check(plan=plan, at=at, **parties)
    if not decision.allowed:
        raise ConsentMissing(decision)


def require_open(plan: SipPlan) -> None:
    if not plan.is_open:
        raise InvalidState(
            _("SIP:en är %(phase)s.") % {"phase": plan.get_phase_display().lower()},
            reason="not_open",
        )


def require_case_party(plan: SipPlan, by: User, *, at: dt.datetime | None = None) -> None:
    """The initiating unit works the SIP's own steps; the lead unit and the coordinator from
    outside it too, while the consent covers them (as on the plan page, sipflow.access)."""
    case_party_require(
        by=by,
        own_units=[plan.started_unit_id],
        lead_units=[plan.lead_unit_id],
        lead_user_id=plan.coordinator_id,
        covered=lambda: leads_on_consent(user=by, plan=plan, at=now(at)),
        not_party=_("Du arbetar inte med den här SIP:en."),
        not_covered=_(
            "Samtycket omfattar inte längre din enhet, så du kan inte arbeta med SIP:en."
        ),
    )


def require_lead(
    plan: SipPlan, *, lead_unit: Unit, coordinator: User, parties: Iterable[Unit]
) -> None:
    """The huvudansvarig unit is the initiating unit or one of the called ``parties``; the
    huvudansvarig person works there in a case role. Whether the consent covers it is asked
    with the step's other parties (förbered) or on its own (möte)."""
    if lead_unit != plan.started_unit and lead_unit not in set(parties):
        raise ValidationError(
            {"lead_unit": _("Huvudansvarig enhet ska vara den initierande eller en kallad enhet.")}
        )
    if not member(coordinator, lead_unit, CASE_ROLES):
        raise ValidationError(
            {
                "coordinator": _(
                    "Den huvudansvariga personen ska arbeta i den huvudansvariga enheten."
                )
            }
        )


def require_covered(plan: SipPlan, unit: Unit, *, at: dt.datetime, field: str) -> None:
    """The consent covers this unit (names it, does not exclude it) for the SIP's information."""
    decision = plan_consent_check(plan=plan, at=at, units=[unit], organisations=[])
    if not decision.consent_satisfied:
        raise ConsentMissing(decision, field=field)


def plan_close(plan: SipPlan, *, by: User, at: dt.datetime, reason: str, note: str = "") -> None:
    """Avslut, with one of the listed reasons; the caller saves the SIP."""
    if reason not in SipPlan.CloseReason.values:
        raise ValidationError({"close_reason": _("Välj ett skäl till avslut.")})
    plan.close_reason, plan.close_note, plan.closed_at = reason, note.strip(), at
    plan.next_follow_up = None
    transit(
        plan,
        "close",
        what=gettext_noop("SIP:en avslutades: %(reason)s."),
        at=at,
        by=by,
        reason=plan.get_close_reason_display(),
    )
