"""The consent rule table, row by row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consent.models import (
    CommitteeDecision,
    Consent,
    GuardiansNotCalled,
    InformationCategory,
    Purpose,
    RecordedView,
)
from consent.policy import Reason, ReasonCode, consent_evaluate
from consent.rules import CHILD, GUARDIANS, PURPOSE_OF, RULES, SELF, Action
from consent.services import (
    committee_decision_create,
    consent_register,
    consent_withdraw,
    guardians_not_called_create,
)
from directory.models import Organisation
from directory.services import guardianship_create
from tests.conftest import TODAY, years_ago
from tests.factories import OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db
AT = timezone.make_aware(dt.datetime(2026, 11, 23, 10, 0))


@pytest.fixture
def world(make_person, case_worker):
    unit = UnitFactory()
    user = case_worker
    mother = make_person(years_ago(40), first_name="Anna", last_name="Mor")
    father = make_person(years_ago(42), first_name="Johan", last_name="Far")

    def child(age: int, guardians: int = 2, days: int = 30):
        person = make_person(years_ago(age, days=days), first_name="Barn", last_name=f"{age}")
        for guardian in [mother, father][:guardians]:
            guardianship_create(child=person, guardian=guardian, on=TODAY)
        return person

    def consent(subject, giver, action, **kwargs):
        return consent_register(
            subject=subject,
            given_by=giver,
            purpose=PURPOSE_OF[action],
            form=Consent.Form.WRITTEN,
            documented_by=user,
            categories=InformationCategory.objects.filter(code="health"),
            units=[unit],
            valid_from=TODAY,
            at=AT,
            **kwargs,
        )

    def view(subject, holder, action):
        RecordedView.objects.create(
            subject=subject,
            holder=holder,
            purpose=PURPOSE_OF[action],
            view="Vill delta.",
            recorded_at=AT,
            recorded_by=user,
        )

    def evaluate(person, action, at=AT):
        return consent_evaluate(
            action=action, person=person, at=at, units=[unit], categories=["health"]
        )

    return type("World", (), locals() | {"mother": mother, "father": father})


def test_an_adult_needs_their_own_consent(world, make_person):
    adult = make_person(years_ago(30))
    decision = world.evaluate(adult, Action.SIP)
    assert not decision.allowed
    assert decision.rule.code == "adult_own"
    assert decision.missing_consents == [f"{adult} har inte samtyckt."]
    world.consent(adult, adult, Action.SIP)
    assert world.evaluate(adult, Action.SIP).allowed


def test_a_child_needs_both_guardians(world):
    child = world.child(8)
    world.consent(child, world.mother, Action.SIP)
    decision = world.evaluate(child, Action.SIP)
    assert decision.missing_consents == ["Vårdnadshavare Johan Far har inte samtyckt."]
    world.consent(child, world.father, Action.SIP)
    assert world.evaluate(child, Action.SIP).allowed


def test_a_child_with_one_guardian_needs_that_one(world):
    child = world.child(8, guardians=1)
    world.consent(child, world.mother, Action.SIP)
    assert world.evaluate(child, Action.SIP).allowed


def test_a_child_without_a_registered_guardian_is_not_waved_through(world):
    child = world.child(8, guardians=0)
    decision = world.evaluate(child, Action.SIP)
    assert not decision.allowed
    assert "Ingen vårdnadshavare" in decision.missing_consents[0]


def test_a_child_of_12_may_consent_alone_to_open_interventions_and_views_are_recorded(world):
    child = world.child(12)
    world.consent(child, child, Action.OPEN_INTERVENTION)
    decision = world.evaluate(child, Action.OPEN_INTERVENTION)
    assert decision.rule.code == "open_intervention_child_12"
    assert decision.consent_satisfied
    assert not decision.allowed
    assert "Barnets inställning" in decision.missing_views[0]
    world.view(child, child, Action.OPEN_INTERVENTION)
    assert world.evaluate(child, Action.OPEN_INTERVENTION).allowed


def test_before_2023_07_01_the_limit_for_open_interventions_was_15(world):
    child = world.child(13)
    world.consent(child, child, Action.OPEN_INTERVENTION, valid_until=None)
    before = timezone.make_aware(dt.datetime(2023, 6, 30, 12))
    decision = consent_evaluate(
        action=Action.OPEN_INTERVENTION, person=child, at=before, units=[], categories=[]
    )
    assert decision.rule.code == "child_guardians"


def test_a_sol_placement_of_a_youth_over_15_needs_guardians_and_the_youth(world):
    youth = world.child(16)
    world.view(youth, youth, Action.PLACEMENT_SOL)
    world.consent(youth, world.mother, Action.PLACEMENT_SOL)
    world.consent(youth, world.father, Action.PLACEMENT_SOL)
    decision = world.evaluate(youth, Action.PLACEMENT_SOL)
    assert decision.rule.code == "sol_placement_youth_15"
    assert decision.missing_consents == [f"{youth} (barnet) har inte samtyckt."]
    world.consent(youth, youth, Action.PLACEMENT_SOL)
    assert world.evaluate(youth, Action.PLACEMENT_SOL).allowed


def test_lvu_needs_no_consent_but_the_views(world):
    child = world.child(13)
    decision = world.evaluate(child, Action.PLACEMENT_LVU)
    assert decision.rule.code == "lvu"
    assert decision.missing_consents == []
    assert len(decision.missing_views) == 3  # the child and both guardians
    for holder in (child, world.mother, world.father):
        world.view(child, holder, Action.PLACEMENT_LVU)
    assert world.evaluate(child, Action.PLACEMENT_LVU).allowed


def test_one_missing_guardian_is_replaced_only_by_a_committee_decision(world):
    child = world.child(8)
    world.consent(child, world.mother, Action.SIP)
    assert not world.evaluate(child, Action.SIP).allowed
    CommitteeDecision.objects.create(
        subject=child,
        guardian=world.father,
        purpose=Purpose.SIP,
        legal_ground="HSL 6 kap 13 a §",
        decided_on=TODAY,
        recorded_by=world.user,
    )
    assert world.evaluate(child, Action.SIP).allowed


def not_called(world, child) -> GuardiansNotCalled:
    return guardians_not_called_create(
        subject=child,
        purpose=Purpose.SIP,
        reason=GuardiansNotCalled.Reason.SAFETY,
        maturity_assessment="",
        recorded_by=world.user,
        at=AT,
    )


def register(subject, giver, documented_by, *, units=(), categories=("health",), **scope):
    return consent_register(
        subject=subject,
        given_by=giver,
        purpose=Purpose.SIP,
        form=Consent.Form.WRITTEN,
        documented_by=documented_by,
        categories=InformationCategory.objects.filter(code__in=categories),
        units=units,
        valid_from=TODAY,
        at=AT,
        **scope,
    )


def test_guardians_not_called_never_shares_without_the_childs_own_consent(world):
    """Issue 11, 1: not calling the guardians of a 15-year-old removes their consent from the
    requirement, not the need for consent. A SIP with BUP, primärvården and vuxenpsykiatrin
    sharing every category rests on the child's own consent, covering all of it."""
    child = world.child(15)
    world.view(child, child, Action.SIP)
    not_called(world, child)
    bup, primary, psychiatry = (
        UnitFactory(name=name) for name in ("BUP Falun", "Vårdcentral Ludvika", "Vuxenpsykiatri")
    )
    everything = list(InformationCategory.objects.values_list("code", flat=True))

    def evaluate():
        return consent_evaluate(
            action=Action.SIP,
            person=child,
            at=AT,
            units=[bup, primary, psychiatry],
            categories=everything,
        )

    decision = evaluate()
    assert not decision.allowed
    assert decision.rule.code == "child_guardians_not_called"
    assert [(r.code, r.person, r.whose) for r in decision.consent_reasons] == [
        (ReasonCode.NO_CONSENT, child, CHILD)
    ]
    assert decision.missing_consents == [f"{child} (barnet) har inte samtyckt."]

    # The guardians' consent does not stand in for the child's.
    for guardian in (world.mother, world.father):
        register(
            child, guardian, world.user, units=[bup, primary, psychiatry], categories=everything
        )
    assert not evaluate().allowed

    # The child's consent to part of it: what it leaves out is named.
    register(child, child, world.user, units=[bup, primary], categories=["health"])
    decision = evaluate()
    assert not decision.allowed
    others = tuple(code for code in everything if code != "health")
    assert {(r.code, r.unit, r.category_codes) for r in decision.consent_reasons} == {
        (ReasonCode.CATEGORY_NOT_COVERED, bup, others),
        (ReasonCode.CATEGORY_NOT_COVERED, primary, others),
        (ReasonCode.PARTY_NOT_COVERED, psychiatry, ()),
    }

    register(child, child, world.user, units=[bup, primary, psychiatry], categories=everything)
    decision = evaluate()
    assert decision.allowed
    assert "rätt till information" in decision.tasks[0]


def test_below_12_with_guardians_not_called_only_a_nämnd_decision_with_its_ground_shares(world):
    """Issue 11, 1: under 12 the child cannot consent alone; with the guardians not called
    nothing is shared without a nämnd decision that names its legal ground."""
    child = world.child(8)
    not_called(world, child)
    for giver in (world.mother, world.father, child):
        world.consent(child, giver, Action.SIP)
    decision = world.evaluate(child, Action.SIP)
    assert not decision.allowed
    assert decision.rule.code == "child_guardians_not_called_committee"
    assert [r.code for r in decision.consent_reasons] == [ReasonCode.COMMITTEE_DECISION_MISSING]
    assert "beslut av socialnämnden" in decision.missing_consents[0]

    with pytest.raises(ValidationError) as no_ground:
        committee_decision_create(
            subject=child,
            guardian=None,
            purpose=Purpose.SIP,
            legal_ground=" ",
            decided_on=TODAY,
            recorded_by=world.user,
        )
    assert "legal_ground" in no_ground.value.error_dict
    committee_decision_create(
        subject=child,
        guardian=None,
        purpose=Purpose.SIP,
        legal_ground="Socialnämndens beslut om öppenvård",
        decided_on=TODAY,
        recorded_by=world.user,
    )
    decision = world.evaluate(child, Action.SIP)
    assert decision.allowed
    assert "rätt till information" in decision.tasks[0]


def test_a_nämnd_decision_for_guardians_not_called_needs_that_record(world):
    child = world.child(8)
    with pytest.raises(ValidationError) as refused:
        committee_decision_create(
            subject=child,
            guardian=None,
            purpose=Purpose.SIP,
            legal_ground="SoL",
            decided_on=TODAY,
            recorded_by=world.user,
        )
    assert refused.value.error_dict["guardian"][0].code == "guardians_called"


def test_users_read_the_law_and_the_agreement_by_name_never_a_file(world):
    """RULES.md: the source a user reads names the law or the regional agreement and its
    section; the seed file and line stay with the developers."""
    child = world.child(15)
    not_called(world, child)
    source = str(world.evaluate(child, Action.SIP).rule.source)
    assert "Dalarnas regionala överenskommelse" in source
    assert "avsnittet Samtycke och sekretess för barn i SIP" in source
    for rule in RULES:
        shown = str(rule.source)
        assert "004" not in shown and "≈" not in shown, (rule.code, shown)


def test_a_refusal_names_the_party_outside_the_consent(world, make_person):
    """Issue 11, 2: an adult consented to primärvården only; inviting BUP is refused because
    BUP is outside the consent, not because the person "har inte samtyckt"."""
    adult = make_person(years_ago(30), first_name="Erik", last_name="Vuxen")
    region = OrganisationFactory(name="Region Dalarna", kind=Organisation.Kind.REGION)
    primary = UnitFactory(organisation=region, name="Vårdcentral Ludvika")
    bup = UnitFactory(organisation=region, name="BUP Falun")
    register(adult, adult, world.user, units=[primary], categories=["health", "social"])

    decision = consent_evaluate(
        action=Action.SIP, person=adult, at=AT, units=[primary, bup], categories=["health"]
    )

    assert not decision.allowed
    assert decision.refusals == (
        Reason(ReasonCode.PARTY_NOT_COVERED, person=adult, whose=SELF, unit=bup),
    )
    assert decision.reasons == ["Samtycket från Erik Vuxen omfattar inte BUP Falun."]

    whole_region = consent_evaluate(
        action=Action.SIP, person=adult, at=AT, organisations=[region], categories=["health"]
    )
    assert [(r.code, r.organisation) for r in whole_region.refusals] == [
        (ReasonCode.PARTY_NOT_COVERED, region)
    ]
    assert whole_region.reasons == ["Samtycket från Erik Vuxen omfattar inte Region Dalarna."]


def test_a_refusal_names_an_excluded_unit_and_the_missing_or_excluded_information(
    world, make_person
):
    region = OrganisationFactory(name="Region Dalarna", kind=Organisation.Kind.REGION)
    primary = UnitFactory(organisation=region, name="Vårdcentral Ludvika")
    bup = UnitFactory(organisation=region, name="BUP Falun")
    child = world.child(8)
    world.view(child, child, Action.SIP)
    register(
        child,
        world.mother,
        world.user,
        organisations=[region],
        excluded_units=[bup],
        categories=["health", "social"],
        excluded_categories=InformationCategory.objects.filter(code="economy"),
    )
    register(child, world.father, world.user, organisations=[region], categories=["health"])

    excluded = consent_evaluate(
        action=Action.SIP, person=child, at=AT, units=[bup], categories=["health"]
    )
    assert excluded.refusals == (
        Reason(ReasonCode.PARTY_EXCLUDED, person=world.mother, whose=GUARDIANS, unit=bup),
    )
    assert excluded.reasons == ["Samtycket från vårdnadshavare Anna Mor undantar BUP Falun."]

    information = consent_evaluate(
        action=Action.SIP,
        person=child,
        at=AT,
        units=[primary],
        categories=["health", "economy", "school"],
    )
    assert [(r.code, r.person, r.unit, r.category_codes) for r in information.consent_reasons] == [
        (ReasonCode.CATEGORY_EXCLUDED, world.mother, primary, ("economy",)),
        (ReasonCode.CATEGORY_NOT_COVERED, world.mother, primary, ("school",)),
        (ReasonCode.CATEGORY_NOT_COVERED, world.father, primary, ("economy", "school")),
    ]
    assert information.reasons == [
        "Samtycket från vårdnadshavare Anna Mor till Vårdcentral Ludvika undantar "
        "informationen ”Ekonomi”.",
        "Samtycket från vårdnadshavare Anna Mor till Vårdcentral Ludvika omfattar inte "
        "informationen ”Skola”.",
        "Samtycket från vårdnadshavare Johan Far till Vårdcentral Ludvika omfattar inte "
        "informationen ”Ekonomi” och ”Skola”.",
    ]


def test_a_child_who_turns_18_needs_their_own_consent(world):
    child = world.child(18, days=-1)  # turns 18 tomorrow
    world.consent(child, world.mother, Action.SIP)
    world.consent(child, world.father, Action.SIP)
    world.view(child, child, Action.SIP)
    assert world.evaluate(child, Action.SIP).allowed
    tomorrow = AT + dt.timedelta(days=1)
    decision = world.evaluate(child, Action.SIP, at=tomorrow)
    assert decision.rule.code == "adult_own"
    assert not decision.allowed


def test_scope_outside_the_consent_or_inside_its_exclusions_is_refused(world, make_person):
    adult = make_person(years_ago(30))
    other_unit = UnitFactory()
    world.consent(adult, adult, Action.SIP)
    for units, categories in [([other_unit], ["health"]), ([world.unit], ["economy"])]:
        decision = consent_evaluate(
            action=Action.SIP, person=adult, at=AT, units=units, categories=categories
        )
        assert not decision.allowed


def test_withdrawal_takes_effect_at_once_and_only_by_the_giver(world, make_person):
    adult = make_person(years_ago(30))
    consent = world.consent(adult, adult, Action.SIP)
    with pytest.raises(ValidationError):
        consent_withdraw(
            consent=consent, withdrawn_by=world.mother, form="oral", documented_by=world.user
        )
    consent_withdraw(consent=consent, withdrawn_by=adult, form="oral", documented_by=world.user)
    assert not world.evaluate(adult, Action.SIP).allowed


def test_an_expired_consent_counts_as_expired_before_any_job_marks_it(world, make_person):
    adult = make_person(years_ago(30))
    world.consent(adult, adult, Action.SIP)
    after = AT + dt.timedelta(days=367)
    assert not world.evaluate(adult, Action.SIP, at=after).allowed


def test_no_consent_lasts_over_a_year(world, make_person):
    adult = make_person(years_ago(30))
    with pytest.raises(ValidationError) as error:
        world.consent(adult, adult, Action.SIP, valid_until=TODAY + dt.timedelta(days=366))
    assert "högst ett år" in str(error.value)
    consent = world.consent(adult, adult, Action.SIP)
    assert consent.valid_until == dt.date(2027, 11, 23)


def test_neither_a_committee_decision_nor_not_calling_guardians_opens_a_placement(world):
    """Review finding: both are for SIP and öppna insatser only (004 ≈L705-715)."""
    child = world.child(13)
    world.consent(child, world.mother, Action.PLACEMENT_SOL)
    world.view(child, child, Action.PLACEMENT_SOL)
    CommitteeDecision.objects.create(
        subject=child,
        guardian=world.father,
        purpose=Purpose.PLACEMENT,
        legal_ground="SoL",
        decided_on=TODAY,
        recorded_by=world.user,
    )
    GuardiansNotCalled.objects.create(
        subject=child,
        purpose=Purpose.PLACEMENT,
        reason=GuardiansNotCalled.Reason.SAFETY,
        recorded_at=AT,
        recorded_by=world.user,
    )
    decision = world.evaluate(child, Action.PLACEMENT_SOL)
    assert not decision.allowed
    assert decision.missing_consents == ["Vårdnadshavare Johan Far har inte samtyckt."]
    with pytest.raises(ValidationError) as refused:
        committee_decision_create(
            subject=child,
            guardian=world.father,
            purpose=Purpose.PLACEMENT,
            legal_ground="SoL",
            decided_on=TODAY,
            recorded_by=world.user,
        )
    assert refused.value.error_dict["purpose"][0].code == "voluntary_only"


def test_an_evaluation_reads_what_it_needs_in_one_query(world, django_assert_num_queries):
    """The consents in force with what they name and exclude, the vårdnadshavare, the
    views and the nämnd's decisions: one query, as many with one consent as with several
    from each guardian. A refusal that names a guardian reads the guardians' rows besides."""
    child = world.child(8)
    world.consent(child, world.mother, Action.SIP)
    with django_assert_num_queries(2):
        refused = world.evaluate(child, Action.SIP)
    assert refused.missing_consents == ["Vårdnadshavare Johan Far har inte samtyckt."]
    assert refused.consent_reasons[0].person == world.father
    world.consent(child, world.father, Action.SIP)
    with django_assert_num_queries(1):
        assert world.evaluate(child, Action.SIP).allowed
    for giver in (world.mother, world.father):
        world.consent(child, giver, Action.SIP, organisations=[OrganisationFactory()])
    with django_assert_num_queries(1):
        assert world.evaluate(child, Action.SIP).allowed
