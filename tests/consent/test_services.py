"""The consent services authorise themselves: who may document, who may withdraw, and who
hears of a consent as soon as it is registered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from consent import services
from consent.events import ConsentEvent
from consent.models import (
    CommitteeDecision,
    Consent,
    GuardiansNotCalled,
    InformationCategory,
    Purpose,
    RecordedView,
)
from directory.models import Membership, Organisation
from directory.services import guardianship_create
from notifications.models import Event
from sipflow.models import Invitation
from tests.conftest import years_ago
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(make_person):
    today = timezone.localdate()
    child = make_person(years_ago(13, today=today, days=10), first_name="Alva", last_name="Ek")
    mother = make_person(years_ago(40, today=today), first_name="Anna", last_name="Ek")
    father = make_person(years_ago(41, today=today), first_name="Johan", last_name="Ek")
    for guardian in (mother, father):
        guardianship_create(child=child, guardian=guardian, on=today)
    return child, mother, father


def register(child, giver, user, **scope):
    scope.setdefault("units", [UnitFactory()])
    return services.consent_register(
        subject=child,
        given_by=giver,
        purpose=Purpose.SIP,
        form=Consent.Form.WRITTEN,
        documented_by=user,
        categories=InformationCategory.objects.filter(code="health"),
        **scope,
    )


def documenting(service, child, mother, user):
    """Each service that documents something about the person, called by ``user``."""
    today = timezone.localdate()
    if service == "consent":
        return register(child, mother, user)
    if service == "view":
        return services.recorded_view_create(
            subject=child, holder=child, purpose=Purpose.SIP, view="Vill delta.", recorded_by=user
        )
    if service == "not_called":
        return services.guardians_not_called_create(
            subject=child,
            purpose=Purpose.SIP,
            reason=GuardiansNotCalled.Reason.SAFETY,
            maturity_assessment="",
            recorded_by=user,
        )
    return services.committee_decision_create(
        subject=child,
        guardian=mother,
        purpose=Purpose.SIP,
        legal_ground="Föräldrabalken 6 kap 13 a §",
        decided_on=today,
        recorded_by=user,
    )


SERVICES = ["consent", "view", "not_called", "decision"]


def outsiders(kommun):
    """Staff who must not document the person's consents: HVB staff in the kommun, an
    administrator (superuser, administrator role, no case role), a socialsekreterare of
    another kommun, and a user with no unit."""
    hvb = MembershipFactory(role=Membership.Role.HVB_STAFF, unit=UnitFactory(organisation=kommun))
    admin = MembershipFactory(
        role=Membership.Role.ADMIN,
        unit=UnitFactory(organisation=kommun),
        user__is_superuser=True,
        user__is_staff=True,
    )
    elsewhere = MembershipFactory(
        role=Membership.Role.SOCIAL_WORKER,
        unit=UnitFactory(organisation=OrganisationFactory(name="Falu kommun")),
    )
    return {
        "hvb": hvb.user,
        "admin": admin.user,
        "elsewhere": elsewhere.user,
        "no unit": UserFactory(),
    }


@pytest.mark.parametrize("service", SERVICES)
def test_only_case_staff_who_see_the_person_document(service, family, kommun, case_worker):
    """Issue 11, 7: who may document a consent, a view or a decision is the service's rule,
    so the admin and a later API get it too."""
    child, mother, _father = family
    for who, user in outsiders(kommun).items():
        with pytest.raises(PermissionDenied):
            documenting(service, child, mother, user)
        for model in (Consent, RecordedView, GuardiansNotCalled, CommitteeDecision):
            assert not model.objects.exists(), (who, model)
    assert documenting(service, child, mother, case_worker).pk


def test_only_case_staff_document_a_withdrawal(family, kommun, case_worker):
    child, mother, _father = family
    consent = register(child, mother, case_worker)
    for user in outsiders(kommun).values():
        with pytest.raises(PermissionDenied):
            services.consent_withdraw(
                consent=consent, withdrawn_by=mother, form="oral", documented_by=user
            )
    consent.refresh_from_db()
    assert consent.status == Consent.Status.ACTIVE


def test_a_withdrawal_needs_a_known_form(family, case_worker):
    child, mother, _father = family
    consent = register(child, mother, case_worker)
    with pytest.raises(ValidationError) as refused:
        services.consent_withdraw(
            consent=consent, withdrawn_by=mother, form="telepathy", documented_by=case_worker
        )
    assert "form" in refused.value.error_dict
    consent.refresh_from_db()
    assert consent.status == Consent.Status.ACTIVE


def test_the_withdraw_page_asks_who_withdraws_and_refuses_anyone_but_the_giver(
    client, family, case_worker
):
    """Issue 11, 7: the page passed the giver as the one withdrawing, whoever it was; now it
    asks, the service refuses anyone but the giver, and the logged-in user documents it."""
    child, mother, father = family
    consent = register(child, mother, case_worker)
    client.force_login(case_worker)
    url = reverse("people:consent_withdraw", kwargs={"pk": consent.pk})

    by_father = client.post(url, {"withdrawn_by": father.pk, "form": "oral", "confirm": "on"})
    assert by_father.status_code == 200
    assert "Bara Anna Ek, som lämnade samtycket, kan återkalla det." in str(
        by_father.context["form"].non_field_errors()
    )
    consent.refresh_from_db()
    assert consent.status == Consent.Status.ACTIVE

    by_mother = client.post(url, {"withdrawn_by": mother.pk, "form": "oral", "confirm": "on"})
    assert by_mother.status_code == 302
    consent.refresh_from_db()
    assert consent.status == Consent.Status.WITHDRAWN
    assert consent.withdrawal_documented_by == case_worker


def test_a_registered_consent_reaches_the_units_and_organisations_it_names_at_once(
    family, case_worker
):
    """Issue 11, 5 (004 ≈L676-678): the consent is spread to the actors it names as soon as
    it is given, before any kallelse; an organisation named as a whole reaches its units,
    except those the consent excludes. No personal data in the event."""
    child, mother, _father = family
    region = OrganisationFactory(name="Region Dalarna", kind=Organisation.Kind.REGION)
    bup, primary, psychiatry = (UnitFactory(organisation=region) for _ in range(3))
    school = UnitFactory()

    register(
        child,
        mother,
        case_worker,
        units=[school, bup],
        organisations=[region],
        excluded_units=[psychiatry],
    )

    events = Event.objects.filter(kind=ConsentEvent.CONSENT_REGISTERED)
    assert sorted(event.recipient_unit_id for event in events) == sorted(
        [school.pk, bup.pk, primary.pk]
    )
    # Only the person's own kommun sees the consent's page: the others are told without a
    # link (tests/notifications/test_notice_links.py).
    assert {event.url for event in events} == {""}
    assert all("Alva" not in str(event.data) and "Ek" not in str(event.data) for event in events)
    assert not Invitation.objects.exists()


def test_a_refused_registration_tells_nobody(family, case_worker):
    child, mother, _father = family
    with pytest.raises(ValidationError), transaction.atomic():
        register(
            child,
            mother,
            case_worker,
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate() + dt.timedelta(days=400),
        )
    assert not Event.objects.exists()


def test_an_ended_consent_reaches_the_units_of_an_organisation_it_names(family, case_worker):
    """The same class: a withdrawal told only the units named one by one, not those of an
    organisation named as a whole."""
    child, mother, _father = family
    region = OrganisationFactory(name="Region Dalarna", kind=Organisation.Kind.REGION)
    bup = UnitFactory(organisation=region)
    consent = register(child, mother, case_worker, units=[], organisations=[region])
    services.consent_withdraw(
        consent=consent, withdrawn_by=mother, form="oral", documented_by=case_worker
    )
    withdrawn = Event.objects.filter(kind=ConsentEvent.CONSENT_WITHDRAWN)
    assert {(e.recipient_user_id, e.recipient_unit_id) for e in withdrawn} == {
        (case_worker.pk, None),
        (None, bup.pk),
    }
