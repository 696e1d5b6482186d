"""The placements' rows of the chef's lists, written as HTML
(``cases.registry.OverviewRows.describe``, ``cases.row_html``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cases.row_html import link, ymd

from .models import HealthExamRequest, Placement, RegionHandover, Review


def placement_url(placement_pk: int) -> str:
    return reverse("placement:placement", kwargs={"pk": placement_pk})


def _placement_at(placement: Placement) -> SafeString:
    """The person linked to the placement, and the HVB: "Nils Prov (Exempelgården)"."""
    return format_html(
        "{} ({})", link(placement_url(placement.pk), placement.person), placement.hvb_unit
    )


def consent_ended_html(placement: Placement) -> SafeString:
    return format_html("{} – {}", _placement_at(placement), _("samtycket har upphört"))


def review_due_html(review: Review) -> SafeString:
    return format_html(
        "{} ({}) – {} {}",
        link(placement_url(review.placement_id), review.placement.person),
        review.placement.get_legal_basis_display(),
        _("övervägande senast"),
        ymd(review.due_on),
    )


def lvm_end_html(placement: Placement) -> SafeString:
    return format_html(
        "{} – {} {}",
        _placement_at(placement),
        _("LVM-vården upphör senast"),
        ymd(placement.overview_due),
    )


def cost_allocation_overdue_html(placement: Placement) -> SafeString:
    return format_html(
        "{} – {} {}",
        _placement_at(placement),
        _("kostnadsfördelningen skulle vara klar"),
        ymd(placement.overview_due),
    )


def handover_url(handover: RegionHandover) -> str:
    """The handover's page, which takes its placement's key."""
    return reverse("placement:handover", kwargs={"pk": handover.placement_id})


def health_request_url(request: HealthExamRequest) -> str:
    return reverse("placement:health_request", kwargs={"pk": request.pk})


def handover_open_html(handover: RegionHandover) -> SafeString:
    return format_html(
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
            format_html(" – {} {}", _("uppföljningsbesök senast"), ymd(placement.late_visit_due_on))
        )
    if placement.late_private_talk_due_on:
        parts.append(
            format_html(
                " – {} {}",
                _("enskilt samtal med barnet senast"),
                ymd(placement.late_private_talk_due_on),
            )
        )
    return mark_safe("".join(parts))


def health_exam_not_done_html(request: HealthExamRequest) -> SafeString:
    shown = format_html(
        "{} – {}, {} {}",
        link(health_request_url(request), request.placement.person),
        request.region_unit,
        _("skulle vara erbjuden senast"),
        ymd(request.due_on),
    )
    if not request.outcome:
        return shown
    return format_html("{} ({})", shown, request.get_outcome_display().lower())
