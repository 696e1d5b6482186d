"""The tvist ladder: local management of both parties → Länschefsnätverket (notice to its
steering group at least a month before the meeting, then in writing) → Välfärdsrådet; each
level records its proposal and decision with their dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.errors import Conflict, InvalidState, NotParty
from deviations import services
from deviations.events import DeviationEvent
from deviations.models import Deviation, Dispute
from deviations.selectors import notice_check
from directory.durations import add_months
from notifications.models import Event
from tests.deviations.helpers import at, report

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
START = TODAY - dt.timedelta(days=120)


def day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


@pytest.fixture
def dispute(world, chefs):
    deviation = report(world, at=at(day(0)))
    services.allocation_agree(deviation=deviation, by=world.sara, at=at(day(0), 12))
    return services.dispute_raise(
        deviation=deviation, by=chefs["social"], matter="Vem betalar?", at=at(day(1))
    )


def local_decided(dispute, chef, *, resolved=False):
    services.dispute_level_record(
        dispute=dispute, by=chef, proposal="Dela lika.", proposal_on=day(5), at=at(day(5))
    )
    return services.dispute_decide(
        dispute=dispute,
        by=chef,
        decision="Ingen enighet." if not resolved else "Kostnaden delas lika.",
        decided_on=day(10),
        resolved=resolved,
        at=at(day(10)),
    )


def test_a_tvist_is_raised_by_a_chef_or_handler_and_starts_locally(world, chefs, dispute):
    assert dispute.stage == Dispute.Stage.LOCAL
    assert [(level.level, level.opened_on) for level in dispute.levels.all()] == [("local", day(1))]
    assert Event.objects.filter(kind=DeviationEvent.DISPUTE).count() == 2  # both units
    with pytest.raises(Conflict):
        services.dispute_raise(deviation=dispute.deviation, by=chefs["bup"], matter="Igen")
    deviation = report(world)
    with pytest.raises(NotParty):  # a socialsekreterare is not the management
        services.dispute_raise(deviation=deviation, by=world.sara, matter="Vem betalar?")


def test_each_level_records_its_proposal_and_decision_with_dates(chefs, dispute):
    chef = chefs["social"]
    with pytest.raises(ValidationError) as no_proposal:
        services.dispute_decide(
            dispute=dispute,
            by=chef,
            decision="Nej.",
            decided_on=day(3),
            resolved=False,
            at=at(day(3)),
        )
    assert "decision" in no_proposal.value.message_dict
    with pytest.raises(ValidationError) as half:
        services.dispute_level_record(dispute=dispute, by=chef, proposal="Dela lika.")
    assert "proposal_on" in half.value.message_dict
    services.dispute_level_record(
        dispute=dispute, by=chef, proposal="Dela lika.", proposal_on=day(5), at=at(day(5))
    )
    with pytest.raises(ValidationError) as before:
        services.dispute_decide(
            dispute=dispute,
            by=chef,
            decision="Nej.",
            decided_on=day(4),
            resolved=False,
            at=at(day(10)),
        )
    assert "decided_on" in before.value.message_dict
    dispute = local_decided(dispute, chef)

    assert dispute.stage == Dispute.Stage.NETWORK
    local, network = dispute.levels.order_by("pk")
    assert (local.proposal, local.proposal_on, local.decision, local.decided_on) == (
        "Dela lika.",
        day(5),
        "Ingen enighet.",
        day(10),
    )
    assert (network.level, network.opened_on) == ("network", day(10))
    texts = [entry.text for entry in dispute.deviation.history.all()]
    assert "Tvisten fördes till Länschefsnätverket." in texts


def test_lanschefsnatverket_needs_notice_a_month_before_its_meeting(chefs, dispute):
    chef = chefs["bup"]
    dispute = local_decided(dispute, chefs["social"])
    notice = day(20)
    with pytest.raises(ValidationError) as early:
        services.dispute_level_record(
            dispute=dispute,
            by=chef,
            notice_on=notice,
            written_on=notice + dt.timedelta(days=3),
            meeting_on=add_months(notice, 1) - dt.timedelta(days=1),
            at=at(notice),
        )
    message = " ".join(early.value.message_dict["meeting_on"])
    assert add_months(notice, 1).isoformat() in message
    assert "avsnitt 7.1.2 Tvist på regional nivå" in message
    assert "001" not in message and "≈L" not in message
    with pytest.raises(ValidationError) as written_first:
        services.dispute_level_record(
            dispute=dispute,
            by=chef,
            notice_on=notice,
            written_on=notice - dt.timedelta(days=1),
            meeting_on=add_months(notice, 1),
            at=at(notice),
        )
    assert "written_on" in written_first.value.message_dict

    services.dispute_level_record(
        dispute=dispute,
        by=chef,
        notice_on=notice,
        written_on=notice + dt.timedelta(days=3),
        meeting_on=add_months(notice, 1),  # exactly a month: allowed
        proposal="Regionen betalar behandlingen.",
        proposal_on=notice + dt.timedelta(days=10),
        at=at(notice + dt.timedelta(days=10)),
    )
    meeting = add_months(notice, 1)
    with pytest.raises(ValidationError) as before_meeting:
        services.dispute_decide(
            dispute=dispute,
            by=chef,
            decision="Nej.",
            decided_on=meeting - dt.timedelta(days=1),
            resolved=False,
            at=at(meeting),
        )
    assert "decided_on" in before_meeting.value.message_dict
    dispute = services.dispute_decide(
        dispute=dispute,
        by=chef,
        decision="Länschefsnätverket fann ingen lösning.",
        decided_on=meeting,
        resolved=False,
        at=at(meeting),
    )
    assert dispute.stage == Dispute.Stage.COUNCIL
    assert dispute.levels.get(level="council").opened_on == meeting


def test_the_notice_check_flags_the_latest_notice_for_a_meeting():
    check = notice_check(notice_on=None, meeting_on=dt.date(2026, 3, 31))
    assert check.latest_notice == dt.date(2026, 2, 28)  # a month before, at the month's end
    check = notice_check(notice_on=dt.date(2026, 1, 31), meeting_on=None)
    assert check.earliest_meeting == dt.date(2026, 2, 28)
    # Before the agreement that sets the notice there is no rule to check.
    assert notice_check(notice_on=dt.date(2019, 1, 1), meeting_on=None).months is None


def test_valfardsradet_is_the_top_of_the_ladder(world, chefs, dispute):
    chef = chefs["social"]
    dispute = local_decided(dispute, chef)
    notice = day(20)
    meeting = add_months(notice, 1)
    services.dispute_level_record(
        dispute=dispute,
        by=chef,
        notice_on=notice,
        written_on=day(22),
        meeting_on=meeting,
        proposal="Förslag.",
        proposal_on=day(30),
        at=at(day(30)),
    )
    dispute = services.dispute_decide(
        dispute=dispute,
        by=chef,
        decision="Ingen lösning.",
        decided_on=meeting,
        resolved=False,
        at=at(meeting),
    )
    council_day = meeting + dt.timedelta(days=20)
    with pytest.raises(ValidationError):  # no notice at Välfärdsrådet
        services.dispute_level_record(
            dispute=dispute, by=chef, notice_on=council_day, at=at(council_day)
        )
    services.dispute_level_record(
        dispute=dispute,
        by=chef,
        proposal="Presidiets förslag.",
        proposal_on=council_day,
        meeting_on=council_day,
        at=at(council_day),
    )
    dispute = services.dispute_decide(
        dispute=dispute,
        by=chef,
        decision="Överenskommelsen omförhandlas.",
        decided_on=council_day,
        resolved=False,
        at=at(council_day),
    )
    assert dispute.stage == Dispute.Stage.UNRESOLVED
    assert [level.level for level in dispute.levels.order_by("pk")] == [
        "local",
        "network",
        "council",
    ]
    with pytest.raises(InvalidState):
        services.dispute_decide(
            dispute=dispute,
            by=chef,
            decision="Igen.",
            decided_on=council_day,
            resolved=True,
            at=at(council_day),
        )


def test_an_open_tvist_keeps_the_avvikelse_open_until_it_is_settled(world, chefs, dispute):
    from deviations.rules import HandlerRole

    deviation = dispute.deviation
    for unit, chef, role in (
        (world.social, chefs["social"], HandlerRole.SAS),
        (world.bup, chefs["bup"], HandlerRole.DESIGNATED),
    ):
        services.handler_name(
            deviation=deviation,
            by=chef,
            party=deviation.parties.get(unit=unit),
            handler=chef,
            role=role,
        )
    services.measures_record(deviation=deviation, by=chefs["social"], measures="Rutin.")
    with pytest.raises(InvalidState):
        services.measures_sign_off(deviation=deviation, by=chefs["social"])
    local_decided(Dispute.objects.get(pk=dispute.pk), chefs["social"], resolved=True)
    services.measures_sign_off(deviation=deviation, by=chefs["social"])
    services.measures_sign_off(deviation=deviation, by=chefs["bup"])
    assert Deviation.objects.get(pk=deviation.pk).status == Deviation.Status.CLOSED
