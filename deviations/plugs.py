"""What avvikelser plug into the case layer, registered from ``DeviationsConfig.ready()``:
the chefs' red list (and the digest's count) of reports whose temporary allocation of
responsibility is not agreed, the daily reminder in the tick, and "Rapportera avvikelse" on
every case page an avvikelse can be reported from."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.registry import (
    CaseAction,
    OverviewRows,
    PeriodicJob,
    register_case_action,
    register_overview_rows,
    register_periodic_job,
    reportable_case,
)

from . import selectors
from .row_html import allocation_pending_html
from .services import allocation_reminders_send


def deviation_plugs_register() -> None:
    # The code is the key of the chef's digest (stored in its events' data).
    register_overview_rows(
        OverviewRows(
            code="deviation_allocations_pending",
            title=_("Avvikelser utan överenskommen tillfällig ansvarsfördelning"),
            empty=_("Alla avvikelser har en överenskommen ansvarsfördelning."),
            describe=allocation_pending_html,
            rows=selectors.allocations_pending,
            query=selectors.allocations_pending_query,
            due_label=_("Rapporterad"),
            # The date is when it was reported, not a deadline: "Rapporterad <date> (N
            # dagar)", never "N dagar försenad".
            since_label=_("Rapporterad"),
            case_url=lambda row: reverse("deviations:detail", kwargs={"pk": row.pk}),
            counted=lambda n: ngettext(
                "%(count)d avvikelse utan överenskommen ansvarsfördelning",
                "%(count)d avvikelser utan överenskommen ansvarsfördelning",
                n,
            ),
            order=40,
            # Shown without the person: the list names no one.
            persons=lambda rows: [],
        )
    )
    register_periodic_job(
        PeriodicJob(name="deviation_allocations", run=allocation_reminders_send, order=64)
    )
    register_case_action(
        CaseAction(
            code="deviation_report",
            label=_("Rapportera avvikelse"),
            url=report_url,
            order=50,
        )
    )


def report_url(*, user, case_kind: str, case_id: int) -> str | None:
    """The report form with this case chosen, for a user who reports from a kommun or a
    region (one query); the form runs the case's full access check again."""
    if reportable_case(case_kind) is None or not selectors.report_units(user=user).exists():
        return None
    return f"{reverse('deviations:report')}?{urlencode({'case': f'{case_kind}:{case_id}'})}"
