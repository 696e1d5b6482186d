"""Every page costs the same number of SQL queries whatever the number of cases stored.

Each page of the site is rendered, as the user who would use it, at two data sizes: a few
SIPs the user sees (and some they do not), then more SIPs, and the SIP the page is about
with more plan versions, kallelser, history and consents. The counts must be equal: a
page whose count grows with the data does not serve a kommun with thousands of SIPs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from audit.services import sample_draw
from consent.models import Consent, InformationCategory, Purpose
from consent.services import consent_register
from deviations.services import allocation_agree, note_add
from directory.models import Membership, Organisation, Person
from directory.services import guardianship_create
from placement import services as placement_services
from placement.models import (
    AlternativeTried,
    CarePlanInsats,
    CarePlanVersion,
    RegionHandover,
    SchoolArrangement,
)
from placement.services import placement_open_process
from sipflow import services
from sipflow.flows import SipFlow
from sipflow.models import FollowUp, Invitation, Meeting, SipPlan
from tests.access.test_matrix import deviation_from, health_request_to, kwargs_for, url_patterns
from tests.conftest import years_ago
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, person_born
from tests.placement_world import seed_templates
from tests.sipflow_world import action_rows

pytestmark = pytest.mark.django_db


class Families:
    """Makes a new family (a 13-year-old and two guardians in Ludvika) for each SIP."""

    def __init__(self, world):
        self.world = world
        self.count = 0

    def new(self, *, municipality=None):
        self.count += 1
        days = 40 + self.count * 3
        home = {
            "registered_municipality": municipality or self.world.ludvika,
            "last_name": f"Provsson{self.count}",
        }
        today = timezone.localdate()
        child = person_born(years_ago(13, today=today, days=days), first_name="Barn", **home)
        mother = person_born(years_ago(40, today=today, days=days), first_name="Mor", **home)
        father = person_born(
            years_ago(42, today=today, days=days),
            first_name="Far",
            legal_sex=Person.LegalSex.MALE,
            **home,
        )
        for guardian in (mother, father):
            guardianship_create(child=child, guardian=guardian, on=today)
        return dataclasses.replace(self.world, child=child, mother=mother, father=father)


def answer_all(world, plan):
    meeting = plan.meetings.order_by("-pk").first()
    for invitation in meeting.invitations.filter(status=Invitation.Status.PENDING):
        by = world.vera if invitation.unit_id == world.bup.pk else world.petra
        services.invitation_accept(invitation=invitation, by=by, attendees="Sjuksköterska")


def hold(world, plan, *, days=90):
    return services.meeting_hold(
        plan=plan,
        by=world.sara,
        attendance="Barnet, vårdnadshavarna, BUP, vårdcentralen, socialtjänsten",
        persons_goals="Kunna sova och orka gå till skolan",
        actions=action_rows(world),
        lead_unit=world.social,
        next_follow_up=timezone.localdate() + dt.timedelta(days=days),
    )


def follow_up_with_meeting(world, plan):
    """The follow-up is due and decides on a new meeting: the SIP waits to be summoned."""
    Task.objects.filter(
        process=plan.process_id,
        flow_task=SipFlow.wait_for_follow_up,
        status__in=[STATUS.NEW, STATUS.SCHEDULED],
    ).update(scheduled=timezone.now() - dt.timedelta(seconds=1))
    fire_due_timers()
    plan.refresh_from_db()
    version = plan.versions.order_by("-number").first()
    services.follow_up_record(
        plan=plan,
        by=world.sara,
        reviews={action.pk: ("yes", "partly") for action in version.actions.all()},
        outcome=FollowUp.Outcome.NEXT_WITH_MEETING,
        next_follow_up=timezone.localdate() + dt.timedelta(days=60),
    )
    plan.refresh_from_db()


def cycle(world, plan):
    """One round: kallelser sent and answered, the meeting held, followed up, called again."""
    world.summon(plan)
    answer_all(world, plan)
    hold(world, plan)
    follow_up_with_meeting(world, plan)


def visible_sip(families, *, state: str):
    """A SIP of Ludvika's Barn och familj that invites BUP (so vera sees it)."""
    family = families.new()
    family.consent_all()
    plan = family.start()
    family.prepare(plan)
    if state == "summoned":  # a kallelse past its answer-by date, for the chef's overview
        meeting = family.summon(plan)
        Meeting.objects.filter(pk=meeting.pk).update(
            answer_by=timezone.localdate() - dt.timedelta(days=2)
        )
    elif state == "held":  # a follow-up overdue
        family.summon(plan)
        answer_all(family, plan)
        hold(family, plan)
        SipPlan.objects.filter(pk=plan.pk).update(
            next_follow_up=timezone.localdate() - dt.timedelta(days=3)
        )
    return plan


def invisible_sip(families, falun):
    """A SIP of another kommun's unit, about one of its residents: nobody here sees it."""
    family = families.new(municipality=falun["organisation"])
    family = dataclasses.replace(family, sara=falun["worker"], social=falun["unit"])
    family.consent_all(units=[falun["unit"], family.primary])
    plan = family.start()
    family.prepare(plan, units=[family.primary], lead_unit=falun["unit"])
    family.summon(plan)
    return plan


def more_consents(world):
    """Another consent from each guardian (a wider scope), for the page's own person."""
    for guardian in (world.mother, world.father):
        consent_register(
            subject=world.child,
            given_by=guardian,
            purpose=Purpose.SIP,
            form=Consent.Form.ORAL,
            documented_by=world.sara,
            categories=InformationCategory.objects.filter(code__in=["health", "social"]),
            units=[world.social, world.bup, world.primary, world.adult_psych],
        )


def placement_more(world, placement):
    """More of the placement the pages are about: its utredning written anew, another
    alternative tried (history, entries, alternatives)."""
    areas = placement.assessment.template.areas.values_list("code", flat=True)
    placement_services.assessment_record(
        placement=placement, by=world.sara, entries=dict.fromkeys(areas, "Bedömt.")
    )
    placement_services.alternative_record(
        placement=placement,
        by=world.sara,
        kind=AlternativeTried.Kind.FAMILY_TREATMENT,
        started_on=timezone.localdate() - dt.timedelta(days=90),
        outcome="Räckte inte.",
    )


def placement_care_more(world, placement):
    """More of the placement's care: a vårdplan and a genomförandeplan version with
    insatser, a hälsoundersökning asked, a school arrangement. Written directly: the
    services take them once the placement is decided, and this one is still an utredning."""
    now = timezone.now()
    for kind in ("care_plan", "implementation_plan"):
        number = CarePlanVersion.objects.filter(placement=placement, kind=kind).count() + 1
        version = CarePlanVersion.objects.create(
            placement=placement,
            kind=kind,
            number=number,
            goals="Mål.",
            follow_up="Samtal.",
            follow_up_on=timezone.localdate(),
            written_at=now,
            written_by=world.sara,
            unit=world.social,
        )
        for order in (1, 2):
            CarePlanInsats.objects.create(
                version=version, order=order, what="Stöd", who="Sara", when="Varje vecka"
            )
    SchoolArrangement.objects.create(
        placement=placement,
        school_name="Skolan",
        from_date=timezone.localdate(),
        recorded_at=now,
        recorded_by=world.sara,
    )
    return health_request_to(world.bup, placement=placement, by=world.sara)


def link_to_sip(world, placement, plan):
    """The placement linked to the SIP the pages are about, with a cost allocation (an
    annex of the SIP for the kommun and the region)."""
    placement_services.cost_allocation_create(
        placement=placement,
        by=world.sara,
        rows=[
            placement_services.CostRow(
                what="housing",
                paying_organisation=world.ludvika,
                valid_from=timezone.localdate(),
                amount_per_day=2800,
            ),
            placement_services.CostRow(
                what="health_care",
                paying_organisation=world.region,
                valid_from=timezone.localdate(),
                share_percent=100,
            ),
        ],
    )
    placement_services.placement_sip_link(placement=placement, plan=plan, by=world.sara)


def handover_from_dalarna(world, placement) -> RegionHandover:
    """The person's folkbokföring moved out of Region Dalarna: its staff (vera) are to hand
    over. Written directly: the service opens one for a running placement only."""
    region = Organisation.objects.filter(name="Region Gävleborg").first() or OrganisationFactory(
        name="Region Gävleborg", kind=Organisation.Kind.REGION
    )
    return RegionHandover.objects.create(
        placement=placement,
        from_region=world.region,
        to_region=region,
        started_on=timezone.localdate(),
        started_by=world.sara,
    )


def pages(case) -> list[tuple[str, str, dict]]:
    """(user, URL name, kwargs) of every page of the site a case worker uses."""
    chosen = []
    for name, kwarg_names in url_patterns():
        if name.startswith(("admin:", "accounts:")) or name in SKIPPED:
            continue
        if "task_pk" in kwarg_names and not name.endswith(TASK_PAGES):
            continue  # a task's manage actions (undo, cancel, …) answer 403 to everyone
        kwargs = kwargs_for(name, kwarg_names, case)
        if kwargs is None:
            continue
        for user in users_of(name):
            chosen.append((user, name, kwargs))
    return chosen


#: Pages that only act (POST) or leave the site.
SKIPPED = {
    "home",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_complete",
    "password_reset_done",
    "set_language",
    "notifications:read_all",
    "notifications:open",
    "sip:tasks_assign",
    "sip:tasks_unassign",
    "placement:tasks_assign",
    "placement:tasks_unassign",
    "people:consent_withdraw",
    "logout",
    "login",
}
TASK_PAGES = (":detail", ":execute", ":index")
CHEF_ONLY = {
    "people:access_log",
    "people:samples",
    "people:sample_detail",
    "overview:statistics",
    "overview:statistics_csv",
    "overview:statistics_xlsx",
    "deviations:statistics",
}


def users_of(name: str) -> list[str]:
    if name in CHEF_ONLY:
        return ["chef"]
    if name == "overview:index":
        return ["sara", "vera", "chef"]
    return ["sara", "vera"]


def measure(clients, page_list, *, search: str, rounds=1) -> dict:
    """(status, number of queries) of each page, the last of ``rounds`` renders."""
    counts = {}
    for _round in range(rounds):
        for user, name, kwargs in page_list:
            client = clients[user]
            connection.queries_log.clear()  # a full log would count nothing
            with CaptureQueriesContext(connection) as queries:
                if name == "people:index":  # the search: sent, then its result page
                    sent = client.post(reverse(name), {"q": search})
                    response = client.get(sent["Location"]) if sent.status_code == 302 else sent
                else:
                    response = client.get(reverse(name, kwargs=kwargs))
            counts[(user, name)] = (response.status_code, len(queries))
    return counts


def test_every_page_costs_the_same_at_two_sizes(world):
    families = Families(world)
    falun_org = OrganisationFactory(name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY)
    falun_unit = UnitFactory(organisation=falun_org, name="Barn och familj Falun")
    falun = {
        "organisation": falun_org,
        "unit": falun_unit,
        "worker": MembershipFactory(unit=falun_unit, role=Membership.Role.SOCIAL_WORKER).user,
    }
    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user

    # The SIP the pages are about: summoned again after one round, kallelser pending.
    consents = world.consent_all()
    plan = world.start()
    world.prepare(plan)
    cycle(world, plan)
    meeting = world.summon(plan)
    visible_sip(families, state="summoned")
    visible_sip(families, state="held")  # so that every list already names someone
    invisible_sip(families, falun)
    sample = sample_draw(
        by=chef,
        unit=world.social,
        persons=[world.child],
        start=timezone.localdate(),
        end=timezone.localdate(),
    )
    seed_templates()
    placement = placement_open_process(by=world.sara, person=world.child, unit=world.social)
    placement_more(world, placement)
    health_request = placement_care_more(world, placement)
    link_to_sip(world, placement, SipPlan.objects.get(pk=plan.pk))
    handover_from_dalarna(world, placement)
    placement_open_process(by=world.sara, person=families.new().child, unit=world.social)
    deviation = deviation_from(world, plan)
    deviation_from(world, plan)  # and another, so that every list already holds one
    case = {
        "deviation": deviation,
        "sample": sample,
        "person": world.child,
        "consent": consents[0],
        "plan": SipPlan.objects.get(pk=plan.pk),
        "invitation": meeting.invitations.get(unit=world.bup),
        "placement": placement,
        "health_request": health_request,
    }
    clients = {}
    for key, user in (("sara", world.sara), ("vera", world.vera), ("chef", chef)):
        clients[key] = Client()
        clients[key].force_login(user)
    page_list = pages(case)
    # Twice: the first render fills the caches (content types, viewflow's nodes).
    small = measure(clients, page_list, search="Provsson", rounds=2)

    # More of everything: SIPs seen and unseen, and the page's SIP with one more round
    # (plan versions, follow-ups, kallelser, history) and more consents.
    plan = SipPlan.objects.get(pk=plan.pk)
    answer_all(world, plan)
    hold(world, plan)
    follow_up_with_meeting(world, plan)
    world.summon(plan)
    more_consents(world)
    for state in ("summoned", "held", "summoned"):
        visible_sip(families, state=state)
    invisible_sip(families, falun)
    placement_more(world, placement)
    placement_care_more(world, placement)
    for _ in range(2):
        more = placement_open_process(by=world.sara, person=families.new().child, unit=world.social)
        handover_from_dalarna(world, more)
    # More avvikelser, and more of the page's own: agreed, with notes in its log.
    allocation_agree(deviation=deviation, by=world.sara)
    for text in ("Utreds hos BUP.", "Utreds hos socialtjänsten."):
        note_add(deviation=deviation, by=world.vera, text=text)
    for _ in range(3):
        deviation_from(world, plan)
    case["invitation"] = plan.meetings.order_by("-pk").first().invitations.get(unit=world.bup)
    page_list = pages(case)
    large = measure(clients, page_list, search="Provsson")

    grew = {key: (small[key], large[key]) for key in small if small[key] != large[key]}
    report = "\n".join(f"{key}: {before} -> {after}" for key, (before, after) in grew.items())
    assert grew == {}, report


def test_the_plan_page_costs_the_same_whatever_the_number_of_parties(world):
    """The open steps name each kallelse waiting for an answer, without a query for each."""
    families = Families(world)
    counts = []
    for units in ([world.bup], [world.bup, world.primary, world.adult_psych]):
        family = families.new()
        family.consent_all(units=[world.social, *units])
        plan = family.start()
        family.prepare(plan, units=units)
        family.summon(plan)
        client = Client()
        client.force_login(world.sara)
        url = reverse("sip:plan", kwargs={"pk": plan.pk})
        client.get(url)  # fills the caches
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("Svara på kallelse") == len(units)
        counts.append(len(queries))
    assert counts[0] == counts[1]
