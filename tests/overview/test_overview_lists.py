"""The chef's overview lists: each overdue rule by a controlled clock (``today=``), who may
see which row (grants, kommun, withdrawn consent), the unit hierarchy, filters, keyset
pages, and the query counts of the start page and the list pages at two data sizes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import AccessGrant
from cases.registry import overview_list, overview_rows
from consent.models import Consent
from consent.services import consent_withdraw
from directory.durations import DurationCode
from directory.models import Membership, Organisation, Person, Unit
from directory.selectors import duration_for, units_under, user_managed_units
from directory.services import guardianship_create
from overview import selectors as overview_selectors
from overview.digest import digest_lead
from overview.selectors import Cursor, ListFilters, OverviewReader
from sipflow import services
from sipflow.access import plan_access, plans_visible_to
from sipflow.grants import CASE_KIND as SIP
from sipflow.models import Invitation, SipPlan
from tests.conftest import years_ago
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, person_born
from tests.sipflow_world import action_rows

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def chef_of(*units: Unit):
    chef = MembershipFactory(unit=units[0], role=Membership.Role.MANAGER).user
    for unit in units[1:]:
        Membership.objects.create(user=chef, unit=unit, role=Membership.Role.MANAGER)
    return chef


def reader(chef, today=TODAY) -> OverviewReader:
    return OverviewReader(user=chef, units=list(user_managed_units(user=chef)), today=today)


def rows(chef, code, today=TODAY, **filters):
    page = reader(chef, today).page(overview_list(code), filters=ListFilters(**filters))
    return [item.row for item in page.rows]


class Families:
    """A new family in Ludvika (a child of ``age`` and two guardians) for each SIP."""

    def __init__(self, world):
        self.world, self.count = world, 0

    def new(self, *, age: int = 13, sex: str = Person.LegalSex.FEMALE):
        self.count += 1
        home = {"registered_municipality": self.world.ludvika, "last_name": f"Lista{self.count}"}
        days = 30 + self.count * 3
        child = person_born(
            years_ago(age, today=TODAY, days=days), first_name="Barn", legal_sex=sex, **home
        )
        mother = person_born(years_ago(40, today=TODAY, days=days), first_name="Mor", **home)
        father = person_born(
            years_ago(42, today=TODAY, days=days),
            first_name="Far",
            legal_sex=Person.LegalSex.MALE,
            **home,
        )
        for guardian in (mother, father):
            guardianship_create(child=child, guardian=guardian, on=TODAY)
        return dataclasses.replace(self.world, child=child, mother=mother, father=father)


def summoned(world) -> SipPlan:
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    return SipPlan.objects.get(pk=plan.pk)


def held(world, *, next_follow_up: dt.date | None = None) -> SipPlan:
    plan = summoned(world)
    meeting = plan.meetings.get()
    services.invitation_accept(
        invitation=meeting.invitations.get(unit=world.bup), by=world.vera, attendees="Vera"
    )
    services.invitation_accept(
        invitation=meeting.invitations.get(unit=world.primary), by=world.petra, attendees="Petra"
    )
    services.meeting_hold(
        plan=plan,
        by=world.sara,
        attendance="Alla",
        persons_goals="Sova bättre",
        actions=action_rows(world),
        lead_unit=world.social,
        next_follow_up=next_follow_up or TODAY + dt.timedelta(days=90),
    )
    return SipPlan.objects.get(pk=plan.pk)


def overdue(world, *, on: dt.date) -> SipPlan:
    """A summoned SIP whose follow-up date is ``on`` (data, as the lists read it)."""
    plan = summoned(world)
    SipPlan.objects.filter(pk=plan.pk).update(next_follow_up=on)
    return SipPlan.objects.get(pk=plan.pk)


# --- Each rule by the clock ---------------------------------------------------------------


def test_a_follow_up_is_overdue_the_day_after_its_date(world):
    chef = chef_of(world.social)
    due = TODAY + dt.timedelta(days=5)
    plan = overdue(world, on=due)
    assert rows(chef, "overdue_follow_ups", today=due) == []
    assert rows(chef, "overdue_follow_ups", today=due + dt.timedelta(days=1)) == [plan]
    page = reader(chef, due + dt.timedelta(days=4)).page(overview_list("overdue_follow_ups"))
    assert [(item.due, item.days_overdue) for item in page.rows] == [(due, 4)]


def test_a_kallelse_is_unanswered_after_its_answer_by_date_per_invited_unit(world):
    region_chef = chef_of(world.bup)  # BUP's chef: what her unit left unanswered
    plan = summoned(world)
    answer_by = plan.meetings.get().answer_by
    bup = plan.meetings.get().invitations.get(unit=world.bup)
    assert rows(region_chef, "unanswered", today=answer_by) == []
    assert rows(region_chef, "unanswered", today=answer_by + dt.timedelta(days=1)) == [bup]
    # Answered: off the list.
    services.invitation_accept(invitation=bup, by=world.vera, attendees="Vera")
    assert rows(region_chef, "unanswered", today=answer_by + dt.timedelta(days=1)) == []


def test_a_kallelse_keeps_its_meetings_answer_by_date_when_the_meeting_moves(world):
    """The list reads the answer-by date kept with the kallelse (its own index): set when
    it is sent, moved with the meeting, filled from the meeting by the migration that
    added it."""
    region_chef = chef_of(world.bup)
    plan = summoned(world)
    meeting = plan.meetings.get()
    bup = meeting.invitations.get(unit=world.bup)
    assert bup.answer_by == meeting.answer_by
    first_late = meeting.answer_by + dt.timedelta(days=1)
    assert rows(region_chef, "unanswered", today=first_late) == [bup]
    moved_by = meeting.answer_by + dt.timedelta(days=10)
    services.meeting_reschedule(
        meeting=meeting,
        by=world.sara,
        starts_at=meeting.starts_at + dt.timedelta(days=14),
        place="Rum 2",
        answer_by=moved_by,
    )
    bup.refresh_from_db()
    assert bup.answer_by == moved_by
    assert rows(region_chef, "unanswered", today=first_late) == []
    assert rows(region_chef, "unanswered", today=moved_by + dt.timedelta(days=1)) == [bup]
    # The migration's fill takes the meeting's date.
    Invitation.objects.filter(pk=bup.pk).update(answer_by=dt.date(2000, 1, 1))
    fill = importlib.import_module("sipflow.migrations.0013_invitation_answer_by").answer_by_fill
    fill(apps, None)
    assert Invitation.objects.get(pk=bup.pk).answer_by == moved_by


def test_a_kallelse_to_a_whole_organisation_is_on_the_list_of_the_chef_at_its_top(world):
    """A kallelse to the huvudman (the person unknown to the region) is every unit's to
    answer: the chef of a top unit of the region sees it late, a chef of a unit under
    another does not, nor a chef in the kommun."""
    world.consent_all(units=[world.social])
    world.guardians_consent(organisations=[world.region])
    plan = world.start()
    world.prepare(plan, units=[], organisations=[world.region])
    to_region = world.summon(plan).invitations.get()
    late = to_region.meeting.answer_by + dt.timedelta(days=1)
    top_chef = chef_of(world.bup)  # BUP Falun is under no other unit
    clinic = UnitFactory(organisation=world.region, name="BUP Borlänge", parent=world.bup)
    clinic_chef = chef_of(clinic)
    kommun_chef = chef_of(world.social)
    assert rows(top_chef, "unanswered", today=to_region.meeting.answer_by) == []
    assert rows(top_chef, "unanswered", today=late) == [to_region]
    assert rows(clinic_chef, "unanswered", today=late) == []
    assert rows(kommun_chef, "unanswered", today=late) == []
    # Its row names the organisation, as the whole organisation's.
    page = reader(top_chef, late).page(overview_list("unanswered"))
    assert "Region Dalarna (hela organisationen)" in page.rows[0].html
    with translation.override("en"):  # in the catalogue, not only written in the code
        page = reader(top_chef, late).page(overview_list("unanswered"))
    assert "Region Dalarna (whole organisation)" in page.rows[0].html
    # The counts on top count it too, and so does the list narrowed to her top unit.
    assert reader(top_chef, late).counts()["unanswered"] == 1
    assert rows(top_chef, "unanswered", today=late, unit=world.bup.pk) == [to_region]
    both = chef_of(world.bup, clinic)  # chef of the top unit and of the one under it
    assert rows(both, "unanswered", today=late, unit=clinic.pk) == []
    # Forwarded to a unit, it is that unit's: still late, now under the unit's name.
    services.invitation_forward(invitation=to_region, by=world.petra, to_unit=world.primary)
    assert rows(top_chef, "unanswered", today=late) == []
    assert rows(chef_of(world.primary), "unanswered", today=late) == [to_region]


def test_a_sip_with_a_plan_and_no_next_follow_up_date_is_listed(world):
    chef = chef_of(world.social)
    plan = held(world)
    assert rows(chef, "sip_no_follow_up") == []
    SipPlan.objects.filter(pk=plan.pk).update(next_follow_up=None)
    listed = reader(chef).page(overview_list("sip_no_follow_up"))
    assert [item.row for item in listed.rows] == [plan]
    assert listed.rows[0].due == timezone.localdate(plan.versions.get().created_at)
    # A SIP before its first meeting has no date yet, rightly: not listed.
    families = Families(world)
    summoned(families.new())
    assert len(rows(chef, "sip_no_follow_up")) == 1


def test_a_sip_keeps_the_day_its_plan_was_written_and_the_migration_fills_it(world):
    """The list of SIPs with no next follow-up date reads, from the SIP, the Swedish day its
    plan's latest version was written: the meeting sets it, and the migration that added
    it fills it from the versions (and from the start for one waiting without a version)."""
    chef = chef_of(world.social)
    plan = held(world)
    assert plan.plan_written_on == timezone.localdate(plan.versions.get().created_at)
    evening = dt.datetime(2026, 10, 4, 22, 30, tzinfo=dt.UTC)  # 5 October in Sweden
    plan.versions.update(created_at=evening)
    SipPlan.objects.filter(pk=plan.pk).update(plan_written_on=None, next_follow_up=None)
    bare = held(Families(world).new())
    bare.versions.all().delete()
    SipPlan.objects.filter(pk=bare.pk).update(
        plan_written_on=None, next_follow_up=None, started_at=evening - dt.timedelta(days=30)
    )
    fill = importlib.import_module("sipflow.migrations.0014_plan_written_on").plan_written_on_fill
    fill(apps, None)
    assert SipPlan.objects.get(pk=plan.pk).plan_written_on == dt.date(2026, 10, 5)
    assert SipPlan.objects.get(pk=bare.pk).plan_written_on == dt.date(2026, 9, 5)
    listed = reader(chef).page(overview_list("sip_no_follow_up"))
    assert [(item.row, item.due) for item in listed.rows] == [
        (bare, dt.date(2026, 9, 5)),
        (plan, dt.date(2026, 10, 5)),
    ]


def test_a_sip_halted_when_its_consent_was_withdrawn_is_listed_until_a_new_one_opens(world):
    chef = chef_of(world.social)
    plan = held(world)
    assert rows(chef, "sip_halted") == []
    consent = Consent.objects.filter(subject=world.child, given_by=world.mother).get()
    withdrawn = timezone.now()
    consent_withdraw(
        consent=consent,
        withdrawn_by=world.mother,
        form=Consent.Form.WRITTEN,
        documented_by=world.sara,
        at=withdrawn,
    )
    services.sip_reconsider(plan=plan, at=withdrawn)
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.HALTED
    page = reader(chef).page(overview_list("sip_halted"))
    assert [item.row for item in page.rows] == [plan]
    assert page.rows[0].due == timezone.localdate(withdrawn)
    # The person consents again and a new SIP opens: the halted one has been replaced.
    world.guardians_consent(units=[world.social, world.bup, world.primary])
    world.start()
    assert rows(chef, "sip_halted") == []


def test_a_halted_sip_reads_as_stopped_since_its_day_never_as_late(world, client):
    """A halt waits for a new consent: it is not lateness. The row says since when it is
    stopped and for how long, on the list page and the start page alike."""
    chef = chef_of(world.social)
    plan = held(world)
    withdrawn = timezone.now() - dt.timedelta(days=12)
    consent_withdraw(
        consent=Consent.objects.filter(subject=world.child, given_by=world.mother).get(),
        withdrawn_by=world.mother,
        form=Consent.Form.WRITTEN,
        documented_by=world.sara,
        at=withdrawn,
    )
    services.sip_reconsider(plan=plan, at=withdrawn)
    client.force_login(chef)
    for url in (reverse("overview:list", kwargs={"code": "sip_halted"}), reverse("overview:index")):
        page = client.get(url).content.decode()
        assert reverse("sip:plan", kwargs={"pk": plan.pk}) in page
        assert f"Stoppad sedan {timezone.localdate(withdrawn):%Y-%m-%d} (12 dagar)" in page, url
        assert "dagar försenad" not in page and "dag försenad" not in page, url
        assert "flest dagar försenat" not in page, url


def test_a_consent_running_out_within_the_reminder_days_is_listed(world, client):
    chef = chef_of(world.social)
    plan = summoned(world)
    until = Consent.objects.filter(subject=world.child).order_by("valid_until").first()
    days = duration_for(code=DurationCode.CONSENT_EXPIRY_REMINDER, organisation=None, on=TODAY)
    before = until.valid_until - dt.timedelta(days=days + 1)
    assert rows(chef, "sip_consents_expiring", today=before) == []
    on_time = until.valid_until - dt.timedelta(days=days)
    page = reader(chef, on_time).page(overview_list("sip_consents_expiring"))
    assert [item.row for item in page.rows] == [plan]
    assert (page.rows[0].due, page.rows[0].days_left) == (until.valid_until, days)
    # Nothing on it is late yet: the page says what comes first, not what is most overdue.
    client.force_login(chef)
    listed = client.get(reverse("overview:list", kwargs={"code": "sip_consents_expiring"}))
    assert "det som infaller först överst" in listed.content.decode()
    assert "flest dagar försenat" not in listed.content.decode()
    # Past its end the consent no longer holds: the SIP is not listed as "running out".
    after = until.valid_until + dt.timedelta(days=1)
    assert rows(chef, "sip_consents_expiring", today=after) == []


def test_a_health_examination_not_done_after_its_date_is_listed_for_both_chefs(pworld):
    from placement import services as placement_services

    placement = pworld.decided_sol()
    pworld.cost_allocation(placement)
    start = timezone.localdate()
    placement = placement_services.placement_start(
        placement=placement, by=pworld.sara, start_date=start
    )
    request = placement_services.health_exam_request(
        placement=placement, by=pworld.sara, region_unit=pworld.sip.bup, asked="Hälsoundersökning"
    )
    kommun_chef = chef_of(pworld.social)
    region_chef = chef_of(pworld.sip.bup)
    due = request.due_on
    for chef in (kommun_chef, region_chef):
        assert rows(chef, "placement_health_exams_not_done", today=due) == []
        assert rows(chef, "placement_health_exams_not_done", today=due + dt.timedelta(1)) == [
            request
        ]
    # Offered is not done; done is.
    placement_services.health_exam_record(
        request=request, by=pworld.vera, outcome="offered", on=start
    )
    assert len(rows(kommun_chef, "placement_health_exams_not_done", today=due + dt.timedelta(1)))
    placement_services.health_exam_record(request=request, by=pworld.vera, outcome="done", on=start)
    assert rows(kommun_chef, "placement_health_exams_not_done", today=due + dt.timedelta(1)) == []


# --- Who sees which row ---------------------------------------------------------------------


def falun(world):
    organisation = OrganisationFactory(name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY)
    unit = UnitFactory(organisation=organisation, name="Barn och familj Falun")
    return unit, chef_of(unit)


def test_a_chef_in_falun_never_sees_ludvikas_cases(world, client):
    _unit, falun_chef = falun(world)
    ludvika_chef = chef_of(world.social)
    plan = overdue(world, on=TODAY - dt.timedelta(days=3))
    assert rows(ludvika_chef, "overdue_follow_ups") == [plan]
    # Not through her units, nor by asking with Ludvika's unit.
    assert rows(falun_chef, "overdue_follow_ups") == []
    stray = OverviewReader(user=falun_chef, units=[world.social], today=TODAY)
    assert stray.page(overview_list("overdue_follow_ups")).rows == []
    client.force_login(falun_chef)
    page = client.get(reverse("overview:list", kwargs={"code": "overdue_follow_ups"}))
    assert reverse("sip:plan", kwargs={"pk": plan.pk}) not in page.content.decode()
    assert "Inget är försenat" in page.content.decode()


def test_a_withdrawn_consent_takes_the_case_off_the_region_chefs_list(world):
    region_chef = chef_of(world.bup)
    plan = summoned(world)
    late = plan.meetings.get().answer_by + dt.timedelta(days=1)
    assert len(rows(region_chef, "unanswered", today=late)) == 1
    consent = Consent.objects.filter(subject=world.child, given_by=world.father).get()
    consent_withdraw(
        consent=consent,
        withdrawn_by=world.father,
        form=Consent.Form.WRITTEN,
        documented_by=world.sara,
    )
    assert rows(region_chef, "unanswered", today=late) == []


# --- The unit hierarchy ---------------------------------------------------------------------


def test_units_under_walks_every_level_and_nothing_beside(world):
    top = UnitFactory(organisation=world.ludvika, name="Individ- och familjeomsorgen")
    middle = UnitFactory(organisation=world.ludvika, name="Barn och unga", parent=top)
    Unit.objects.filter(pk=world.social.pk).update(parent=middle)
    beside = UnitFactory(organisation=world.ludvika, name="Vuxen", parent=top)
    other = UnitFactory(organisation=world.ludvika, name="Ekonomiskt bistånd")
    assert set(units_under(units=[top])) == {top, middle, world.social, beside}
    assert set(units_under(units=[middle])) == {middle, world.social}
    assert set(units_under(units=[world.social])) == {world.social}
    assert set(units_under(units=Unit.objects.filter(pk=beside.pk))) == {beside}
    assert other not in units_under(units=[top])
    assert list(units_under(units=[])) == []
    # A cycle (only the database could hold one: clean refuses it) still ends.
    Unit.objects.filter(pk=top.pk).update(parent=world.social)
    assert set(units_under(units=[top])) == {top, middle, world.social, beside}


def test_a_unit_cannot_be_put_under_itself_or_another_organisations_unit(world):
    top = UnitFactory(organisation=world.ludvika, name="IFO")
    child = UnitFactory(organisation=world.ludvika, name="Barn", parent=top)
    top.parent = child
    with pytest.raises(ValidationError) as refused:
        top.full_clean()
    assert "under sig själv" in str(refused.value)
    child.parent = world.bup  # Region Dalarna's
    with pytest.raises(ValidationError) as refused:
        child.full_clean()
    assert "samma organisation" in str(refused.value)


def test_a_chef_above_sees_the_lists_and_cases_of_the_units_under_her(world, client):
    top = UnitFactory(organisation=world.ludvika, name="Individ- och familjeomsorgen")
    Unit.objects.filter(pk=world.social.pk).update(parent=top)
    above = chef_of(top)
    below = chef_of(UnitFactory(organisation=world.ludvika, name="Vuxen", parent=top))
    plan = overdue(world, on=TODAY - dt.timedelta(days=2))
    assert set(user_managed_units(user=above)) == {top, world.social, below.memberships.get().unit}
    assert rows(above, "overdue_follow_ups") == [plan]
    assert rows(below, "overdue_follow_ups") == []  # a sibling's chef sees nothing of it
    # The case page's own check agrees with the list: she may open it, the sibling may not.
    assert plan_access(user=above, plan=plan) is not None
    assert plan_access(user=below, plan=plan) is None
    client.force_login(above)
    assert client.get(reverse("sip:plan", kwargs={"pk": plan.pk})).status_code == 200
    client.force_login(below)
    assert client.get(reverse("sip:plan", kwargs={"pk": plan.pk})).status_code == 404


def test_the_administrator_edits_a_units_parent_in_the_admin(world, client, admin_user):
    top = UnitFactory(organisation=world.ludvika, name="IFO")
    client.force_login(admin_user)
    page = client.get(reverse("admin:directory_unit_change", args=[world.social.pk]))
    assert page.status_code == 200 and 'name="parent"' in page.content.decode()
    data = {
        "organisation": world.ludvika.pk,
        "name": world.social.name,
        "kind": world.social.kind,
        "parent": top.pk,
        "email": "",
        "mail_to_mailbox": "on",
    }
    response = client.post(reverse("admin:directory_unit_change", args=[world.social.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    world.social.refresh_from_db()
    assert world.social.parent == top


# --- Filters and keyset pages ---------------------------------------------------------------


@pytest.fixture
def seven_overdue(world):
    """Seven overdue follow-ups, 1 to 7 days late: girls of 13 and boys of 16, two led by a
    second unit of the kommun with its own handläggare."""
    families = Families(world)
    second = UnitFactory(organisation=world.ludvika, name="Barn och familj 2")
    olle = MembershipFactory(unit=second, role=Membership.Role.SOCIAL_WORKER).user
    chef = chef_of(world.social, second)
    plans = []
    for days in range(1, 8):
        age, sex = (13, Person.LegalSex.FEMALE) if days % 2 else (16, Person.LegalSex.MALE)
        plans.append(overdue(families.new(age=age, sex=sex), on=TODAY - dt.timedelta(days=days)))
    for plan in plans[:2]:
        SipPlan.objects.filter(pk=plan.pk).update(lead_unit=second, coordinator=olle)
    plans.reverse()  # the most days overdue first
    return chef, second, olle, [SipPlan.objects.get(pk=plan.pk) for plan in plans]


def test_a_list_is_sorted_by_days_overdue_and_paged_by_keyset(seven_overdue, monkeypatch):
    chef, _second, _olle, plans = seven_overdue
    spec = overview_list("overdue_follow_ups")
    read = reader(chef)
    first = read.page(spec, limit=3)
    assert [item.row for item in first.rows] == plans[:3]
    assert first.count == 7 and [item.days_overdue for item in first.rows] == [7, 6, 5]
    second = read.page(spec, limit=3, after=first.next_cursor)
    third = read.page(spec, limit=3, after=second.next_cursor)
    assert [item.row for item in second.rows + third.rows] == plans[3:]
    assert third.next_cursor is None
    # Two rows due the same day are ordered, and paged, by their key.
    SipPlan.objects.filter(pk__in=[plan.pk for plan in plans]).update(
        next_follow_up=TODAY - dt.timedelta(days=1)
    )
    seen = []
    cursor = None
    while True:
        page = reader(chef).page(spec, limit=2, after=cursor)
        seen += [item.row.pk for item in page.rows]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == sorted(plan.pk for plan in plans)
    # No OFFSET skipping rows anywhere: the next page starts after the last row shown (the
    # candidates' "OFFSET 0" skips none: it keeps their sorting apart from the check).
    with CaptureQueriesContext(connection) as queries:
        reader(chef).page(spec, limit=2, after=Cursor(due=TODAY, key=0))
    assert not any(
        re.search(r"OFFSET\s+(?!0\b)", query["sql"].upper()) for query in queries.captured_queries
    )


def test_a_count_stops_at_the_cap_and_says_more_than_it(seven_overdue, client, monkeypatch):
    chef, _second, _olle, plans = seven_overdue
    spec = overview_list("overdue_follow_ups")
    monkeypatch.setattr(overview_selectors, "COUNT_CAP", 5)
    page = reader(chef).page(spec, limit=3)
    assert page.count == 6 and page.more and page.count_text == "5+"
    assert [item.row for item in page.rows] == plans[:3]  # the rows are not capped
    assert reader(chef).counts()["overdue_follow_ups"] == 6
    # The count reads no further than the cap: one statement, with its LIMIT.
    with CaptureQueriesContext(connection) as queries:
        reader(chef).count(spec)
    assert "LIMIT 6" in queries.captured_queries[-1]["sql"]
    client.force_login(chef)
    listed = client.get(reverse("overview:list", kwargs={"code": spec.code})).content.decode()
    assert "Fler än 5 ärenden" in listed
    start = client.get(reverse("overview:index")).content.decode()
    assert "Försenade uppföljningar (5+)" in start
    lead = digest_lead({"overdue_follow_ups": 6, "sip_halted": 2})
    assert "fler än 5 försenade uppföljningar" in lead and "2 stoppade SIP" in lead
    monkeypatch.setattr(overview_selectors, "COUNT_CAP", 7)
    page = reader(chef).page(spec, limit=3)
    assert page.count == 7 and not page.more and page.count_text == "7"


def test_a_list_sorted_before_its_check_pages_only_the_rows_that_pass_it(world):
    """The region chef's unanswered kallelser are sorted before each is checked (a page's
    keys, ``OverviewRows.sorted_before_check``): kallelser of SIPs her unit may no longer
    see, the most overdue among them, are passed over, each page still fills, and the count
    leaves them out, as when every kallelse is checked before the sorting."""
    region_chef = chef_of(world.bup)
    families = Families(world)
    plans = [summoned(families.new()) for _ in range(6)]
    invitations = []
    for n, plan in enumerate(plans):
        invitation = Invitation.objects.get(meeting__plan=plan, unit=world.bup)
        invitation.answer_by = TODAY - dt.timedelta(days=10 - n)
        Invitation.objects.filter(pk=invitation.pk).update(answer_by=invitation.answer_by)
        invitations.append(invitation)
    hidden = [plans[0], plans[3]]  # the most overdue, and one between
    AccessGrant.objects.filter(
        case_kind=SIP, case_id__in=[plan.pk for plan in hidden], unit=world.bup
    ).delete()
    # Her unit's grants are gone (as after a consent no longer naming it): the grants'
    # filter of every list no longer lets her see those SIPs; their kallelser still wait.
    visible = set(plans_visible_to(user=region_chef).values_list("pk", flat=True))
    assert visible & {plan.pk for plan in plans} == {plans[n].pk for n in (1, 2, 4, 5)}
    assert (
        Invitation.objects.filter(
            meeting__plan__in=hidden, unit=world.bup, status=Invitation.Status.PENDING
        ).count()
        == 2
    )
    shown = [invitations[n].pk for n in (1, 2, 4, 5)]
    spec = overview_list("unanswered")
    assert spec.sorted_before_check

    def paged(spec, limit):
        read, seen, cursor, counts = reader(region_chef), [], None, []
        while True:
            page = read.page(spec, limit=limit, after=cursor)
            seen.append([item.row.pk for item in page.rows])
            counts.append(page.count)
            if page.next_cursor is None:
                return seen, counts
            cursor = page.next_cursor

    assert paged(spec, 3) == ([shown[:3], shown[3:]], [4, 4])
    assert paged(spec, 1) == ([[pk] for pk in shown], [4] * 4)
    checked_first = dataclasses.replace(spec, sorted_before_check=False)
    assert paged(checked_first, 3) == paged(spec, 3)
    # Filtered, the candidates are too: the kallelser of another unit are none of hers.
    assert rows(region_chef, "unanswered", unit=world.bup.pk) == [
        Invitation.objects.get(pk=pk) for pk in shown
    ]
    assert rows(region_chef, "unanswered", age="30-49") == []


def test_a_list_sorted_before_its_check_is_empty_without_units_or_for_an_inactive_user(world):
    """Where the list's query can hold no row (no unit to read, or a user who may see
    nothing: Django knows it without asking the database), the page is empty, as for a list
    checked before it is sorted, never an error."""
    region_chef = chef_of(world.bup)
    plan = summoned(world)
    late = plan.meetings.get().answer_by + dt.timedelta(days=1)
    for code in ("unanswered", "overdue_follow_ups"):
        spec = overview_list(code)
        assert spec.sorted_before_check
        page = OverviewReader(user=region_chef, units=[], today=late).page(spec)
        assert (page.rows, page.count, page.next_cursor) == ([], 0, None)
    assert len(rows(region_chef, "unanswered", today=late)) == 1
    region_chef.is_active = False
    page = reader(region_chef, late).page(overview_list("unanswered"))
    assert (page.rows, page.count) == ([], 0)


def test_filters_by_unit_handlaggare_and_age_group(seven_overdue):
    chef, second, olle, plans = seven_overdue
    code = "overdue_follow_ups"
    assert rows(chef, code, unit=second.pk) == [plans[5], plans[6]]
    assert rows(chef, code, handler=olle.pk) == [plans[5], plans[6]]
    girls = [plan for plan in plans if plan.person.legal_sex == Person.LegalSex.FEMALE]
    assert rows(chef, code, age="13-17") == plans
    assert rows(chef, code, age="0-12") == []
    # The 16-year-olds and the 13-year-olds are in the same band; an adult band finds none.
    assert rows(chef, code, age="18-20") == []
    assert len(girls) == 4


def test_legal_basis_filter_applies_to_placement_lists():
    spec = overview_list("placement_cost_allocations_overdue")
    assert spec.basis_field and dict(spec.basis_choices)
    assert not overview_list("overdue_follow_ups").basis_field


def test_the_list_page_filters_pages_and_links_every_row_to_its_case(
    seven_overdue, client, monkeypatch
):
    chef, _second, olle, plans = seven_overdue
    monkeypatch.setattr(overview_selectors, "PAGE_SIZE", 3)
    client.force_login(chef)
    url = reverse("overview:list", kwargs={"code": "overdue_follow_ups"})
    first = client.get(url)
    html = first.content.decode()
    for plan in plans[:3]:
        assert reverse("sip:plan", kwargs={"pk": plan.pk}) in html
    assert reverse("sip:plan", kwargs={"pk": plans[3].pk}) not in html
    assert "7 dagar försenad" in html and "7 ärenden" in html
    following = first.context["next_query"]
    second_page = client.get(f"{url}?{following}").content.decode()
    assert reverse("sip:plan", kwargs={"pk": plans[3].pk}) in second_page
    # The access log names the persons shown.
    assert set(first.wsgi_request.case_persons) == {plan.person for plan in plans[:3]}
    filtered = client.get(url, {"handlaggare": olle.pk}).content.decode()
    assert reverse("sip:plan", kwargs={"pk": plans[5].pk}) in filtered
    assert reverse("sip:plan", kwargs={"pk": plans[0].pk}) not in filtered
    # Bad input: a Swedish message, never a 500.
    broken = client.get(url, {"efter": "igår", "handlaggare": "999999"})
    assert broken.status_code == 200
    assert "Sidan finns inte" in broken.content.decode()
    assert client.get(reverse("overview:list", kwargs={"code": "finns-inte"})).status_code == 404


def test_a_user_who_leads_no_unit_gets_no_list_page(world, client):
    client.force_login(world.sara)
    url = reverse("overview:list", kwargs={"code": "overdue_follow_ups"})
    assert client.get(url).status_code == 403
    assert client.get(reverse("overview:workload")).status_code == 403


def test_the_workload_counts_open_cases_and_overdue_items_per_handlaggare(seven_overdue, client):
    chef, _second, olle, _plans = seven_overdue
    found = {row.handler.username: (row.open_cases, row.overdue) for row in reader(chef).workload()}
    assert found[olle.username] == (2, 2)
    assert found["sara"] == (5, 5)
    client.force_login(chef)
    page = client.get(reverse("overview:workload")).content.decode()
    assert "Arbetsbelastning per handläggare" in page
    # A page of its own, linked from the start page, which does not count every open case.
    start = client.get(reverse("overview:index")).content.decode()
    assert reverse("overview:workload") in start
    assert "Arbetsbelastning per handläggare" not in start


def test_the_start_page_counts_every_list_and_says_when_nothing_is_late(world, client):
    chef = chef_of(world.social)
    client.force_login(chef)
    page = client.get(reverse("overview:index")).content.decode()
    assert "Inget är försenat" in page
    for spec in overview_rows():
        assert reverse("overview:list", kwargs={"code": spec.code}) in page
    # Today as the page reads it, not the module's TODAY: a run may pass midnight.
    overdue(world, on=timezone.localdate() - dt.timedelta(days=1))
    page = client.get(reverse("overview:index")).content.decode()
    assert "Inget är försenat" not in page and "1 dag försenad" in page


# --- Query counts ----------------------------------------------------------------------------


def test_the_start_page_and_every_list_page_cost_the_same_at_two_sizes(world, client, monkeypatch):
    # Small pages, so that both sizes fill them (the access log writes an entry per person
    # shown: a page's cost follows its rows, up to the page size, never the data).
    monkeypatch.setattr(overview_selectors, "PAGE_SIZE", 3)
    monkeypatch.setattr(overview_selectors, "START_PAGE_ROWS", 2)
    chef = chef_of(world.social)
    families = Families(world)

    def add(count):
        for n in range(count):
            overdue(families.new(), on=TODAY - dt.timedelta(days=n + 1))

    urls = [reverse("overview:index"), reverse("overview:workload")] + [
        reverse("overview:list", kwargs={"code": spec.code}) for spec in overview_rows()
    ]
    client.force_login(chef)

    def measure():
        counts = {}
        for url in urls * 2:  # the first round fills the caches
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[url] = len(queries)
        return counts

    add(4)
    small = measure()
    add(6)
    large = measure()
    grew = {url: (small[url], large[url]) for url in urls if small[url] != large[url]}
    assert grew == {}, grew
