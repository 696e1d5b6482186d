"""The placement pages before the move: the flow end to end with the client, Swedish errors
with 422, the list and the placement page for the right users, and what HVB staff see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task

from cases.tasks import task_open
from directory.durations import add_months
from directory.models import Membership
from placement import services
from placement.flows import PlacementFlow
from placement.models import AlternativeTried, Placement
from placement.rules import LegalBasis
from placement.selectors import next_review_date
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, person_born

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_task(placement: Placement, node) -> Task:
    return task_open(process=placement.process_id, node=node)


def task_url(placement: Placement, task: Task) -> str:
    name = f"placement:{task.flow_task.name}:index"
    return reverse(name, kwargs={"process_pk": placement.process_id, "task_pk": task.pk})


def do(client: Client, placement: Placement, node, data: dict):
    """Open the task page (viewflow sends an unassigned task to its assign page: take it),
    then post the form."""
    url = task_url(placement, open_task(placement, node))

    def landing():
        response = client.get(url, follow=True)
        assert response.status_code == 200
        return response.redirect_chain[-1][0] if response.redirect_chain else url

    page = landing()
    if "/assign/" in page:
        client.post(page)
        page = landing()
    return client.post(page, data)


def opened_in_flow(pworld) -> Placement:
    """An utredning opened through the flow, written and with an alternative tried."""
    placement = services.placement_open_process(
        by=pworld.sara, person=pworld.youth, unit=pworld.social
    )
    areas = placement.assessment.template.areas.values_list("code", flat=True)
    services.assessment_record(
        placement=placement, by=pworld.sara, entries=dict.fromkeys(areas, "Bedömt.")
    )
    services.alternative_record(
        placement=placement,
        by=pworld.sara,
        kind=AlternativeTried.Kind.FOSTER_HOME,
        started_on=timezone.localdate() - dt.timedelta(days=100),
        outcome="Räckte inte.",
    )
    return placement


def test_start_page_opens_an_utredning_with_its_process(pworld):
    sara = client_for(pworld.sara)
    response = sara.post(
        reverse("placement:start:execute"),
        {
            "personal_identity_number": pworld.youth.personal_identity_number,
            "unit": pworld.social.pk,
        },
    )
    placement = Placement.objects.get(person=pworld.youth)
    assert response.status_code == 302
    assert response["Location"] == reverse("placement:placement", kwargs={"pk": placement.pk})
    assert placement.process_id is not None
    assert open_task(placement, PlacementFlow.investigate).owner == pworld.sara


def test_the_flow_end_to_end_under_lvu_through_the_pages(pworld):
    """Propose under LVU, record the interim decision, decide, write the cost allocation,
    approve it for the kommun and the region, and move in: every step a page."""
    for holder in (*pworld.guardians, pworld.youth):
        pworld.view(holder)
    placement = opened_in_flow(pworld)
    sara, vera = client_for(pworld.sara), client_for(pworld.vera)
    today = timezone.localdate().isoformat()
    categories = [c.pk for c in pworld.categories()]

    response = do(
        sara,
        placement,
        PlacementFlow.investigate,
        {"hvb_unit": pworld.hvb.pk, "legal_basis": LegalBasis.LVU_2, "categories": categories},
    )
    assert response.status_code == 302
    response = do(
        sara,
        placement,
        PlacementFlow.legal,
        {"kind": "application", "on": today, "reference": "FR 123-26"},
    )
    assert response.status_code == 302
    response = do(
        sara,
        placement,
        PlacementFlow.legal,
        {"kind": "interim", "on": today, "reference": "Dnr 2026/17"},
    )
    assert response.status_code == 302
    response = do(
        sara,
        placement,
        PlacementFlow.decide,
        {"level": "committee", "decided_by": "Socialnämnden", "on": today},
    )
    assert response.status_code == 302
    rows = {
        "rows-TOTAL_FORMS": "3",
        "rows-INITIAL_FORMS": "0",
        "rows-0-what": "housing",
        "rows-0-paying_organisation": pworld.sip.ludvika.pk,
        "rows-0-valid_from": today,
        "rows-0-amount_per_day": "2800",
        "rows-1-what": "health_care",
        "rows-1-paying_organisation": pworld.sip.region.pk,
        "rows-1-valid_from": today,
        "rows-1-share_percent": "100",
    }
    assert do(sara, placement, PlacementFlow.allocate, rows).status_code == 302
    assert do(sara, placement, PlacementFlow.approve_kommun, {"confirm": "on"}).status_code == 302
    response = do(vera, placement, PlacementFlow.approve_region, {"confirm": "on"})
    assert response.status_code == 302
    response = do(sara, placement, PlacementFlow.move_in, {"start_date": today})
    assert response.status_code == 302

    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.PLACED
    # The process goes on under the placement: its timer waits for the first review.
    assert placement.process.status == STATUS.NEW
    timer = Task.objects.get(process_id=placement.process_id, flow_task=PlacementFlow.under_way)
    assert timer.status == STATUS.SCHEDULED
    page = sara.get(reverse("placement:placement", kwargs={"pk": placement.pk}))
    html = page.content.decode()
    assert "Omedelbart omhändertagande" in html
    assert "Socialnämnden" in html
    assert "2800" in html
    assert "Personen flyttade in" in html or "Inflyttning" in html


def test_a_refused_step_comes_back_in_swedish_with_422(pworld):
    """A planned placement cannot move in before the cost allocation is approved; the
    youth's refusal stops an SoL proposal."""
    placement = opened_in_flow(pworld)
    sara = client_for(pworld.sara)
    response = do(
        sara,
        placement,
        PlacementFlow.investigate,
        {
            "hvb_unit": pworld.hvb.pk,
            "legal_basis": LegalBasis.SOL,
            "categories": [c.pk for c in pworld.categories()],
        },
    )
    assert response.status_code == 422
    assert "samtycke" in response.content.decode().lower()
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.INVESTIGATING
    assert open_task(placement, PlacementFlow.investigate)


def test_an_incomplete_cost_allocation_is_refused_with_422(pworld):
    pworld.sol_consents()
    placement = opened_in_flow(pworld)
    sara = client_for(pworld.sara)
    data = {
        "hvb_unit": pworld.hvb.pk,
        "legal_basis": LegalBasis.SOL,
        "categories": [c.pk for c in pworld.categories()],
    }
    assert do(sara, placement, PlacementFlow.investigate, data).status_code == 302
    today = timezone.localdate().isoformat()
    decision = {"level": "delegate", "decided_by": "Karin Delegat", "on": today}
    assert do(sara, placement, PlacementFlow.decide, decision).status_code == 302
    response = do(
        sara,
        placement,
        PlacementFlow.allocate,
        {"rows-TOTAL_FORMS": "3", "rows-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 422
    assert "Kostnadsfördelningen behöver minst en rad." in response.content.decode()


def test_the_list_shows_the_caseworkers_placements_with_their_next_deadline(pworld):
    placement = pworld.decided_sol()
    pworld.cost_allocation(placement)
    placement = services.placement_start(
        placement=placement, by=pworld.sara, start_date=timezone.localdate()
    )
    other = OrganisationFactory(name="Falu kommun")
    stranger = MembershipFactory(
        unit=UnitFactory(organisation=other), role=Membership.Role.SOCIAL_WORKER
    ).user
    html = client_for(pworld.sara).get(reverse("placement:index")).content.decode()
    assert str(pworld.youth) in html
    # The nearest clock: the first follow-up visit, before the first review.
    review = next_review_date(placement=placement, on=timezone.localdate() + dt.timedelta(days=1))
    visit = add_months(placement.start_date, 3)
    assert visit < review and visit.isoformat() in html
    html = client_for(stranger).get(reverse("placement:index")).content.decode()
    assert str(pworld.youth) not in html


def test_placement_page_is_404_for_others(pworld):
    placement = pworld.open()
    url = reverse("placement:placement", kwargs={"pk": placement.pk})
    assert client_for(pworld.sara).get(url).status_code == 200
    assert client_for(pworld.carl).get(url).status_code == 200
    assert client_for(pworld.vera).get(url).status_code == 404
    assert client_for(pworld.hugo).get(url).status_code == 404  # not decided: no HVB grant
    assert (
        client_for(pworld.hugo)
        .get(reverse("placement:assessment", kwargs={"pk": placement.pk}))
        .status_code
        == 404
    )


def test_hugo_sees_only_his_hvbs_placements_and_not_the_utredning_or_costs(pworld):
    placement = pworld.decided_sol()
    pworld.cost_allocation(placement)
    url = reverse("placement:placement", kwargs={"pk": placement.pk})
    hugo = client_for(pworld.hugo)
    response = hugo.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert str(pworld.youth) in html
    assert str(pworld.sara) in html
    assert "Bedömt." not in html  # the utredning's text
    assert "Räckte inte." not in html  # the alternatives
    assert "2800" not in html and "Kostnadsfördelning (bilaga" not in html
    assert hugo.get(reverse("placement:assessment", kwargs={"pk": placement.pk})).status_code == 404
    start = hugo.get(reverse("overview:index")).content.decode()
    assert str(pworld.youth) in start

    elsewhere = UnitFactory(organisation=pworld.provider, name="Annat HVB", kind="hvb")
    colleague = MembershipFactory(unit=elsewhere, role=Membership.Role.HVB_STAFF).user
    assert client_for(colleague).get(url).status_code == 404
    assert (
        str(pworld.youth)
        not in client_for(colleague).get(reverse("overview:index")).content.decode()
    )


@pytest.mark.parametrize("url_name", ["placement:start:execute", "sip:start:execute"])
def test_start_forms_refuse_a_person_out_of_sight_as_one_not_registered(pworld, url_name):
    """A person registered in another kommun is refused on the form, with the same words as a
    number nobody has: the form does not tell Ludvika who lives in Falun."""
    falun = OrganisationFactory(name="Falu kommun", kind="municipality", region=pworld.sip.region)
    elsewhere = person_born(dt.date(2010, 1, 1), registered_municipality=falun)
    sara = client_for(pworld.sara)
    answers = []
    for number in (elsewhere.personal_identity_number, "201001019809"):
        response = sara.post(
            reverse(url_name), {"personal_identity_number": number, "unit": pworld.sip.social.pk}
        )
        assert response.status_code in (200, 422)
        answers.append(response.context["form"].errors["personal_identity_number"])
    assert answers[0] == answers[1]
    assert "bland de personer du kan se" in answers[0][0]
    assert not Placement.objects.filter(person=elsewhere).exists()


def test_placement_page_links_each_open_task_to_its_page_for_who_may_do_it(pworld):
    placement = opened_in_flow(pworld)
    task = open_task(placement, PlacementFlow.investigate)
    page = reverse("placement:placement", kwargs={"pk": placement.pk})
    assert task_url(placement, task) in client_for(pworld.sara).get(page).content.decode()
    # The chef sees the task, without a way into Sara's task.
    chef = client_for(pworld.carl).get(page)
    assert chef.status_code == 200
    assert "Utred och föreslå placering" in chef.content.decode()
    assert task_url(placement, task) not in chef.content.decode()


def test_placement_page_shows_the_views_of_the_youth_and_the_guardians(pworld):
    placement = opened_in_flow(pworld)
    page = reverse("placement:placement", kwargs={"pk": placement.pk})
    sara = client_for(pworld.sara)
    assert "Ingen inställning är dokumenterad" in sara.get(page).content.decode()
    for holder in (*pworld.guardians, pworld.youth):
        pworld.view(holder)
    html = sara.get(page).content.decode()
    for holder in (*pworld.guardians, pworld.youth):
        assert f"{holder}: Min inställning är dokumenterad." in html
