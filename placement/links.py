"""What a placement shows in its SIP and carries into it (cases.registry.CaseLinks), so that
the SIP's pages read the placement without sipflow importing placement.

- On the SIP's page: "Placering på <HVB>", linking to the placement, for those who may see
  the placement; the written cost allocation as an annex, for the staff of the
  organisations that are party to it only (never the person: 004 ≈L1302-1335).
- In the SIP's follow-up: the current vårdplan's insatser while the placement runs; once it
  has ended, the insatser that go on after it (004 ≈L1249-1262)."""

from __future__ import annotations

import hashlib

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from cases.registry import CarriedInsats, CaseLinks, LinkedCase, register_case_links
from directory.models import Membership, User
from directory.selectors import CASE_ROLES
from sipflow.grants import CASE_KIND as SIP_CASE_KIND

from .access import placements_access
from .models import CarePlanInsats, CarePlanVersion, ContinuingInsats, CostAllocation, Placement
from .services.base import page_url


def linked_placements(*, sip_id: int) -> list[Placement]:
    return list(
        Placement.objects.filter(sip_plan_id=sip_id)
        .select_related("hvb_unit", "placing_unit__organisation")
        .order_by("pk")
    )


def placement_title(placement: Placement) -> str:
    """How the SIP names its placement: where, and in which phase."""
    if placement.hvb_unit_id is None:
        return _("Placering under utredning – %(phase)s") % {
            "phase": placement.get_phase_display().lower()
        }
    return _("Placering på %(hvb)s – %(phase)s") % {
        "hvb": placement.hvb_unit,
        "phase": placement.get_phase_display().lower(),
    }


def cost_allocation_parties(allocation: CostAllocation) -> set[int]:
    """The organisations party to a cost allocation: the placing kommun, its region, and
    every organisation that pays a row."""
    placing = allocation.placement.placing_unit.organisation
    payers = {row.paying_organisation_id for row in allocation.rows.all()}
    return {placing.pk, *payers, *([placing.region_id] if placing.region_id else [])}


def sip_shown(*, case_kind: str, case_id: int, user: User) -> list[LinkedCase]:
    """The SIP page's view of its placements, for this user."""
    if case_kind != SIP_CASE_KIND:
        return []
    placements = linked_placements(sip_id=case_id)
    if not placements:
        return []
    kinds = placements_access(user=user, placements=placements)
    allocations = {
        allocation.placement_id: allocation
        for allocation in CostAllocation.objects.filter(placement__in=placements)
        .select_related("approved_by_kommun", "approved_by_region")
        .prefetch_related("rows__paying_organisation")
    }
    organisations = (
        set(
            Membership.objects.filter(user=user, role__in=CASE_ROLES).values_list(
                "unit__organisation_id", flat=True
            )
        )
        if allocations
        else set()
    )
    shown = []
    for placement in placements:
        allocation = allocations.get(placement.pk)
        if allocation is not None:
            allocation.placement = placement  # loaded already, with its placing unit
        party = allocation is not None and bool(organisations & cost_allocation_parties(allocation))
        sees = placement.pk in kinds
        if not sees and not party:
            continue
        shown.append(
            LinkedCase(
                title=placement_title(placement) if sees else "",
                url=page_url(placement) if sees else "",
                annex_template="placement/_sip_annex.html" if party else "",
                annex={"allocation": allocation} if party else None,
            )
        )
    return shown


def insats_key(placement_id: int, what: str, who: str, when: str) -> str:
    """The same insats of the same placement keeps its key across vårdplan versions and
    into the end, so that the SIP carries it once."""
    text = "\x1f".join(" ".join(part.split()).casefold() for part in (what, who, when))
    return f"placement:{placement_id}:{hashlib.sha256(text.encode()).hexdigest()[:20]}"


def sip_carried(*, case_kind: str, case_id: int) -> list[CarriedInsats] | None:
    """The insatser the SIP's follow-up carries: of a running placement, its current
    vårdplan's; of an ended one, those that go on after it. None: no placement is linked."""
    if case_kind != SIP_CASE_KIND:
        return None
    placements = {placement.pk: placement for placement in linked_placements(sip_id=case_id)}
    if not placements:
        return None
    running = [
        pk
        for pk, placement in placements.items()
        if placement.ended_on is None and placement.phase not in Placement.ENDED
    ]
    ended = [pk for pk, placement in placements.items() if placement.ended_on is not None]
    carried = []
    if running:
        care_plan = CarePlanVersion.Kind.CARE_PLAN
        latest = CarePlanVersion.objects.filter(
            placement_id__in=running,
            kind=care_plan,
            number=Subquery(
                CarePlanVersion.objects.filter(placement=OuterRef("placement"), kind=care_plan)
                .order_by("-number")
                .values("number")[:1]
            ),
        )
        for insats in CarePlanInsats.objects.filter(version__in=latest).select_related("version"):
            placement = placements[insats.version.placement_id]
            carried.append(
                _carried(
                    placement,
                    insats,
                    origin=_("Vårdplanen för placeringen, version %(number)s")
                    % {"number": insats.version.number},
                )
            )
    if ended:
        for insats in ContinuingInsats.objects.filter(placement_id__in=ended):
            placement = placements[insats.placement_id]
            carried.append(
                _carried(
                    placement,
                    insats,
                    origin=_("Fortsätter efter placeringen, som avslutades %(on)s")
                    % {"on": placement.ended_on.isoformat()},
                )
            )
    return carried


def _carried(placement: Placement, insats, *, origin: str) -> CarriedInsats:
    return CarriedInsats(
        key=insats_key(placement.pk, insats.what, insats.who, insats.when),
        what=insats.what,
        who=insats.who,
        when=insats.when,
        origin=origin,
        unit_id=placement.placing_unit_id,
    )


def placement_links_register() -> None:
    register_case_links(CaseLinks(code="placement", shown=sip_shown, carried=sip_carried))
