"""Every notice links to a page its recipient can open, or to none.

Vera (vårdpersonal at BUP Falun) was told that a consent naming her region had been
registered, and its link opened the consent's page: "Sidan finns inte", since she sees the
person only through a SIP her unit is called to, and there was none yet. Here each kind of
notice is raised the way the services raise it, and every recipient opens it as a user
would: the notice's link (through the notice list's own redirect) answers 200."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from consent.events import ConsentEvent
from consent.models import Consent
from consent.services import consent_sweep, consent_withdraw
from directory.models import Membership, Organisation, Unit
from notifications.models import Notification
from notifications.workdays import add_working_days
from sipflow import services
from sipflow.events import SipEvent
from sipflow.models import SipPlan
from sipflow.reminders import answer_due_soon_remind
from sipflow.services.follow_ups import follow_up_announce
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory
from tests.sipflow_world import answer_by_set

pytestmark = pytest.mark.django_db


def opened_by_every_recipient(client, kind: str) -> list[str]:
    """Each recipient of each notice of ``kind`` opens it: where it leads must answer 200
    (a notice without a link leads to the notice list). Returns the links followed."""
    notices = list(Notification.objects.filter(event__kind=kind).select_related("event", "user"))
    assert notices, f"no notice of kind {kind}"
    followed = []
    for notice in notices:
        client.force_login(notice.user)
        opened = client.get(reverse("notifications:open", kwargs={"pk": notice.pk}))
        assert opened.status_code == 302
        page = client.get(opened.url)
        assert page.status_code == 200, (
            f"{kind}: {notice.user.username} opened {opened.url} and got {page.status_code}"
        )
        followed.append(notice.event.url)
    return followed


def summoned(world) -> SipPlan:
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.summon(plan)
    return SipPlan.objects.get(pk=plan.pk)


def test_consent_registered_opens_for_the_kommun_and_leads_the_region_nowhere_it_cannot_go(
    client, world
):
    world.consent_all()
    links = opened_by_every_recipient(client, ConsentEvent.CONSENT_REGISTERED)
    # The kommun's own staff open the consent; BUP and the vårdcentral, who see the child
    # only once called to a SIP, are told without a link.
    sara_notices = Notification.objects.filter(
        user=world.sara, event__kind=ConsentEvent.CONSENT_REGISTERED
    )
    assert all(notice.event.url for notice in sara_notices)
    vera_notices = Notification.objects.filter(
        user=world.vera, event__kind=ConsentEvent.CONSENT_REGISTERED
    )
    assert vera_notices and not any(notice.event.url for notice in vera_notices)
    assert any(links)


def test_the_kallelse_its_answer_and_its_reminders_open_for_their_recipients(client, world):
    plan = summoned(world)
    invitation = plan.meetings.get().invitations.get(unit=world.bup)
    services.invitation_accept(invitation=invitation, by=world.vera, attendees="Vera")
    assert all(opened_by_every_recipient(client, SipEvent.INVITATION_SENT))
    assert all(opened_by_every_recipient(client, SipEvent.ANSWER_RECEIVED))

    meeting = plan.meetings.get()
    services.meeting_reschedule(
        meeting=meeting,
        by=world.sara,
        starts_at=timezone.now() + dt.timedelta(days=21),
        place="BUP Falun",
    )
    assert all(opened_by_every_recipient(client, SipEvent.INVITATION_RESCHEDULED))

    meeting.refresh_from_db()
    morning = timezone.make_aware(dt.datetime.combine(meeting.answer_by, dt.time(9)))
    assert answer_due_soon_remind(at=morning)
    assert all(opened_by_every_recipient(client, SipEvent.ANSWER_DUE_SOON))

    late = timezone.make_aware(
        dt.datetime.combine(add_working_days(meeting.answer_by, 1), dt.time(10))
    )
    assert services.invitation_remind_unanswered(at=late)
    assert all(opened_by_every_recipient(client, SipEvent.INVITATION_UNANSWERED))

    follow_up_announce(plan=plan)
    assert all(opened_by_every_recipient(client, SipEvent.FOLLOW_UP_DUE))


def test_a_withdrawal_and_the_kallelser_it_cancels_lead_only_where_the_recipient_may_go(
    client, world
):
    plan = summoned(world)
    consent = Consent.objects.filter(subject=world.child, given_by=world.mother).get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        consent_withdraw(
            consent=consent,
            withdrawn_by=world.mother,
            form=Consent.Form.ORAL,
            documented_by=world.sara,
        )
    assert SipPlan.objects.get(pk=plan.pk).phase == SipPlan.Phase.HALTED
    opened_by_every_recipient(client, ConsentEvent.CONSENT_WITHDRAWN)
    opened_by_every_recipient(client, SipEvent.INVITATION_CANCELLED)


def test_the_lead_handed_back_opens_the_sip_for_the_starting_unit(
    client, world, django_capture_on_commit_callbacks
):
    from tests.sipflow.test_lead_consent import bup_leads, withdraw

    _plan, to_bup = bup_leads(world)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(to_bup[1], world.sara)
    assert all(opened_by_every_recipient(client, SipEvent.LEAD_RETURNED))


def test_a_consent_running_out_and_run_out_opens_for_its_recipients(client, world):
    consents = world.consent_all()
    ends = consents[0].valid_until
    consent_sweep(at=timezone.make_aware(dt.datetime.combine(ends, dt.time(9))))
    assert all(opened_by_every_recipient(client, ConsentEvent.CONSENT_EXPIRING))
    consent_sweep(
        at=timezone.make_aware(dt.datetime.combine(ends + dt.timedelta(days=1), dt.time(9)))
    )
    opened_by_every_recipient(client, ConsentEvent.CONSENT_EXPIRED)


# --- Placement ---------------------------------------------------------------------------


def test_a_placements_notices_open_for_the_handlaggare_and_the_chefs(client, pworld):
    from placement import services as placement_services
    from placement.events import PlacementEvent
    from tests.placement.test_under import at, placed_sol, withdraw_youths_consent

    placed_sol(pworld, acute=True)
    region_chef = MembershipFactory(unit=pworld.sip.bup, role=Membership.Role.MANAGER).user
    assert placement_services.cost_allocations_remind(at=at(dt.date(2026, 10, 17)))
    assert all(opened_by_every_recipient(client, PlacementEvent.COST_ALLOCATION_DUE))
    assert placement_services.cost_allocations_remind(at=at(dt.date(2026, 11, 1)))
    opened_by_every_recipient(client, PlacementEvent.COST_ALLOCATION_OVERDUE)
    assert Notification.objects.filter(
        user=region_chef, event__kind=PlacementEvent.COST_ALLOCATION_OVERDUE
    ).exists()

    assert placement_services.reviews_remind(at=at(dt.date(2027, 1, 29)))
    assert all(opened_by_every_recipient(client, PlacementEvent.REVIEW_DUE))

    withdraw_youths_consent(pworld)
    assert all(opened_by_every_recipient(client, PlacementEvent.CONSENT_ENDED))


def test_a_handover_between_regions_opens_for_both_regions_chefs(client, pworld):
    from placement import services as placement_services
    from placement.events import PlacementEvent
    from tests.placement.test_under import START, placed_sol

    placed_sol(pworld)
    region = OrganisationFactory(name="Region Gävleborg", kind=Organisation.Kind.REGION)
    gavle = OrganisationFactory(
        name="Gävle kommun", kind=Organisation.Kind.MUNICIPALITY, region=region
    )
    clinic = UnitFactory(organisation=region, name="BUP Gävle", kind=Unit.Kind.CHILD_PSYCHIATRY)
    MembershipFactory(unit=clinic, role=Membership.Role.MANAGER)
    MembershipFactory(unit=pworld.sip.bup, role=Membership.Role.MANAGER)
    (handover,) = placement_services.person_registration_move(
        person=pworld.youth, municipality=gavle, by=pworld.sara, on=START
    )
    assert all(opened_by_every_recipient(client, PlacementEvent.HANDOVER_TO_SEND))
    placement_services.region_handover_send(
        handover=handover, by=pworld.vera, note="Pågående BUP-kontakt varannan vecka."
    )
    assert all(opened_by_every_recipient(client, PlacementEvent.HANDOVER_STARTED))


# --- Avvikelser --------------------------------------------------------------------------


def test_an_avvikelses_notices_open_for_its_parties_and_handlers(client, world):
    from deviations import services as deviation_services
    from deviations.events import DeviationEvent
    from deviations.models import Deviation
    from tests.deviations.helpers import report
    from tests.deviations.test_services import with_handlers

    chefs = {
        "social": MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user,
        "bup": MembershipFactory(unit=world.bup, role=Membership.Role.MANAGER).user,
    }
    deviation = report(world)
    assert all(opened_by_every_recipient(client, DeviationEvent.REPORTED))
    deviation_services.allocation_propose(
        deviation=deviation,
        by=world.sara,
        responsibilities="Socialtjänsten kallar på nytt inom en vecka.",
        until=timezone.localdate() + dt.timedelta(days=7),
    )
    assert all(opened_by_every_recipient(client, DeviationEvent.ALLOCATION_PROPOSED))
    deviation_services.allocation_agree(deviation=deviation, by=world.vera)
    deviation = Deviation.objects.get(pk=deviation.pk)
    with_handlers(world, deviation, chefs)
    assert all(opened_by_every_recipient(client, DeviationEvent.HANDLER_NAMED))
    deviation_services.measures_record(
        deviation=deviation, by=chefs["social"], measures="Kallelser går till brevlådan."
    )
    assert all(opened_by_every_recipient(client, DeviationEvent.SIGN_OFF_ASKED))
    deviation_services.measures_sign_off(deviation=deviation, by=chefs["social"])
    deviation_services.measures_sign_off(deviation=deviation, by=chefs["bup"])
    assert all(opened_by_every_recipient(client, DeviationEvent.CLOSED))


def test_an_avvikelses_reminder_and_tvist_open_for_its_parties(client, world):
    from deviations import services as deviation_services
    from deviations.events import DeviationEvent
    from tests.deviations.helpers import at, report

    reported = timezone.localdate() - dt.timedelta(days=3)
    deviation = report(world, at=at(reported, 15))
    assert deviation_services.allocation_reminders_send(at=at(reported + dt.timedelta(days=1), 8))
    assert all(opened_by_every_recipient(client, DeviationEvent.ALLOCATION_REMINDER))
    chef = MembershipFactory(unit=world.social, role=Membership.Role.MANAGER).user
    deviation_services.allocation_agree(deviation=deviation, by=world.sara)
    deviation_services.dispute_raise(deviation=deviation, by=chef, matter="Vem betalar?")
    assert all(opened_by_every_recipient(client, DeviationEvent.DISPUTE))


def test_the_chefs_digest_opens_her_overview(client, world):
    from overview.digest import OverviewEvent, escalation_digests_send
    from sipflow.models import Meeting

    plan = summoned(world)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    answer_by_set(Meeting.objects.filter(plan=plan), yesterday)
    MembershipFactory(unit=world.social, role=Membership.Role.MANAGER)
    MembershipFactory(unit=world.bup, role=Membership.Role.MANAGER)
    today = timezone.localdate()
    assert escalation_digests_send(at=timezone.make_aware(dt.datetime.combine(today, dt.time(9))))
    assert all(opened_by_every_recipient(client, OverviewEvent.ESCALATION))


def test_every_kind_of_notice_is_opened_above():
    """A new kind of notice gets its test here: its link must open for its recipients."""
    import inspect
    import sys

    from notifications.kinds import event_kinds

    source = inspect.getsource(sys.modules[__name__])
    untested = []
    for kind in event_kinds():
        member = next(
            (
                name
                for enum in _event_enums()
                for name, member in enum.__members__.items()
                if member.value == kind.code
            ),
            None,
        )
        if member is None or f"Event.{member})" not in source:
            untested.append(kind.code)
    assert not untested, f"no test opens these notices: {untested}"


def _event_enums():
    from deviations.events import DeviationEvent
    from overview.digest import OverviewEvent
    from placement.events import PlacementEvent

    return (ConsentEvent, SipEvent, PlacementEvent, DeviationEvent, OverviewEvent)
