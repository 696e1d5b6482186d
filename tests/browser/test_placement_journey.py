"""A placement on an HVB from the utredning to the move-in, and what the HVB's staff then
see, in a real browser (issue 15). The steps the journey does not prove in the browser (the
assessment's areas, the proposal, the decision, the cost allocation) go through the
services, as the pages would call them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from placement import services
from placement.models import AlternativeTried, Placement
from tests.browser.conftest import follow, settle, submit
from tests.placement_world import build_placement_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_placement_journey(log_in, visit):
    pworld = build_placement_world()
    youth = pworld.youth
    pworld.sol_consents()

    # -- The socialsekreterare opens the utredning -----------------------------------------
    sara = log_in(pworld.sara)
    sara.goto("/placement/")
    visit(sara, "the placement list")
    follow(sara, re.compile("Inled utredning"))
    # A wrong number first: the error is shown at the field and tied to it for a screen
    # reader (aria-invalid, aria-describedby).
    number = sara.get_by_label("Personens personnummer")
    number.fill("19990101-0000")
    submit(sara, re.compile("Inled utredning"), refused=True)
    number = sara.get_by_label("Personens personnummer")
    expect(number).to_have_attribute("aria-invalid", "true")
    described = number.get_attribute("aria-describedby").split()
    error = sara.locator(f"#{described[-1]}")
    expect(error).to_have_class(re.compile("sf-field__error"))
    expect(error).not_to_be_empty()
    visit(sara, "an utredning refused")
    number.fill(youth.personal_identity_number)
    submit(sara, re.compile("Inled utredning"))
    placement = Placement.objects.get(person=youth)

    # The utredning's areas, an alternative tried, the proposal, the decision and the cost
    # allocation, as their pages would record them.
    areas = placement.assessment.template.areas.values_list("code", flat=True)
    services.assessment_record(
        placement=placement, by=pworld.sara, entries={code: "Bedömt." for code in areas}
    )
    services.alternative_record(
        placement=placement,
        by=pworld.sara,
        kind=AlternativeTried.Kind.FAMILY_TREATMENT,
        started_on=timezone.localdate() - dt.timedelta(days=200),
        ended_on=timezone.localdate() - dt.timedelta(days=30),
        outcome="Räckte inte.",
    )
    pworld.propose(placement)
    pworld.decide(placement)
    pworld.cost_allocation(placement)

    # -- The move-in -----------------------------------------------------------------------
    sara.goto(f"/placement/placering/{placement.pk}/")
    expect(sara.get_by_role("heading", level=1)).to_contain_text(youth.first_name)
    visit(sara, "the decided placement")
    follow(sara, re.compile("Inflyttning"))
    sara.get_by_label("Inflyttning").fill(f"{timezone.localdate():%Y-%m-%d}")
    visit(sara, "the move-in")
    submit(sara, re.compile("Spara"))
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.PLACED
    sara.goto("/placement/")
    expect(sara.get_by_role("link", name=str(youth))).to_be_visible()
    visit(sara, "the placement list with the placed youth")

    # -- The HVB's staff see the youth placed with them, and nothing else --------------------
    hugo = log_in(pworld.hugo)
    visit(hugo, "start page of the HVB staff")
    # The youth to receive (the start page also offers the genomförandeplan to write).
    settle(hugo, hugo.locator(f'a[href="/placement/placering/{placement.pk}/"]').first.click)
    expect(hugo.get_by_role("heading", level=1)).to_contain_text(youth.first_name)
    expect(hugo.get_by_text("kostnadsfördelningen visas inte här")).to_be_visible()
    expect(hugo.get_by_text(re.compile(r"2\s?800"))).to_have_count(0)  # the cost per dygn
    visit(hugo, "the placement as the HVB sees it")
