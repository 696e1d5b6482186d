"""Avsluta utredningen utan placering, from its page: until the move (utredning, proposed,
decided), with a required reason and a confirmation, through the service with its history;
the process ends and the HVB loses its grant. Not offered once the person has moved in, and
a clear Swedish refusal if tried anyway."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task

from cases.errors import InvalidState
from cases.tasks import OPEN
from placement import services
from placement.flows import PlacementFlow
from placement.models import Placement
from tests.placement.test_views import client_for, do, opened_in_flow

pytestmark = pytest.mark.django_db

REASON = "Familjen flyttar till Norge; placeringen behövs inte."


def url(name: str, placement: Placement) -> str:
    return reverse(f"placement:{name}", kwargs={"pk": placement.pk})


def decided_in_flow(pworld) -> Placement:
    pworld.sol_consents()
    placement = opened_in_flow(pworld)
    sara = client_for(pworld.sara)
    proposal = {
        "hvb_unit": pworld.hvb.pk,
        "legal_basis": "sol",
        "categories": [c.pk for c in pworld.categories()],
    }
    assert do(sara, placement, PlacementFlow.investigate, proposal).status_code == 302
    today = timezone.localdate().isoformat()
    decision = {"level": "delegate", "decided_by": "Karin Delegat", "on": today}
    assert do(sara, placement, PlacementFlow.decide, decision).status_code == 302
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.DECIDED
    return placement


def test_a_decided_placement_is_cancelled_from_its_page_with_a_reason(pworld):
    placement = decided_in_flow(pworld)
    sara, hugo = client_for(pworld.sara), client_for(pworld.hugo)
    assert hugo.get(url("placement", placement)).status_code == 200  # the HVB takes part
    page = sara.get(url("placement", placement)).content.decode()
    assert url("cancel", placement) in page  # offered before the move

    form = sara.get(url("cancel", placement))
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    no_reason = sara.post(url("cancel", placement), {"reason": " ", "confirm": "on"})
    assert no_reason.status_code == 422
    assert "Ange varför utredningen avslutas." in no_reason.content.decode()
    unconfirmed = sara.post(url("cancel", placement), {"reason": REASON})
    assert unconfirmed.status_code == 422
    assert "Kryssa i att utredningen avslutas utan placering." in unconfirmed.content.decode()
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.DECIDED

    done = sara.post(url("cancel", placement), {"reason": REASON, "confirm": "on"})
    assert done.status_code == 302 and done["Location"] == url("placement", placement)
    placement.refresh_from_db()
    assert (placement.phase, placement.cancel_reason) == (Placement.Phase.CANCELLED, REASON)
    assert placement.process.status == STATUS.CANCELED
    assert not Task.objects.filter(process_id=placement.process_id, status__in=OPEN).exists()
    entry = placement.history.order_by("-pk").first()
    assert entry.text == f"Utredningen avslutades utan placering: {REASON}"
    assert entry.by == pworld.sara
    page = sara.get(url("placement", placement)).content.decode()
    assert REASON in page and url("cancel", placement) not in page
    assert hugo.get(url("placement", placement)).status_code == 404  # the HVB's grant ended


def test_an_utredning_is_cancelled_too(pworld):
    placement = opened_in_flow(pworld)
    sara = client_for(pworld.sara)
    assert url("cancel", placement) in sara.get(url("placement", placement)).content.decode()
    response = sara.post(url("cancel", placement), {"reason": REASON, "confirm": "on"})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.CANCELLED


def test_not_offered_once_placed_and_refused_in_swedish(pworld):
    pworld.sol_consents()
    placement = pworld.open()
    pworld.propose(placement)
    pworld.decide(placement)
    pworld.cost_allocation(placement)
    placement = services.placement_start(
        placement=placement, by=pworld.sara, start_date=timezone.localdate()
    )
    sara = client_for(pworld.sara)
    assert url("cancel", placement) not in sara.get(url("placement", placement)).content.decode()
    refusal = "Personen har redan flyttat in, så placeringen kan inte avbrytas."
    page = sara.get(url("cancel", placement))
    assert page.status_code == 200 and refusal in page.content.decode()
    assert 'name="reason"' not in page.content.decode()  # no form to fill in
    tried = sara.post(url("cancel", placement), {"reason": REASON, "confirm": "on"})
    assert tried.status_code == 422 and refusal in tried.content.decode()
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.PLACED
    with pytest.raises(InvalidState, match="redan flyttat in"):
        services.placement_cancel(placement=placement, by=pworld.sara, reason=REASON)


def test_only_the_placing_unit_cancels(pworld):
    placement = decided_in_flow(pworld)
    for user in (pworld.hugo, pworld.vera):
        client = client_for(user)
        assert client.get(url("cancel", placement)).status_code == 404
        assert (
            client.post(url("cancel", placement), {"reason": REASON, "confirm": "on"}).status_code
            == 404
        )
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.DECIDED
