"""A consent ends while someone is changing the SIP: the end commits at once and access is
refused at once; the SIP is brought in line once it is free, by the tick if need be."""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task

from consent.models import Consent
from consent.services import consent_sweep, consent_withdraw
from notifications.models import Event
from overview.management.commands.tick import tick
from sipflow import services
from sipflow.access import plan_access
from sipflow.events import SipEvent
from sipflow.flows import SipFlow
from sipflow.models import HistoryEntry, Invitation, ReconsideredConsent, SipPlan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@contextmanager
def someone_editing(plan):
    """Another connection holds the SIP's flow lock, as a user's step does, until the end of
    the block."""
    locked, release = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def edit():
        try:
            with SipFlow.lock(plan.process_id):
                locked.set()
                release.wait(timeout=60)
        except BaseException as error:  # surfaced in the test below
            failed.append(error)
            locked.set()
        finally:
            connection.close()

    thread = threading.Thread(target=edit)
    thread.start()
    assert locked.wait(timeout=30)
    assert failed == []
    try:
        yield
    finally:
        release.set()
        thread.join()


def summoned(world):
    consents = world.consent_all()
    plan = world.start()
    plan = world.prepare(plan)
    world.summon(plan)
    return plan, consents


def assert_halted_with_history(plan):
    plan.refresh_from_db()
    assert plan.phase == SipPlan.Phase.HALTED
    assert set(Invitation.objects.values_list("status", flat=True)) == {Invitation.Status.CANCELLED}
    cancelled = HistoryEntry.objects.filter(
        plan=plan, what="Kallelsen till %(invitee)s återkallades: SIP:en stoppades."
    )
    assert sorted(entry.params["invitee"] for entry in cancelled) == [
        "BUP Falun",
        "Vårdcentral Ludvika",
    ]


def test_a_withdrawal_commits_while_the_sip_is_locked_and_the_tick_halts_it_later(world):
    plan, consents = summoned(world)

    with someone_editing(plan):
        consent_withdraw(
            consent=consents[1],
            withdrawn_by=world.father,
            form=Consent.Form.ORAL,
            documented_by=world.sara,
        )
        assert Consent.objects.get(pk=consents[1].pk).status == Consent.Status.WITHDRAWN
        plan.refresh_from_db()
        assert plan_access(user=world.vera, plan=plan) is None
        assert plan.phase == SipPlan.Phase.SUMMONING  # not yet brought in line
        assert not ReconsideredConsent.objects.exists()

    assert tick()["reconsidered"] == 1
    assert_halted_with_history(plan)
    assert ReconsideredConsent.objects.filter(consent=consents[1]).exists()
    assert tick()["reconsidered"] == 0


def test_an_expiry_commits_while_the_sip_is_locked_and_the_tick_halts_it_later(world):
    plan, consents = summoned(world)
    Consent.objects.filter(pk=consents[0].pk).update(
        valid_from=timezone.localdate() - dt.timedelta(days=200),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )

    with someone_editing(plan):
        assert consent_sweep().expired == 1
        assert Consent.objects.get(pk=consents[0].pk).status == Consent.Status.EXPIRED
        plan.refresh_from_db()
        assert plan.phase == SipPlan.Phase.SUMMONING

    assert tick()["reconsidered"] == 1
    assert_halted_with_history(plan)


def test_a_withdrawal_with_the_sip_free_is_reconsidered_at_once(world):
    plan, consents = summoned(world)
    consent_withdraw(
        consent=consents[0],
        withdrawn_by=world.mother,
        form=Consent.Form.ORAL,
        documented_by=world.sara,
    )
    assert_halted_with_history(plan)
    assert ReconsideredConsent.objects.filter(consent=consents[0]).exists()
    assert tick()["reconsidered"] == 0


def test_a_halt_cancels_answered_kallelser_to_the_coming_meeting_too(world):
    plan, consents = summoned(world)
    services.invitation_accept(
        invitation=Invitation.objects.get(unit=world.bup), by=world.vera, attendees="Vera"
    )
    consent_withdraw(
        consent=consents[0],
        withdrawn_by=world.mother,
        form=Consent.Form.ORAL,
        documented_by=world.sara,
    )
    assert_halted_with_history(plan)
    assert Event.objects.filter(
        kind=SipEvent.INVITATION_CANCELLED, recipient_unit=world.bup
    ).exists()
    assert not Task.objects.filter(
        process=plan.process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).exists()
