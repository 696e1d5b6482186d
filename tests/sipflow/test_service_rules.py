"""Rules the SIP services enforce themselves, whatever page, admin or API calls them: the
huvudansvarig unit and person, the plan rows' responsible units, a refusal that names what
the consent leaves out, and the reasons for declining or forwarding a kallelse."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consent.models import Consent, InformationCategory, Purpose
from consent.policy import ReasonCode
from consent.services import consent_register, recorded_view_create
from sipflow import services
from sipflow.models import Invitation, SipPlan
from tests.conftest import years_ago
from tests.factories import UnitFactory, person_born

pytestmark = pytest.mark.django_db


def held(world, plan, **overrides):
    fields = {
        "plan": plan,
        "by": world.sara,
        "attendance": "Alva, Anna, Johan, Petra, Sara",
        "persons_goals": "Sova bättre",
        "actions": [
            services.ActionInput(
                need="Sömn",
                action="Utredning",
                responsible_organisation=world.region,
                starts_on=timezone.localdate(),
            )
        ],
        "lead_unit": world.social,
        "next_follow_up": timezone.localdate() + dt.timedelta(days=30),
    }
    return services.meeting_hold(**{**fields, **overrides})


@pytest.fixture
def region_called(world):
    """The guardians consent to Barn och familj and to Region Dalarna as a whole, except BUP,
    which they excluded. Region Dalarna is called as huvudman; the vårdcentral accepts."""
    world.consent_all(
        units=[world.social], organisations=[world.region], excluded_units=[world.bup]
    )
    plan = world.start()
    world.prepare(plan, units=[], organisations=[world.region])
    invitation = world.summon(plan).invitations.get()
    services.invitation_accept(invitation=invitation, by=world.petra, attendees="Petra")
    return plan


def test_an_excluded_unit_cannot_be_made_huvudansvarig_at_the_meeting(world, region_called):
    """Issue 11, 3: BUP is a unit of the called huvudman but the guardians excluded it; the
    meeting cannot make it huvudansvarig. Refused in the service, with the reason."""
    plan = region_called
    with pytest.raises(services.ConsentMissing) as refused:
        held(world, plan, lead_unit=world.bup)
    assert "lead_unit" in refused.value.error_dict
    assert {(r.code, r.unit) for r in refused.value.decision.refusals} == {
        (ReasonCode.PARTY_EXCLUDED, world.bup)
    }
    assert "Samtycket från vårdnadshavare Anna Ek undantar BUP Falun." in str(refused.value)
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.SUMMONING
    assert plan.lead_unit == world.social


def test_the_huvudansvarig_person_works_in_the_huvudansvarig_unit(world, region_called):
    """The same class of defect: the meeting moved the lead to another unit and kept a
    huvudansvarig person who does not work there (förbered refuses that)."""
    plan = region_called
    with pytest.raises(ValidationError) as refused:
        held(world, plan, lead_unit=world.primary)
    assert "coordinator" in refused.value.error_dict
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.SUMMONING

    held(world, plan, lead_unit=world.primary, coordinator=world.petra)
    plan.refresh_from_db()
    assert (plan.lead_unit, plan.coordinator) == (world.primary, world.petra)


def test_the_lead_at_the_meeting_is_a_called_party(world):
    world.consent_all(units=[world.social, world.bup, world.primary, world.adult_psych])
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    with pytest.raises(ValidationError) as refused:
        held(world, plan, lead_unit=world.adult_psych)
    assert "lead_unit" in refused.value.error_dict


def test_a_plan_row_is_not_given_to_an_excluded_unit(world, region_called):
    plan = region_called
    row = services.ActionInput(
        need="Sömn",
        action="Utredning",
        responsible_organisation=world.region,
        responsible_unit=world.bup,
        starts_on=timezone.localdate(),
    )
    with pytest.raises(services.ConsentMissing) as refused:
        held(world, plan, actions=[row])
    assert {(r.code, r.unit) for r in refused.value.decision.refusals} == {
        (ReasonCode.PARTY_EXCLUDED, world.bup)
    }
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.SUMMONING


def test_a_plan_rows_unit_belongs_to_its_organisation(world, region_called):
    """A rule that lived only in the form: the responsible unit is one of the responsible
    organisation's units."""
    row = services.ActionInput(
        need="Sömn",
        action="Utredning",
        responsible_organisation=world.ludvika,
        responsible_unit=world.primary,
        starts_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as refused:
        held(world, region_called, actions=[row])
    assert refused.value.error_dict["actions"][0].code == "unit_outside_organisation"


def test_a_plan_row_cannot_end_before_it_starts(world, region_called):
    """The table's constraint, checked by the service before the rows are written in one
    statement: the plan and the meeting stay as they were."""
    today = timezone.localdate()
    row = services.ActionInput(
        need="Sömn",
        action="Utredning",
        responsible_organisation=world.region,
        starts_on=today,
        ends_on=today - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        held(world, region_called, actions=[row])
    assert refused.value.message_dict["actions"] == ["Slutdatum kan inte ligga före start."]
    region_called.refresh_from_db()
    assert region_called.phase == SipPlan.Phase.SUMMONING
    assert not region_called.versions.exists()


def test_a_sip_is_started_with_one_of_the_listed_origins(world):
    """The service checks the choice itself: code, an import or an API gives no form."""
    world.consent_all()
    with pytest.raises(ValidationError) as refused:
        world.start(origin="social")
    assert list(refused.value.message_dict) == ["origin"]
    assert not SipPlan.objects.exists()


def test_inviting_a_unit_outside_an_adults_consent_names_the_unit_not_a_missing_consent(world):
    """Issue 11, 2: an adult consented to Barn och familj and primärvården; inviting BUP is
    refused because BUP is outside the consent, not because the person has not consented."""
    adult = person_born(
        years_ago(34, today=timezone.localdate()),
        first_name="Erik",
        last_name="Vuxen",
        registered_municipality=world.ludvika,
    )
    consent_register(
        subject=adult,
        given_by=adult,
        purpose=Purpose.SIP,
        form=Consent.Form.WRITTEN,
        documented_by=world.sara,
        categories=InformationCategory.objects.filter(code__in=["health", "social"]),
        units=[world.social, world.primary],
    )
    plan = world.start(person=adult)
    with pytest.raises(services.ConsentMissing) as refused:
        world.prepare(plan, units=[world.bup])
    messages = refused.value.messages
    assert "Samtycket från Erik Vuxen omfattar inte BUP Falun." in messages
    assert not any("har inte samtyckt" in message for message in messages)
    reason = refused.value.decision.refusals[0]
    assert (reason.code, reason.person, reason.unit) == (
        ReasonCode.PARTY_NOT_COVERED,
        adult,
        world.bup,
    )
    world.prepare(plan, units=[world.primary])


@pytest.mark.parametrize("reason", ["", "  ", "because", None])
def test_a_decline_needs_a_reason_from_the_list(world, reason):
    """Issue 11, 7: the form asked for a reason, the service took any code, or none, as
    long as a note was written."""
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    invitation = world.summon(plan).invitations.get(unit=world.bup)
    with pytest.raises(ValidationError) as refused:
        services.invitation_decline(
            invitation=invitation, by=world.vera, reason=reason, note="Vi har ingen kontakt."
        )
    assert "reason" in refused.value.error_dict
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING

    services.invitation_decline(
        invitation=invitation,
        by=world.vera,
        reason=services.DeclineReason.NOT_RELEVANT,
        note="Vi har ingen kontakt.",
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED


def test_a_kallelse_is_forwarded_only_within_its_organisation(world):
    world.consent_all(organisations=[world.region], units=[world.social])
    plan = world.start()
    world.prepare(plan, units=[world.bup])
    invitation = world.summon(plan).invitations.get()
    elsewhere = UnitFactory(organisation=world.ludvika, name="Vuxenenheten")
    with pytest.raises(ValidationError) as refused:
        services.invitation_forward(invitation=invitation, by=world.vera, to_unit=elsewhere)
    assert "to_unit" in refused.value.error_dict
    invitation.refresh_from_db()
    assert (invitation.status, invitation.unit) == (Invitation.Status.PENDING, world.bup)


def test_a_unit_that_sees_the_person_through_a_sip_documents_for_the_sip_only(world):
    """Who may document: BUP sees Alva only through the SIP it is called to, so it may record
    her view for the SIP but not register a consent to a placement it may not see."""
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    recorded_view_create(
        subject=world.child,
        holder=world.child,
        purpose=Purpose.SIP,
        view="Vill att BUP är med.",
        recorded_by=world.vera,
    )
    with pytest.raises(PermissionDenied):
        consent_register(
            subject=world.child,
            given_by=world.mother,
            purpose=Purpose.PLACEMENT,
            form=Consent.Form.WRITTEN,
            documented_by=world.vera,
            categories=InformationCategory.objects.filter(code="health"),
            units=[world.bup],
        )
    assert not Consent.objects.filter(purpose=Purpose.PLACEMENT).exists()
