"""SIP access as data (sipflow.grants, cases.AccessGrant): the grants each event writes,
withdrawal and expiry, agreement with the full policy, and lists whose cost does not grow
with the number of SIPs."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import AccessGrant
from cases.selectors import case_visible
from consent.models import Consent, InformationCategory, Purpose
from consent.services import (
    consent_register,
    consent_sweep,
    consent_withdraw,
)
from directory.demo import demo_identity_number
from directory.models import Guardianship, Membership, User
from directory.services import guardianship_create, guardianship_end, person_update
from directory.signals import birth_date_changed
from sipflow import services
from sipflow.access import plan_access, plans_visible_to
from sipflow.grants import CASE_KIND, consent_ends, sip_grants_resync_due
from sipflow.models import Invitation, SipPlan
from tests.conftest import years_ago
from tests.factories import MembershipFactory, person_admin_form

pytestmark = pytest.mark.django_db


def grants(plan) -> set[tuple[int, str, bool]]:
    return set(
        AccessGrant.objects.filter(case_kind=CASE_KIND, case_id=plan.pk).values_list(
            "unit_id", "kind", "full"
        )
    )


def visible(user, at=None) -> set[int]:
    return set(plans_visible_to(user=user, at=at).values_list("pk", flat=True))


def test_each_step_writes_the_sips_grants(world):
    world.consent_all()
    plan = world.start()
    assert grants(plan) == {(world.social.pk, "own", True)}
    assert visible(world.vera) == set()

    plan = world.prepare(plan, lead_unit=world.bup, coordinator=world.vera)
    assert grants(plan) == {(world.social.pk, "own", True), (world.bup.pk, "lead", True)}
    assert visible(world.vera) == {plan.pk}
    assert visible(world.petra) == set()

    meeting = services.sip_summon(
        plan=plan, by=world.vera, starts_at=timezone.now() + dt.timedelta(days=14), place="BUP"
    )
    assert (world.primary.pk, "invited", False) in grants(plan)
    assert visible(world.petra) == {plan.pk}

    adult = MembershipFactory(unit=world.adult_psych, role=Membership.Role.HEALTH_STAFF).user
    assert visible(adult) == set()
    services.invitation_forward(
        invitation=meeting.invitations.get(unit=world.primary),
        by=world.petra,
        to_unit=world.bup,
    )
    assert (world.primary.pk, "invited", False) not in grants(plan)
    assert visible(world.petra) == set()


def test_a_consent_registered_later_gives_the_unit_its_grant_in_the_same_commit(world):
    world.consent_all(units=[world.social, world.bup])
    plan = world.start()
    plan = world.prepare(plan, units=[world.bup])
    meeting = world.summon(plan)
    Invitation.objects.create(  # not yet covered
        meeting=meeting, unit=world.primary, answer_by=meeting.answer_by
    )
    services.meeting_reschedule(
        meeting=meeting,
        by=world.sara,
        starts_at=timezone.now() + dt.timedelta(days=20),
        place="BUP",
    )
    assert visible(world.petra) == set()
    world.guardians_consent(units=[world.primary])
    assert visible(world.petra) == {plan.pk}


def test_a_guardian_registered_later_ends_the_grants_one_guardians_consent_gave(world):
    """With one vårdnadshavare, her consent is enough. When a court gives the child a second
    one, both must consent: the grants that rested on hers alone end in the same commit, and
    come back when the second is no longer vårdnadshavare."""
    father = Guardianship.objects.get(child=world.child, guardian=world.father)
    guardianship_end(guardianship=father)
    consent_register(
        subject=world.child,
        given_by=world.mother,
        purpose=Purpose.SIP,
        form=Consent.Form.WRITTEN,
        documented_by=world.sara,
        categories=InformationCategory.objects.filter(code__in=["health", "social"]),
        units=[world.social, world.bup, world.primary],
    )
    world.child_view()
    plan = world.start()
    world.prepare(plan, units=[world.bup])
    world.summon(plan)
    assert visible(world.vera) == {plan.pk}

    guardianship_create(child=world.child, guardian=world.father)
    assert not plan_access(user=world.vera, plan=plan)
    assert visible(world.vera) == set()
    assert visible(world.sara) == {plan.pk}  # the starting unit needs no consent

    guardianship_end(guardianship=Guardianship.objects.get(guardian=world.father))
    assert plan_access(user=world.vera, plan=plan)
    assert visible(world.vera) == {plan.pk}


def test_withdrawal_removes_the_sip_from_the_lists_at_once(
    world, django_capture_on_commit_callbacks
):
    consents = world.consent_all()
    plan = world.start()
    world.prepare(plan, units=[world.bup, world.primary])
    world.summon(plan)
    assert visible(world.vera) == {plan.pk}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        consent_withdraw(
            consent=consents[0],
            withdrawn_by=world.mother,
            form=Consent.Form.WRITTEN,
            documented_by=world.sara,
        )
    # The reconsideration has not run yet: the withdrawal alone ended the grants.
    assert callbacks
    assert SipPlan.objects.get(pk=plan.pk).phase != SipPlan.Phase.HALTED
    assert visible(world.vera) == set()
    assert visible(world.petra) == set()
    assert visible(world.sara) == {plan.pk}  # the starting unit needs no consent to see it
    for callback in callbacks:
        callback()
    assert SipPlan.objects.get(pk=plan.pk).phase == SipPlan.Phase.HALTED
    assert visible(world.vera) == set()
    assert visible(world.sara) == {plan.pk}


def test_a_grant_ends_with_its_consent_without_any_job(world):
    today = timezone.localdate()
    world.consent_all(units=[world.social, world.bup])
    short = world.guardians_consent(units=[world.primary], valid_until=today + dt.timedelta(days=3))
    plan = world.start()
    world.prepare(plan, units=[world.bup, world.primary])
    world.summon(plan)
    ends = set(
        AccessGrant.objects.filter(case_id=plan.pk, kind="invited").values_list(
            "valid_until", flat=True
        )
    )
    assert ends == {short[0].valid_until}  # the earliest end of the consents in force
    later = timezone.now() + dt.timedelta(days=4)
    assert plan.pk in visible(world.petra, at=later - dt.timedelta(days=1))
    # Nothing ran: no sweep, no tick, no reconsideration.
    assert visible(world.petra, at=later) == set()
    assert plan_access(user=world.petra, plan=plan, at=later) is None


def test_the_tick_continues_an_access_that_still_holds(world):
    """BUP's grant ends with the shorter consent; the one that still covers BUP carries it
    on once the tick has re-derived the grants."""
    today = timezone.localdate()
    world.consent_all()  # a year
    world.guardians_consent(units=[world.primary], valid_until=today + dt.timedelta(days=3))
    plan = world.start()
    world.prepare(plan, units=[world.bup, world.primary])
    world.summon(plan)
    later = timezone.now() + dt.timedelta(days=4)
    assert visible(world.vera, at=later) == set()
    assert plan_access(user=world.vera, plan=plan, at=later) is not None
    assert sip_grants_resync_due(at=later) == 1
    assert visible(world.vera, at=later) == {plan.pk}


def test_a_childs_grants_end_the_day_before_the_18th_birthday(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan, lead_unit=world.bup, coordinator=world.vera)
    birthday = world.child.date_of_birth.replace(year=world.child.date_of_birth.year + 18)
    ends = AccessGrant.objects.filter(case_id=plan.pk, kind="lead").values_list(
        "valid_until", flat=True
    )
    assert all(end <= birthday - dt.timedelta(days=1) for end in ends)


def _sip_list_queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("sip:index"))  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("sip:index"))
    assert response.status_code == 200
    return len(queries)


def test_the_sip_lists_query_count_does_not_grow_with_the_number_of_sips(client, world):
    world.consent_all()

    def sips(count):
        for _ in range(count):
            plan = world.start()
            world.prepare(plan)
            world.summon(plan)

    sips(2)
    assert len(visible(world.vera)) == 2
    two = _sip_list_queries(client, world.vera)
    sips(6)
    assert len(visible(world.vera)) == 8
    assert _sip_list_queries(client, world.vera) == two


# --- Property: the grants and the policy agree ----------------------------------------------


@contextlib.contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


UNITS = ("social", "bup", "primary", "adult_psych")
STEPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("consent"),
            st.sampled_from(["mother", "father"]),
            st.sets(st.sampled_from(UNITS), min_size=1),
            st.booleans(),  # the region as a whole
            st.integers(0, 20),  # days of validity
        ),
        st.tuples(st.just("withdraw"), st.integers(0, 10)),
        st.tuples(st.just("forward"), st.sampled_from(["bup", "primary", "adult_psych"])),
        st.tuples(st.just("days"), st.integers(1, 12)),
    ),
    max_size=4,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=st.integers(1, 20),
    lead=st.sampled_from(["social", "bup"]),
    huvudman=st.booleans(),
    steps=STEPS,
)
def test_the_grants_and_the_policy_agree(
    world, django_capture_on_commit_callbacks, first, lead, huvudman, steps
):
    """For a random history of consents (registered with random validity, withdrawn),
    kallelser (sent, forwarded, cancelled by the reconsideration after a withdrawal) and a
    clock that moves days ahead, the SIPs each user sees through the grants are exactly
    those ``plan_access`` allows.

    The grants end on the earliest end of the consents in force, so after a consent runs
    out an access that another consent still carries waits for the tick's re-derivation
    (``sip_grants_resync_due``): after each step the grants show no more than the policy
    allows, and after the tick has run at that date exactly as much, and every open SIP
    holds the end of its earliest consent in force (``SipPlan.consent_ends_on``)."""
    with rolled_back():
        unit = {name: getattr(world, name) for name in UNITS}
        person = {"mother": world.mother, "father": world.father}
        adult = MembershipFactory(unit=world.adult_psych, role=Membership.Role.HEALTH_STAFF).user
        region_chef = MembershipFactory(unit=world.primary, role=Membership.Role.MANAGER).user
        kommun_chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
        users = [world.sara, world.vera, world.petra, adult, region_chef, kommun_chef]
        categories = InformationCategory.objects.filter(code__in=["health", "social"])
        clock = timezone.now()
        today = timezone.localdate()
        if huvudman:
            world.consent_all(units=[world.social], organisations=[world.region])
        else:
            world.consent_all(units=[world.social, world.bup, world.primary])
        for consent in Consent.objects.filter(subject=world.child):
            Consent.objects.filter(pk=consent.pk).update(
                valid_until=today + dt.timedelta(days=first)
            )
        plan = world.start()
        if huvudman:  # a kallelse to Region Dalarna as a whole
            world.prepare(plan, units=[], organisations=[world.region])
            world.summon(plan)
        else:
            coordinator = world.vera if lead == "bup" else world.sara
            plan = world.prepare(plan, lead_unit=unit[lead], coordinator=coordinator)
            services.sip_summon(
                plan=plan,
                by=coordinator,
                starts_at=timezone.now() + dt.timedelta(days=14),
                place="BUP",
            )
        # The early ends above were written past the services: derive the grants anew.
        from sipflow.grants import grants_sync_sip

        grants_sync_sip(plan=plan, at=clock)

        def check(*, exact: bool) -> None:
            plans = list(SipPlan.objects.all())
            for user in users:
                allowed = {p.pk for p in plans if plan_access(user=user, plan=p, at=clock)}
                seen = visible(user, at=clock)
                # The chef's lists ask each row, their own unit first: the same SIPs.
                per_row = case_visible(
                    user=user,
                    case_kind=CASE_KIND,
                    on=timezone.localdate(clock),
                    own_unit="started_unit_id",
                )
                assert set(SipPlan.objects.filter(per_row).values_list("pk", flat=True)) == seen
                if exact:
                    assert seen == allowed, (user.username, steps)
                else:
                    assert seen <= allowed, (user.username, steps)
            if exact:  # the consent's end the chef's list reads, as the consents say now
                stored = SipPlan.objects.annotate(now=consent_ends(on=timezone.localdate(clock)))
                assert all(p.consent_ends_on == p.now for p in stored if p.is_open), steps

        check(exact=True)
        for step in steps:
            kind = step[0]
            try:
                with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                    if kind == "consent":
                        _, giver, names, region, days = step
                        on = timezone.localdate(clock)
                        consent_register(
                            subject=world.child,
                            given_by=person[giver],
                            purpose=Purpose.SIP,
                            form=Consent.Form.WRITTEN,
                            documented_by=world.sara,
                            categories=categories,
                            units=[unit[name] for name in names],
                            organisations=[world.region] if region else [],
                            valid_from=on,
                            valid_until=on + dt.timedelta(days=days),
                            at=clock,
                        )
                    elif kind == "withdraw":
                        active = list(
                            Consent.objects.filter(
                                subject=world.child, status=Consent.Status.ACTIVE
                            ).order_by("pk")
                        )
                        if active:
                            consent = active[step[1] % len(active)]
                            consent_withdraw(
                                consent=consent,
                                withdrawn_by=consent.given_by,
                                form=Consent.Form.WRITTEN,
                                documented_by=world.sara,
                                at=clock,
                            )
                    elif kind == "forward":
                        invitation = (
                            Invitation.objects.filter(
                                meeting__plan=plan, status=Invitation.Status.PENDING
                            )
                            .exclude(unit=unit[step[1]])
                            .order_by("pk")
                            .first()
                        )
                        if invitation is not None:
                            by = world.vera if invitation.unit_id == world.bup.pk else world.petra
                            services.invitation_forward(
                                invitation=invitation,
                                by=by,
                                to_unit=unit[step[1]],
                                at=clock,
                            )
                    else:
                        clock += dt.timedelta(days=step[1])
                        consent_sweep(at=clock)
            except (ValidationError, PermissionDenied):
                pass  # refused by the service, as it should be: nothing changed
            check(exact=False)
            sip_grants_resync_due(at=clock)
            check(exact=True)


def test_the_sip_holds_the_end_of_its_earliest_consent_in_force(
    world, django_capture_on_commit_callbacks
):
    """``SipPlan.consent_ends_on``, which the chef's list of consents running out reads:
    written with the grants when a consent is registered, by the reconsideration after a
    withdrawal, and by the tick the day after the earliest has run out, when the next one's
    end takes its place."""
    today = timezone.localdate()
    world.consent_all()  # a year
    plan = world.start()
    year = Consent.objects.filter(subject=world.child).order_by("valid_until").first()
    assert SipPlan.objects.get(pk=plan.pk).consent_ends_on == year.valid_until
    short = world.guardians_consent(units=[world.primary], valid_until=today + dt.timedelta(days=3))
    assert SipPlan.objects.get(pk=plan.pk).consent_ends_on == short[0].valid_until
    later = timezone.now() + dt.timedelta(days=4)
    assert sip_grants_resync_due(at=later) == 1
    assert SipPlan.objects.get(pk=plan.pk).consent_ends_on == year.valid_until
    for consent in Consent.objects.filter(subject=world.child, status=Consent.Status.ACTIVE):
        with django_capture_on_commit_callbacks(execute=True):
            consent_withdraw(
                consent=consent,
                withdrawn_by=consent.given_by,
                form=Consent.Form.WRITTEN,
                documented_by=world.sara,
            )
    assert SipPlan.objects.get(pk=plan.pk).consent_ends_on is None


def test_a_corrected_personnummer_re_derives_the_grants_in_the_same_commit(world):
    """Both vårdnadshavare consented for a 13-year-old. Corrected to the personnummer of a
    19-year-old, the person must consent himself: the grants that rested on his guardians'
    consent end in the commit that corrects the number, and come back with the number."""
    world.consent_all()
    plan = world.start()
    world.prepare(plan, units=[world.bup])
    world.summon(plan)
    assert visible(world.vera) == {plan.pk}
    right = world.child.personal_identity_number

    world.child.personal_identity_number = demo_identity_number(
        birth_date=years_ago(19, today=timezone.localdate()), legal_sex=world.child.legal_sex
    )
    person_update(person=world.child)
    assert visible(world.vera) == set()
    assert not plan_access(user=world.vera, plan=plan)
    assert visible(world.sara) == {plan.pk}  # the starting unit needs no consent

    world.child.personal_identity_number = right
    person_update(person=world.child)
    assert visible(world.vera) == {plan.pk}


def test_a_correction_of_the_name_alone_re_derives_nothing(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan, units=[world.bup])
    before = grants(plan)
    sent = []
    receiver = lambda sender, **kwargs: sent.append(kwargs)  # noqa: E731
    birth_date_changed.connect(receiver, weak=False)
    try:
        world.child.first_name = "Alvah"
        person_update(person=world.child)
    finally:
        birth_date_changed.disconnect(receiver)
    assert sent == []
    assert grants(plan) == before
    world.child.refresh_from_db()
    assert world.child.first_name == "Alvah"


def test_the_admins_correction_of_a_personnummer_re_derives_the_grants(world, client):
    world.consent_all()
    plan = world.start()
    world.prepare(plan, units=[world.bup])
    world.summon(plan)
    assert visible(world.vera) == {plan.pk}
    client.force_login(User.objects.create_superuser("nod", "nod@sipflow.invalid", "x"))
    child = world.child
    data = person_admin_form(
        child,
        personal_identity_number=demo_identity_number(
            birth_date=years_ago(19, today=timezone.localdate()), legal_sex=child.legal_sex
        ),
    )
    response = client.post(reverse("admin:directory_person_change", args=[child.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    child.refresh_from_db()
    assert child.age_on(timezone.localdate()) == 19
    assert visible(world.vera) == set()
