"""The kallelse as the invited unit meets it (issue 15): in Inkorg, with who sent it and the
person's personnummer, answered on its page; and the lead's notices of the answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Notification
from sipflow.models import Invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def summoned(world):
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    world.sara.first_name, world.sara.last_name = "Sara", "Socialsekreterare"
    world.sara.email = "sara@ludvika.example"
    world.sara.save()
    world.social.email = "barnochfamilj@ludvika.example"
    world.social.save()
    meeting = world.summon(plan)
    return plan, meeting


def test_the_kallelse_waits_in_the_inbox_of_the_units_staff(client, world, summoned):
    _plan, meeting = summoned
    to_bup = meeting.invitations.get(unit=world.bup)
    client.force_login(world.vera)
    inbox = client.get(reverse("sip:inbox"))
    assert inbox.status_code == 200
    page = inbox.content.decode()
    assert "Svara på kallelse" in page
    # The row leads straight to the kallelse, where the unit answers.
    assert reverse("sip:invitation", kwargs={"pk": to_bup.pk}) in page
    # Primärvården's kallelse is not BUP's.
    to_primary = meeting.invitations.get(unit=world.primary)
    assert reverse("sip:invitation", kwargs={"pk": to_primary.pk}) not in page


def test_an_empty_inbox_says_so_in_swedish_instead_of_an_empty_table(client, world):
    client.force_login(world.vera)
    page = client.get(reverse("sip:inbox")).content.decode()
    assert "Du har inga uppgifter just nu." in page
    assert "0–0 av 0" not in page
    assert "vf-list__table" not in page
    # The queue and the archive too, each in its own words.
    assert "Ingen uppgift väntar" in client.get(reverse("sip:queue")).content.decode()
    assert "inte avslutat några" in client.get(reverse("sip:archive")).content.decode()


def test_the_kallelse_says_who_sent_it_and_whom_it_is_about(client, world, summoned):
    _plan, meeting = summoned
    to_bup = meeting.invitations.get(unit=world.bup)
    client.force_login(world.vera)
    page = client.get(reverse("sip:invitation", kwargs={"pk": to_bup.pk})).content.decode()
    assert "Sara Socialsekreterare" in page
    assert "sara@ludvika.example" in page
    assert "Barn och familj Ludvika" in page
    assert "barnochfamilj@ludvika.example" in page
    # The invited unit, covered by the consent, finds the person in its own records.
    assert world.child.identity_number_display in page


def test_forwarding_lands_on_the_start_page_not_a_refusal(client, world, summoned):
    _plan, meeting = summoned
    to_bup = meeting.invitations.get(unit=world.bup)
    world.guardians_consent(units=[world.adult_psych])
    client.force_login(world.vera)
    response = client.post(
        reverse("sip:invitation", kwargs={"pk": to_bup.pk}),
        {"answer": "forward", "to_unit": world.adult_psych.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("overview:index")
    assert response.status_code == 200
    assert "Kallelsen är vidarebefordrad till Vuxenpsykiatri Falun." in response.content.decode()


def test_a_declined_kallelse_shows_the_reason_and_the_note(client, world, summoned):
    plan, meeting = summoned
    to_primary = meeting.invitations.get(unit=world.primary)
    client.force_login(world.petra)
    client.post(
        reverse("sip:invitation", kwargs={"pk": to_primary.pk}),
        {"answer": "decline", "reason": "not_relevant", "note": "Ingen kontakt hos oss."},
    )
    to_primary.refresh_from_db()
    assert to_primary.status == Invitation.Status.DECLINED
    assert to_primary.decline_code == "not_relevant"
    client.force_login(world.sara)
    for url in (
        reverse("sip:invitation", kwargs={"pk": to_primary.pk}),
        reverse("sip:plan", kwargs={"pk": plan.pk}),
    ):
        page = client.get(url).content.decode()
        assert "Våra insatser behövs inte i planen" in page
        assert "Ingen kontakt hos oss." in page


def test_the_notices_of_answers_say_which_unit_answered_and_how(client, world, summoned):
    _plan, meeting = summoned
    client.force_login(world.vera)
    client.post(
        reverse("sip:invitation", kwargs={"pk": meeting.invitations.get(unit=world.bup).pk}),
        {"answer": "accept", "attendees": "Vera, sjuksköterska"},
    )
    client.force_login(world.petra)
    client.post(
        reverse("sip:invitation", kwargs={"pk": meeting.invitations.get(unit=world.primary).pk}),
        {"answer": "decline", "reason": "not_relevant", "note": "Ingen kontakt."},
    )
    assert Notification.objects.filter(user=world.sara, event__kind="answer_received").count() == 2
    client.force_login(world.sara)
    page = client.get(reverse("notifications:index")).content.decode()
    assert "BUP Falun har accepterat kallelsen." in page
    assert "Vårdcentral Ludvika har avböjt kallelsen: Våra insatser behövs inte i planen." in page
