"""What placements plug into the layers above them, registered from
``PlacementConfig.ready()``: HVB staff's and region staff's lists on the start page, the
chef's lists (and the digest's counts) and the parts of the periodic tick."""

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
from .rules import LegalBasis
from .services import (
    cost_allocations_remind,
    ending_plans_open,
    placement_clocks_refresh,
    placement_consent_ends_pending,
    reviews_remind,
)


def _placement_persons(rows):
    return [row.placement.person for row in rows]


#: What the chef's rows show of a person, and of a placement (OverviewRows.row_fields): the
#: person's name and the HVB, the phase (the state field); a page joins only these.
_PERSON = ("person__first_name", "person__last_name")
_PLACEMENT_ROW = ("phase", *_PERSON, "hvb_unit__name")
_ROW_OF_PLACEMENT = ("placement__phase", *(f"placement__{name}" for name in _PERSON))


#: How the chef's overview filters a list whose rows are placements (cases.registry).
_ON_PLACEMENT = {
    "unit_field": "placing_unit_id",
    "handler_field": "caseworker_id",
    "person_field": "person",
    "basis_field": "legal_basis",
    "basis_choices": LegalBasis.choices,
    "case_url": lambda row: row_html.placement_url(row.pk),
}
#: The same for a list whose rows belong to a placement (``row.placement``).
_OF_PLACEMENT = {
    "unit_field": "placement__placing_unit_id",
    "handler_field": "placement__caseworker_id",
    "person_field": "placement__person",
    "basis_field": "placement__legal_basis",
    "basis_choices": LegalBasis.choices,
    "case_url": lambda row: row_html.placement_url(row.placement_id),
}


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
            empty=_("Ingen placering enligt SoL saknar samtycke."),
            describe=row_html.consent_ended_html,
            rows=selectors.consents_ended,
            query=selectors.consents_ended_query,
            due_label=_("Samtycket upphörde"),
            since_label=_("Samtycket upphörde"),
            **_ON_PLACEMENT,
            counted=lambda n: ngettext(
                "%(count)d placering utan samtycke", "%(count)d placeringar utan samtycke", n
            ),
            row_fields=_PLACEMENT_ROW,
            order=30,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="placement_reviews_due",
            title=_("Överväganden att göra"),
            empty=_("Inget övervägande är försenat eller nära."),
            describe=row_html.review_due_html,
            rows=selectors.reviews_due,
            query=selectors.reviews_due_query,
            due_label=_("Övervägande senast"),
            **{**_OF_PLACEMENT, "unit_field": "placing_unit_id"},
            counted=lambda n: ngettext(
                "%(count)d övervägande att göra", "%(count)d överväganden att göra", n
            ),
            row_fields=(
                *_ROW_OF_PLACEMENT,
                "due_on",
                "placement__legal_basis",
                "placement__placing_unit__name",
            ),
            order=31,
            persons=_placement_persons,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="placement_lvm_ends",
            title=_("LVM-vård som snart upphör"),
            empty=_("Ingen LVM-vård upphör den närmaste tiden."),
            describe=row_html.lvm_end_html,
            rows=selectors.lvm_ends_approaching,
            query=selectors.lvm_ends_query,
            due_label=_("LVM-vården upphör senast"),
            **_ON_PLACEMENT,
            counted=lambda n: ngettext(
                "%(count)d placering enligt LVM upphör snart",
                "%(count)d placeringar enligt LVM upphör snart",
                n,
            ),
            row_fields=_PLACEMENT_ROW,
            order=32,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="placement_cost_allocations_overdue",
            title=_("Akuta placeringar utan klar kostnadsfördelning"),
            empty=_("Alla akuta placeringar har en klar kostnadsfördelning."),
            describe=row_html.cost_allocation_overdue_html,
            rows=selectors.cost_allocations_overdue,
            query=selectors.cost_allocations_overdue_query,
            due_label=_("Kostnadsfördelningen skulle vara klar"),
            **_ON_PLACEMENT,
            counted=lambda n: ngettext(
                "%(count)d försenad kostnadsfördelning",
                "%(count)d försenade kostnadsfördelningar",
                n,
            ),
            row_fields=_PLACEMENT_ROW,
            order=33,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="placement_handovers_open",
            title=_("Överlämningar mellan regioner som inte är bekräftade"),
            empty=_("Alla överlämningar mellan regioner är bekräftade."),
            describe=row_html.handover_open_html,
            rows=selectors.handovers_open,
            query=selectors.handovers_open_query,
            due_label=_("Överlämningen påbörjades"),
            since_label=_("Påbörjad"),
            **{
                **_OF_PLACEMENT,
                "case_url": row_html.handover_url,
            },
            counted=lambda n: ngettext(
                "%(count)d obekräftad överlämning", "%(count)d obekräftade överlämningar", n
            ),
            row_fields=(*_ROW_OF_PLACEMENT, "from_region__name", "to_region__name"),
            order=34,
            persons=_placement_persons,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="placement_visits_overdue",
            title=_("Uppföljningsbesök som är försenade"),
            empty=_("Inget uppföljningsbesök är försenat."),
            describe=row_html.visit_overdue_html,
            rows=selectors.visits_overdue,
            query=selectors.visits_overdue_query,
            due_label=_("Besöket skulle ha gjorts"),
            **_ON_PLACEMENT,
            counted=lambda n: ngettext(
                "%(count)d försenat uppföljningsbesök", "%(count)d försenade uppföljningsbesök", n
            ),
            row_fields=_PLACEMENT_ROW,
            order=35,
        )
    )
    register_overview_rows(
        OverviewRows(
            code="placement_health_exams_not_done",
            title=_("Hälsoundersökningar som inte är gjorda"),
            empty=_("Ingen hälsoundersökning är försenad."),
            describe=row_html.health_exam_not_done_html,
            rows=overview_rows_from_query(selectors.health_exams_not_done_query),
            query=selectors.health_exams_not_done_query,
            due_label=_("Skulle vara erbjuden senast"),
            counted=lambda n: ngettext(
                "%(count)d hälsoundersökning är inte gjord",
                "%(count)d hälsoundersökningar är inte gjorda",
                n,
            ),
            row_fields=(
                *_ROW_OF_PLACEMENT,
                "due_on",
                "outcome",
                "placement__placing_unit__name",
                "region_unit__name",
            ),
            order=36,
            persons=_placement_persons,
            **{
                **_OF_PLACEMENT,
                "case_url": row_html.health_request_url,
            },
        )
    )
    register_open_cases(
        OpenCases(
            code="placement",
            query=selectors.placements_open_query,
            handler_field="caseworker_id",
            order=60,
        )
    )
    for order, name, run in (
        (35, "placement_consent_ends", placement_consent_ends_pending),
        # The stored clocks of the chef's lists, before the digest counts them.
        (60, "placement_clocks", placement_clocks_refresh),
        (61, "placement_reviews", reviews_remind),
        (62, "placement_cost_allocations", cost_allocations_remind),
        (63, "placement_ending_plans", ending_plans_open),
    ):
        register_periodic_job(PeriodicJob(name=name, run=run, order=order))
