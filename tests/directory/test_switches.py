"""Rule switches: the SOU proposals are off for every organisation until it switches one on
from a date (directory.RuleSwitch), each shown with its source; a proposal row of the
duration table is in force only where its switch is on."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from directory.durations import DURATIONS, DurationCode, duration_row
from directory.models import Membership, Organisation, RuleSwitch
from directory.selectors import (
    duration_end,
    duration_for,
    organisation_rules,
    rule_switch_on,
)
from directory.switches import SWITCHES, SwitchCode
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 3, 10)
SEED = re.compile(r"\b00\d_|≈L|RULES\.md|\.txt|botkyrka", re.IGNORECASE)


def switch(organisation, code, *, on=DAY, enabled=True) -> RuleSwitch:
    row = RuleSwitch(organisation=organisation, code=code, enabled=enabled, effective_from=on)
    row.full_clean()
    row.save()
    return row


@pytest.fixture
def falun(world) -> Organisation:
    return OrganisationFactory(
        name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY, region=world.region
    )


# --- The table of proposals --------------------------------------------------------------------


def test_every_proposal_cites_its_inquiry_by_name_never_a_seed_file():
    for row in SWITCHES:
        shown = str(row.source)
        assert "(inte gällande lag)" in shown, row.code
        assert not SEED.search(shown), (row.code, shown)
    sou_2023_66 = {
        SwitchCode.CONTACT_MONTHLY_FIRST_YEAR,
        SwitchCode.PRIVATE_TALK,
        SwitchCode.FIRST_REVIEW_HEALTH_CHECK,
    }
    for row in SWITCHES:
        expected = "SOU 2023:66" if row.code in sou_2023_66 else "SOU 2020:47"
        assert str(row.source) == f"Förslag i {expected} (inte gällande lag)"
    assert {row.code for row in SWITCHES} == set(SwitchCode.values)


def test_every_proposal_row_is_off_and_names_an_existing_switch():
    proposals = [row for row in DURATIONS if row.proposal]
    assert {row.code for row in proposals} == {
        DurationCode.AFTER_PLACEMENT_FOLLOW_UP_PROPOSAL,
        DurationCode.PLACEMENT_FIRST_YEAR_CONTACT_PROPOSAL,
        DurationCode.PLACEMENT_FIRST_YEAR_PROPOSAL,
        DurationCode.PLACEMENT_PRIVATE_TALK_PROPOSAL,
    }
    for row in proposals:
        assert not row.enabled and row.switch in SwitchCode.values, row.code
        assert not row.overridable, row.code
        with pytest.raises(LookupError):
            duration_row(code=row.code, on=DAY)  # in force for no one by itself


# --- Off by default, on per organisation from a date --------------------------------------------


@pytest.mark.parametrize("code", SwitchCode.values)
def test_a_proposal_is_off_until_an_organisation_switches_it_on(world, falun, code):
    assert not rule_switch_on(code=code, organisation=world.ludvika, on=DAY)
    assert not rule_switch_on(code=code, organisation=None, on=DAY)
    switch(world.ludvika, code, on=DAY)
    assert rule_switch_on(code=code, organisation=world.ludvika, on=DAY)
    assert rule_switch_on(code=code, organisation=world.ludvika.pk, on=DAY + dt.timedelta(1))
    assert not rule_switch_on(code=code, organisation=world.ludvika, on=DAY - dt.timedelta(1))
    assert not rule_switch_on(code=code, organisation=falun, on=DAY)  # another kommun: off
    other = next(value for value in SwitchCode.values if value != code)
    assert not rule_switch_on(code=other, organisation=world.ludvika, on=DAY)


def test_an_organisation_can_stop_following_a_proposal_from_a_later_date(world):
    code = SwitchCode.PRIVATE_TALK
    switch(world.ludvika, code, on=DAY)
    switch(world.ludvika, code, on=dt.date(2027, 9, 1), enabled=False)
    assert rule_switch_on(code=code, organisation=world.ludvika, on=dt.date(2027, 8, 31))
    assert not rule_switch_on(code=code, organisation=world.ludvika, on=dt.date(2027, 9, 1))


def test_a_proposal_cannot_be_followed_from_before_it_was_made(world):
    with pytest.raises(ValidationError) as refused:
        switch(world.ludvika, SwitchCode.PRIVATE_TALK, on=dt.date(2022, 12, 31))
    message = " ".join(refused.value.message_dict["effective_from"])
    assert "2023-01-01" in message and "SOU 2023:66" in message
    assert not SEED.search(message)
    switch(world.ludvika, SwitchCode.PRIVATE_TALK, on=dt.date(2023, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSwitch.objects.create(
            organisation=world.ludvika,
            code=SwitchCode.PRIVATE_TALK,
            effective_from=dt.date(2023, 1, 1),
            enabled=False,
        )


# --- A switched-on proposal row answers for the law row ----------------------------------------


def test_the_aftercare_is_two_months_unless_the_organisation_follows_the_proposal(world, falun):
    code = DurationCode.AFTER_PLACEMENT_FOLLOW_UP
    switch(world.ludvika, SwitchCode.AFTERCARE_SIX_MONTHS, on=DAY)
    assert duration_for(code=code, organisation=world.ludvika, on=DAY) == 6
    assert duration_for(code=code, organisation=world.ludvika, on=DAY - dt.timedelta(1)) == 2
    assert duration_for(code=code, organisation=falun, on=DAY) == 2
    assert duration_for(code=code, organisation=None, on=DAY) == 2
    # Across a month end, counted by the row in force on the start.
    end = dt.date(2027, 8, 31)
    assert duration_end(code=code, organisation=world.ludvika, start=end) == dt.date(2028, 2, 29)
    assert duration_end(code=code, organisation=falun, start=end) == dt.date(2027, 10, 31)


def test_a_proposals_own_row_is_read_only_where_switched_on(world, falun):
    code = DurationCode.PLACEMENT_PRIVATE_TALK_PROPOSAL
    with pytest.raises(LookupError):
        duration_for(code=code, organisation=world.ludvika, on=DAY)
    switch(world.ludvika, SwitchCode.PRIVATE_TALK, on=DAY)
    assert duration_for(code=code, organisation=world.ludvika, on=DAY) == 6
    with pytest.raises(LookupError):
        duration_for(code=code, organisation=falun, on=DAY)


def test_the_visit_interval_is_the_organisations_own(world, falun):
    from directory.models import DurationOverride

    code = DurationCode.PLACEMENT_FOLLOW_UP_VISIT
    assert duration_for(code=code, organisation=world.ludvika, on=DAY) == 3
    DurationOverride.objects.create(
        organisation=world.ludvika, code=code, value=2, effective_from=dt.date(2027, 1, 1)
    )
    assert duration_for(code=code, organisation=world.ludvika, on=DAY) == 2
    assert duration_for(code=code, organisation=falun, on=DAY) == 3
    refused = DurationOverride(organisation=falun, code=code, value=7, effective_from=DAY)
    with pytest.raises(ValidationError):
        refused.full_clean()  # at most six months


def test_a_list_reads_every_organisations_rules_in_two_queries(world, django_assert_num_queries):
    organisations = [world.ludvika] + [
        OrganisationFactory(name=f"Kommun {n}", kind=Organisation.Kind.MUNICIPALITY)
        for n in range(4)
    ]
    for organisation in organisations[::2]:
        switch(organisation, SwitchCode.CONTACT_MONTHLY_FIRST_YEAR, on=DAY)
    codes = [DurationCode.PLACEMENT_FOLLOW_UP_VISIT, DurationCode.AFTER_PLACEMENT_FOLLOW_UP]
    for few in (organisations[:1], organisations):
        with django_assert_num_queries(2):
            rules = organisation_rules(
                organisations=few,
                durations=codes,
                switches=[SwitchCode.CONTACT_MONTHLY_FIRST_YEAR, SwitchCode.PRIVATE_TALK],
            )
        for index, organisation in enumerate(few):
            on = rules.switched_on(
                code=SwitchCode.CONTACT_MONTHLY_FIRST_YEAR, organisation=organisation, on=DAY
            )
            assert on == (index % 2 == 0)
    # A code the list did not read is a mistake, never a silent "off".
    with pytest.raises(LookupError):
        rules.switched_on(
            code=SwitchCode.FIRST_REVIEW_HEALTH_CHECK, organisation=world.ludvika, on=DAY
        )
    with django_assert_num_queries(0):
        organisation_rules(organisations=[None], durations=codes)


# --- The admin -----------------------------------------------------------------------------------


def test_an_administrator_switches_a_proposal_on_in_the_admin_with_its_source(world, client):
    admin = MembershipFactory(unit=world.social, role=Membership.Role.ADMIN).user
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    url = reverse("admin:directory_ruleswitch_add")
    page = client.get(url)
    assert page.status_code == 200
    shown = page.content.decode()
    assert "Förslag i SOU 2023:66 (inte gällande lag)" in shown
    assert "Förslag i SOU 2020:47 (inte gällande lag)" in shown
    assert not SEED.search(shown)
    early = client.post(
        url,
        {
            "organisation": world.ludvika.pk,
            "code": SwitchCode.CONTACT_MONTHLY_FIRST_YEAR,
            "enabled": "on",
            "effective_from": "2020-05-01",
        },
    )
    assert early.status_code == 200 and not RuleSwitch.objects.exists()
    saved = client.post(
        url,
        {
            "organisation": world.ludvika.pk,
            "code": SwitchCode.CONTACT_MONTHLY_FIRST_YEAR,
            "enabled": "on",
            "effective_from": DAY.isoformat(),
        },
    )
    assert saved.status_code == 302
    assert rule_switch_on(
        code=SwitchCode.CONTACT_MONTHLY_FIRST_YEAR, organisation=world.ludvika, on=DAY
    )
    listing = client.get(reverse("admin:directory_ruleswitch_changelist")).content.decode()
    assert "Förslag i SOU 2023:66 (inte gällande lag)" in listing
    organisation_page = client.get(
        reverse("admin:directory_organisation_change", args=[world.ludvika.pk])
    )
    assert "Förslag i SOU 2023:66 (inte gällande lag)" in organisation_page.content.decode()
