"""The registry of event kinds: the outbox takes only kinds an app registered, addressed as
the kind says, and names them by their registered label."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from consent.events import ConsentEvent
from notifications.models import Event
from notifications.services import UnknownEventKind, WrongRecipient, event_emit
from sipflow.events import SipEvent
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_unregistered_kind_is_refused_and_nothing_is_written():
    with transaction.atomic(), pytest.raises(UnknownEventKind, match="something_new"):
        event_emit(kind="something_new", recipient_user=UserFactory())
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("kind", "recipient"),
    [
        (SipEvent.FOLLOW_UP_DUE, "recipient_unit"),  # the lead, one user
        (SipEvent.INVITATION_SENT, "recipient_user"),  # the invited unit
        (ConsentEvent.CONSENT_REGISTERED, "recipient_user"),
    ],
)
def test_a_recipient_of_the_wrong_kind_is_refused(kind, recipient):
    given = {"recipient_unit": UnitFactory} if recipient == "recipient_unit" else {}
    target = given.get(recipient, UserFactory)()
    with transaction.atomic(), pytest.raises(WrongRecipient):
        event_emit(kind=kind, **{recipient: target})
    assert not Event.objects.exists()


def test_a_kind_for_units_and_users_takes_both():
    with transaction.atomic():
        to_user = event_emit(kind=ConsentEvent.CONSENT_WITHDRAWN, recipient_user=UserFactory())
        to_unit = event_emit(kind=ConsentEvent.CONSENT_WITHDRAWN, recipient_unit=UnitFactory())
    assert to_user and to_unit


def test_pages_show_the_registered_label(client):
    user = UserFactory()
    with transaction.atomic():
        event_emit(kind=SipEvent.ANSWER_RECEIVED, recipient_user=user, url="/")
    client.force_login(user)
    assert "Svar på kallelse" in client.get(reverse("notifications:index")).content.decode()
    assert str(Event.objects.get()).startswith("Svar på kallelse (")
