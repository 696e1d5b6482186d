"""Reporting and the joint handling: the temporary allocation recorded at once, agreed by
every party; each party's handler; notes; the measures signed off by every party's handler
before the avvikelse closes; every transition in the log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.errors import Conflict, InvalidState, NotParty
from deviations import services
from deviations.events import DeviationEvent
from deviations.models import Deviation, DeviationParty
from deviations.rules import HandlerRole
from directory.models import Membership
from notifications.models import Event, Notification
from tests.deviations.helpers import report, sip_inviting_bup
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def party(deviation, unit) -> DeviationParty:
    return deviation.parties.get(unit=unit)


def agreed(world, deviation) -> Deviation:
    services.allocation_agree(deviation=deviation, by=world.sara)
    return Deviation.objects.get(pk=deviation.pk)


def with_handlers(world, deviation, chefs):
    services.handler_name(
        deviation=deviation,
        by=chefs["social"],
        party=party(deviation, world.social),
        handler=chefs["social"],
        role=HandlerRole.SAS,
    )
    services.handler_name(
        deviation=deviation,
        by=world.vera,
        party=party(deviation, world.bup),
        handler=chefs["bup"],
        role=HandlerRole.DESIGNATED,
    )


def test_a_report_records_its_temporary_allocation_at_once(world):
    plan = sip_inviting_bup(world)
    deviation = report(world, plan=plan)

    assert deviation.status == Deviation.Status.REPORTED
    assert deviation.person == world.child
    assert [(p.unit, p.reporting) for p in deviation.parties.all()] == [
        (world.bup, True),
        (world.social, False),
    ]
    allocation = deviation.allocations.get()
    assert allocation.until == timezone.localdate() + dt.timedelta(days=14)
    assert [a.party.unit for a in allocation.approvals.all()] == [world.bup]
    assert allocation.agreed_at is None
    # The other party's unit hears of it at once, in the same transaction.
    event = Event.objects.get(kind=DeviationEvent.REPORTED)
    assert event.recipient_unit == world.social
    assert Notification.objects.filter(event=event, user=world.sara).exists()
    assert [entry.text for entry in deviation.history.all()] == [
        "Avvikelsen rapporterades av BUP Falun (Region Dalarna).",
        "Region Dalarna föreslog en tillfällig ansvarsfördelning som gäller till och med "
        f"{allocation.until.isoformat()}.",
    ]


def test_the_allocation_is_agreed_when_the_other_party_approves_it(world):
    deviation = report(world)
    with pytest.raises(Conflict):  # the reporting party approved it by proposing it
        services.allocation_agree(deviation=deviation, by=world.vilma)
    deviation = agreed(world, deviation)

    assert deviation.status == Deviation.Status.INVESTIGATING
    assert deviation.allocation_agreed_at is not None
    assert deviation.allocations.get().agreed_at == deviation.allocation_agreed_at
    assert deviation.history.last().text == (
        "Alla parter har godkänt den tillfälliga ansvarsfördelningen."
    )


def test_a_new_proposal_needs_every_party_again(world):
    deviation = agreed(world, report(world))
    first_agreed = deviation.allocation_agreed_at
    services.allocation_propose(
        deviation=deviation,
        by=world.sara,
        responsibilities="Socialtjänsten tar över kontakten med familjen.",
        until=timezone.localdate() + dt.timedelta(days=30),
    )
    deviation.refresh_from_db()
    assert deviation.status == Deviation.Status.REPORTED
    assert Event.objects.get(kind=DeviationEvent.ALLOCATION_PROPOSED).recipient_unit == world.bup
    services.allocation_agree(deviation=deviation, by=world.vera)
    deviation.refresh_from_db()
    assert deviation.status == Deviation.Status.INVESTIGATING
    assert deviation.allocations.count() == 2
    assert deviation.allocation_agreed_at == first_agreed  # the statistics count the first


def test_joint_sign_off_closes_only_when_every_partys_handler_has_signed(world, chefs):
    deviation = report(world)
    with pytest.raises(InvalidState):  # the measures come after the agreed allocation
        services.measures_record(deviation=deviation, by=chefs["social"], measures="Rutin.")
    deviation = agreed(world, deviation)
    with_handlers(world, deviation, chefs)
    with pytest.raises(NotParty):  # staff who are not a handler write no measures
        services.measures_record(deviation=deviation, by=world.sara, measures="Rutin.")
    services.measures_record(
        deviation=deviation, by=chefs["social"], measures="Kallelser går till funktionsbrevlådan."
    )
    assert Event.objects.get(kind=DeviationEvent.SIGN_OFF_ASKED).recipient_user == chefs["bup"]

    with pytest.raises(NotParty):  # the reporter is not the region's handler
        services.measures_sign_off(deviation=deviation, by=world.vera)
    services.measures_sign_off(deviation=deviation, by=chefs["social"])
    deviation.refresh_from_db()
    assert deviation.status == Deviation.Status.INVESTIGATING
    with pytest.raises(Conflict):
        services.measures_sign_off(deviation=deviation, by=chefs["social"])

    # Changed measures must be signed anew by everyone.
    services.measures_record(
        deviation=deviation,
        by=chefs["bup"],
        measures="Kallelser går till funktionsbrevlådan, som bevakas varje arbetsdag.",
    )
    assert not deviation.parties.filter(signed_off_at__isnull=False).exists()
    services.measures_sign_off(deviation=deviation, by=chefs["bup"])
    deviation.refresh_from_db()
    assert deviation.status == Deviation.Status.INVESTIGATING
    services.measures_sign_off(deviation=deviation, by=chefs["social"])
    deviation.refresh_from_db()

    assert deviation.status == Deviation.Status.CLOSED
    assert deviation.closed_at is not None
    assert deviation.history.last().text == (
        "Alla parter har godkänt åtgärderna; avvikelsen är avslutad."
    )
    assert set(
        Event.objects.filter(kind=DeviationEvent.CLOSED).values_list("recipient_unit", flat=True)
    ) == {world.social.pk, world.bup.pk}
    with pytest.raises(InvalidState):
        services.note_add(deviation=deviation, by=world.sara, text="Sent.")


def test_a_handler_works_with_cases_in_the_partys_organisation(world, chefs):
    deviation = report(world)
    with pytest.raises(ValidationError) as refused:
        services.handler_name(
            deviation=deviation,
            by=world.sara,
            party=party(deviation, world.social),
            handler=world.vera,  # the region's
            role=HandlerRole.SAS,
        )
    assert "handler" in refused.value.message_dict
    with pytest.raises(NotParty):  # the region names no handler for the kommun
        services.handler_name(
            deviation=deviation,
            by=world.vera,
            party=party(deviation, world.social),
            handler=chefs["social"],
            role=HandlerRole.SAS,
        )
    mas = MembershipFactory(
        unit__organisation=world.ludvika, role=Membership.Role.HEALTH_STAFF
    ).user  # the MAS works in another unit of the kommun
    services.handler_name(
        deviation=deviation,
        by=world.sara,
        party=party(deviation, world.social),
        handler=mas,
        role=HandlerRole.MAS,
    )
    assert Event.objects.get(kind=DeviationEvent.HANDLER_NAMED).recipient_user == mas
    # The handler now sees the report and acts for the kommun, though not in its unit.
    services.note_add(deviation=deviation, by=mas, text="Rutinen ses över.")
    assert deviation.notes.get().party.unit == world.social


def test_the_report_concerns_another_organisation_a_kommun_and_a_region(world):
    with pytest.raises(ValidationError) as same:
        report(world, concerned=[world.primary])  # the region's own vårdcentral
    assert "concerned_units" in same.value.message_dict
    with pytest.raises(ValidationError) as nothing:
        report(world, concerned=[])
    assert "concerned_units" in nothing.value.message_dict
    with pytest.raises(PermissionDenied):  # Sara does not work at BUP
        report(world, by=world.sara)


def test_a_report_names_only_a_case_the_reporter_may_see(world):
    plan = sip_inviting_bup(world)
    outsider = MembershipFactory(unit=world.adult_psych, role=Membership.Role.HEALTH_STAFF).user
    with pytest.raises(ValidationError) as refused:
        report(world, by=outsider, unit=world.adult_psych, plan=plan)
    assert "case" in refused.value.message_dict
    general = report(world)
    assert (general.case_kind, general.case_id, general.person) == ("", None, None)


def test_someone_the_report_does_not_concern_cannot_act_on_it(world, falun):
    deviation = report(world)
    with pytest.raises(NotParty):
        services.note_add(deviation=deviation, by=falun["worker"], text="Hej")
    with pytest.raises(NotParty):
        services.allocation_agree(deviation=deviation, by=falun["chef"])
