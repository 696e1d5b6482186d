"""Durations and deadlines come from the rule table (directory.durations), per organisation
where the sources leave them to it, with their dates of effect."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consent.services import consent_sweep
from directory import durations
from directory.durations import DURATIONS, DurationCode, add_months, duration_row
from directory.models import DurationOverride, Membership
from directory.selectors import duration_for, organisation_rules
from notifications.models import Event
from notifications.workdays import add_working_days, is_working_day
from overview.digest import OverviewEvent, escalation_digests_send
from sipflow import selectors as sip_selectors
from sipflow import services
from sipflow.flows import SipFlow
from sipflow.models import SipPlan
from tests.factories import MembershipFactory
from tests.sipflow_world import answer_by_set

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def table(monkeypatch, settings):
    """Replace a row's value in the table for one test: ``table(code, value)``."""
    settings.SIP_ANSWER_WORKING_DAYS = None

    def set_value(code: str, value: int) -> None:
        rows = tuple(
            dataclasses.replace(row, value=value) if row.code == code else row
            for row in durations.DURATIONS
        )
        monkeypatch.setattr(durations, "DURATIONS", rows)

    return set_value


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def next_working_day(day: dt.date) -> dt.date:
    return add_working_days(day, 1)


# --- The table ---------------------------------------------------------------------------


@pytest.mark.parametrize("row", [row for row in DURATIONS if row.enabled], ids=lambda r: r.code)
def test_each_duration_is_read_from_the_table(row, settings):
    settings.SIP_ANSWER_WORKING_DAYS = None
    assert duration_for(code=row.code, organisation=None, on=row.effective_from) == row.value


def test_every_row_cites_a_source_by_name_never_a_seed_file():
    seed = re.compile(r"\b00\d_|≈L|RULES\.md|\.txt|fotnot", re.IGNORECASE)
    for row in DURATIONS:
        shown = str(row.source)
        assert shown.strip(), row.code
        assert not seed.search(shown), (row.code, shown)


def test_the_source_shown_when_an_override_is_refused_names_no_seed_file(world):
    override = DurationOverride(
        organisation=world.ludvika,
        code=DurationCode.CONSENT_VALIDITY_MAX,
        value=6,
        effective_from=TODAY,
    )
    with pytest.raises(ValidationError) as refused:
        override.full_clean()
    message = " ".join(refused.value.message_dict["code"])
    assert "Dalarnas regionala överenskommelse" in message
    assert "004" not in message and "≈L" not in message


def test_rows_have_dates_of_effect_and_proposals_are_off():
    agreement_starts = dt.date(2025, 7, 1)
    assert duration_row(code=DurationCode.ACUTE_COST_ALLOCATION, on=agreement_starts).value == 2
    with pytest.raises(LookupError):
        duration_row(
            code=DurationCode.ACUTE_COST_ALLOCATION, on=agreement_starts - dt.timedelta(days=1)
        )
    with pytest.raises(LookupError):
        duration_row(code=DurationCode.ACUTE_COST_ALLOCATION, on=dt.date(2033, 7, 1))
    proposal = next(
        row for row in DURATIONS if row.code == DurationCode.AFTER_PLACEMENT_FOLLOW_UP_PROPOSAL
    )
    assert proposal.proposal and not proposal.enabled and proposal.value == 6
    with pytest.raises(LookupError):
        duration_row(code=proposal.code, on=TODAY)
    assert duration_row(code=DurationCode.AFTER_PLACEMENT_FOLLOW_UP, on=TODAY).value == 2


def test_law_rows_are_not_overridable_and_organisation_settings_are():
    overridable = {row.code for row in DURATIONS if row.overridable}
    assert overridable == {
        DurationCode.CONSENT_VALIDITY_DEFAULT,
        DurationCode.SIP_ANSWER_WORKING_DAYS,
        DurationCode.REMINDER_HOUR,
        DurationCode.SIP_FOLLOW_UP_INTERVAL,
        DurationCode.PLACEMENT_REVIEW_NOTICE,
        DurationCode.ACUTE_COST_ALLOCATION_REMINDER,
        DurationCode.PLACEMENT_ENDING_PLANNING,
        DurationCode.HEALTH_EXAMINATION_DUE,  # HSLF-FS 2019:19 sets no number of days
        DurationCode.PLACEMENT_FOLLOW_UP_VISIT,  # "regularly": no law says how often
        DurationCode.DEVIATION_ALLOCATION_REMINDER,  # "omgående": how often is theirs
    }


def test_a_month_later_is_the_month_end_when_the_day_is_missing():
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)


# --- Each use reads the table --------------------------------------------------------------


def test_consent_validity_maximum_and_default_come_from_the_table(world, table):
    table(DurationCode.CONSENT_VALIDITY_MAX, 6)
    table(DurationCode.CONSENT_VALIDITY_DEFAULT, 6)
    today = timezone.localdate()
    consent = world.guardians_consent(units=[world.bup])[0]
    assert consent.valid_until == add_months(today, 6)
    with pytest.raises(ValidationError) as refused:
        world.guardians_consent(units=[world.bup], valid_until=add_months(today, 7))
    assert refused.value.message_dict["valid_until"]


def test_the_consent_expiry_reminder_comes_from_the_table(world, table):
    table(DurationCode.CONSENT_EXPIRY_REMINDER, 10)
    today = timezone.localdate()
    world.guardians_consent(units=[world.bup], valid_until=today + dt.timedelta(days=20))
    assert consent_sweep().reminded == 0
    table(DurationCode.CONSENT_EXPIRY_REMINDER, 30)
    assert consent_sweep().reminded == 2


def test_the_answer_by_default_comes_from_the_table(world, table):
    table(DurationCode.SIP_ANSWER_WORKING_DAYS, 3)
    plan = world.start()
    assert services.answer_by_default(plan=plan, sent_on=TODAY) == add_working_days(TODAY, 3)


def test_the_deployment_setting_replaces_the_table_default_but_not_an_override(world, settings):
    settings.SIP_ANSWER_WORKING_DAYS = 7
    assert duration_for(code=DurationCode.SIP_ANSWER_WORKING_DAYS, organisation=None, on=TODAY) == 7
    DurationOverride.objects.create(
        organisation=world.ludvika,
        code=DurationCode.SIP_ANSWER_WORKING_DAYS,
        value=4,
        effective_from=TODAY,
    )
    ludvika = duration_for(
        code=DurationCode.SIP_ANSWER_WORKING_DAYS, organisation=world.ludvika, on=TODAY
    )
    assert ludvika == 4


def test_reminders_and_the_follow_up_timer_use_the_reminder_hour(world, table):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    day = next_working_day(meeting.answer_by)
    table(DurationCode.REMINDER_HOUR, 10)
    assert services.invitation_remind_unanswered(at=at(day, 9)) == 0
    assert services.invitation_remind_unanswered(at=at(day, 10)) == 2

    follow_up_on = timezone.localdate() + dt.timedelta(days=40)
    SipPlan.objects.filter(pk=plan.pk).update(next_follow_up=follow_up_on)
    plan.refresh_from_db()
    activation = SimpleNamespace(process=plan.process)
    due = SipFlow.instance.follow_up_time(activation)
    assert timezone.localtime(due) == timezone.localtime(at(follow_up_on, 10))


def test_the_chefs_digest_waits_for_the_reminder_hour(world, table):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    answer_by_set(meeting, yesterday)
    MembershipFactory(unit=world.bup, role=Membership.Role.MANAGER)
    table(DurationCode.REMINDER_HOUR, 9)
    today = timezone.localdate()
    assert escalation_digests_send(at=at(today, 8)) == 0
    assert escalation_digests_send(at=at(today, 9)) == 1
    assert Event.objects.filter(kind=OverviewEvent.ESCALATION).count() == 1


def test_the_proposed_next_follow_up_comes_from_the_table(world, table):
    table(DurationCode.SIP_FOLLOW_UP_INTERVAL, 5)
    plan = world.start()
    assert sip_selectors.follow_up_proposed(plan=plan, on=TODAY) == add_months(TODAY, 5)


# --- Organisation overrides -------------------------------------------------------------------


def test_an_override_changes_the_answer_by_default_for_that_organisation_only(world, settings):
    settings.SIP_ANSWER_WORKING_DAYS = None
    DurationOverride.objects.create(
        organisation=world.ludvika,
        code=DurationCode.SIP_ANSWER_WORKING_DAYS,
        value=5,
        effective_from=dt.date(2020, 1, 1),
    )
    world.consent_all()
    plan = world.start()  # started by Barn och familj, Ludvika
    assert services.answer_by_default(plan=plan, sent_on=TODAY) == add_working_days(TODAY, 5)
    world.prepare(plan)
    meeting = world.summon(plan, starts_at=timezone.now() + dt.timedelta(days=30))
    assert meeting.answer_by == add_working_days(timezone.localdate(), 5)

    SipPlan.objects.filter(pk=plan.pk).update(started_unit=world.bup)  # Region Dalarna
    plan.refresh_from_db()
    assert services.answer_by_default(plan=plan, sent_on=TODAY) == add_working_days(TODAY, 10)


def test_an_override_takes_effect_on_its_date(world, settings):
    settings.SIP_ANSWER_WORKING_DAYS = None
    code = DurationCode.REMINDER_HOUR
    DurationOverride.objects.create(
        organisation=world.ludvika, code=code, value=8, effective_from=TODAY
    )
    DurationOverride.objects.create(
        organisation=world.ludvika, code=code, value=6, effective_from=TODAY + dt.timedelta(10)
    )
    before, on, later = TODAY - dt.timedelta(days=1), TODAY, TODAY + dt.timedelta(days=10)
    assert duration_for(code=code, organisation=world.ludvika, on=before) == 7
    assert duration_for(code=code, organisation=world.ludvika, on=on) == 8
    assert duration_for(code=code, organisation=world.ludvika.pk, on=later) == 6
    assert duration_for(code=code, organisation=world.region, on=later) == 7


def test_an_organisation_may_choose_a_shorter_default_consent_validity(world, settings):
    DurationOverride.objects.create(
        organisation=world.ludvika,
        code=DurationCode.CONSENT_VALIDITY_DEFAULT,
        value=6,
        effective_from=dt.date(2020, 1, 1),
    )
    consent = world.guardians_consent(units=[world.bup])[0]  # documented by Ludvika's Sara
    assert consent.valid_until == add_months(timezone.localdate(), 6)


@pytest.mark.parametrize(
    "code",
    [
        DurationCode.CONSENT_VALIDITY_MAX,
        DurationCode.CONSENT_EXPIRY_REMINDER,
        DurationCode.PLACEMENT_LVU_REVIEW,
        DurationCode.PLACEMENT_LVM_MAX,
        DurationCode.AFTER_PLACEMENT_FOLLOW_UP,
    ],
)
def test_a_row_set_by_law_refuses_an_override(world, code):
    override = DurationOverride(
        organisation=world.ludvika, code=code, value=3, effective_from=TODAY
    )
    with pytest.raises(ValidationError) as refused:
        override.full_clean()
    assert refused.value.error_dict["code"][0].code == "not_overridable"


@pytest.mark.parametrize(
    ("code", "value"),
    [
        (DurationCode.CONSENT_VALIDITY_DEFAULT, 13),  # never beyond the year
        (DurationCode.CONSENT_VALIDITY_DEFAULT, 0),
        (DurationCode.REMINDER_HOUR, 24),
        (DurationCode.SIP_ANSWER_WORKING_DAYS, 0),
    ],
)
def test_an_override_outside_the_bounds_is_refused(world, code, value):
    override = DurationOverride(
        organisation=world.ludvika, code=code, value=value, effective_from=TODAY
    )
    with pytest.raises(ValidationError) as refused:
        override.full_clean()
    assert refused.value.error_dict["value"][0].code == "out_of_bounds"


def test_an_administrator_overrides_a_duration_in_the_admin(world, client):
    admin = MembershipFactory(unit=world.social, role=Membership.Role.ADMIN).user
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    url = reverse("admin:directory_durationoverride_add")
    page = client.get(url)
    assert page.status_code == 200
    offered = page.content.decode()
    assert DurationCode.SIP_ANSWER_WORKING_DAYS.value in offered
    assert f'value="{DurationCode.CONSENT_VALIDITY_MAX.value}"' not in offered

    refused = client.post(
        url,
        {
            "organisation": world.ludvika.pk,
            "code": DurationCode.CONSENT_VALIDITY_MAX,
            "value": 24,
            "effective_from": TODAY.isoformat(),
        },
    )
    assert refused.status_code == 200
    assert not DurationOverride.objects.exists()

    saved = client.post(
        url,
        {
            "organisation": world.ludvika.pk,
            "code": DurationCode.SIP_ANSWER_WORKING_DAYS,
            "value": 15,
            "effective_from": TODAY.isoformat(),
        },
    )
    assert saved.status_code == 302
    assert (
        duration_for(
            code=DurationCode.SIP_ANSWER_WORKING_DAYS, organisation=world.ludvika, on=TODAY
        )
        == 15
    )


def test_reminders_wait_for_each_sending_organisations_hour(world, settings):
    settings.SIP_ANSWER_WORKING_DAYS = None
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    day = next_working_day(meeting.answer_by)
    assert is_working_day(day)
    DurationOverride.objects.create(
        organisation=world.ludvika,
        code=DurationCode.REMINDER_HOUR,
        value=11,
        effective_from=dt.date(2020, 1, 1),
    )
    assert services.invitation_remind_unanswered(at=at(day, 10)) == 0
    assert services.invitation_remind_unanswered(at=at(day, 11)) == 2


def test_one_read_of_the_rules_answers_each_day_by_the_rows_and_overrides_in_force_then(
    world, monkeypatch
):
    """A list asks one read of the rules (``organisation_rules``) for thousands of start
    dates, and it remembers an answer for the period between two days on which the answer
    may change: each day still gets the row, proposal and override in force on it, in
    whatever order the days are asked."""
    code = DurationCode.PLACEMENT_FOLLOW_UP_VISIT
    row = duration_row(code=code, on=TODAY)
    changed = dt.date(2020, 1, 1)
    monkeypatch.setattr(
        durations,
        "DURATIONS",
        tuple(
            replacement
            for each in durations.DURATIONS
            for replacement in (
                [
                    dataclasses.replace(each, effective_until=changed - dt.timedelta(days=1)),
                    dataclasses.replace(each, value=2, effective_from=changed),
                ]
                if each is row
                else [each]
            )
        ),
    )
    DurationOverride.objects.create(
        organisation=world.ludvika, code=code, value=5, effective_from=TODAY
    )
    rules = organisation_rules(organisations=[world.ludvika, world.region], durations=[code])
    asked = [
        (TODAY, world.ludvika, 5),
        (changed - dt.timedelta(days=1), world.ludvika, 3),
        (TODAY - dt.timedelta(days=1), world.ludvika, 2),
        (TODAY + dt.timedelta(days=400), world.ludvika, 5),
        (changed, world.ludvika, 2),
        (TODAY, world.region, 2),
        (dt.date(2015, 6, 30), world.region, 3),
        (changed - dt.timedelta(days=1), world.ludvika, 3),
    ]
    for day, organisation, months in asked:
        assert rules.duration(code=code, organisation=organisation, on=day) == months, day
        assert rules.end(code=code, organisation=organisation, start=day) == add_months(day, months)
    # The days an answer holds until (the placements' stored clocks): the next row or
    # override taking effect, none after the last.
    for day, organisation, following in [
        (changed - dt.timedelta(days=1), world.ludvika, changed),
        (changed, world.ludvika, TODAY),
        (TODAY - dt.timedelta(days=1), world.ludvika, TODAY),
        (TODAY, world.ludvika, None),
        (changed, world.region, None),
    ]:
        assert (
            rules.next_change(organisation=organisation, on=day, durations=[code]) == following
        ), day
