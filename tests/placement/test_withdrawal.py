"""Consent withdrawn in an SoL placement: the urgent reaction (the date, the history, the
events to the handläggare and the chef) is never lost. A placement someone is changing at
that moment, or a reaction that fails, is left unhandled and the tick retries it, with the
date the consent ended."""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consent.models import Consent
from consent.services import consent_withdraw
from notifications.models import Event
from overview.management.commands.tick import tick
from placement.events import PlacementEvent
from placement.flows import PlacementFlow
from placement.models import ConsentEndHandled, Placement
from tests.placement.test_views import client_for, do, opened_in_flow


def placed_in_flow(pworld) -> Placement:
    """An SoL placement opened with its process, decided and moved in (planned, its cost
    allocation approved), the flow waiting for its first review."""
    pworld.sol_consents()
    placement = opened_in_flow(pworld)
    sara = client_for(pworld.sara)
    proposal = {
        "hvb_unit": pworld.hvb.pk,
        "legal_basis": "sol",
        "categories": [c.pk for c in pworld.categories()],
    }
    today = timezone.localdate().isoformat()
    assert do(sara, placement, PlacementFlow.investigate, proposal).status_code == 302
    decision = {"level": "delegate", "decided_by": "Karin Delegat", "on": today}
    assert do(sara, placement, PlacementFlow.decide, decision).status_code == 302
    pworld.cost_allocation(placement)
    assert do(sara, placement, PlacementFlow.move_in, {"start_date": today}).status_code == 302
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.PLACED
    return placement


@contextmanager
def someone_changing(placement):
    """Another connection holds the placement's flow lock, as a user's step does, until the
    end of the block."""
    locked, release = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def change():
        try:
            with PlacementFlow.lock(placement.process_id):
                locked.set()
                release.wait(timeout=60)
        except BaseException as error:  # surfaced below
            failed.append(error)
            locked.set()
        finally:
            connection.close()

    thread = threading.Thread(target=change)
    thread.start()
    assert locked.wait(timeout=30)
    assert failed == []
    try:
        yield
    finally:
        release.set()
        thread.join()


def youths_consent(pworld) -> Consent:
    return Consent.objects.get(subject=pworld.youth, given_by=pworld.youth)


def urgent_events():
    return Event.objects.filter(kind=PlacementEvent.CONSENT_ENDED)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_withdrawal_while_the_placement_is_locked_is_raised_by_the_tick(pworld):
    placement = placed_in_flow(pworld)
    yesterday = timezone.now() - dt.timedelta(days=1)
    consent = youths_consent(pworld)

    with someone_changing(placement):
        consent_withdraw(
            consent=consent,
            withdrawn_by=pworld.youth,
            form=Consent.Form.WRITTEN,
            documented_by=pworld.sara,
            at=yesterday,
        )
        # The withdrawal stands at once; the reaction waits for the lock.
        assert Consent.objects.get(pk=consent.pk).status == Consent.Status.WITHDRAWN
        placement.refresh_from_db()
        assert placement.consent_ended_on is None
        assert not ConsentEndHandled.objects.exists()
        assert not urgent_events().exists()

    assert tick()["placement_consent_ends"] == 1
    placement.refresh_from_db()
    assert placement.phase == Placement.Phase.PLACED  # neither ended nor halted
    assert placement.consent_ended_on == timezone.localdate(yesterday)  # when it happened
    told = set(urgent_events().values_list("recipient_user", flat=True))
    assert told == {pworld.sara.pk, pworld.carl.pk}
    assert urgent_events().get(recipient_user=pworld.sara).data["on"] == (
        timezone.localdate(yesterday).isoformat()
    )
    assert (
        placement.history.filter(what__startswith="Samtycket till placeringen upphörde").count()
        == 1
    )
    assert ConsentEndHandled.objects.filter(consent=consent).exists()
    assert tick()["placement_consent_ends"] == 0  # once
    assert urgent_events().count() == 2


@pytest.mark.django_db
def test_a_reaction_that_fails_is_retried_by_the_tick(pworld):
    from tests.placement.test_under import placed_sol

    placement = placed_sol(pworld)
    consent = youths_consent(pworld)
    with (
        mock.patch(
            "placement.services.withdrawal.event_emit", side_effect=RuntimeError("mail down")
        ),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        consent_withdraw(
            consent=consent,
            withdrawn_by=pworld.youth,
            form=Consent.Form.WRITTEN,
            documented_by=pworld.sara,
        )
    # The withdrawal committed; its reaction rolled back whole and is owed.
    assert Consent.objects.get(pk=consent.pk).status == Consent.Status.WITHDRAWN
    placement.refresh_from_db()
    assert placement.consent_ended_on is None
    assert not placement.history.filter(what__startswith="Samtycket till placeringen").exists()
    assert not ConsentEndHandled.objects.exists()

    assert tick()["placement_consent_ends"] == 1
    placement.refresh_from_db()
    assert placement.consent_ended_on == timezone.localdate()
    assert set(urgent_events().values_list("recipient_user", flat=True)) == {
        pworld.sara.pk,
        pworld.carl.pk,
    }
    assert tick()["placement_consent_ends"] == 0


@pytest.mark.django_db
def test_a_withdrawal_with_the_placement_free_is_handled_at_once(pworld):
    from tests.placement.test_under import placed_sol

    placement = placed_sol(pworld)
    consent = youths_consent(pworld)
    with TestCase.captureOnCommitCallbacks(execute=True):
        consent_withdraw(
            consent=consent,
            withdrawn_by=pworld.youth,
            form=Consent.Form.WRITTEN,
            documented_by=pworld.sara,
        )
    placement.refresh_from_db()
    assert placement.consent_ended_on == timezone.localdate()
    assert ConsentEndHandled.objects.filter(consent=consent).exists()
    assert tick()["placement_consent_ends"] == 0
    assert urgent_events().count() == 2


@pytest.mark.django_db
def test_the_chefs_list_of_ended_consents_reads_its_own_index(pworld):
    """The chef's list of SoL placements whose consent ended reads them through the partial
    index kept for it (one unit's, by the day the consent ended), not by reading every
    running placement of the unit: the index's condition must stay implied by the list's
    filter. Asked of the planner with the scans that need no index turned off."""
    from cases.registry import overview_list
    from directory.selectors import user_managed_units
    from overview.selectors import OverviewReader
    from tests.placement.test_under import placed_sol

    placement = placed_sol(pworld)
    with TestCase.captureOnCommitCallbacks(execute=True):
        consent_withdraw(
            consent=youths_consent(pworld),
            withdrawn_by=pworld.youth,
            form=Consent.Form.WRITTEN,
            documented_by=pworld.sara,
        )
    chef = pworld.carl
    reader = OverviewReader(
        user=chef, units=list(user_managed_units(user=chef)), today=timezone.localdate()
    )
    spec = overview_list("placement_consents_ended")
    with CaptureQueriesContext(connection) as queries:
        page = reader.page(spec)
    assert [row.row for row in page.rows] == [placement]
    keys = next(q["sql"] for q in queries if 'AS "pk" FROM "placement_placement"' in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        try:
            cursor.execute("EXPLAIN " + keys)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_bitmapscan")
    assert "placement_consent_ended" in plan, plan
