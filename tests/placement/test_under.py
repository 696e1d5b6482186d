"""Under and avslut: the review clock and its reminder, the chef's lists, a withdrawn SoL
consent, the legal end limits, the ending and the aftercare, a change of HVB, the region
handover and the acute cost allocation's reminder and escalation. Clocks through ``at=``."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from cases.errors import InvalidState, NotParty
from cases.models import AccessGrant
from consent.models import Consent
from consent.services import consent_withdraw
from directory.models import Membership, Organisation, Unit
from notifications.models import Event
from overview.digest import overdue_counts
from placement import selectors, services
from placement.events import PlacementEvent
from placement.grants import CASE_KIND
from placement.models import EndDestination, HvbProfile, LegalStep, Placement, Review
from placement.rules import LegalBasis, birthday
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db

START = dt.date(2026, 8, 31)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def placed_sol(pworld, *, acute: bool = False, planned_end: dt.date | None = None):
    pworld.sol_consents()
    placement = pworld.open()
    pworld.propose(placement, acute=acute)
    pworld.decide(placement, on=START)
    if not acute:
        pworld.cost_allocation(placement)
    return services.placement_start(
        placement=placement, by=pworld.sara, start_date=START, planned_end_date=planned_end
    )


def placed_lvm(pworld, *, start: dt.date = START):
    pworld.view(pworld.adult, subject=pworld.adult)
    placement = pworld.open(pworld.adult)
    pworld.propose(placement, legal_basis=LegalBasis.LVM, acute=True)
    pworld.interim(placement, on=start)
    pworld.decide(placement, on=start)
    return services.placement_start(placement=placement, by=pworld.sara, start_date=start)


def events(kind, user=None):
    found = Event.objects.filter(kind=kind)
    return found.filter(recipient_user=user) if user else found


# --- Reviews ---------------------------------------------------------------------------------


def test_the_first_review_opens_at_the_start_six_months_on(pworld):
    placement = placed_sol(pworld)
    assert list(placement.reviews.values_list("due_on", "held_on")) == [
        (dt.date(2027, 2, 28), None)
    ]


def test_recording_a_review_opens_the_next_from_the_start_date(pworld):
    placement = placed_sol(pworld)
    review = services.review_record(
        placement=placement,
        by=pworld.sara,
        held_on=dt.date(2027, 2, 20),
        outcome=Review.Outcome.CONTINUE,
        note="Går bra.",
        at=at(dt.date(2027, 2, 20)),
    )
    assert review.outcome == Review.Outcome.CONTINUE
    open_reviews = placement.reviews.filter(held_on__isnull=True)
    assert list(open_reviews.values_list("due_on", flat=True)) == [dt.date(2027, 8, 31)]
    with pytest.raises(ValidationError):
        services.review_record(
            placement=placement,
            by=pworld.sara,
            held_on=dt.date(2027, 9, 1),
            outcome="maybe",
            at=at(dt.date(2027, 9, 1)),
        )
    with pytest.raises(NotParty):
        services.review_record(
            placement=placement,
            by=pworld.vera,
            held_on=dt.date(2027, 9, 1),
            outcome=Review.Outcome.END,
            at=at(dt.date(2027, 9, 1)),
        )


def test_the_clocks_show_the_open_review_and_after_an_early_one_the_next_in_the_rhythm(pworld):
    """The page's "next review" is the open review's date; once a review is held early with
    the outcome that the placement ends (no review opens), it is the next date of the start's
    rhythm after the one just held, not the date that review already covered. A list reads
    the same dates as the page, from the annotated query."""
    placement = placed_sol(pworld)
    early = dt.date(2027, 2, 10)

    def shown(on: dt.date) -> tuple[dt.date | None, dt.date | None]:
        page = selectors.placement_clocks(placement=placement, on=on).next_review
        listed = selectors.with_visit_dates(Placement.objects.filter(pk=placement.pk)).get()
        return page, selectors.placement_clocks(placement=listed, on=on).next_review

    assert shown(early) == (dt.date(2027, 2, 28),) * 2
    assert shown(dt.date(2027, 3, 5)) == (dt.date(2027, 2, 28),) * 2  # late: still that one
    services.review_record(
        placement=placement,
        by=pworld.sara,
        held_on=early,
        outcome=Review.Outcome.END,
        note="Målen är nådda; avslutet planeras.",
        at=at(early),
    )
    assert shown(early) == (dt.date(2027, 8, 31),) * 2  # the review opened next
    # In the flow, a review whose outcome is the end opens none: the rhythm goes on.
    placement.reviews.filter(held_on__isnull=True).delete()
    assert shown(early) == (dt.date(2027, 8, 31),) * 2


def test_no_review_under_lvm(pworld):
    placement = placed_lvm(pworld)
    assert not placement.reviews.exists()
    with pytest.raises(InvalidState):
        services.review_record(
            placement=placement,
            by=pworld.sara,
            held_on=START,
            outcome=Review.Outcome.CONTINUE,
            at=at(START),
        )


def test_the_review_reminder_comes_30_days_before_once(pworld):
    placement = placed_sol(pworld)
    assert services.reviews_remind(at=at(dt.date(2027, 1, 28))) == 0
    assert services.reviews_remind(at=at(dt.date(2027, 1, 29))) == 1
    assert services.reviews_remind(at=at(dt.date(2027, 2, 10))) == 0
    event = events(PlacementEvent.REVIEW_DUE).get()
    assert event.recipient_user == placement.caseworker
    assert event.data == {"due": "2027-02-28"}


def test_the_chefs_list_shows_reviews_due_and_the_digest_counts_them(pworld):
    placement = placed_sol(pworld)
    units = [pworld.social]
    assert selectors.reviews_due(user=pworld.carl, units=units, today=dt.date(2027, 1, 28)) == []
    rows = selectors.reviews_due(user=pworld.carl, units=units, today=dt.date(2027, 3, 5))
    assert [row.placement for row in rows] == [placement]
    counts = overdue_counts(user=pworld.carl, units=units, today=dt.date(2027, 3, 5))
    assert counts["placement_reviews_due"] == 1
    # Another kommun's chef, who sees no grant of this placement, is shown nothing.
    other = MembershipFactory(role=Membership.Role.MANAGER).user
    assert selectors.reviews_due(user=other, units=units, today=dt.date(2027, 3, 5)) == []


def test_moving_out_takes_the_open_review_off_the_chefs_list(pworld):
    """The list reads the open reviews alone, without asking the placement's phase: the
    move out deletes the open review, so none is left of a placement that has ended."""
    placement = placed_sol(pworld)
    units = [pworld.social]
    due_day = dt.date(2027, 3, 5)
    assert [row.placement for row in selectors.reviews_due(
        user=pworld.carl, units=units, today=due_day
    )] == [placement]  # fmt: skip
    services.placement_end(
        placement=placement,
        by=pworld.sara,
        ended_on=timezone.localdate(),
        reason="Vården är klar.",
        destination="home",
    )
    assert not placement.reviews.filter(held_on__isnull=True).exists()
    assert selectors.reviews_due(user=pworld.carl, units=units, today=due_day) == []
    assert (
        overdue_counts(user=pworld.carl, units=units, today=due_day)["placement_reviews_due"] == 0
    )


def test_a_review_carries_its_placements_unit_and_the_migration_fills_it(pworld):
    """The chef's list of reviews reads one unit's open reviews from their own index
    (Review.placing_unit): every review made has it, and the migration that added it
    fills it from the placement."""
    placement = placed_sol(pworld)
    review = placement.reviews.get()
    assert review.placing_unit_id == placement.placing_unit_id == pworld.social.pk
    elsewhere = UnitFactory()
    Review.objects.filter(pk=review.pk).update(placing_unit=elsewhere)
    assert (
        selectors.reviews_due(user=pworld.carl, units=[pworld.social], today=dt.date(2027, 3, 5))
        == []
    )
    fill = importlib.import_module(
        "placement.migrations.0012_review_placing_unit"
    ).placing_unit_fill
    fill(apps, None)
    assert Review.objects.get(pk=review.pk).placing_unit_id == pworld.social.pk
    rows = selectors.reviews_due(user=pworld.carl, units=[pworld.social], today=dt.date(2027, 3, 5))
    assert rows == [review]


# --- Consent withdrawn in an SoL placement ----------------------------------------------------


def withdraw_youths_consent(pworld):
    """Withdrawn, and consent_ended sent after the commit as in production."""
    consent = Consent.objects.get(subject=pworld.youth, given_by=pworld.youth)
    with TestCase.captureOnCommitCallbacks(execute=True):
        consent_withdraw(
            consent=consent,
            withdrawn_by=pworld.youth,
            form=Consent.Form.WRITTEN,
            documented_by=pworld.sara,
        )


def test_a_withdrawn_consent_neither_ends_nor_halts_the_sol_placement(pworld):
    placement = placed_sol(pworld)
    withdraw_youths_consent(pworld)
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.PLACED
    assert placement.consent_ended_on == timezone.localdate()
    assert "Samtycket till placeringen upphörde" in placement.history.order_by("-pk")[0].what
    told = set(events(PlacementEvent.CONSENT_ENDED).values_list("recipient_user", flat=True))
    assert told == {pworld.sara.pk, pworld.carl.pk}
    rows = selectors.consents_ended(user=pworld.carl, units=[pworld.social], today=START)
    assert rows == [placement]
    # It cannot simply continue at the review.
    with pytest.raises(ValidationError, match="LVU"):
        services.review_record(
            placement=placement,
            by=pworld.sara,
            held_on=timezone.localdate(),
            outcome=Review.Outcome.CONTINUE,
        )


def test_changing_the_basis_to_lvu_resolves_the_withdrawn_consent(pworld):
    placement = placed_sol(pworld)
    withdraw_youths_consent(pworld)
    with pytest.raises(ValidationError):
        services.placement_basis_change(
            placement=placement,
            by=pworld.sara,
            legal_basis=LegalBasis.LVM,
            step_kind=LegalStep.Kind.INTERIM,
            reference="Dnr 1",
            on=timezone.localdate(),
            level=Placement.DecisionLevel.COMMITTEE,
            decided_by="Nämnden",
        )
    placement = services.placement_basis_change(
        placement=placement,
        by=pworld.sara,
        legal_basis=LegalBasis.LVU_3,
        step_kind=LegalStep.Kind.INTERIM,
        reference="Dnr 1",
        on=timezone.localdate(),
        level=Placement.DecisionLevel.COMMITTEE,
        decided_by="Nämnden",
    )
    assert (placement.legal_basis, placement.consent_ended_on) == (LegalBasis.LVU_3, None)
    assert selectors.consents_ended(user=pworld.carl, units=[pworld.social], today=START) == []
    # The HVB keeps its grant, now on the decision.
    assert AccessGrant.objects.filter(
        case_kind=CASE_KIND, case_id=placement.pk, unit=pworld.hvb
    ).exists()


def test_ending_the_placement_also_takes_it_off_the_chefs_list(pworld):
    placement = placed_sol(pworld)
    withdraw_youths_consent(pworld)
    services.placement_end(
        placement=placement,
        by=pworld.sara,
        ended_on=timezone.localdate(),
        reason="Samtycket återkallades.",
        destination=EndDestination.HOME,
    )
    assert selectors.consents_ended(user=pworld.carl, units=[pworld.social], today=START) == []


# --- End limits -------------------------------------------------------------------------------


def test_lvm_cannot_be_extended_past_its_six_months(pworld):
    placement = placed_lvm(pworld)
    with pytest.raises(ValidationError, match="kan inte förlängas"):
        services.placement_planned_end_set(
            placement=placement, by=pworld.sara, planned_end_date=dt.date(2027, 3, 1)
        )
    placement = services.placement_planned_end_set(
        placement=placement, by=pworld.sara, planned_end_date=dt.date(2027, 2, 28)
    )
    assert placement.planned_end_date == dt.date(2027, 2, 28)


def test_lvu_2_ends_at_18_and_lvu_3_at_21(pworld):
    placement = placed_sol(pworld)
    eighteen, twenty_one = birthday(pworld.youth, 18), birthday(pworld.youth, 21)
    services.placement_planned_end_set(
        placement=placement, by=pworld.sara, planned_end_date=eighteen
    )
    with pytest.raises(ValidationError, match="kan inte förlängas"):
        services.placement_basis_change(
            placement=placement,
            by=pworld.sara,
            legal_basis=LegalBasis.LVU_2,
            step_kind=LegalStep.Kind.INTERIM,
            reference="Dnr 2",
            on=timezone.localdate(),
            level=Placement.DecisionLevel.COMMITTEE,
            decided_by="Nämnden",
        )
    services.placement_basis_change(
        placement=placement,
        by=pworld.sara,
        legal_basis=LegalBasis.LVU_3,
        step_kind=LegalStep.Kind.INTERIM,
        reference="Dnr 2",
        on=timezone.localdate(),
        level=Placement.DecisionLevel.COMMITTEE,
        decided_by="Nämnden",
    )
    with pytest.raises(ValidationError, match="kan inte förlängas"):
        services.placement_planned_end_set(
            placement=placement, by=pworld.sara, planned_end_date=twenty_one
        )
    last = twenty_one - dt.timedelta(days=1)
    placement = services.placement_planned_end_set(
        placement=placement, by=pworld.sara, planned_end_date=last
    )
    assert placement.planned_end_date == last


def test_the_chefs_list_shows_lvm_ends_approaching(pworld):
    placement = placed_lvm(pworld)
    units = [pworld.social]
    assert (
        selectors.lvm_ends_approaching(user=pworld.carl, units=units, today=dt.date(2027, 1, 28))
        == []
    )
    rows = selectors.lvm_ends_approaching(user=pworld.carl, units=units, today=dt.date(2027, 1, 29))
    assert [(row, row.overview_due) for row in rows] == [(placement, dt.date(2027, 2, 28))]
    assert rows[0].person == placement.person


# --- Avslut -----------------------------------------------------------------------------------


def test_ending_planning_opens_two_months_before_the_planned_end(pworld):
    placement = placed_sol(pworld, planned_end=dt.date(2027, 6, 30))
    assert services.ending_plans_open(at=at(dt.date(2027, 4, 29))) == 0
    assert services.ending_plans_open(at=at(dt.date(2027, 4, 30))) == 1
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.ENDING


def test_the_end_records_where_the_person_goes_and_the_hvb_loses_its_grant(pworld):
    placement = placed_sol(pworld)
    hvb_grants = AccessGrant.objects.filter(
        case_kind=CASE_KIND, case_id=placement.pk, unit=pworld.hvb
    )
    assert hvb_grants.exists()
    with pytest.raises(ValidationError):
        services.placement_end(
            placement=placement,
            by=pworld.sara,
            ended_on=timezone.localdate(),
            reason="",
            destination="moon",
        )
    ended = timezone.localdate()
    placement = services.placement_end(
        placement=placement,
        by=pworld.sara,
        ended_on=ended,
        reason="Målen är nådda.",
        destination=EndDestination.HOME,
        continuing=[services.PlanInsats("Familjebehandling i öppenvård", "Sara", "Varje vecka")],
    )
    assert placement.phase == Placement.Phase.AFTERCARE
    assert placement.end_destination == EndDestination.HOME
    assert placement.aftercare_until == services.ending.aftercare_end(
        placement=placement, ended_on=ended
    )
    assert placement.aftercare_until > ended
    assert not hvb_grants.exists()
    assert not placement.reviews.filter(held_on__isnull=True).exists()
    # The case closes once the aftercare has run, with what it found.
    with pytest.raises(ValidationError, match="pågår"):
        services.placement_close(placement=placement, by=pworld.sara, note="Bra.")
    later = at(placement.aftercare_until)
    with pytest.raises(ValidationError):
        services.placement_close(placement=placement, by=pworld.sara, note=" ", at=later)
    placement = services.placement_close(
        placement=placement, by=pworld.sara, note="Bor hemma, går i skolan.", at=later
    )
    assert placement.phase == Placement.Phase.CLOSED


def test_an_adult_has_no_aftercare_period(pworld):
    placement = placed_lvm(pworld, start=timezone.localdate())
    placement = services.placement_end(
        placement=placement,
        by=pworld.sara,
        ended_on=timezone.localdate(),
        reason="Vårdtiden slut.",
        destination=EndDestination.OWN_HOUSING,
    )
    assert placement.aftercare_until is None
    placement = services.placement_close(placement=placement, by=pworld.sara, note="Klart.")
    assert placement.phase == Placement.Phase.CLOSED


# --- Change of HVB ----------------------------------------------------------------------------


def second_hvb(pworld, *, ivo=HvbProfile.IvoStatus.PERMIT) -> Unit:
    unit = UnitFactory(organisation=pworld.provider, name="Andra gården", kind=Unit.Kind.HVB)
    HvbProfile.objects.create(
        unit=unit,
        ivo_status=ivo,
        ivo_reference="" if ivo == HvbProfile.IvoStatus.NONE else "IVO 2",
        places=4,
    )
    return unit


def test_a_change_of_hvb_moves_the_grant_from_its_date(pworld):
    pworld.sol_consents()
    other = second_hvb(pworld)
    placement = pworld.open()
    pworld.propose(placement)
    pworld.decide(placement, on=START)
    pworld.cost_allocation(placement)
    placement = services.placement_start(placement=placement, by=pworld.sara, start_date=START)
    with pytest.raises(ValidationError):
        services.placement_hvb_change(
            placement=placement,
            by=pworld.sara,
            to_hvb=second_hvb_without_ivo(pworld),
            on=START,
            level=Placement.DecisionLevel.DELEGATE,
            decided_by="Karin",
        )
    # The consents must name the new HVB too.
    for giver in (*pworld.guardians, pworld.youth):
        pworld.consent(giver).units.add(other)
    change_on = timezone.localdate() + dt.timedelta(days=10)
    services.placement_hvb_change(
        placement=placement,
        by=pworld.sara,
        to_hvb=other,
        on=change_on,
        level=Placement.DecisionLevel.DELEGATE,
        decided_by="Karin",
    )
    grants = AccessGrant.objects.filter(case_kind=CASE_KIND, case_id=placement.pk)
    old = grants.get(unit=pworld.hvb)
    new = grants.get(unit=other)
    assert old.valid_until == change_on - dt.timedelta(days=1)
    assert new.valid_from == change_on


def second_hvb_without_ivo(pworld) -> Unit:
    unit = UnitFactory(organisation=pworld.provider, name="Utan tillstånd", kind=Unit.Kind.HVB)
    HvbProfile.objects.create(unit=unit, ivo_status=HvbProfile.IvoStatus.NONE, places=2)
    return unit


# --- Region handover --------------------------------------------------------------------------


def test_a_move_to_another_region_opens_a_handover_the_new_region_confirms(pworld):
    placement = placed_sol(pworld)
    region = OrganisationFactory(name="Region Gävleborg", kind=Organisation.Kind.REGION)
    gavle = OrganisationFactory(
        name="Gävle kommun", kind=Organisation.Kind.MUNICIPALITY, region=region
    )
    clinic = UnitFactory(organisation=region, name="BUP Gävle", kind=Unit.Kind.CHILD_PSYCHIATRY)
    nurse = MembershipFactory(unit=clinic, role=Membership.Role.HEALTH_STAFF).user
    chef = MembershipFactory(unit=clinic, role=Membership.Role.MANAGER).user
    old_chef = MembershipFactory(unit=pworld.sip.bup, role=Membership.Role.MANAGER).user
    with pytest.raises(NotParty):
        services.person_registration_move(
            person=pworld.youth, municipality=gavle, by=pworld.hugo, on=START
        )
    (handover,) = services.person_registration_move(
        person=pworld.youth, municipality=gavle, by=pworld.sara, on=START
    )
    pworld.youth.refresh_from_db()
    assert pworld.youth.registered_municipality == gavle
    assert (handover.from_region, handover.to_region) == (pworld.sip.region, region)
    assert events(PlacementEvent.HANDOVER_TO_SEND, old_chef).exists()
    assert not events(PlacementEvent.HANDOVER_STARTED).exists()
    rows = selectors.handovers_open(user=pworld.carl, units=[pworld.social], today=START)
    assert rows == [handover]
    with pytest.raises(InvalidState, match="har inte lämnat över"):
        services.region_handover_confirm(handover=handover, by=nurse)
    with pytest.raises(NotParty):
        services.region_handover_send(handover=handover, by=nurse, note="Pågående BUP-kontakt.")
    services.region_handover_send(
        handover=handover, by=pworld.vera, note="Pågående BUP-kontakt varannan vecka."
    )
    assert events(PlacementEvent.HANDOVER_STARTED, chef).exists()
    assert selectors.handovers_open(user=pworld.carl, units=[pworld.social], today=START) == [
        handover
    ]  # not done until the new region has confirmed
    with pytest.raises(NotParty):
        services.region_handover_confirm(handover=handover, by=pworld.vera)
    handover = services.region_handover_confirm(handover=handover, by=nurse)
    assert handover.confirmed_by == nurse
    assert selectors.handovers_open(user=pworld.carl, units=[pworld.social], today=START) == []
    with pytest.raises(InvalidState):
        services.region_handover_confirm(handover=handover, by=nurse)
    assert placement.history.filter(what__contains="bekräftade").exists()


def test_a_move_within_the_region_opens_no_handover(pworld):
    placed_sol(pworld)
    falun = OrganisationFactory(
        name="Falu kommun", kind=Organisation.Kind.MUNICIPALITY, region=pworld.sip.region
    )
    assert (
        services.person_registration_move(
            person=pworld.youth, municipality=falun, by=pworld.sara, on=START
        )
        == []
    )


# --- Acute cost allocation ---------------------------------------------------------------------


def test_an_acute_cost_allocation_is_reminded_then_escalated_to_both_chefs(pworld):
    placement = placed_sol(pworld, acute=True)
    region_chef = MembershipFactory(unit=pworld.sip.bup, role=Membership.Role.MANAGER).user
    assert selectors.acute_cost_allocation_due(placement=placement) == dt.date(2026, 10, 31)
    assert services.cost_allocations_remind(at=at(dt.date(2026, 10, 16))) == 0
    assert services.cost_allocations_remind(at=at(dt.date(2026, 10, 17))) == 1
    assert services.cost_allocations_remind(at=at(dt.date(2026, 10, 20))) == 0
    assert events(PlacementEvent.COST_ALLOCATION_DUE, pworld.sara).count() == 1
    assert services.cost_allocations_remind(at=at(dt.date(2026, 11, 1))) == 2
    told = set(
        events(PlacementEvent.COST_ALLOCATION_OVERDUE).values_list("recipient_user", flat=True)
    )
    assert told == {pworld.carl.pk, region_chef.pk}
    assert services.cost_allocations_remind(at=at(dt.date(2026, 11, 2))) == 0
    rows = selectors.cost_allocations_overdue(
        user=pworld.carl, units=[pworld.social], today=dt.date(2026, 11, 1)
    )
    assert [(row, row.overview_due) for row in rows] == [(placement, dt.date(2026, 10, 31))]
    # Never a block: the placement goes on; once approved it leaves the list.
    pworld.cost_allocation(placement)
    assert (
        selectors.cost_allocations_overdue(
            user=pworld.carl, units=[pworld.social], today=dt.date(2026, 11, 1)
        )
        == []
    )
