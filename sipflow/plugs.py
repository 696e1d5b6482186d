"""What SIP plugs into the layers above it, registered from ``SipflowConfig.ready()``: its
lists on the start page and the chef's overview, and its parts of the periodic tick."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.registry import (
    OverviewRows,
    PeriodicJob,
    WaitingRows,
    register_overview_rows,
    register_periodic_job,
    register_waiting_rows,
)

from . import selectors
from .grants import sip_grants_resync_due
from .reminders import answer_due_soon_remind
from .services import invitation_remind_unanswered, sip_reconsider_pending


def sip_plugs_register() -> None:
    # The user's own work, first on the start page.
    register_waiting_rows(
        WaitingRows(
            code="sip_tasks",
            title=_("Dina uppgifter i SIP"),
            empty="",
            template="cases/_task_row.html",
            rows=selectors.user_tasks,
            order=1,
        )
    )
    register_waiting_rows(
        WaitingRows(
            code="sips_halted",
            title=_("Dina stoppade SIP:ar"),
            empty="",
            template="sipflow/overview/plan_halted.html",
            rows=selectors.plans_halted_of_user,
            order=2,
        )
    )
    register_waiting_rows(
        WaitingRows(
            code="sips_own",
            title=_("Dina SIP:ar"),
            empty="",
            template="sipflow/overview/plan_own.html",
            rows=selectors.plans_of_user,
            order=3,
        )
    )
    register_waiting_rows(
        WaitingRows(
            code="invitations_waiting",
            title=_("Kallelser som väntar på svar från dina enheter"),
            empty="",
            template="sipflow/overview/invitation_waiting.html",
            rows=selectors.invitations_for_units,
            order=10,
        )
    )
    # The codes are the keys of the chef's digest (stored in its events' data).
    register_overview_rows(
        OverviewRows(
            code="unanswered",
            title=_("Obesvarade kallelser efter sista svarsdag"),
            empty=_("Inga."),
            template="sipflow/overview/invitation_unanswered.html",
            rows=selectors.invitations_unanswered,
            counted=lambda n: ngettext(
                "%(count)d obesvarad kallelse", "%(count)d obesvarade kallelser", n
            ),
            order=10,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="overdue_follow_ups",
            title=_("Försenade uppföljningar"),
            empty=_("Inga."),
            template="sipflow/overview/follow_up_overdue.html",
            rows=selectors.follow_ups_overdue,
            counted=lambda n: ngettext(
                "%(count)d försenad uppföljning", "%(count)d försenade uppföljningar", n
            ),
            order=20,
        )
    )
    for order, name, run in (
        (30, "reconsidered", sip_reconsider_pending),
        (40, "grants", sip_grants_resync_due),
        (50, "unanswered", invitation_remind_unanswered),
        (60, "due_soon", answer_due_soon_remind),
    ):
        register_periodic_job(PeriodicJob(name=name, run=run, order=order))
