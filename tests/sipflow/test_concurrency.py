"""Two nurses accept the same kallelse at the same moment: one wins, the other is told."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from viewflow.workflow.exceptions import FlowLockFailed

from notifications.models import Event
from sipflow import services
from sipflow.events import SipEvent
from sipflow.models import HistoryEntry, Invitation


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_users_accept_the_same_invitation_at_once(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    invitation = world.summon(plan).invitations.get(unit=world.bup)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def accept(user):
        try:
            barrier.wait()
            services.invitation_accept(invitation=invitation, by=user, attendees=user.username)
            outcomes[user.username] = "accepted"
        except services.StepConflict as conflict:
            outcomes[user.username] = conflict.messages[0]
        except FlowLockFailed:
            outcomes[user.username] = "locked"
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(user,)) for user in (world.vera, world.vilma)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["vera", "vilma"]
    winners = [name for name, outcome in outcomes.items() if outcome == "accepted"]
    assert len(winners) == 1
    loser = next(outcome for outcome in outcomes.values() if outcome != "accepted")
    assert loser == "locked" or "Kallelsen är redan besvarad" in loser
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.attendees == winners[0]
    assert HistoryEntry.objects.filter(what__contains="accepterade").count() == 1
    assert Event.objects.filter(kind=SipEvent.ANSWER_RECEIVED).count() == 1
