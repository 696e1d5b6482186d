"""A placement and its SIP: linked to an open SIP of the person, or initiated from the
placement, only where the SIP's consent policy allows it (SoL with consent, not LVU without
it, not after a withdrawal); the link in both histories and on both pages; the SIP's
follow-up carrying the vårdplan's insatser, and at the end those that go on; the cost
allocation as an annex of the SIP for its parties' staff only; the pages' queries constant
whatever the number of cases."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from cases.errors import Conflict, ConsentMissing, ErrorCode, InvalidState, NotParty
from consent.models import Consent
from consent.services import consent_withdraw
from directory.models import Membership, Organisation, Unit
from placement import services
from placement.models import CarePlanVersion, EndDestination, Placement
from placement.rules import LegalBasis
from sipflow import selectors as sip_selectors
from sipflow import services as sip_services
from sipflow.flows import SipFlow
from sipflow.models import FollowUp, Invitation, SipPlan
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory
from tests.sipflow_world import World, action_rows

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def family_of(pworld) -> World:
    """The SIP world turned to the placement's youth (same guardians, same units)."""
    return dataclasses.replace(pworld.sip, child=pworld.youth)


def start_fields(**overrides) -> dict:
    return {
        "social_needs": "Placering på HVB; samtal och skolgång enligt vårdplanen.",
        "health_needs": "Utredning av sömn och ångest på BUP.",
        "coordination_reason": "Placeringens och vårdens insatser måste hänga ihop.",
        "informed_about_sip": True,
        **overrides,
    }


def care_plan(pworld, placement, rows, *, goals="Trygg vardag och skolgång."):
    return services.plan_version_write(
        placement=placement,
        by=pworld.sara,
        kind=CarePlanVersion.Kind.CARE_PLAN,
        goals=goals,
        insatser=[services.PlanInsats(*row) for row in rows],
        follow_up="Samtal med den unge och HVB:t.",
        follow_up_on=TODAY() + dt.timedelta(days=30),
    )


VARDPLAN = [
    ("Samtal med behandlare", "Exempelgården", "Varje vecka"),
    ("Skolgång med stöd", "Skolan i Ludvika", "Varje skoldag"),
]


def placed(pworld, *, allocation: bool = True) -> Placement:
    placement = pworld.decided_sol()
    if allocation:
        pworld.cost_allocation(placement)
    return services.placement_start(placement=placement, by=pworld.sara, start_date=TODAY())


def lvu_decided(pworld) -> Placement:
    """LVU 3 §: the interim decision, the youth's and the guardians' views recorded; no
    consent to anything."""
    for holder in (pworld.youth, *pworld.guardians):
        pworld.view(holder)
    placement = pworld.open()
    pworld.propose(placement, legal_basis=LegalBasis.LVU_3)
    pworld.interim(placement)
    return pworld.decide(placement)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def task_url(plan, node) -> str:
    task = Task.objects.get(
        process=plan.process_id, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    return task.flow_task.reverse("execute", args=[plan.process_id, task.pk])


def answer_all(family, plan) -> None:
    meeting = plan.meetings.order_by("-pk").first()
    for invitation in meeting.invitations.filter(status=Invitation.Status.PENDING):
        by = family.vera if invitation.unit_id == family.bup.pk else family.petra
        sip_services.invitation_accept(invitation=invitation, by=by, attendees="Sjuksköterska")


def follow_up_due(plan) -> None:
    Task.objects.filter(
        process=plan.process_id,
        flow_task=SipFlow.wait_for_follow_up,
        status__in=[STATUS.NEW, STATUS.SCHEDULED],
    ).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    fire_due_timers()


def to_first_meeting(family, plan) -> None:
    family.prepare(plan)
    family.summon(plan)
    answer_all(family, plan)


def hold(family, plan):
    return sip_services.meeting_hold(
        plan=plan,
        by=family.sara,
        attendance="Elin, vårdnadshavarna, BUP, vårdcentralen, socialtjänsten",
        persons_goals="Må bättre och gå i skolan",
        actions=action_rows(family),
        lead_unit=family.social,
        next_follow_up=TODAY() + dt.timedelta(days=90),
    )


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- Linked or started only where the SIP's consent allows it ------------------------------


def test_an_sol_placement_with_consent_to_a_sip_initiates_one_linked_in_both_histories(pworld):
    family_of(pworld).consent_all()
    placement = pworld.decided_sol()
    plan = services.placement_sip_start(placement=placement, by=pworld.sara, **start_fields())

    placement.refresh_from_db()
    assert placement.sip_plan == plan
    assert (plan.person, plan.started_unit, plan.started_by) == (
        pworld.youth,
        pworld.social,
        pworld.sara,
    )
    assert plan.phase == SipPlan.Phase.NEED_IDENTIFIED
    prepare = Task.objects.get(process=plan.process_id, flow_task=SipFlow.prepare)
    assert prepare.owner == pworld.sara  # the SIP goes on through its own steps
    assert placement.history.filter(what__startswith="En SIP initierades från").exists()
    assert plan.history.filter(what="SIP:en kopplades till en placering.").exists()
    # One open SIP at a time.
    with pytest.raises(InvalidState):
        services.placement_sip_start(placement=placement, by=pworld.sara, **start_fields())


def test_under_lvu_without_consent_to_a_sip_there_is_no_sip(pworld):
    placement = lvu_decided(pworld)
    with pytest.raises(ConsentMissing) as refused:
        services.placement_sip_start(placement=placement, by=pworld.sara, **start_fields())
    assert refused.value.error_code == ErrorCode.CONSENT_MISSING
    reasons = " ".join(refused.value.decision.reasons)
    assert "Vårdnadshavare Anna Ek har inte samtyckt." in reasons
    assert not SipPlan.objects.exists()
    assert not placement.history.filter(what__contains="SIP").exists()

    # The page says why, offers no start, and a post is refused the same way.
    sara = client_for(pworld.sara)
    detail = page(sara, reverse("placement:placement", kwargs={"pk": placement.pk}))
    assert "kräver inget samtycke, men en SIP gör det" in detail
    assert reverse("placement:sip_start", kwargs={"pk": placement.pk}) not in detail
    url = reverse("placement:sip_start", kwargs={"pk": placement.pk})
    assert "Vårdnadshavare Anna Ek har inte samtyckt." in page(sara, url)
    response = sara.post(url, start_fields())
    assert response.status_code == 422
    assert "Samtycket räcker inte för det här steget" in response.content.decode()
    assert not SipPlan.objects.exists()

    # With the guardians' consent to a SIP (and the youth's view), it may.
    family_of(pworld).consent_all()
    response = sara.post(url, start_fields())
    plan = SipPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "sip:plan", kwargs={"pk": plan.pk}
    )


def test_a_placement_links_to_an_open_sip_of_its_person_that_covers_the_placing_unit(pworld):
    family = family_of(pworld)
    family.consent_all()
    plan = family.start()
    placement = pworld.decided_sol()

    other = pworld.sip.start()  # Alva's SIP, not Elin's
    with pytest.raises(ValidationError) as wrong:
        services.placement_sip_link(placement=placement, plan=other, by=pworld.sara)
    assert "plan" in wrong.value.message_dict

    services.placement_sip_link(placement=placement, plan=plan, by=pworld.sara)
    placement.refresh_from_db()
    assert placement.sip_plan == plan
    assert placement.history.filter(what__startswith="Placeringen kopplades till SIP").exists()
    assert plan.history.filter(what="SIP:en kopplades till en placering.").exists()
    with pytest.raises(Conflict):
        services.placement_sip_link(placement=placement, plan=plan, by=pworld.sara)
    # HVB staff work no placement step.
    with pytest.raises(NotParty):
        services.placement_sip_link(placement=placement, plan=plan, by=pworld.hugo)


def test_a_sip_whose_consent_leaves_out_the_placing_unit_is_not_linked(pworld):
    family = family_of(pworld)
    family.consent_all(units=[family.bup, family.primary])  # not Barn och familj
    plan = family.start()  # started there all the same (upptäck behov needs no consent)
    placement = pworld.decided_sol()
    with pytest.raises(ConsentMissing) as refused:
        services.placement_sip_link(placement=placement, plan=plan, by=pworld.sara)
    assert "omfattar inte Barn och familj Ludvika" in " ".join(refused.value.decision.reasons)
    placement.refresh_from_db()
    assert placement.sip_plan is None


def test_after_withdrawal_the_sip_halts_and_none_is_linked_or_started(
    pworld, django_capture_on_commit_callbacks
):
    family = family_of(pworld)
    consents = family.consent_all()
    placement = pworld.decided_sol()
    plan = services.placement_sip_start(placement=placement, by=pworld.sara, **start_fields())
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(
            consent=consents[1],
            withdrawn_by=family.father,
            form=Consent.Form.ORAL,
            documented_by=pworld.sara,
        )
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.HALTED
    detail = page(
        client_for(pworld.sara), reverse("placement:placement", kwargs={"pk": placement.pk})
    )
    assert "Vårdnadshavare Johan Ek har inte samtyckt." in detail
    with pytest.raises(ConsentMissing):
        services.placement_sip_start(placement=placement, by=pworld.sara, **start_fields())
    # A SIP started afresh (need identified needs no consent) is not linked either.
    fresh = family.start()
    with pytest.raises(ConsentMissing):
        services.placement_sip_link(placement=placement, plan=fresh, by=pworld.sara)


def test_the_link_page_lists_the_persons_open_sips_and_links_one(pworld):
    family = family_of(pworld)
    family.consent_all()
    plan = family.start()
    placement = pworld.decided_sol()
    sara = client_for(pworld.sara)
    url = reverse("placement:sip_link", kwargs={"pk": placement.pk})
    assert f"Initierad {TODAY().isoformat()} av Barn och familj Ludvika" in page(sara, url)
    response = sara.post(url, {"plan": plan.pk})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.sip_plan == plan
    # The link shows on both pages.
    detail = page(sara, reverse("placement:placement", kwargs={"pk": placement.pk}))
    assert reverse("sip:plan", kwargs={"pk": plan.pk}) in detail
    sip_page = page(sara, reverse("sip:plan", kwargs={"pk": plan.pk}))
    assert "Placering på Exempelgården, ungdomar 13–17 år" in sip_page
    assert reverse("placement:placement", kwargs={"pk": placement.pk}) in sip_page
    # Hugo at the HVB and Vera at BUP do not reach the placement's SIP pages.
    for user in (pworld.hugo, pworld.vera):
        assert client_for(user).get(url).status_code == 404


# --- The SIP's follow-up carries the placement's insatser ----------------------------------


def formset_data(rows: list[dict], prefix: str = "actions") -> dict:
    """The plan rows as the formset posts them, unchanged."""
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)}
    for index, row in enumerate(rows):
        for name, value in row.items():
            if hasattr(value, "pk"):
                value = value.pk
            elif isinstance(value, dt.date):
                value = value.isoformat()
            data[f"{prefix}-{index}-{name}"] = "" if value is None else value
    return data


def test_the_sips_meeting_and_follow_up_carry_the_vardplan_insatser(pworld):
    family = family_of(pworld)
    family.consent_all()
    placement = placed(pworld)
    care_plan(pworld, placement, VARDPLAN)
    plan = services.placement_sip_start(placement=placement, by=pworld.sara, **start_fields())
    to_first_meeting(family, plan)
    sara = client_for(pworld.sara)

    # The meeting's plan form starts from the vårdplan's insatser, to be edited.
    meeting = page(sara, task_url(plan, SipFlow.hold_meeting))
    assert "Samtal med behandlare (Exempelgården, Varje vecka)" in meeting
    assert "Vårdplanen för placeringen, version 1" in meeting
    hold(family, plan)  # the meeting kept only its own two rows
    follow_up_due(plan)
    plan.refresh_from_db()

    url = task_url(plan, SipFlow.follow_up)
    form = page(sara, url)
    assert "Samtal med behandlare (Exempelgården, Varje vecka)" in form
    assert "Skolgång med stöd (Skolan i Ludvika, Varje skoldag)" in form
    version = plan.versions.get()
    rows = sip_selectors.plan_rows_proposed(
        plan=plan, on=TODAY(), carried=sip_selectors.plan_carried(plan=plan)
    )
    assert len(rows) == 4
    data = {
        "outcome": FollowUp.Outcome.NEXT,
        "next_follow_up": (TODAY() + dt.timedelta(days=60)).isoformat(),
        **{
            f"{kind}_{action.pk}": "yes"
            for action in version.actions.all()
            for kind in ("done", "goal")
        },
        **formset_data(rows),
    }
    # As if the meeting's version had been written months ago.
    SipPlan.objects.filter(pk=plan.pk).update(plan_written_on=TODAY() - dt.timedelta(days=90))
    response = sara.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    revised = plan.versions.order_by("-number").first()
    assert revised.number == 2 and revised.meeting is None
    # The chef's list counts a SIP without a next date from its latest version.
    written = SipPlan.objects.get(pk=plan.pk).plan_written_on
    assert written == timezone.localdate(revised.created_at) == TODAY()
    carried = revised.actions.exclude(source="")
    assert sorted(carried.values_list("action", flat=True)) == [
        "Samtal med behandlare (Exempelgården, Varje vecka)",
        "Skolgång med stöd (Skolan i Ludvika, Varje skoldag)",
    ]
    assert {action.responsible_unit for action in carried} == {pworld.social}
    assert plan.history.filter(what="Plan version %(number)s upprättades vid uppföljningen.")
    # Carried once: the next follow-up proposes nothing new until the vårdplan changes.
    assert sip_selectors.plan_carried(plan=plan) == []
    care_plan(
        pworld,
        placement,
        [*VARDPLAN, ("Fritidsaktivitet", "Elin och kontaktperson", "Varje vecka")],
    )
    assert [row.what for row in sip_selectors.plan_carried(plan=plan)] == ["Fritidsaktivitet"]


def test_a_follow_up_without_changes_keeps_the_plan_version(pworld):
    family = family_of(pworld)
    family.consent_all()
    placement = placed(pworld)
    plan = services.placement_sip_start(placement=placement, by=pworld.sara, **start_fields())
    to_first_meeting(family, plan)
    version = hold(family, plan)
    follow_up_due(plan)
    plan.refresh_from_db()
    rows = sip_selectors.plan_rows_proposed(plan=plan, on=TODAY(), carried=[])
    actions = [
        sip_services.ActionInput(**{k: v for k, v in row.items() if k != "DELETE"}) for row in rows
    ]
    sip_services.follow_up_record(
        plan=plan,
        by=pworld.sara,
        reviews={action.pk: ("yes", "yes") for action in version.actions.all()},
        outcome=FollowUp.Outcome.NEXT,
        next_follow_up=TODAY() + dt.timedelta(days=30),
        actions=actions,
    )
    assert plan.versions.count() == 1


def test_the_insatser_that_go_on_at_the_end_reach_the_sips_next_follow_up(pworld):
    family = family_of(pworld)
    family.consent_all()
    placement = placed(pworld)
    care_plan(pworld, placement, VARDPLAN)
    plan = services.placement_sip_start(placement=placement, by=pworld.sara, **start_fields())
    to_first_meeting(family, plan)
    hold(family, plan)

    with pytest.raises(ValidationError) as incomplete:
        services.placement_end(
            placement=placement,
            by=pworld.sara,
            ended_on=TODAY(),
            reason="Målen är nådda.",
            destination=EndDestination.HOME,
            continuing=[services.PlanInsats("Familjebehandling", "", "Varje vecka")],
        )
    assert "continuing" in incomplete.value.message_dict
    services.placement_end(
        placement=placement,
        by=pworld.sara,
        ended_on=TODAY(),
        reason="Målen är nådda.",
        destination=EndDestination.HOME,
        continuing=[
            services.PlanInsats("Samtal med behandlare", "Exempelgården", "Varje vecka"),
            services.PlanInsats("Familjebehandling", "Barn och familj", "Varje vecka"),
        ],
    )
    assert placement.history.filter(
        what="Insatser som fortsätter efter placeringen: %(insatser)s."
    ).exists()

    # The vårdplan no longer runs: what goes on does, in the SIP's next follow-up.
    carried = sip_selectors.plan_carried(plan=plan)
    assert [row.what for row in carried] == ["Samtal med behandlare", "Familjebehandling"]
    assert all("Fortsätter efter placeringen" in row.origin for row in carried)
    follow_up_due(plan)
    plan.refresh_from_db()
    form = page(client_for(pworld.sara), task_url(plan, SipFlow.follow_up))
    assert "Familjebehandling (Barn och familj, Varje vecka)" in form
    assert "Skolgång med stöd" not in form  # stopped with the placement
    # The placement's page lists them.
    detail = page(
        client_for(pworld.sara), reverse("placement:placement", kwargs={"pk": placement.pk})
    )
    assert "Familjebehandling – Barn och familj, Varje vecka" in detail


# --- The cost allocation: an annex for its parties' staff only -----------------------------


def test_the_cost_allocation_annex_shows_only_to_staff_of_its_parties(pworld):
    family = family_of(pworld)
    school = OrganisationFactory(name="Friskolan AB", kind=Organisation.Kind.SCHOOL)
    school_unit = UnitFactory(organisation=school, name="Friskolan Ludvika", kind=Unit.Kind.SCHOOL)
    nurse = MembershipFactory(unit=school_unit, role=Membership.Role.HEALTH_STAFF).user
    family.consent_all(units=[family.social, family.bup, family.primary, school_unit])
    placement = placed(pworld)
    plan = services.placement_sip_start(placement=placement, by=pworld.sara, **start_fields())
    family.prepare(plan, units=[family.bup, family.primary, school_unit])
    family.summon(plan)
    url = reverse("sip:plan", kwargs={"pk": plan.pk})
    placement_url = reverse("placement:placement", kwargs={"pk": placement.pk})

    sara = page(client_for(pworld.sara), url)  # the placing kommun: the placement and annex
    assert "Bilaga: kostnadsfördelning" in sara and "2800" in sara
    assert placement_url in sara and "Exempelgården" in sara
    vera = page(client_for(pworld.vera), url)  # the paying region: the annex only
    assert "Bilaga: kostnadsfördelning" in vera and "2800" in vera
    assert placement_url not in vera and "Exempelgården" not in vera
    school_page = page(client_for(nurse), url)  # invited, no party: neither
    assert "Elin" in school_page  # the SIP itself is shown
    assert "kostnadsfördelning" not in school_page.lower() and "2800" not in school_page
    assert placement_url not in school_page and "Exempelgården" not in school_page


# --- Queries: constant whatever the number of cases ----------------------------------------


def counts(pages) -> dict:
    found = {}
    for key, (client, url) in pages.items():
        client.get(url)  # fills the caches
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        found[key] = (response.status_code, len(queries))
    return found


def other_linked_case(pworld, number: int) -> None:
    """Another child's placement with its own SIP, linked, and a cost allocation."""
    from tests.access.test_query_counts import Families

    families = Families(pworld.sip)
    families.count = number * 10
    other = families.new()
    other.consent_all()
    placement = services.placement_open(person=other.child, unit=pworld.social, by=pworld.sara)
    pworld.cost_allocation(placement)
    services.placement_sip_start(placement=placement, by=pworld.sara, **start_fields())


def test_the_pages_cost_the_same_whatever_the_number_of_linked_cases(pworld):
    family = family_of(pworld)
    family.consent_all()
    placement = placed(pworld)
    care_plan(pworld, placement, VARDPLAN)
    plan = services.placement_sip_start(placement=placement, by=pworld.sara, **start_fields())
    to_first_meeting(family, plan)
    hold(family, plan)
    follow_up_due(plan)
    plan.refresh_from_db()
    sara, vera = client_for(pworld.sara), client_for(pworld.vera)

    def pages():
        return {
            "sip sara": (sara, reverse("sip:plan", kwargs={"pk": plan.pk})),
            "sip vera": (vera, reverse("sip:plan", kwargs={"pk": plan.pk})),
            "follow-up": (sara, task_url(plan, SipFlow.follow_up)),
            "placement": (sara, reverse("placement:placement", kwargs={"pk": placement.pk})),
            "link": (sara, reverse("placement:sip_link", kwargs={"pk": placement.pk})),
            "start": (sara, reverse("placement:sip_start", kwargs={"pk": placement.pk})),
        }

    small = counts(pages())
    # More: other children's linked placements and SIPs, a second placement of Elin's
    # linked to the same SIP with its own cost allocation, a new vårdplan version.
    for number in (1, 2, 3):
        other_linked_case(pworld, number)
    second = pworld.open()
    pworld.cost_allocation(second)
    services.placement_sip_link(placement=second, plan=plan, by=pworld.sara)
    care_plan(pworld, placement, [*VARDPLAN, ("Fritidsaktivitet", "Kontaktperson", "Varje vecka")])
    large = counts(pages())
    assert all(status == 200 for status, _count in small.values())
    assert small == large
