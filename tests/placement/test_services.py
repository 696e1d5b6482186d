"""The placement's steps before the move: every legal basis and its consent rule, the HVB's
IVO status, the alternatives, the decision, the cost allocation and the start."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.errors import ConsentMissing, InvalidState, NotParty
from consent.policy import ReasonCode
from directory.models import Membership
from placement import services
from placement.models import CostAllocation, HvbProfile, LegalStep, Placement
from placement.rules import LegalBasis
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def reasons(error: ConsentMissing) -> set[tuple[str, int]]:
    return {(reason.code, reason.person.pk) for reason in error.decision.refusals}


def test_open_needs_a_social_worker_of_a_social_unit(pworld):
    with pytest.raises(NotParty):
        services.placement_open(person=pworld.youth, unit=pworld.social, by=pworld.vera)
    with pytest.raises(ValidationError):
        services.placement_open(person=pworld.youth, unit=pworld.sip.bup, by=pworld.sara)
    placement = services.placement_open(person=pworld.youth, unit=pworld.social, by=pworld.sara)
    assert placement.phase == Placement.Phase.INVESTIGATING
    assert placement.caseworker == pworld.sara
    assert placement.assessment.template.code == "national_children"
    assert not placement.assessment.complete


def test_an_adult_gets_the_adults_template(pworld):
    placement = services.placement_open(person=pworld.adult, unit=pworld.social, by=pworld.sara)
    assert placement.assessment.template.code == "national_adults"


def test_later_steps_need_the_placing_unit(pworld):
    placement = pworld.open()
    with pytest.raises(NotParty):
        services.assessment_record(placement=placement, by=pworld.vera, entries={})


def test_assessment_is_complete_when_every_area_has_text(pworld):
    placement = services.placement_open(person=pworld.youth, unit=pworld.social, by=pworld.sara)
    codes = list(placement.assessment.template.areas.values_list("code", flat=True))
    assert len(codes) == 10
    services.assessment_record(
        placement=placement, by=pworld.sara, entries={code: "Text" for code in codes[:-1]}
    )
    assert not placement.assessment.complete
    services.assessment_record(placement=placement, by=pworld.sara, entries={codes[-1]: "Text"})
    assert placement.assessment.complete
    with pytest.raises(ValidationError):
        services.assessment_record(placement=placement, by=pworld.sara, entries={"nope": "x"})


def test_an_alternative_tried_is_required_before_an_hvb(pworld):
    pworld.sol_consents()
    placement = services.placement_open(person=pworld.youth, unit=pworld.social, by=pworld.sara)
    codes = placement.assessment.template.areas.values_list("code", flat=True)
    services.assessment_record(
        placement=placement, by=pworld.sara, entries={code: "Text" for code in codes}
    )
    with pytest.raises(ValidationError, match="mindre ingripande"):
        pworld.propose(placement)
    assert Placement.objects.get(pk=placement.pk).phase == Placement.Phase.INVESTIGATING


def test_an_incomplete_assessment_is_refused(pworld):
    pworld.sol_consents()
    placement = services.placement_open(person=pworld.youth, unit=pworld.social, by=pworld.sara)
    services.alternative_record(
        placement=placement,
        by=pworld.sara,
        kind="foster_home",
        started_on=dt.date(2025, 1, 1),
        outcome="Avbröts.",
    )
    with pytest.raises(ValidationError, match="Utredningen är inte klar"):
        pworld.propose(placement)


@pytest.mark.parametrize("status", [HvbProfile.IvoStatus.NONE, None])
def test_an_hvb_without_ivo_status_is_refused(pworld, status):
    pworld.sol_consents()
    placement = pworld.open()
    if status is None:
        pworld.profile.delete()
    else:
        HvbProfile.objects.filter(pk=pworld.profile.pk).update(ivo_status=status, ivo_reference="")
    with pytest.raises(ValidationError, match="IVO"):
        pworld.propose(placement)


def test_a_municipal_hvb_notified_to_ivo_can_be_chosen(pworld):
    HvbProfile.objects.filter(pk=pworld.profile.pk).update(ivo_status=HvbProfile.IvoStatus.NOTIFIED)
    pworld.sol_consents()
    placement = pworld.open()
    assert pworld.propose(placement).placement.phase == Placement.Phase.PROPOSED


def test_sol_child_needs_both_guardians_and_the_youth_from_15(pworld):
    placement = pworld.open()
    mother, father = pworld.guardians
    pworld.consent(mother)
    pworld.view(pworld.youth)
    with pytest.raises(ConsentMissing) as refused:
        pworld.propose(placement)
    assert reasons(refused.value) == {
        (ReasonCode.NO_CONSENT, father.pk),
        (ReasonCode.NO_CONSENT, pworld.youth.pk),
    }
    pworld.consent(father)
    with pytest.raises(ConsentMissing) as refused:
        pworld.propose(placement)
    # The 16-year-old has not consented: the SoL placement is refused and says so.
    assert reasons(refused.value) == {(ReasonCode.NO_CONSENT, pworld.youth.pk)}
    assert "Elin" in " ".join(refused.value.messages)
    pworld.consent(pworld.youth)
    proposal = pworld.propose(placement)
    assert proposal.placement.phase == Placement.Phase.PROPOSED
    assert proposal.placement.legal_basis == LegalBasis.SOL
    assert proposal.warnings == []


def test_sol_consent_must_name_the_hvb(pworld):
    from consent.models import Consent, Purpose
    from consent.services import consent_register

    for giver in (*pworld.guardians, pworld.youth):
        consent_register(
            subject=pworld.youth,
            given_by=giver,
            purpose=Purpose.PLACEMENT,
            form=Consent.Form.WRITTEN,
            documented_by=pworld.sara,
            categories=pworld.categories(),
            units=[pworld.social],
        )
    pworld.view(pworld.youth)
    placement = pworld.open()
    with pytest.raises(ConsentMissing) as refused:
        pworld.propose(placement)
    assert {reason.code for reason in refused.value.decision.refusals} == {
        ReasonCode.PARTY_NOT_COVERED
    }


def test_sol_adult_needs_own_consent(pworld):
    placement = pworld.open(pworld.adult)
    with pytest.raises(ConsentMissing) as refused:
        pworld.propose(placement)
    assert reasons(refused.value) == {(ReasonCode.NO_CONSENT, pworld.adult.pk)}
    pworld.consent(pworld.adult, subject=pworld.adult)
    proposal = pworld.propose(placement)
    # The adult is outside Exempelgården's target ages: warned, not refused.
    assert len(proposal.warnings) == 1 and "13–17" in proposal.warnings[0]


def test_the_youth_refuses_then_lvu_goes_ahead_with_the_views(pworld):
    """The story: SoL refused (the youth does not consent), LVU 3 § with the interim
    decision and the youth's and guardians' views recorded."""
    for guardian in pworld.guardians:
        pworld.consent(guardian)
    pworld.view(pworld.youth)
    placement = pworld.open()
    with pytest.raises(ConsentMissing):
        pworld.propose(placement)
    with pytest.raises(ConsentMissing) as refused:
        pworld.propose(placement, legal_basis=LegalBasis.LVU_3)
    assert {reason.code for reason in refused.value.decision.refusals} == {ReasonCode.VIEW_MISSING}
    assert not refused.value.decision.consent_reasons
    for guardian in pworld.guardians:
        pworld.view(guardian)
    placement = pworld.propose(placement, legal_basis=LegalBasis.LVU_3).placement
    with pytest.raises(ValidationError, match="omedelbart omhändertagande"):
        pworld.decide(placement)
    services.legal_step_record(
        placement=placement,
        by=pworld.sara,
        kind=LegalStep.Kind.APPLICATION,
        on=timezone.localdate(),
        reference="FR 123-26",
    )
    with pytest.raises(ValidationError):
        pworld.decide(placement)
    pworld.interim(placement)
    placement = pworld.decide(placement)
    assert placement.phase == Placement.Phase.DECIDED
    assert placement.decided_by == "Karin Delegat"


def test_a_court_decision_also_allows_the_decision(pworld):
    for holder in (*pworld.guardians, pworld.youth):
        pworld.view(holder)
    placement = pworld.open()
    pworld.propose(placement, legal_basis=LegalBasis.LVU_2)
    services.legal_step_record(
        placement=placement,
        by=pworld.sara,
        kind=LegalStep.Kind.COURT_DECISION,
        on=timezone.localdate(),
        reference="FR 124-26",
    )
    assert pworld.decide(placement).phase == Placement.Phase.DECIDED


def test_lvm_needs_the_adults_view_and_no_consent(pworld):
    placement = pworld.open(pworld.adult)
    with pytest.raises(ConsentMissing) as refused:
        pworld.propose(placement, legal_basis=LegalBasis.LVM)
    assert reasons(refused.value) == {(ReasonCode.VIEW_MISSING, pworld.adult.pk)}
    pworld.view(pworld.adult, subject=pworld.adult)
    placement = pworld.propose(placement, legal_basis=LegalBasis.LVM).placement
    pworld.interim(placement)
    assert pworld.decide(placement).phase == Placement.Phase.DECIDED


def test_lvm_is_not_for_a_child_and_lvu_2_not_for_an_adult(pworld):
    for holder in (*pworld.guardians, pworld.youth):
        pworld.view(holder)
    with pytest.raises(ConsentMissing) as refused:
        pworld.propose(pworld.open(), legal_basis=LegalBasis.LVM)
    assert {reason.code for reason in refused.value.decision.refusals} == {ReasonCode.NO_RULE}
    pworld.view(pworld.adult, subject=pworld.adult)
    with pytest.raises(ValidationError, match="18"):
        pworld.propose(pworld.open(pworld.adult), legal_basis=LegalBasis.LVU_2)


def test_legal_steps_only_for_lvu_and_lvm(pworld):
    pworld.sol_consents()
    placement = pworld.open()
    pworld.propose(placement)
    with pytest.raises(InvalidState):
        pworld.interim(placement)


def test_the_decision_asks_the_consent_again(pworld):
    from consent.models import Consent
    from consent.services import consent_withdraw

    pworld.sol_consents()
    placement = pworld.open()
    pworld.propose(placement)
    consent = Consent.objects.get(subject=pworld.youth, given_by=pworld.youth)
    consent_withdraw(
        consent=consent,
        withdrawn_by=pworld.youth,
        form=Consent.Form.WRITTEN,
        documented_by=pworld.sara,
    )
    with pytest.raises(ConsentMissing):
        pworld.decide(placement)


def test_a_planned_placement_does_not_start_without_an_approved_cost_allocation(pworld):
    placement = pworld.decided_sol()
    with pytest.raises(ValidationError, match="kostnadsfördelning"):
        services.placement_start(
            placement=placement, by=pworld.sara, start_date=timezone.localdate()
        )
    allocation = pworld.cost_allocation(placement, approve=False)
    services.cost_allocation_approve(allocation=allocation, by=pworld.sara, side="municipality")
    with pytest.raises(ValidationError, match="kostnadsfördelning"):
        services.placement_start(
            placement=placement, by=pworld.sara, start_date=timezone.localdate()
        )
    services.cost_allocation_approve(allocation=allocation, by=pworld.vera, side="region")
    placement = services.placement_start(
        placement=placement, by=pworld.sara, start_date=timezone.localdate()
    )
    assert placement.phase == Placement.Phase.PLACED


def test_each_side_of_the_cost_allocation_is_approved_by_its_own(pworld):
    placement = pworld.decided_sol()
    allocation = pworld.cost_allocation(placement, approve=False)
    with pytest.raises(NotParty):
        services.cost_allocation_approve(allocation=allocation, by=pworld.vera, side="municipality")
    with pytest.raises(NotParty):
        services.cost_allocation_approve(allocation=allocation, by=pworld.sara, side="region")
    with pytest.raises(NotParty):
        services.cost_allocation_approve(allocation=allocation, by=pworld.hugo, side="region")
    administrator = MembershipFactory(unit=pworld.sip.bup, role=Membership.Role.ADMIN).user
    with pytest.raises(NotParty):
        services.cost_allocation_approve(allocation=allocation, by=administrator, side="region")
    services.cost_allocation_approve(allocation=allocation, by=pworld.vera, side="region")
    with pytest.raises(InvalidState):
        services.cost_allocation_approve(allocation=allocation, by=pworld.sip.vilma, side="region")
    allocation.refresh_from_db()
    assert allocation.approved_by_region == pworld.vera and not allocation.approved


def test_a_cost_row_has_an_amount_or_a_share(pworld):
    placement = pworld.decided_sol()
    row = services.CostRow(
        what="housing",
        paying_organisation=pworld.sip.ludvika,
        valid_from=timezone.localdate(),
        amount_per_day=2800,
        share_percent=50,
    )
    with pytest.raises(ValidationError):
        services.cost_allocation_create(placement=placement, by=pworld.sara, rows=[row])
    provider_row = services.CostRow(
        what="housing",
        paying_organisation=pworld.provider,
        valid_from=timezone.localdate(),
        amount_per_day=2800,
    )
    with pytest.raises(ValidationError):
        services.cost_allocation_create(placement=placement, by=pworld.sara, rows=[provider_row])
    assert not CostAllocation.objects.filter(placement=placement).exists()


def test_an_acute_placement_starts_without_a_cost_allocation(pworld):
    pworld.sol_consents()
    placement = pworld.open()
    pworld.propose(placement, acute=True)
    pworld.decide(placement, on=dt.date(2026, 8, 31))
    placement = services.placement_start(
        placement=placement, by=pworld.sara, start_date=dt.date(2026, 8, 31)
    )
    assert placement.phase == Placement.Phase.PLACED
    entry = placement.history.order_by("-pk").first()
    assert entry.params["due"] == "2026-10-31"


def test_the_planned_end_cannot_pass_the_legal_end(pworld):
    for holder in (*pworld.guardians, pworld.youth):
        pworld.view(holder)
    placement = pworld.open()
    pworld.propose(placement, legal_basis=LegalBasis.LVU_2, acute=True)
    pworld.interim(placement)
    pworld.decide(placement)
    with pytest.raises(ValidationError, match="Lagrummet"):
        services.placement_start(
            placement=placement,
            by=pworld.sara,
            start_date=timezone.localdate(),
            planned_end_date=timezone.localdate() + dt.timedelta(days=3 * 366),
        )


def test_cancel_ends_the_utredning_with_a_reason(pworld):
    placement = pworld.open()
    with pytest.raises(ValidationError):
        services.placement_cancel(placement=placement, by=pworld.sara, reason=" ")
    placement = services.placement_cancel(
        placement=placement, by=pworld.sara, reason="Familjen flyttade."
    )
    assert placement.phase == Placement.Phase.CANCELLED
    with pytest.raises(InvalidState):
        pworld.propose(placement)


def test_a_manager_of_the_placing_unit_works_it_too(pworld):
    placement = pworld.open()
    MembershipFactory(unit=pworld.social, role=Membership.Role.MANAGER, user=pworld.hugo)
    services.placement_cancel(placement=placement, by=pworld.carl, reason="Annat.")
