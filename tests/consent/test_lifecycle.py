"""Withdrawal and expiry: effects, events and the periodic sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from consent.events import ConsentEvent
from consent.models import Consent, InformationCategory, Purpose
from consent.policy import consent_evaluate
from consent.rules import Action
from consent.services import consent_register, consent_sweep, consent_withdraw
from consent.signals import consent_ended
from notifications.models import Event
from notifications.services import OutsideTransaction, event_emit
from overview.digest import OverviewEvent
from tests.conftest import TODAY, years_ago
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
AT = timezone.make_aware(dt.datetime(2026, 11, 23, 10, 0))


@pytest.fixture
def adult_consent(make_person, case_worker):
    person = make_person(years_ago(34), first_name="Erik", last_name="Vuxen")
    worker = case_worker
    unit = UnitFactory()
    consent = consent_register(
        subject=person,
        given_by=person,
        purpose=Purpose.SIP,
        form=Consent.Form.WRITTEN,
        documented_by=worker,
        categories=InformationCategory.objects.filter(code="health"),
        units=[unit],
        valid_from=TODAY,
        at=AT,
    )
    return consent


@pytest.fixture
def ended():
    received = []

    def receiver(sender, consent, reason, at, **kwargs):
        received.append((consent.pk, reason))

    consent_ended.connect(receiver)
    yield received
    consent_ended.disconnect(receiver)


def test_withdrawal_takes_effect_at_once_and_tells_worker_and_units(
    adult_consent, ended, django_capture_on_commit_callbacks
):
    person, unit = adult_consent.subject, adult_consent.units.get()
    assert consent_evaluate(
        action=Action.SIP, person=person, at=AT, units=[unit], categories=["health"]
    ).allowed

    with django_capture_on_commit_callbacks() as after_commit:
        consent_withdraw(
            consent=adult_consent,
            withdrawn_by=person,
            form=Consent.Form.ORAL,
            documented_by=adult_consent.documented_by,
            at=AT,
        )
        assert ended == []  # the processes hear of it once the withdrawal has committed

    decision = consent_evaluate(
        action=Action.SIP, person=person, at=AT, units=[unit], categories=["health"]
    )
    assert not decision.allowed
    assert decision.missing_consents == ["Erik Vuxen har inte samtyckt."]
    events = Event.objects.filter(kind=ConsentEvent.CONSENT_WITHDRAWN)
    assert {(e.recipient_user_id, e.recipient_unit_id) for e in events} == {
        (adult_consent.documented_by_id, None),
        (None, unit.pk),
    }
    assert all("Erik" not in str(e.data) for e in events)
    for callback in after_commit:
        callback()
    assert ended == [(adult_consent.pk, "withdrawn")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_receiver_does_not_undo_the_withdrawal(adult_consent, caplog):
    def broken(**kwargs):
        raise RuntimeError("process could not be halted")

    consent_ended.connect(broken)
    try:
        consent_withdraw(
            consent=adult_consent,
            withdrawn_by=adult_consent.subject,
            form=Consent.Form.ORAL,
            documented_by=adult_consent.documented_by,
        )
    finally:
        consent_ended.disconnect(broken)
    adult_consent.refresh_from_db()
    assert adult_consent.status == Consent.Status.WITHDRAWN
    assert Event.objects.filter(kind=ConsentEvent.CONSENT_WITHDRAWN).count() == 2
    assert "process could not be halted" in caplog.text


def test_sweep_marks_expired_consents_once(
    adult_consent, ended, django_capture_on_commit_callbacks
):
    after = AT + dt.timedelta(days=366)
    with django_capture_on_commit_callbacks(execute=True):
        first = consent_sweep(at=after)
    with django_capture_on_commit_callbacks(execute=True):
        second = consent_sweep(at=after)

    adult_consent.refresh_from_db()
    assert adult_consent.status == Consent.Status.EXPIRED
    assert (first.expired, second.expired) == (1, 0)
    assert ended == [(adult_consent.pk, "expired")]
    assert Event.objects.filter(kind=ConsentEvent.CONSENT_EXPIRED).count() == 2


def test_sweep_reminds_the_case_worker_30_days_before_once(adult_consent):
    last_day = adult_consent.valid_until
    too_early = timezone.make_aware(
        dt.datetime.combine(last_day - dt.timedelta(days=31), dt.time(9))
    )
    in_window = timezone.make_aware(
        dt.datetime.combine(last_day - dt.timedelta(days=30), dt.time(9))
    )

    assert consent_sweep(at=too_early).reminded == 0
    assert consent_sweep(at=in_window).reminded == 1
    assert consent_sweep(at=in_window + dt.timedelta(days=1)).reminded == 0

    reminder = Event.objects.get(kind=ConsentEvent.CONSENT_EXPIRING)
    assert reminder.recipient_user == adult_consent.documented_by
    assert reminder.data["valid_until"] == last_day.isoformat()


def test_sweep_leaves_withdrawn_consents_alone(adult_consent):
    consent_withdraw(
        consent=adult_consent,
        withdrawn_by=adult_consent.subject,
        form=Consent.Form.WRITTEN,
        documented_by=adult_consent.documented_by,
    )
    assert consent_sweep(at=AT + dt.timedelta(days=400)).expired == 0
    adult_consent.refresh_from_db()
    assert adult_consent.status == Consent.Status.WITHDRAWN


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_events_are_only_written_inside_a_transaction():
    user = UserFactory()
    with pytest.raises(OutsideTransaction):
        event_emit(kind=OverviewEvent.ESCALATION, recipient_user=user)
    with transaction.atomic():
        assert event_emit(kind=OverviewEvent.ESCALATION, recipient_user=user, dedupe_key="k")
        assert (
            event_emit(kind=OverviewEvent.ESCALATION, recipient_user=user, dedupe_key="k") is None
        )
    assert Event.objects.count() == 1


def test_a_too_long_consent_is_refused_with_a_code_the_api_can_report(make_person, case_worker):
    from django.core.exceptions import ValidationError

    person = make_person(years_ago(30))
    with pytest.raises(ValidationError) as refused:
        consent_register(
            subject=person,
            given_by=person,
            purpose=Purpose.SIP,
            form=Consent.Form.WRITTEN,
            documented_by=case_worker,
            categories=InformationCategory.objects.filter(code="health"),
            units=[UnitFactory()],
            valid_from=dt.date(2023, 3, 1),
            valid_until=dt.date(2024, 3, 2),
        )
    assert refused.value.error_dict["valid_until"][0].code == "too_long"
