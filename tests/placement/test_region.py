"""Region staff see a placement only through the health parts they are asked to do: the
hälsoundersökning asked of their unit, and a handover between regions (the old region hands
over, the new one confirms). Their waiting items are on their start page and the placement
list, each read is in the access log, and nothing else of the placement is theirs: no
placement page, no utredning, no plans, no viewflow process pages (the region's approvers of
a cost allocation see their own step only)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from audit.models import AccessLogEntry
from directory.models import Membership, Organisation, Unit
from placement import services
from placement.flows import PlacementFlow
from placement.models import Placement
from placement.rules import LegalBasis
from tests.conftest import years_ago
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, person_born
from tests.placement.test_care import ASKED, request_exam
from tests.placement.test_decision_pages import placed
from tests.placement.test_views import client_for, do, opened_in_flow

pytestmark = pytest.mark.django_db

NOTE = "Pågående BUP-kontakt varannan vecka; läkare Anna nås via BUP Falun."


def url(name: str, pk: int) -> str:
    return reverse(f"placement:{name}", kwargs={"pk": pk})


def gavleborg(pworld):
    """Region Gävleborg, Gävle kommun in it, and a nurse at BUP Gävle."""
    region = OrganisationFactory(name="Region Gävleborg", kind=Organisation.Kind.REGION)
    gavle = OrganisationFactory(
        name="Gävle kommun", kind=Organisation.Kind.MUNICIPALITY, region=region
    )
    clinic = UnitFactory(organisation=region, name="BUP Gävle", kind=Unit.Kind.CHILD_PSYCHIATRY)
    nurse = MembershipFactory(unit=clinic, role=Membership.Role.HEALTH_STAFF).user
    return region, gavle, nurse


def moved(pworld, placement: Placement):
    """The youth's folkbokföring moves to Gävle: a handover from Region Dalarna opens."""
    _region, gavle, nurse = gavleborg(pworld)
    (handover,) = services.person_registration_move(
        person=pworld.youth, municipality=gavle, by=pworld.sara, on=timezone.localdate()
    )
    return handover, nurse


def start_page(user) -> str:
    response = client_for(user).get(reverse("overview:index"))
    assert response.status_code == 200
    return response.content.decode()


def logged(user, path: str) -> AccessLogEntry:
    return AccessLogEntry.objects.filter(user=user, path=path).latest("pk")


# --- The hälsoundersökning ---------------------------------------------------------------------


def test_the_asked_unit_finds_the_request_on_its_start_page_and_list_until_it_is_done(pworld):
    placement = placed(pworld)
    request = request_exam(pworld, placement)
    request_url = url("health_request", request.pk)
    page = start_page(pworld.vera)
    assert "Hälsoundersökningar att erbjuda placerade barn" in page
    assert request_url in page and str(pworld.youth) in page
    assert request.due_on.isoformat() in page
    entry = logged(pworld.vera, reverse("overview:index"))
    assert entry.person == pworld.youth  # the start page's read is logged
    listed = client_for(pworld.vera).get(reverse("placement:index")).content.decode()
    assert request_url in listed
    assert logged(pworld.vera, reverse("placement:index")).person == pworld.youth
    # A unit of the same region that was not asked sees nothing.
    assert str(pworld.youth) not in start_page(pworld.sip.petra)

    vera = client_for(pworld.vera)
    today = timezone.localdate().isoformat()
    assert vera.post(request_url, {"outcome": "offered", "on": today}).status_code == 302
    assert request_url in start_page(pworld.vera)  # offered: still open
    assert vera.post(request_url, {"outcome": "done", "on": today}).status_code == 302
    assert request_url not in start_page(pworld.vera)
    texts = [entry.text for entry in placement.history.order_by("pk")]
    assert f"Hälsoundersökning erbjuden {today}." in texts
    assert f"Hälsoundersökning genomförd {today}." in texts
    answered = placement.history.get(
        what__startswith="Hälsoundersökning %(outcome)s", params__outcome="genomförd"
    )
    assert (answered.by, answered.unit) == (pworld.vera, pworld.sip.bup)


def test_the_request_page_shows_the_due_date_and_logs_the_read(pworld):
    placement = placed(pworld)
    request = request_exam(pworld, placement)
    page = client_for(pworld.vera).get(url("health_request", request.pk)).content.decode()
    assert request.due_on.isoformat() in page and ASKED in page
    assert "Dokumentera utfallet" in page  # the asked unit records it here
    entry = logged(pworld.vera, url("health_request", request.pk))
    assert (entry.person, entry.purpose, entry.refused) == (
        pworld.youth,
        "Begäran om hälsoundersökning",
        False,
    )


# --- The handover between regions ------------------------------------------------------------


def test_the_old_region_hands_over_and_the_new_region_confirms_through_the_pages(pworld):
    placement = placed(pworld)
    handover, nurse = moved(pworld, placement)
    page_url = url("handover", placement.pk)

    # The old region (any unit of Region Dalarna) has the handover to do.
    page = start_page(pworld.vera)
    assert "Överlämningar mellan regioner att göra" in page
    assert page_url in page and "lämna över till Region Gävleborg" in page
    assert logged(pworld.vera, reverse("overview:index")).person == pworld.youth
    # The new region waits for it: nothing to do yet.
    assert page_url not in start_page(nurse)
    new_region = client_for(nurse)
    waiting = new_region.get(page_url)
    assert waiting.status_code == 200
    assert "Ni kan bekräfta när Region Dalarna har lämnat över." in waiting.content.decode()
    early = new_region.post(page_url, {"confirm": "on"})
    assert early.status_code == 422
    assert "Region Dalarna har inte lämnat över ännu." in early.content.decode()

    old_region = client_for(pworld.vera)
    form = old_region.get(page_url).content.decode()
    assert "Lämna över" in form and "Bekräfta överlämningen" not in form
    refused = old_region.post(page_url, {"note": "  "})
    assert refused.status_code == 422
    assert "Skriv vad som lämnas över" in refused.content.decode()
    assert old_region.post(page_url, {"note": NOTE}).status_code == 302
    handover.refresh_from_db()
    assert (handover.handed_over_by, handover.handover_note) == (pworld.vera, NOTE)
    assert handover.open  # not done until the new region confirms
    assert page_url not in start_page(pworld.vera)
    # The old region cannot confirm for the new one.
    assert old_region.post(page_url, {"confirm": "on"}).status_code == 403

    page = start_page(nurse)
    assert page_url in page and "bekräfta att ni tar över från Region Dalarna" in page
    shown = new_region.get(page_url).content.decode()
    assert NOTE in shown and "Bekräfta överlämningen" in shown
    assert new_region.post(page_url, {}).status_code == 422  # the box must be ticked
    assert new_region.post(page_url, {"confirm": "on"}).status_code == 302
    handover.refresh_from_db()
    assert (handover.open, handover.confirmed_by) == (False, nurse)
    assert page_url not in start_page(nurse)
    # Done: the old region no longer sees it; the new region and the placing unit do.
    assert old_region.get(page_url).status_code == 404
    assert new_region.get(page_url).status_code == 200
    texts = [entry.text for entry in placement.history.order_by("pk")]
    assert (
        "Region Dalarna lämnade över hälso- och sjukvården till Region Gävleborg, som ska "
        "bekräfta." in texts
    )
    assert "Region Gävleborg bekräftade överlämningen från Region Dalarna." in texts
    entry = logged(nurse, page_url)
    assert (entry.person, entry.purpose) == (pworld.youth, "Överlämning mellan regioner")


def test_the_placing_unit_registers_the_move_and_the_handover_opens(pworld):
    placement = placed(pworld)
    _region, gavle, _nurse = gavleborg(pworld)
    sara = client_for(pworld.sara)
    page = sara.get(url("placement", placement.pk)).content.decode()
    assert url("registration_move", placement.pk) in page
    today = timezone.localdate().isoformat()
    falun = OrganisationFactory(
        name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY, region=pworld.sip.region
    )
    within = sara.post(
        url("registration_move", placement.pk), {"municipality": falun.pk, "on": today}
    )
    assert within.status_code == 302 and within["Location"] == url("placement", placement.pk)
    assert not placement.handovers.exists()  # the same region: nothing to hand over
    response = sara.post(
        url("registration_move", placement.pk), {"municipality": gavle.pk, "on": today}
    )
    assert response.status_code == 302 and response["Location"] == url("handover", placement.pk)
    handover = placement.handovers.get()
    assert (handover.from_region, handover.to_region.name) == (
        pworld.sip.region,
        "Region Gävleborg",
    )
    pworld.youth.refresh_from_db()
    assert pworld.youth.registered_municipality == gavle
    assert client_for(pworld.vera).get(url("registration_move", placement.pk)).status_code == 404


def test_a_hälsoundersökning_still_asked_of_the_old_region_goes_with_the_handover(pworld):
    """RULES §3: the new region takes over the care without a break. The child's
    hälsoundersökning, asked of BUP Falun and not yet done, moves to the unit of the new
    region that the confirming nurse chooses among her own: that unit sees it and answers
    it, BUP Falun no longer does."""
    placement = placed(pworld)
    request = request_exam(pworld, placement)
    handover, nurse = moved(pworld, placement)
    services.region_handover_send(handover=handover, by=pworld.vera, note=NOTE)
    # A nurse of the new region with two units there chooses which one takes it over.
    adult = UnitFactory(organisation=handover.to_region, name="Vuxenpsykiatrin Gävle")
    Membership.objects.create(user=nurse, unit=adult, role=Membership.Role.HEALTH_STAFF)
    (clinic,) = Unit.objects.filter(name="BUP Gävle")
    page_url = url("handover", placement.pk)
    new_region = client_for(nurse)
    shown = new_region.get(page_url).content.decode()
    assert "Enhet som tar över begäran om hälsoundersökning" in shown
    # Her own units of the new region are offered, the old region's none.
    assert f'value="{adult.pk}"' in shown and f'value="{pworld.sip.bup.pk}"' not in shown
    unchosen = new_region.post(page_url, {"confirm": "on"})
    assert unchosen.status_code == 422
    assert "Välj vilken enhet som tar över begäran." in unchosen.content.decode()
    handover.refresh_from_db()
    assert handover.open  # nothing changed
    # A unit that is not hers in the new region is refused in the service too.
    with pytest.raises(ValidationError) as refused:
        services.region_handover_confirm(handover=handover, by=nurse, health_unit=pworld.sip.bup)
    assert "health_unit" in refused.value.message_dict

    assert new_region.post(page_url, {"confirm": "on", "health_unit": clinic.pk}).status_code == 302
    request.refresh_from_db()
    assert request.region_unit == clinic
    texts = [entry.text for entry in placement.history.order_by("pk")]
    assert (
        "Begäran om hälsoundersökning flyttad från BUP Falun till BUP Gävle med "
        "överlämningen." in texts
    )
    # BUP Gävle has it to answer; BUP Falun no longer sees it.
    request_url = url("health_request", request.pk)
    assert request_url in start_page(nurse)
    assert client_for(pworld.vera).get(request_url).status_code == 404
    assert request_url not in start_page(pworld.vera)
    today = timezone.localdate().isoformat()
    assert new_region.post(request_url, {"outcome": "done", "on": today}).status_code == 302


def test_a_nurse_with_one_unit_in_the_new_region_takes_the_request_over_to_it(pworld):
    placement = placed(pworld)
    request = request_exam(pworld, placement)
    handover, nurse = moved(pworld, placement)
    services.region_handover_send(handover=handover, by=pworld.vera, note=NOTE)
    services.region_handover_confirm(handover=handover, by=nurse)
    request.refresh_from_db()
    assert request.region_unit.name == "BUP Gävle"


def test_only_the_new_regions_staff_confirm(pworld):
    placement = placed(pworld)
    handover, _nurse = moved(pworld, placement)
    services.region_handover_send(handover=handover, by=pworld.vera, note=NOTE)
    # Staff of a third region, and the placing kommun's own staff, cannot confirm.
    third = OrganisationFactory(name="Region Uppsala", kind=Organisation.Kind.REGION)
    stranger = MembershipFactory(
        unit=UnitFactory(organisation=third, kind=Unit.Kind.CHILD_PSYCHIATRY),
        role=Membership.Role.HEALTH_STAFF,
    ).user
    assert client_for(stranger).get(url("handover", placement.pk)).status_code == 404
    assert (
        client_for(stranger).post(url("handover", placement.pk), {"confirm": "on"}).status_code
        == 404
    )
    sara = client_for(pworld.sara)
    assert sara.get(url("handover", placement.pk)).status_code == 200
    assert sara.post(url("handover", placement.pk), {"confirm": "on"}).status_code == 403
    handover.refresh_from_db()
    assert handover.open


def test_region_staff_never_see_the_rest_of_the_placement(pworld):
    placement = placed(pworld)
    request_exam(pworld, placement)
    _handover, nurse = moved(pworld, placement)
    for user in (pworld.vera, nurse):
        client = client_for(user)
        for name in (
            "placement",
            "assessment",
            "alternative",
            "care_plan",
            "implementation_plan",
            "school",
            "dental",
            "hvb_change",
            "basis_change",
            "cancel",
        ):
            assert client.get(url(name, placement.pk)).status_code == 404, (user, name)
        page = client.get(url("handover", placement.pk)).content.decode()
        for hidden in ("Bedömt.", "Räckte inte.", "2800", "Exempelgården", "Karin Delegat"):
            assert hidden not in page, (user, hidden)


# --- The region's approval of a cost allocation ------------------------------------------------


def test_the_regions_approver_sees_the_approval_step_and_nothing_else(pworld):
    for holder in (*pworld.guardians, pworld.youth):
        pworld.view(holder)
    placement = opened_in_flow(pworld)
    sara, vera = client_for(pworld.sara), client_for(pworld.vera)
    today = timezone.localdate().isoformat()
    categories = [c.pk for c in pworld.categories()]
    steps = [
        (
            PlacementFlow.investigate,
            {"hvb_unit": pworld.hvb.pk, "legal_basis": "lvu_2", "categories": categories},
        ),
        (PlacementFlow.legal, {"kind": "interim", "on": today, "reference": "Dnr 2026/17"}),
        (PlacementFlow.decide, {"level": "committee", "decided_by": "Socialnämnden", "on": today}),
    ]
    for node, data in steps:
        assert do(sara, placement, node, data).status_code == 302
    rows = {
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "0",
        "rows-0-what": "health_care",
        "rows-0-paying_organisation": pworld.sip.region.pk,
        "rows-0-valid_from": today,
        "rows-0-share_percent": "100",
    }
    assert do(sara, placement, PlacementFlow.allocate, rows).status_code == 302

    task = Task.objects.get(process_id=placement.process_id, flow_task=PlacementFlow.approve_region)
    detail = reverse(
        "placement:approve_region:detail",
        kwargs={"process_pk": placement.process_id, "task_pk": task.pk},
    )
    assert vera.get(detail).status_code == 200
    execute = reverse(
        "placement:approve_region:execute",
        kwargs={"process_pk": placement.process_id, "task_pk": task.pk},
    )
    vera.post(
        reverse(
            "placement:approve_region:assign",
            kwargs={"process_pk": placement.process_id, "task_pk": task.pk},
        )
    )
    approval = vera.get(execute)
    assert approval.status_code == 200
    html = approval.content.decode()
    assert str(pworld.youth) in html and "100" in html  # the person and the cost allocation
    for hidden in ("LVU", "Dnr 2026/17", "Socialnämnden", "Bedömt.", "Räckte inte."):
        assert hidden not in html, hidden
    response = do(vera, placement, PlacementFlow.approve_region, {"confirm": "on"})
    assert response.status_code == 302
    legal = Task.objects.get(process_id=placement.process_id, flow_task=PlacementFlow.legal)
    for page in (
        reverse("placement:process_detail", kwargs={"process_pk": placement.process_id}),
        reverse("placement:process_chart", kwargs={"process_pk": placement.process_id}),
        reverse(
            "placement:legal:detail",
            kwargs={"process_pk": placement.process_id, "task_pk": legal.pk},
        ),
        url("placement", placement.pk),
    ):
        assert vera.get(page).status_code == 404, page
    assert vera.get(detail).status_code == 200  # her own step, done


# --- Query counts ---------------------------------------------------------------------------------


def lvm_placed(pworld, *, first_name: str) -> Placement:
    """An adult of Ludvika placed under LVM, in an HVB."""
    adult = person_born(
        years_ago(30, today=timezone.localdate(), days=len(first_name)),
        first_name=first_name,
        registered_municipality=pworld.sip.ludvika,
    )
    pworld.view(adult, subject=adult)
    placement = pworld.open(adult)
    pworld.propose(placement, legal_basis=LegalBasis.LVM, acute=True)
    pworld.interim(placement)
    pworld.decide(placement)
    return services.placement_start(
        placement=placement, by=pworld.sara, start_date=timezone.localdate()
    )


def test_region_staffs_pages_cost_the_same_whatever_the_number_of_items(pworld):
    def counts(user) -> list[int]:
        client = client_for(user)
        found = []
        for page in (reverse("overview:index"), reverse("placement:index")):
            client.get(page)  # fills the caches
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            found.append(len(queries))
        return found

    def move_and_send(placement):
        (handover,) = services.person_registration_move(
            person=placement.person, municipality=gavle, by=pworld.sara, on=timezone.localdate()
        )
        services.region_handover_send(handover=handover, by=pworld.vera, note=NOTE)

    _region, gavle, nurse = gavleborg(pworld)
    placement = placed(pworld)
    request_exam(pworld, placement)
    services.person_registration_move(
        person=pworld.youth, municipality=gavle, by=pworld.sara, on=timezone.localdate()
    )  # for Region Dalarna to hand over
    move_and_send(lvm_placed(pworld, first_name="Adam"))  # for Region Gävleborg to confirm
    small = counts(pworld.vera), counts(nurse)
    for _ in range(2):
        request_exam(pworld, placement)
    move_and_send(lvm_placed(pworld, first_name="Bertil"))
    assert len(start_page(nurse).split("bekräfta att ni tar över")) == 3
    assert (counts(pworld.vera), counts(nurse)) == small
