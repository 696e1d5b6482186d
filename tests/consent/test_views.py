"""The consent pages, through the test client, in Swedish."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from consent.models import Consent, InformationCategory, RecordedView
from directory.models import Membership
from directory.services import guardianship_create
from tests.conftest import years_ago
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kommun(db):
    return OrganisationFactory(name="Ludvika kommun")


@pytest.fixture
def family(make_person, kommun):
    """A family folkbokförd in the worker's kommun, which is what lets her see them."""
    today = timezone.localdate()
    home = {"last_name": "Ek", "registered_municipality": kommun}
    child = make_person(years_ago(13, today=today, days=10), first_name="Alva", **home)
    mother = make_person(years_ago(40, today=today), first_name="Anna", **home)
    father = make_person(years_ago(41, today=today), first_name="Johan", **home)
    for guardian in (mother, father):
        guardianship_create(child=child, guardian=guardian, on=today)
    return child, mother, father


@pytest.fixture
def worker(client, kommun):
    membership = MembershipFactory(
        role=Membership.Role.SOCIAL_WORKER, unit=UnitFactory(organisation=kommun)
    )
    client.force_login(membership.user)
    return membership.user


def consent_post(giver, unit, **overrides):
    data = {
        "given_by": giver.pk,
        "purpose": "sip",
        "form": "written",
        "units": [unit.pk],
        "categories": [InformationCategory.objects.get(code="health").pk],
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": "",
        "excluded_persons": "",
    }
    return {**data, **overrides}


def search(client, query):
    """Search as the page does: POST, then follow the redirect to the results."""
    return client.post(reverse("people:index"), {"q": query}, follow=True)


def test_search_finds_a_person_by_number_and_by_name(client, worker, family):
    child = family[0]
    number = child.personal_identity_number
    by_number = search(client, number[2:8] + "-" + number[8:])
    by_name = search(client, "alva ek")
    assert list(by_number.context["results"]) == [child]
    assert list(by_name.context["results"]) == [child]


def test_no_url_holds_what_was_searched(client, worker, family):
    child = family[0]
    number = child.personal_identity_number
    page = client.get(reverse("people:index")).content.decode()
    assert 'method="POST"' in page and "csrfmiddlewaretoken" in page

    for query in (number, "Alva Ek"):
        posted = client.post(reverse("people:index"), {"q": query})
        assert posted.status_code == 302
        location = posted["Location"]
        assert number[2:8] not in location and "Alva" not in location
        # Reload and back: the same URL shows the same results again.
        for _ in range(2):
            again = client.get(location)
            assert list(again.context["results"]) == [child]
            assert child.identity_number_display in again.content.decode()
    logged = AccessLogEntry.objects.filter(path__startswith=reverse("people:index"))
    assert logged.exists()
    for entry in logged:
        assert number[2:8] not in entry.purpose + entry.path
        assert "Alva" not in entry.purpose + entry.path


def test_search_finds_nobody_outside_the_workers_kommun(client, family):
    elsewhere = UnitFactory(organisation=OrganisationFactory(name="Falu kommun"))
    stranger = MembershipFactory(role=Membership.Role.SOCIAL_WORKER, unit=elsewhere).user
    client.force_login(stranger)
    for query in ("Alva Ek", family[0].personal_identity_number):
        page = search(client, query)
        assert list(page.context["results"]) == []
        assert family[0].identity_number_display not in page.content.decode()


def test_a_search_url_shows_nothing_in_another_session(client, worker, family, kommun):
    location = client.post(reverse("people:index"), {"q": "Alva Ek"})["Location"]
    colleague = MembershipFactory(
        role=Membership.Role.SOCIAL_WORKER, unit=UnitFactory(organisation=kommun)
    ).user
    client.force_login(colleague)
    page = client.get(location)
    assert page.status_code == 200
    assert "results" not in page.context
    assert "Sökningen finns inte längre. Sök igen." in page.content.decode()


def test_a_query_in_the_url_is_not_searched(client, worker, family):
    page = client.get(reverse("people:index"), {"q": "Alva Ek"})
    assert page.status_code == 200
    assert family[0].identity_number_display not in page.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("(1)", "är inget av dem"),
        ("<script>alert(1)</script>", "är inget av dem"),
        ("19800101-0000", "Det ser ut som ett personnummer men är inte giltigt: Kontrollsiffran"),
        ("a\x00b", "Null-tecken"),
        ("x" * 100_000, "som mest 100 tecken"),
    ],
)
def test_a_malformed_query_finds_nobody_and_says_why(client, worker, family, query, message):
    response = client.post(reverse("people:index"), {"q": query})
    assert response.status_code == 200
    assert "results" not in response.context
    assert message in response.context["form"].errors["q"][0]
    assert family[0].identity_number_display not in response.content.decode()


def test_a_nul_in_the_query_string_is_no_server_error(client, worker, family):
    response = client.get(reverse("people:index") + "?q=a%00b")
    assert response.status_code == 200


def test_staff_without_a_case_role_cannot_search(client, family):
    hvb = MembershipFactory(role=Membership.Role.HVB_STAFF)
    client.force_login(hvb.user)
    assert client.get(reverse("people:index")).status_code == 403
    assert client.post(reverse("people:index"), {"q": "Alva"}).status_code == 403
    url = reverse("people:person_detail", kwargs={"person_pk": family[0].pk})
    assert client.get(url).status_code == 403


def test_register_each_guardian_separately_then_the_sip_is_allowed(client, worker, family):
    child, mother, father = family
    unit = UnitFactory()
    url = reverse("people:consent_create", kwargs={"person_pk": child.pk})
    detail = reverse("people:person_detail", kwargs={"person_pk": child.pk})

    page = client.get(detail)
    assert "Vårdnadshavare Anna Ek har inte samtyckt." in page.content.decode()

    for guardian in (mother, father):
        response = client.post(url, consent_post(guardian, unit))
        assert response.status_code == 302, response.context["form"].errors
    client.post(
        reverse("people:view_create", kwargs={"person_pk": child.pk}),
        {"holder": child.pk, "purpose": "sip", "view": "Vill ha hjälp i skolan."},
    )

    assert Consent.objects.filter(subject=child).count() == 2
    assert RecordedView.objects.filter(subject=child, holder=child).exists()
    page = client.get(detail).content.decode()
    assert "SIP: kan genomföras" in page
    assert "Samtycket är registrerat." in page or Consent.objects.count() == 2


def test_a_consent_over_a_year_is_refused_with_a_clear_error(client, worker, family):
    child, mother, _ = family
    too_late = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    response = client.post(
        reverse("people:consent_create", kwargs={"person_pk": child.pk}),
        consent_post(mother, UnitFactory(), valid_until=too_late),
    )
    assert response.status_code == 200
    assert "Ett samtycke gäller högst ett år" in response.context["form"].errors["valid_until"][0]
    assert not Consent.objects.exists()


def test_only_the_person_or_a_guardian_can_be_chosen_as_giver(client, worker, family, make_person):
    child = family[0]
    stranger = make_person(years_ago(50), first_name="Främling", last_name="X")
    response = client.post(
        reverse("people:consent_create", kwargs={"person_pk": child.pk}),
        consent_post(stranger, UnitFactory()),
    )
    assert "given_by" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_a_consent_needs_scope(client, worker, family):
    child, mother, _ = family
    response = client.post(
        reverse("people:consent_create", kwargs={"person_pk": child.pk}),
        consent_post(mother, UnitFactory(), units=[], categories=[]),
    )
    errors = response.context["form"].errors
    assert errors["categories"] == ["Ange vilken information samtycket omfattar."]


def test_withdraw_through_the_page_shows_it_in_the_history(client, worker, family):
    child, mother, _ = family
    client.post(
        reverse("people:consent_create", kwargs={"person_pk": child.pk}),
        consent_post(mother, UnitFactory()),
    )
    consent = Consent.objects.get()
    withdraw = reverse("people:consent_withdraw", kwargs={"pk": consent.pk})

    unconfirmed = client.post(withdraw, {"withdrawn_by": mother.pk, "form": "oral"})
    assert unconfirmed.status_code == 200
    consent.refresh_from_db()
    assert consent.status == Consent.Status.ACTIVE

    response = client.post(
        withdraw, {"withdrawn_by": mother.pk, "form": "oral", "confirm": "on"}, follow=True
    )
    consent.refresh_from_db()
    assert consent.status == Consent.Status.WITHDRAWN
    assert consent.withdrawal_documented_by == worker
    page = response.content.decode()
    assert "Återkallat av Anna Ek" in page

    again = client.post(withdraw, {"withdrawn_by": mother.pk, "form": "oral", "confirm": "on"})
    assert "Samtycket är redan återkallat." in str(again.context["form"].non_field_errors())


def test_committee_decision_needs_a_legal_ground(client, worker, family):
    child, _, father = family
    response = client.post(
        reverse("people:committee_decision_create", kwargs={"person_pk": child.pk}),
        {"guardian": father.pk, "purpose": "sip", "legal_ground": "  ", "decided_on": "2026-11-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["legal_ground"]


def test_guardians_not_called_for_the_childs_will_needs_an_assessment(client, worker, family):
    child = family[0]
    url = reverse("people:guardians_not_called_create", kwargs={"person_pk": child.pk})
    response = client.post(url, {"purpose": "sip", "reason": "child_will"})
    assert "Beskriv bedömningen av barnets ålder och mognad." in str(
        response.context["form"].errors
    )
    ok = client.post(url, {"purpose": "sip", "reason": "safety"})
    assert ok.status_code == 302
