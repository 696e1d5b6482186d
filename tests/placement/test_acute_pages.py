"""An acute placement through the pages: opened, proposed, decided and started without a cost
allocation; the placement page says that the placing organisation pays until the cost
allocation is approved, and by when; the cost allocation is then written and approved on
both sides through its pages, and the notice goes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.durations import add_months
from placement.flows import PlacementFlow
from placement.models import AlternativeTried, Placement
from tests.placement.test_views import client_for, do

pytestmark = pytest.mark.django_db

NOTICE = (
    "Ludvika kommun betalar som placerande organisation tills kostnadsfördelningen är godkänd "
    "av kommunen och regionen. Den ska vara klar senast {due}."
)


def test_an_acute_placement_starts_without_a_cost_allocation_and_the_notice_goes_once_signed(
    pworld,
):
    pworld.sol_consents()
    sara, vera = client_for(pworld.sara), client_for(pworld.vera)
    today = timezone.localdate()

    # Open the utredning, write it and an alternative tried: each a page.
    opened = sara.post(
        reverse("placement:start:execute"),
        {
            "personal_identity_number": pworld.youth.personal_identity_number,
            "unit": pworld.social.pk,
        },
    )
    assert opened.status_code == 302
    placement = Placement.objects.get(person=pworld.youth)
    page_url = reverse("placement:placement", kwargs={"pk": placement.pk})
    assert opened["Location"] == page_url
    areas = placement.assessment.template.areas.values_list("code", flat=True)
    assessment = sara.post(
        reverse("placement:assessment", kwargs={"pk": placement.pk}),
        {code: "Bedömt akut." for code in areas},
    )
    assert assessment.status_code == 302
    alternative = sara.post(
        reverse("placement:alternative", kwargs={"pk": placement.pk}),
        {
            "kind": AlternativeTried.Kind.SUPPORTED_HOUSING,
            "started_on": (today - dt.timedelta(days=60)).isoformat(),
            "outcome": "Räckte inte.",
        },
    )
    assert alternative.status_code == 302

    # Propose acutely, decide and move in: the flow skips the cost allocation.
    proposal = {
        "hvb_unit": pworld.hvb.pk,
        "legal_basis": "sol",
        "acute": "on",
        "categories": [c.pk for c in pworld.categories()],
    }
    assert do(sara, placement, PlacementFlow.investigate, proposal).status_code == 302
    decision = {"level": "delegate", "decided_by": "Karin Delegat", "on": today.isoformat()}
    assert do(sara, placement, PlacementFlow.decide, decision).status_code == 302
    assert (
        do(sara, placement, PlacementFlow.move_in, {"start_date": today.isoformat()}).status_code
        == 302
    )
    placement.refresh_from_db()
    assert (placement.phase, placement.acute) == (Placement.Phase.PLACED, True)
    assert not hasattr(placement, "cost_allocation") or placement.cost_allocation is None

    due = add_months(today, 2)  # the rule table's two months after the start
    page = sara.get(page_url).content.decode()
    assert "Akut placering utan godkänd kostnadsfördelning." in page
    assert NOTICE.format(due=due.isoformat()) in page

    # Write the cost allocation and approve it for the kommun and the region: its pages.
    rows = {
        "rows-TOTAL_FORMS": "3",
        "rows-INITIAL_FORMS": "0",
        "rows-0-what": "housing",
        "rows-0-paying_organisation": pworld.sip.ludvika.pk,
        "rows-0-valid_from": today.isoformat(),
        "rows-0-amount_per_day": "2900",
        "rows-1-what": "health_care",
        "rows-1-paying_organisation": pworld.sip.region.pk,
        "rows-1-valid_from": today.isoformat(),
        "rows-1-share_percent": "100",
    }
    assert do(sara, placement, PlacementFlow.allocate, rows).status_code == 302
    page = sara.get(page_url).content.decode()
    assert NOTICE.format(due=due.isoformat()) in page  # written is not yet approved
    assert do(sara, placement, PlacementFlow.approve_kommun, {"confirm": "on"}).status_code == 302
    assert NOTICE.format(due=due.isoformat()) in sara.get(page_url).content.decode()
    assert do(vera, placement, PlacementFlow.approve_region, {"confirm": "on"}).status_code == 302

    page = sara.get(page_url).content.decode()
    assert "Akut placering utan godkänd kostnadsfördelning." not in page
    assert NOTICE.format(due=due.isoformat()) not in page
    assert f"{due.isoformat()} – godkänd" in page  # the clock shows it approved
    assert "2900" in page
    placement.refresh_from_db()
    assert placement.cost_allocation.approved
    assert placement.phase == Placement.Phase.PLACED
