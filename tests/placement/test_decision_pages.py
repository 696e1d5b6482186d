"""The decisions during a placement that are no steps of its process: the change of HVB
and of basis to LVU (the placing unit's pages, 422 with Swedish errors, 404 for others),
and the region handover, which the new region's staff see alone and confirm."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.registry import overview_list
from directory.models import Membership, Organisation, Unit
from notifications.models import Event
from placement import services
from placement.events import PlacementEvent
from placement.models import LegalStep, Placement
from placement.rules import LegalBasis
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory
from tests.placement.test_views import client_for

pytestmark = pytest.mark.django_db


def placed(pworld) -> Placement:
    pworld.sol_consents()
    placement = pworld.open()
    pworld.propose(placement)
    pworld.decide(placement)
    pworld.cost_allocation(placement)
    return services.placement_start(
        placement=placement, by=pworld.sara, start_date=timezone.localdate()
    )


def url(name: str, placement: Placement) -> str:
    return reverse(f"placement:{name}", kwargs={"pk": placement.pk})


def test_the_change_of_basis_to_lvu_from_its_page(pworld):
    placement = placed(pworld)
    sara = client_for(pworld.sara)
    page = sara.get(url("placement", placement)).content.decode()
    assert url("basis_change", placement) in page and url("hvb_change", placement) in page
    today = timezone.localdate().isoformat()
    data = {
        "legal_basis": LegalBasis.LVU_2,
        "step_kind": LegalStep.Kind.INTERIM,
        "reference": "Dnr 2026/88",
        "on": today,
        "level": Placement.DecisionLevel.COMMITTEE,
        "decided_by": "",
    }
    refused = sara.post(url("basis_change", placement), data)
    assert refused.status_code == 422
    # Django's required-field message, as DRF's Swedish catalog words it (it takes precedence).
    assert "Det här fältet är obligatoriskt." in refused.content.decode()
    response = sara.post(url("basis_change", placement), {**data, "decided_by": "Socialnämnden"})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.legal_basis == LegalBasis.LVU_2


def test_a_change_of_hvb_is_refused_in_swedish_with_422(pworld):
    placement = placed(pworld)
    response = client_for(pworld.sara).post(
        url("hvb_change", placement),
        {
            "to_hvb": pworld.hvb.pk,
            "on": timezone.localdate().isoformat(),
            "level": Placement.DecisionLevel.DELEGATE,
            "decided_by": "Karin Delegat",
        },
    )
    assert response.status_code == 422
    assert "Personen är redan placerad på det HVB:et." in response.content.decode()


def test_the_decision_pages_are_404_for_others(pworld):
    placement = placed(pworld)
    other_unit = UnitFactory(name="Barn och familj, Falun", kind=Unit.Kind.SOCIAL_CHILDREN)
    stranger = MembershipFactory(unit=other_unit, role=Membership.Role.SOCIAL_WORKER).user
    for user in (stranger, pworld.hugo, pworld.vera):
        client = client_for(user)
        for name in ("hvb_change", "basis_change", "handover"):
            assert client.get(url(name, placement)).status_code == 404, (user, name)


def test_the_new_regions_staff_see_only_the_handover_and_confirm_it(pworld):
    placement = placed(pworld)
    region = OrganisationFactory(name="Region Gävleborg", kind=Organisation.Kind.REGION)
    gavle = OrganisationFactory(
        name="Gävle kommun", kind=Organisation.Kind.MUNICIPALITY, region=region
    )
    clinic = UnitFactory(organisation=region, name="BUP Gävle", kind=Unit.Kind.CHILD_PSYCHIATRY)
    nurse = MembershipFactory(unit=clinic, role=Membership.Role.HEALTH_STAFF).user
    chef = MembershipFactory(unit=clinic, role=Membership.Role.MANAGER).user
    services.person_registration_move(
        person=pworld.youth, municipality=gavle, by=pworld.sara, on=timezone.localdate()
    )
    services.region_handover_send(
        handover=placement.handovers.get(), by=pworld.vera, note="Pågående BUP-kontakt."
    )
    told = Event.objects.get(kind=PlacementEvent.HANDOVER_STARTED, recipient_user=chef)
    assert told.url == url("handover", placement)

    client = client_for(nurse)
    page = client.get(url("handover", placement))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Region Gävleborg" in html and str(pworld.sip.region) in html
    assert str(pworld.youth) in html and "Pågående BUP-kontakt." in html
    assert "Exempelgården" not in html  # not the placement's other parts
    for name in ("placement", "hvb_change", "basis_change", "assessment"):
        assert client.get(url(name, placement)).status_code == 404, name

    assert client.post(url("handover", placement), {}).status_code == 422
    response = client.post(url("handover", placement), {"confirm": "on"})
    assert response.status_code == 302
    handover = placement.handovers.get()
    assert handover.confirmed_by == nurse
    # The placing unit sees it confirmed; the old region's staff not at all.
    page = client_for(pworld.sara).get(url("handover", placement)).content.decode()
    assert "Bekräftad" in page and str(nurse) in page
    assert client_for(pworld.vera).get(url("handover", placement)).status_code == 404


def test_the_chefs_list_rows_link_to_the_placement_and_the_handover(pworld):
    """Each list's row links where the list says its case is (``case_url``): the placement,
    or the handover's page, which takes the placement's key (a row once linked the
    handover's own key there)."""
    placement = placed(pworld)
    placement.overview_due = placement.start_date
    placement.late_visit_due_on = placement.late_private_talk_due_on = placement.start_date
    region = OrganisationFactory(name="Region Gävleborg", kind=Organisation.Kind.REGION)
    gavle = OrganisationFactory(
        name="Gävle kommun", kind=Organisation.Kind.MUNICIPALITY, region=region
    )
    services.person_registration_move(
        person=pworld.youth, municipality=gavle, by=pworld.sara, on=timezone.localdate()
    )
    handover = placement.handovers.get()
    handover.pk = placement.pk + 1000  # the keys differ (only in memory: nothing is saved)
    rows = {
        "placement_reviews_due": placement.reviews.get(),
        "placement_consents_ended": placement,
        "placement_lvm_ends": placement,
        "placement_cost_allocations_overdue": placement,
        "placement_visits_overdue": placement,
        "placement_handovers_open": handover,
    }
    for code, row in rows.items():
        spec = overview_list(code)
        shown = spec.describe(row)
        assert f'href="{spec.case_url(row)}"' in shown, code
        assert str(placement.person) in shown, code
    assert url("placement", placement) in overview_list("placement_lvm_ends").describe(placement)
    assert url("handover", placement) in overview_list("placement_handovers_open").describe(
        handover
    )
