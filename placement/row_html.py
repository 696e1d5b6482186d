"""The placements' rows of the chef's lists, written as HTML
(``cases.registry.OverviewRows.describe``, ``cases.row_html``)."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from cases.row_html import key_url, link, row_format, ymd
from cases.row_html import phrase as _
from core.choices import choice_label

from .models import HealthExamRequest, Placement, RegionHandover, Review
from .rules import LegalBasis

placement_url = key_url("placement:placement")
_handover_url = key_url("placement:handover")
_health_request_url = key_url("placement:health_request")


def _placement_at(placement: Placement) -> SafeString:
    """The person linked to the placement, and the HVB: "Nils Prov (Exempelgården)"."""
    return row_format(
        "{} ({})", link(placement_url(placement.pk), placement.person), placement.hvb_unit
    )


def consent_ended_html(placement: Placement) -> SafeString:
    return row_format("{} – {}", _placement_at(placement), _("samtycket har upphört"))


def review_due_html(review: Review) -> SafeString:
    return row_format(
        "{} ({}) – {} {}",
        link(placement_url(review.placement_id), review.placement.person),
        choice_label(LegalBasis, review.placement.legal_basis),
        _("övervägande senast"),
        ymd(review.due_on),
    )


def _placement_due(placement: Placement, what: str) -> SafeString:
    """The placement, what falls due and its date (the list's ``overview_due``)."""
    return row_format("{} – {} {}", _placement_at(placement), what, ymd(placement.overview_due))


def lvm_end_html(placement: Placement) -> SafeString:
    return _placement_due(placement, _("LVM-vården upphör senast"))


def cost_allocation_overdue_html(placement: Placement) -> SafeString:
    return _placement_due(placement, _("kostnadsfördelningen skulle vara klar"))


def handover_url(handover: RegionHandover) -> str:
    """The handover's page, which takes its placement's key."""
    return _handover_url(handover.placement_id)


def health_request_url(request: HealthExamRequest) -> str:
    return _health_request_url(request.pk)


def handover_open_html(handover: RegionHandover) -> SafeString:
    return row_format(
        "{} – {} → {}",
        link(handover_url(handover), handover.placement.person),
        handover.from_region,
        handover.to_region,
    )


def visit_overdue_html(placement: Placement) -> SafeString:
    """What is late of the two: the uppföljningsbesök, the private talk with the child, or
    both."""
    parts = [_placement_at(placement)]
    if placement.late_visit_due_on:
        parts.append(
            row_format(" – {} {}", _("uppföljningsbesök senast"), ymd(placement.late_visit_due_on))
        )
    if placement.late_private_talk_due_on:
        parts.append(
            row_format(
                " – {} {}",
                _("enskilt samtal med barnet senast"),
                ymd(placement.late_private_talk_due_on),
            )
        )
    return mark_safe("".join(parts))


def health_exam_not_done_html(request: HealthExamRequest) -> SafeString:
    shown = row_format(
        "{} – {}, {} {}",
        link(health_request_url(request), request.placement.person),
        request.region_unit,
        _("skulle vara erbjuden senast"),
        ymd(request.due_on),
    )
    if not request.outcome:
        return shown
    return row_format(
        "{} ({})", shown, choice_label(HealthExamRequest.Outcome, request.outcome).lower()
    )
