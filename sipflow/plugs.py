"""What SIP plugs into the layers above it, registered from ``SipflowConfig.ready()``: its
lists on the start page and the chef's overview, and its parts of the periodic tick."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.registry import (
    OpenCases,
    OverviewRows,
    PeriodicJob,
    WaitingRows,
    overview_rows_from_query,
    register_open_cases,
    register_overview_rows,
    register_periodic_job,
    register_waiting_rows,
)

from . import row_html, selectors
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
            template="sipflow/overview/own_halted.html",
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
    # The codes are the keys of the chef's digest (stored in its events' data), and of the
    # lists' pages (/oversikt/<code>/).
    common = {
        "handler_field": "overview_handler",
        "unit_field": "lead_unit_id",
        "person_field": "person",
        "case_url": row_html.plan_url,
        # What a SIP's row shows (its state field, the person's name, the units joined).
        "row_fields": (
            "phase",
            "next_follow_up",
            "person__first_name",
            "person__last_name",
            "lead_unit__name",
        ),
    }
    register_overview_rows(
        OverviewRows(
            code="unanswered",
            title=_("Obesvarade kallelser efter sista svarsdag"),
            empty=_("Inga kallelser är obesvarade efter sista svarsdag."),
            describe=row_html.invitation_unanswered_html,
            rows=selectors.invitations_unanswered,
            query=selectors.invitations_unanswered_query,
            due_label=_("Sista svarsdag"),
            unit_field="unit_id",
            unit_filter=selectors.invitations_unanswered_unit_filter,
            person_field="meeting__plan__person",
            case_url=row_html.invitation_url,
            # Each kallelse is checked through its meeting's SIP: sorted first, then checked.
            sorted_before_check=True,
            counted=lambda n: ngettext(
                "%(count)d obesvarad kallelse", "%(count)d obesvarade kallelser", n
            ),
            persons=lambda rows: [row.meeting.plan.person for row in rows],
            row_fields=(
                "status",
                "answer_by",
                "unit__name",
                "organisation__name",
                "meeting__kind",
                "meeting__starts_at",
                "meeting__plan__phase",
                "meeting__plan__person__first_name",
                "meeting__plan__person__last_name",
            ),
            order=10,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="overdue_follow_ups",
            title=_("Försenade uppföljningar"),
            empty=_("Ingen uppföljning är försenad."),
            describe=row_html.follow_up_overdue_html,
            rows=selectors.follow_ups_overdue,
            query=selectors.follow_ups_overdue_query,
            # Sorted, then checked: a region chef's are mostly SIPs started in a kommun, each
            # checked by its grants (the other SIP lists read fewer rows, or, the halted
            # SIPs, no faster: measured at the million, README).
            sorted_before_check=True,
            due_label=_("Uppföljning planerad"),
            counted=lambda n: ngettext(
                "%(count)d försenad uppföljning", "%(count)d försenade uppföljningar", n
            ),
            order=20,
            **common,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="sip_no_follow_up",
            title=_("SIP utan datum för nästa uppföljning"),
            empty=_("Alla pågående SIP har ett datum för nästa uppföljning."),
            describe=row_html.follow_up_unplanned_html,
            rows=overview_rows_from_query(selectors.follow_ups_unplanned_query),
            query=selectors.follow_ups_unplanned_query,
            due_label=_("Planen skrevs"),
            since_label=_("Planen skrevs"),
            counted=lambda n: ngettext(
                "%(count)d SIP utan nästa uppföljning", "%(count)d SIP utan nästa uppföljning", n
            ),
            order=21,
            **common,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="sip_halted",
            title=_("SIP som stoppats för att samtycket upphört"),
            empty=_("Ingen SIP är stoppad i väntan på nytt samtycke."),
            describe=row_html.plan_halted_html,
            rows=overview_rows_from_query(selectors.plans_halted_query),
            query=selectors.plans_halted_query,
            due_label=_("Stoppades"),
            since_label=_("Stoppad sedan"),
            counted=lambda n: ngettext("%(count)d stoppad SIP", "%(count)d stoppade SIP", n),
            order=22,
            **{
                **common,
                "unit_field": "started_unit_id",
                "row_fields": (*common["row_fields"], "halted_reason", "started_unit__name"),
            },
        )
    )
    register_overview_rows(
        OverviewRows(
            code="sip_consents_expiring",
            title=_("Samtycken till SIP som snart går ut"),
            empty=_("Inget samtycke till en pågående SIP går ut den närmaste tiden."),
            describe=row_html.consent_expiring_html,
            rows=overview_rows_from_query(selectors.consents_expiring_query),
            query=selectors.consents_expiring_query,
            due_label=_("Samtycket gäller till och med"),
            ahead=True,  # due on the consent's last day, today or later
            counted=lambda n: ngettext(
                "%(count)d samtycke går snart ut", "%(count)d samtycken går snart ut", n
            ),
            order=23,
            **common,
        )
    )
    register_open_cases(
        OpenCases(code="sip", query=selectors.plans_open_query, handler_field="overview_handler")
    )
    for order, name, run in (
        (30, "reconsidered", sip_reconsider_pending),
        (40, "grants", sip_grants_resync_due),
        (50, "unanswered", invitation_remind_unanswered),
        (60, "due_soon", answer_due_soon_remind),
    ):
        register_periodic_job(PeriodicJob(name=name, run=run, order=order))
