"""Properties of the consent policy (RULES.md §2-3), explored by hypothesis.

Each example draws an age (0-25 years) and a day offset, 0-2 vårdnadshavare, an action and
a date between 2022 and 2027, so that the change of the limit for öppna insatser from 15 to
12 years on 2023-07-01 is crossed. Every example that touches the database runs in a
savepoint that is rolled back, so no row (and no identity number) outlives its example.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from consent.models import (
    Consent,
    GuardiansNotCalled,
    InformationCategory,
    Purpose,
    RecordedView,
)
from consent.policy import Decision, consent_evaluate
from consent.rules import (
    CHILD,
    GUARDIANS,
    GUARDIANS_NOT_CALLED,
    PURPOSE_OF,
    SELF,
    Action,
    Rule,
    rule_for,
)
from consent.services import (
    committee_decision_create,
    consent_register,
    consent_withdraw,
    guardians_not_called_create,
    one_year_after,
)
from directory.models import Membership, Person
from directory.rules import AGE_OF_MAJORITY
from directory.selectors import person_guardians
from directory.services import guardianship_create
from tests.factories import MembershipFactory, UnitFactory, person_born

pytestmark = pytest.mark.django_db

LIMIT_LOWERED = dt.date(2023, 7, 1)  # öppna insatser: 15 → 12 years
FIRST_DAY, LAST_DAY = dt.date(2022, 1, 1), dt.date(2027, 12, 31)
LEAP_DAY = dt.date(2024, 2, 29)
LVU_ENDS = 21  # the table's max_age for LVU (3 §: care ends at 21 at the latest)

IN_FORCE, WITHDRAWN, EXPIRED = "in_force", "withdrawn", "expired"


def days_between(first: dt.date, last: dt.date) -> st.SearchStrategy[dt.date]:
    """Any day, with the days around the 2023-07-01 change and 29 February drawn often."""
    edges = [LIMIT_LOWERED - dt.timedelta(days=1), LIMIT_LOWERED, LEAP_DAY]
    return st.sampled_from([day for day in edges if first <= day <= last]) | st.dates(first, last)


ACTIONS = st.sampled_from(list(Action))
AGES = st.integers(0, 25)
CHILD_AGES = st.integers(0, AGE_OF_MAJORITY - 1)
OFFSETS = st.integers(0, 364)  # days since the last birthday
DAYS = days_between(FIRST_DAY, LAST_DAY)
DAYS_WITH_A_YEAR_AFTER = days_between(FIRST_DAY, dt.date(2026, 12, 31))
GUARDIAN_COUNTS = st.integers(0, 2)
SPAN = st.integers(0, 365)


def consents(*states: str | None) -> st.SearchStrategy[list[tuple]]:
    """One (state, days, days) per possible giver: the person and two vårdnadshavare.

    In force or withdrawn: valid from the first number of days before the day evaluated.
    Expired: ended 1 + the first number of days before it, after running the second.
    None: no consent from that giver.
    """
    return st.lists(st.tuples(st.sampled_from(states), SPAN, SPAN), min_size=3, max_size=3)


with_db = settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# For the tests that register five or six consents per example: the file stays under ~10 s.
with_db_heavy = settings(with_db, max_examples=15)


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """A savepoint that is always rolled back: each example starts from the same rows."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def noon(on: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(on, dt.time(12)))


def born(*, age: int, offset: int, on: dt.date) -> dt.date:
    """A birth date that makes the person exactly ``age`` on ``on``, ``offset`` days past
    the birthday (a 29 February ``on`` counts from 28 February in a common year)."""
    try:
        birthday = on.replace(year=on.year - age)
    except ValueError:
        birthday = on.replace(year=on.year - age, day=28)
    return birthday - dt.timedelta(days=offset)


def table_allows(rule: Rule | None, *, consented: set[str], has_guardians: bool) -> bool:
    """Whether one alternative of ``rule`` is met, read straight from the table.

    ``consented`` holds SELF/CHILD for the person's own consent and GUARDIANS when every
    vårdnadshavare has consented; with no vårdnadshavare the guardians can never consent.
    """

    def met(requirement: str) -> bool:
        if requirement in (SELF, CHILD):
            return bool({SELF, CHILD} & consented)
        return has_guardians and GUARDIANS in consented

    return rule is not None and any(
        all(met(requirement) for requirement in alternative) for alternative in rule.alternatives
    )


def needs_consent(rule: Rule | None) -> bool:
    """True unless some alternative of the rule asks for nobody's consent (LVU, LVM)."""
    return rule is None or all(rule.alternatives)


class World:
    def __init__(self) -> None:
        self.unit = UnitFactory()  # in a kommun, where the persons are folkbokförda
        self.user = MembershipFactory(unit=self.unit, role=Membership.Role.SOCIAL_WORKER).user
        self.health = list(InformationCategory.objects.filter(code="health"))
        assert self.health, "the data migration provides the category 'health'"
        self.mother = person_born(dt.date(1970, 5, 17), first_name="Anna", last_name="Mor")
        self.father = person_born(
            dt.date(1968, 9, 3),
            legal_sex=Person.LegalSex.MALE,
            first_name="Johan",
            last_name="Far",
        )

    def person(self, *, age: int, offset: int, on: dt.date, guardians: int) -> Person:
        """A person of ``age`` on ``on``; a child gets ``guardians`` vårdnadshavare."""
        birth_date = born(age=age, offset=offset, on=on)
        assume(birth_date <= timezone.localdate())  # identity numbers refuse future births
        person = person_born(
            birth_date,
            first_name="Prov",
            last_name="Testsson",
            registered_municipality=self.unit.organisation,
        )
        assert person.age_on(on) == age
        if age < AGE_OF_MAJORITY:
            for guardian in [self.mother, self.father][:guardians]:
                guardianship_create(child=person, guardian=guardian, on=on)
        return person

    def register(
        self,
        subject: Person,
        giver: Person,
        action: str,
        *,
        valid_from: dt.date,
        valid_until: dt.date | None = None,
    ) -> Consent:
        return consent_register(
            subject=subject,
            given_by=giver,
            purpose=PURPOSE_OF[action],
            form=Consent.Form.WRITTEN,
            documented_by=self.user,
            categories=self.health,
            units=[self.unit],
            valid_from=valid_from,
            valid_until=valid_until,
            at=noon(valid_from),
        )

    def give(self, subject, giver, action, *, on: dt.date, spec: tuple) -> Consent | None:
        """A consent from ``giver`` that on ``on`` is in force, withdrawn or expired."""
        state, first, second = spec
        if state is None:
            return None
        if state == EXPIRED:
            valid_until = on - dt.timedelta(days=1 + first)
            valid_from = valid_until - dt.timedelta(days=second)
            return self.register(
                subject, giver, action, valid_from=valid_from, valid_until=valid_until
            )
        consent = self.register(subject, giver, action, valid_from=on - dt.timedelta(days=first))
        assert consent.valid_from <= on <= consent.valid_until
        if state == WITHDRAWN:
            self.withdraw(consent, on=on)
        return consent

    def withdraw(self, consent: Consent, *, on: dt.date) -> None:
        consent_withdraw(
            consent=consent,
            withdrawn_by=consent.given_by,
            form=Consent.Form.ORAL,
            documented_by=self.user,
            at=noon(on),
        )

    def record_views(self, subject: Person, holders, action: str, *, on: dt.date) -> None:
        for holder in holders:
            RecordedView.objects.create(
                subject=subject,
                holder=holder,
                purpose=PURPOSE_OF[action],
                view="Har fått säga sin mening.",
                recorded_at=noon(on),
                recorded_by=self.user,
            )

    def evaluate(self, person: Person, action: str, *, on: dt.date) -> Decision:
        return consent_evaluate(
            action=action,
            person=person,
            at=noon(on),
            units=[self.unit],
            categories=["health"],
        )


@pytest.fixture
def world(db) -> World:
    return World()


# 1. Withdrawn or expired consent --------------------------------------------------------------


@with_db
@given(
    action=ACTIONS,
    age=AGES,
    offset=OFFSETS,
    on=DAYS,
    guardians=GUARDIAN_COUNTS,
    specs=consents(WITHDRAWN, EXPIRED),
)
@example(
    Action.OPEN_INTERVENTION,
    12,
    0,
    LIMIT_LOWERED,
    2,
    [(WITHDRAWN, 0, 0), (EXPIRED, 0, 365), (WITHDRAWN, 365, 0)],
).via("öppen insats at 12, every alternative gone")
@example(
    Action.PLACEMENT_SOL,
    16,
    30,
    LIMIT_LOWERED,
    2,
    [(EXPIRED, 0, 0), (WITHDRAWN, 10, 0), (WITHDRAWN, 0, 0)],
).via("SoL placement from 15")
def test_with_every_consent_withdrawn_or_expired_only_compulsory_care_goes_ahead(
    world, action, age, offset, on, guardians, specs
):
    """RULES.md §2 Validity: withdrawal stops sharing, and a consent lasts at most a year.

    Every consent the rule could want (the person's own and each vårdnadshavare's) has been
    given and then withdrawn or let run out. Every view is recorded, so only consent can
    stand in the way: whatever needs consent is refused; only LVU/LVM go ahead.
    """
    with rolled_back():
        person = world.person(age=age, offset=offset, on=on, guardians=guardians)
        givers = [person, *person_guardians(person=person, on=on)]
        for giver, spec in zip(givers, specs, strict=False):
            world.give(person, giver, action, on=on, spec=spec)
        world.record_views(person, givers, action, on=on)

        decision = world.evaluate(person, action, on=on)

        rule = rule_for(action=action, age=age, on=on)
        assert decision.rule == rule
        if needs_consent(rule):
            assert not decision.consent_satisfied, decision
            assert not decision.allowed
        else:
            assert decision.consent_satisfied, decision
            assert decision.allowed, decision


@with_db_heavy
@given(
    action=ACTIONS,
    age=AGES,
    offset=OFFSETS,
    on=DAYS,
    guardians=GUARDIAN_COUNTS,
    specs=consents(IN_FORCE),
    lost=st.integers(0, 2),
    lost_spec=consents(WITHDRAWN, EXPIRED).map(lambda specs: specs[0]),
)
@example(Action.SIP, 8, 0, LIMIT_LOWERED, 2, [(IN_FORCE, 0, 0)] * 3, 2, (WITHDRAWN, 0, 0)).via(
    "SIP: either vårdnadshavare is needed"
)
@example(
    Action.PLACEMENT_SOL, 15, 0, LIMIT_LOWERED, 2, [(IN_FORCE, 0, 0)] * 3, 0, (EXPIRED, 0, 0)
).via("SoL placement from 15: the youth is needed")
@example(
    Action.OPEN_INTERVENTION, 12, 0, LIMIT_LOWERED, 2, [(IN_FORCE, 0, 0)] * 3, 1, (EXPIRED, 0, 0)
).via("öppen insats at 12: the child's own consent still carries it")
def test_losing_a_consent_that_every_alternative_needs_refuses_the_step(
    world, action, age, offset, on, guardians, specs, lost, lost_spec
):
    """RULES.md §2 Validity and Children: a withdrawn or expired consent no longer counts.

    Every consent the rule could want is in force but one, which is withdrawn or has run
    out. If the giver is part of every alternative the table offers (e.g. either
    vårdnadshavare for a SIP, the youth for a SoL placement from 15), the step is refused.
    Alternatives the giver is not part of (the child's own consent OR the guardians' for an
    öppen insats from 12) may still carry it: the decision must match the table exactly.
    """
    with rolled_back():
        person = world.person(age=age, offset=offset, on=on, guardians=guardians)
        guardians_now = person_guardians(person=person, on=on)
        givers = [person, *guardians_now]
        lost_giver = givers[lost % len(givers)]
        for giver, spec in zip(givers, specs, strict=False):
            if giver != lost_giver:
                world.give(person, giver, action, on=on, spec=spec)
        rule = rule_for(action=action, age=age, on=on)
        everyone = {SELF, CHILD, GUARDIANS}

        with rolled_back():
            world.give(person, lost_giver, action, on=on, spec=(IN_FORCE, 0, 0))
            before = world.evaluate(person, action, on=on)
        assert before.consent_satisfied == table_allows(
            rule, consented=everyone, has_guardians=bool(guardians_now)
        ), before

        world.give(person, lost_giver, action, on=on, spec=lost_spec)
        after = world.evaluate(person, action, on=on)

        lost_codes = {SELF, CHILD} if lost_giver == person else {GUARDIANS}
        remaining = everyone - lost_codes
        assert after.consent_satisfied == table_allows(
            rule, consented=remaining, has_guardians=bool(guardians_now)
        ), (after, remaining)
        if rule is not None and all(lost_codes & set(alt) for alt in rule.alternatives):
            assert not after.consent_satisfied, after
            assert not after.allowed


@with_db
@given(
    action=ACTIONS,
    age=AGES,
    offset=OFFSETS,
    on=DAYS,
    guardians=GUARDIAN_COUNTS,
    specs=consents(None, IN_FORCE, WITHDRAWN, EXPIRED),
    withdrawn=st.integers(0, 2),
    views=st.lists(st.booleans(), min_size=3, max_size=3),
)
@example(
    Action.OPEN_INTERVENTION,
    13,
    0,
    LIMIT_LOWERED,
    2,
    [(IN_FORCE, 0, 0), (IN_FORCE, 0, 0), (IN_FORCE, 0, 0)],
    0,
    [True, True, True],
).via("two alternatives, both met")
@example(
    Action.SIP,
    8,
    0,
    LIMIT_LOWERED,
    2,
    [(None, 0, 0), (WITHDRAWN, 0, 0), (IN_FORCE, 0, 0)],
    2,
    [True, True, True],
).via("the second vårdnadshavare withdraws too")
def test_withdrawing_a_consent_never_turns_a_refusal_into_an_allowance(
    world, action, age, offset, on, guardians, specs, withdrawn, views
):
    """RULES.md §2 Validity: withdrawal can only stop a step, never open one (monotonicity).

    Any mix of consents (absent, in force, withdrawn, expired) and of recorded views; then
    one consent in force is withdrawn. Anything refused before stays refused.
    """
    with rolled_back():
        person = world.person(age=age, offset=offset, on=on, guardians=guardians)
        givers = [person, *person_guardians(person=person, on=on)]
        withdrawn_by = givers[withdrawn % len(givers)]
        given = {}
        for giver, (state, first, second) in zip(givers, specs, strict=False):
            spec = (IN_FORCE if giver == withdrawn_by else state, first, second)
            given[giver] = world.give(person, giver, action, on=on, spec=spec)
        viewers = [giver for giver, view in zip(givers, views, strict=False) if view]
        world.record_views(person, viewers, action, on=on)

        before = world.evaluate(person, action, on=on)
        world.withdraw(given[withdrawn_by], on=on)
        after = world.evaluate(person, action, on=on)

        assert before.consent_satisfied or not after.consent_satisfied, (before, after)
        assert before.allowed or not after.allowed, (before, after)
        assert after.missing_views == before.missing_views


# 2. No consent lasts over a year --------------------------------------------------------------


@with_db
@given(
    valid_from=DAYS,
    too_long_by=st.integers(1, 400),
    age=st.integers(AGE_OF_MAJORITY, 25),
    offset=OFFSETS,
)
@example(LEAP_DAY, 1, 20, 0).via("29 February: the year ends on 28 February")
@example(dt.date(2023, 3, 1), 1, 20, 0).via("a year across 29 February is 366 days")
def test_a_consent_over_a_year_is_refused(world, valid_from, too_long_by, age, offset):
    """RULES.md §2 Validity: at most one year. consent_register refuses any end date
    after one_year_after(valid_from) and stores nothing."""
    with rolled_back():
        adult = world.person(age=age, offset=offset, on=valid_from, guardians=0)
        valid_until = one_year_after(valid_from) + dt.timedelta(days=too_long_by)
        with pytest.raises(ValidationError) as error:
            world.register(adult, adult, Action.SIP, valid_from=valid_from, valid_until=valid_until)
        # The message names the last allowed day. (Its code is not checked: Django drops
        # the code of a ValidationError built from a dict.)
        message = error.value.message_dict["valid_until"][0]
        assert "högst ett år" in message
        assert one_year_after(valid_from).isoformat() in message
        assert not Consent.objects.filter(subject=adult).exists()


@with_db
@given(
    valid_from=DAYS,
    age=st.integers(AGE_OF_MAJORITY, 25),
    offset=OFFSETS,
    length=st.none() | st.integers(0, 366),
    inside=st.integers(0, 366),
    later=st.integers(1, 400),
)
@example(LEAP_DAY, 20, 0, None, 365, 1).via("29 February, a year by default")
@example(dt.date(2023, 3, 1), 20, 0, 366, 366, 1).via("a full year across 29 February")
@example(dt.date(2023, 3, 1), 20, 0, 0, 0, 1).via("a single day")
def test_a_registered_consent_is_in_force_at_most_a_year(
    world, valid_from, age, offset, length, inside, later
):
    """RULES.md §2 Validity: at most one year, a year by default. Any consent that
    consent_register accepts ends on or before one_year_after(valid_from), and the policy
    counts it from valid_from through valid_until and not a day outside."""
    last_allowed = one_year_after(valid_from)
    if length is None:
        requested_until = None
    else:
        requested_until = min(valid_from + dt.timedelta(days=length), last_allowed)
    with rolled_back():
        adult = world.person(age=age, offset=offset, on=valid_from, guardians=0)
        consent = world.register(
            adult, adult, Action.SIP, valid_from=valid_from, valid_until=requested_until
        )
        consent.refresh_from_db()

        assert consent.valid_until <= last_allowed
        assert consent.valid_until == (requested_until or last_allowed)

        def in_force(day: dt.date) -> bool:
            return world.evaluate(adult, Action.SIP, on=day).consent_satisfied

        assert in_force(valid_from)
        assert in_force(min(valid_from + dt.timedelta(days=inside), consent.valid_until))
        assert in_force(consent.valid_until)
        assert not in_force(valid_from - dt.timedelta(days=1))
        assert not in_force(consent.valid_until + dt.timedelta(days=later))
        assert not in_force(last_allowed + dt.timedelta(days=later))


# 3. Growing older never takes away what the child's own consent allows ----------------------


def own_consent_allows(
    action: str, age: int, on: dt.date, *, guardians_too: bool, has_guardians: bool = True
) -> bool:
    """Whether the child's own consent (and, if ``guardians_too``, every vårdnadshavare's)
    meets an alternative of the table."""
    consented = {CHILD, GUARDIANS} if guardians_too else {CHILD}
    rule = rule_for(action=action, age=age, on=on)
    return table_allows(rule, consented=consented, has_guardians=has_guardians)


@settings(max_examples=300, deadline=None, database=None)
@given(
    action=ACTIONS,
    age=CHILD_AGES,
    on=DAYS_WITH_A_YEAR_AFTER,
    guardians_too=st.booleans(),
)
@example(Action.OPEN_INTERVENTION, 11, LIMIT_LOWERED, False).via("11 → 12 after the change")
@example(Action.OPEN_INTERVENTION, 11, dt.date(2023, 6, 30), False).via("11 → 12 across it")
@example(Action.OPEN_INTERVENTION, 14, dt.date(2023, 6, 30), False).via("14 → 15 before it")
@example(Action.PLACEMENT_SOL, 14, LIMIT_LOWERED, True).via("14 → 15, SoL placement")
@example(Action.SIP, 17, LIMIT_LOWERED, True).via("17 → 18")
def test_the_rule_table_never_takes_away_what_the_childs_own_consent_allowed(
    action, age, on, guardians_too
):
    """RULES.md §2 Age 12 and SoL placement: the limits (12 for öppna insatser since
    2023-07-01, 15 before; 15 for SoL placement; 18) only ever add to what the child's own
    consent can carry.

    If the child's own consent (alone, or together with every vårdnadshavare's) meets an
    alternative of the table at age a, it also does at age a+1 on the same day (a child a
    year older) and a year later (the same child after the birthday). The guardians' consent
    alone is not monotone, and need not be: from 15 a SoL placement also needs the youth's.
    """
    if own_consent_allows(action, age, on, guardians_too=guardians_too):
        assert own_consent_allows(action, age + 1, on, guardians_too=guardians_too)
        assert own_consent_allows(action, age + 1, one_year_after(on), guardians_too=guardians_too)


@with_db_heavy
@given(
    action=ACTIONS,
    age=CHILD_AGES,
    offset=OFFSETS,
    on=DAYS_WITH_A_YEAR_AFTER,
    guardians=GUARDIAN_COUNTS,
    consenting=GUARDIAN_COUNTS,
)
@example(Action.OPEN_INTERVENTION, 11, 0, LIMIT_LOWERED, 2, 0).via("11 → 12")
@example(Action.OPEN_INTERVENTION, 14, 0, dt.date(2023, 1, 1), 0, 0).via("14 → 15")
@example(Action.OPEN_INTERVENTION, 13, 0, dt.date(2024, 1, 15), 2, 0).via("13 → 14")
@example(Action.PLACEMENT_SOL, 14, 10, dt.date(2024, 3, 1), 2, 2).via("SoL placement at 15")
@example(Action.SIP, 17, 0, dt.date(2025, 5, 5), 2, 2).via("17 → 18")
def test_a_child_a_year_older_keeps_what_their_own_consent_allowed(
    world, action, age, offset, on, guardians, consenting
):
    """RULES.md §2 Age 12 and SoL placement, at the evaluator: turning 12 (or 15, or 18)
    never removes what the child's own consent could carry before.

    The same child on a day at age a and on the same day a year later, at a+1, each day
    with the same consents: the child's own, and the first ``consenting`` vårdnadshavare's
    (who can no longer consent once the child is 18). Satisfied at a ⇒ satisfied at a+1.
    """
    later = one_year_after(on)
    with rolled_back():
        child = world.person(age=age, offset=offset, on=on, guardians=guardians)
        assume(child.age_on(later) == age + 1)  # not so for a 29 February birthday
        guardians_now = person_guardians(person=child, on=on)
        consenting_guardians = guardians_now[:consenting]
        for day, until in ((on, on), (later, None)):
            minor = child.age_on(day) < AGE_OF_MAJORITY
            for giver in [child, *(consenting_guardians if minor else [])]:
                world.register(child, giver, action, valid_from=day, valid_until=until)

        before = world.evaluate(child, action, on=on)
        after = world.evaluate(child, action, on=later)

        assert before.consent_satisfied == own_consent_allows(
            action,
            age,
            on,
            guardians_too=len(consenting_guardians) == len(guardians_now),
            has_guardians=bool(guardians_now),
        ), before
        if before.consent_satisfied:
            assert after.consent_satisfied, (before, after)


# 4. LVU and LVM never ask for consent ---------------------------------------------------------


@with_db
@given(
    action=st.sampled_from([Action.PLACEMENT_LVU, Action.PLACEMENT_LVM]),
    age=AGES,
    offset=OFFSETS,
    on=DAYS,
    guardians=GUARDIAN_COUNTS,
    specs=consents(None, WITHDRAWN, EXPIRED),
)
@example(Action.PLACEMENT_LVU, 20, 364, LAST_DAY, 0, [(None, 0, 0)] * 3).via("last LVU day")
@example(Action.PLACEMENT_LVU, 21, 0, LAST_DAY, 0, [(None, 0, 0)] * 3).via("LVU ends at 21")
@example(Action.PLACEMENT_LVU, 13, 0, LAST_DAY, 2, [(WITHDRAWN, 0, 0)] * 3).via("withdrawn")
@example(Action.PLACEMENT_LVM, 17, 364, LAST_DAY, 2, [(None, 0, 0)] * 3).via("LVM from 18")
def test_compulsory_care_never_asks_for_consent(world, action, age, offset, on, guardians, specs):
    """RULES.md §2 No consent needed, §3 table: LVU and LVM need no one's consent.

    The rule table applies LVU under 21 (3 §: care ends at 21 at the latest) and LVM from 18.
    Within those ages no consent is missing, whatever consents exist (none, withdrawn or
    expired); only the views are recorded, and with them the step is allowed. Outside those
    ages there is no rule and the step is refused.
    """
    with rolled_back():
        person = world.person(age=age, offset=offset, on=on, guardians=guardians)
        givers = [person, *person_guardians(person=person, on=on)]
        for giver, spec in zip(givers, specs, strict=False):
            world.give(person, giver, action, on=on, spec=spec)

        decision = world.evaluate(person, action, on=on)

        applies = age < LVU_ENDS if action == Action.PLACEMENT_LVU else age >= AGE_OF_MAJORITY
        if not applies:
            assert decision.rule is None
            assert not decision.allowed
            return
        assert decision.rule.code == ("lvu" if action == Action.PLACEMENT_LVU else "lvm")
        assert decision.missing_consents == []
        assert decision.consent_satisfied
        world.record_views(person, givers, action, on=on)
        assert world.evaluate(person, action, on=on).allowed


# 5. Guardians not called: the child's own consent or a nämnd decision ------------------------

CHILD_CONSENTS = st.sampled_from(
    [None, "covering", "other_unit", "other_category", WITHDRAWN, EXPIRED]
)


@with_db_heavy
@given(
    action=st.sampled_from([Action.SIP, Action.OPEN_INTERVENTION]),
    age=CHILD_AGES,
    offset=OFFSETS,
    on=DAYS,
    guardians=GUARDIAN_COUNTS,
    child_consent=CHILD_CONSENTS,
    decision=st.booleans(),
    guardians_consent=st.booleans(),
)
@example(Action.SIP, 15, 0, LIMIT_LOWERED, 2, None, False, True).via("the issue: 15, no consent")
@example(Action.SIP, 15, 0, LIMIT_LOWERED, 2, "other_unit", False, True).via("scope too small")
@example(Action.SIP, 12, 0, LIMIT_LOWERED, 2, "covering", False, False).via("12, own consent")
@example(Action.SIP, 13, 0, dt.date(2023, 6, 30), 2, "covering", False, True).via("13 before")
@example(Action.SIP, 13, 0, dt.date(2023, 6, 30), 2, None, True, False).via("13 before, nämnd")
@example(Action.SIP, 11, 0, LIMIT_LOWERED, 2, "covering", False, True).via("11: own is not enough")
@example(Action.SIP, 8, 0, LIMIT_LOWERED, 1, None, True, False).via("8: a nämnd decision")
def test_with_guardians_not_called_only_the_childs_own_consent_or_a_nämnd_decision_shares(
    world, action, age, offset, on, guardians, child_consent, decision, guardians_consent
):
    """RULES.md §2 Guardians not called: their consent drops out of the requirement, never
    the need for consent. A step is allowed only on the child's own consent in force covering
    the parties and the information (from 12; 15 before 2023-07-01), or below that age on a
    nämnd decision. The guardians' consents, given or not, change nothing. Every view is
    recorded, so only consent can stand in the way."""
    limit = 12 if on >= LIMIT_LOWERED else 15
    with rolled_back():
        child = world.person(age=age, offset=offset, on=on, guardians=guardians)
        guardians_now = person_guardians(person=child, on=on)
        guardians_not_called_create(
            subject=child,
            purpose=Purpose.SIP,
            reason=GuardiansNotCalled.Reason.SAFETY,
            maturity_assessment="",
            recorded_by=world.user,
            at=noon(on),
        )
        if guardians_consent:
            for guardian in guardians_now:
                world.register(child, guardian, action, valid_from=on)
        if child_consent in (WITHDRAWN, EXPIRED):
            world.give(child, child, action, on=on, spec=(child_consent, 0, 0))
        elif child_consent is not None:
            consent_register(
                subject=child,
                given_by=child,
                purpose=PURPOSE_OF[action],
                form=Consent.Form.WRITTEN,
                documented_by=world.user,
                categories=InformationCategory.objects.filter(
                    code="social" if child_consent == "other_category" else "health"
                ),
                units=[UnitFactory() if child_consent == "other_unit" else world.unit],
                valid_from=on,
                at=noon(on),
            )
        if decision:
            committee_decision_create(
                subject=child,
                guardian=None,
                purpose=Purpose.SIP,
                legal_ground="Socialnämndens beslut",
                decided_on=on,
                recorded_by=world.user,
            )
        world.record_views(child, [child, *guardians_now], action, on=on)

        result = world.evaluate(child, action, on=on)

        own_consent_covers = child_consent == "covering"
        assert result.allowed == (own_consent_covers if age >= limit else decision), result
        assert result.rule.condition == GUARDIANS_NOT_CALLED
        assert all(GUARDIANS not in alternative for alternative in result.rule.alternatives)
        if result.allowed:
            assert own_consent_covers or decision
        assert result.tasks, "the guardians' right to information stays a task"
