"""The web frame: Swedish login, demo login, the overview and the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory.demo import DEMO_PASSWORD
from directory.models import Person, User
from tests.factories import person_admin_form

pytestmark = pytest.mark.django_db


def test_the_login_page_is_in_swedish(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv"' in html
    assert "Logga in" in html
    assert "Användarnamn" in html
    assert "Lösenord" in html


def test_swedish_stays_even_when_the_browser_asks_for_english(client):
    response = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="sv"' in response.content.decode()


def test_the_language_switch_turns_the_login_page_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Log in" in html
    assert "Logga in" not in html


def test_pages_need_a_login(client):
    response = client.get(reverse("overview:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_demo_user_logs_in_and_sees_their_units(client, demo):
    response = client.post(
        reverse("login"), {"username": "sara", "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Välkommen, Sara Socialsekreterare" in html
    assert "Barn och familj, Ludvika" in html
    assert "Socialsekreterare" in html


def test_a_wrong_password_gives_a_swedish_error(client, demo):
    response = client.post(reverse("login"), {"username": "sara", "password": "fel"})
    assert response.status_code == 200
    assert "Ange ett korrekt användarnamn och lösenord" in response.content.decode()


@pytest.fixture
def superuser(demo):
    """People are not the demo administrator's business: a superuser (for emergencies, and
    logged as such) opens them in the admin."""
    User.objects.create_superuser("nod", "nod@sipflow.invalid", DEMO_PASSWORD)
    return "nod"


@pytest.mark.parametrize("model", ["organisation", "person", "unit", "user"])
def test_the_admin_lists_organisations_and_people(client, superuser, model):
    # The demo administrator lists the directory; people only a superuser.
    client.login(username=superuser if model == "person" else "admin", password=DEMO_PASSWORD)
    response = client.get(reverse(f"admin:directory_{model}_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    expected = {
        "organisation": "Ludvika kommun",
        "person": "Exempel",
        "unit": "BUP Falun",
        "user": "sara",
    }
    assert expected[model] in html


@pytest.mark.parametrize("query", ["Exempel", "20", "Alva"])
def test_the_admin_searches_people_by_name_or_number(client, superuser, query):
    client.login(username=superuser, password=DEMO_PASSWORD)
    response = client.get(reverse("admin:directory_person_changelist"), {"q": query})
    assert response.status_code == 200
    assert "Exempel" in response.content.decode()


def test_the_admin_never_shows_a_protected_address(client, superuser):
    client.login(username=superuser, password=DEMO_PASSWORD)
    protected = Person.objects.filter(protected_identity=True).first()
    protected.street_address = "Hemligvägen 7"
    protected.save()
    response = client.get(reverse("admin:directory_person_change", args=[protected.pk]))
    assert response.status_code == 200
    assert "Hemligvägen 7" not in response.content.decode()
    assert 'name="street_address"' not in response.content.decode()


def test_a_third_guardian_in_the_admin_gives_a_swedish_error(client, superuser):
    client.login(username=superuser, password=DEMO_PASSWORD)
    child = Person.objects.get(first_name="Olle")
    extra = Person.objects.get(first_name="Erik")
    data = person_admin_form(child, guardianships=3)
    data["guardianships-2-child"] = child.pk
    data["guardianships-2-guardian"] = extra.pk
    response = client.post(reverse("admin:directory_person_change", args=[child.pk]), data)
    assert response.status_code == 200
    assert "högst två vårdnadshavare" in response.content.decode()
    assert child.guardianships.count() == 2


def test_the_password_reset_page_is_reachable_without_login(client):
    response = client.get(reverse("password_reset"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nollställ lösenord - sipflow" in html
    assert "Avbryt" in html
