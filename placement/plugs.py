"""What placements plug into the layers above them, registered from
``PlacementConfig.ready()``: HVB staff's and region staff's lists on the start page, the
chef's lists (and the digest's counts) and the parts of the periodic tick."""

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
from .services import (
    cost_allocations_remind,
    ending_plans_open,
    placement_consent_ends_pending,
    reviews_remind,
)


def _placement_persons(rows):
    return [row.placement.person for row in rows]


def placement_plugs_register() -> None:
    # The user's own work, first on the start page.
    register_waiting_rows(
        WaitingRows(
            code="placement_tasks",
            title=_("Dina uppgifter i placeringar"),
            empty="",
            template="cases/_task_row.html",
            rows=selectors.user_tasks,
            order=4,
        )
    )
    register_waiting_rows(
        WaitingRows(
            code="placements_own",
            title=_("Dina placeringar"),
            empty="",
            template="placement/overview/placement_own.html",
            rows=selectors.placements_of_user,
            order=5,
            persons=_placement_persons,
        )
    )
    register_waiting_rows(
        WaitingRows(
            code="implementation_plans_to_write",
            title=_("Genomförandeplaner att skriva"),
            empty="",
            template="placement/overview/implementation_plan_to_write.html",
            rows=selectors.implementation_plans_to_write,
            order=19,
        )
    )
    register_waiting_rows(
        WaitingRows(
            code="placements_in_hvb",
            title=_("Placerade eller på väg till ert HVB"),
            empty="",
            template="placement/_hvb_waiting_row.html",
            rows=selectors.placements_in_users_hvb,
            order=20,
        )
    )
    # Region staff: the health parts of placements they are asked to do, nothing else.
    register_waiting_rows(
        WaitingRows(
            code="placement_health_requests",
            title=_("Hälsoundersökningar att erbjuda placerade barn"),
            empty="",
            template="placement/_health_request_waiting_row.html",
            rows=selectors.health_requests_to_answer,
            order=21,
            persons=_placement_persons,
        )
    )
    register_waiting_rows(
        WaitingRows(
            code="placement_region_handovers",
            title=_("Överlämningar mellan regioner att göra"),
            empty="",
            template="placement/_handover_waiting_row.html",
            rows=selectors.region_handovers_to_do,
            order=22,
            persons=_placement_persons,
        )
    )
    # The codes are the keys of the chef's digest (stored in its events' data).
    register_overview_rows(
        OverviewRows(
            code="placement_consents_ended",
            title=_("Placeringar enligt SoL där samtycket har upphört"),
            empty=_("Inga."),
            template="placement/overview/consent_ended.html",
            rows=selectors.consents_ended,
            counted=lambda n: ngettext(
                "%(count)d placering utan samtycke", "%(count)d placeringar utan samtycke", n
            ),
            order=30,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="placement_reviews_due",
            title=_("Överväganden att göra"),
            empty=_("Inga."),
            template="placement/overview/review_due.html",
            rows=selectors.reviews_due,
            counted=lambda n: ngettext(
                "%(count)d övervägande att göra", "%(count)d överväganden att göra", n
            ),
            order=31,
            persons=_placement_persons,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="placement_lvm_ends",
            title=_("LVM-vård som snart upphör"),
            empty=_("Ingen."),
            template="placement/overview/lvm_end.html",
            rows=selectors.lvm_ends_approaching,
            counted=lambda n: ngettext(
                "%(count)d placering enligt LVM upphör snart",
                "%(count)d placeringar enligt LVM upphör snart",
                n,
            ),
            order=32,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="placement_cost_allocations_overdue",
            title=_("Akuta placeringar utan klar kostnadsfördelning"),
            empty=_("Inga."),
            template="placement/overview/cost_allocation_overdue.html",
            rows=selectors.cost_allocations_overdue,
            counted=lambda n: ngettext(
                "%(count)d försenad kostnadsfördelning",
                "%(count)d försenade kostnadsfördelningar",
                n,
            ),
            order=33,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="placement_handovers_open",
            title=_("Överlämningar mellan regioner som inte är bekräftade"),
            empty=_("Inga."),
            template="placement/overview/handover_open.html",
            rows=selectors.handovers_open,
            counted=lambda n: ngettext(
                "%(count)d obekräftad överlämning", "%(count)d obekräftade överlämningar", n
            ),
            order=34,
            persons=_placement_persons,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="placement_visits_overdue",
            title=_("Uppföljningsbesök som är försenade"),
            empty=_("Inga."),
            template="placement/overview/visit_overdue.html",
            rows=selectors.visits_overdue,
            counted=lambda n: ngettext(
                "%(count)d försenat uppföljningsbesök", "%(count)d försenade uppföljningsbesök", n
            ),
            order=35,
        )
    )
    for order, name, run in (
        (35, "placement_consent_ends", placement_consent_ends_pending),
        (61, "placement_reviews", reviews_remind),
        (62, "placement_cost_allocations", cost_allocations_remind),
        (63, "placement_ending_plans", ending_plans_open),
    ):
        register_periodic_job(PeriodicJob(name=name, run=run, order=order))
