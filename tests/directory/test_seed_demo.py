from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from directory.demo import DEMO_PASSWORD, MUNICIPALITIES, USERS
from directory.identity_numbers import parse_identity_number
from directory.models import Guardianship, Membership, Organisation, Person, Unit, User
from directory.selectors import person_guardians

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Organisation, Unit, User, Membership, Person, Guardianship)
    }


def test_seed_demo_is_idempotent(demo, capsys):
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    printed = capsys.readouterr().out
    assert DEMO_PASSWORD in printed
    # Every user who can log in is printed, the region's chef too.
    assert set(User.objects.filter(is_active=True).values_list("username", flat=True)) <= {
        line.split()[0] for line in printed.splitlines() if line.startswith("  ")
    }


def test_seed_demo_creates_dalarna_and_its_15_kommuner(demo):
    region = Organisation.objects.get(name="Region Dalarna", kind=Organisation.Kind.REGION)
    kommuner = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, region=region)
    assert kommuner.count() == 15 == len(MUNICIPALITIES)
    assert {"Ludvika kommun", "Falu kommun", "Älvdalens kommun"} <= set(
        kommuner.values_list("name", flat=True)
    )


def test_seed_demo_has_units_of_every_kind_and_both_kinds_of_hvb_provider(demo):
    assert set(Unit.objects.values_list("kind", flat=True)) >= set(Unit.Kind.values) - {"other"}
    # A functional mailbox each, so that `make run` prints the units' e-mails.
    assert not Unit.objects.filter(email="").exists()
    providers = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER)
    assert set(providers.values_list("provider_ownership", flat=True)) == {"private", "municipal"}
    assert Organisation.objects.filter(kind=Organisation.Kind.SCHOOL).exists()


def test_seed_demo_has_one_user_per_role_who_can_log_in(demo, client):
    assert set(Membership.objects.values_list("role", flat=True)) == set(Membership.Role.values)
    for demo_user in USERS:
        assert client.login(username=demo_user.username, password=DEMO_PASSWORD)


def test_seed_demo_people_cover_the_ages_and_guardianships_the_rules_need(demo):
    today = timezone.localdate()
    people = list(Person.objects.all())
    for person in people:  # every number validates
        parse_identity_number(person.personal_identity_number, today=today)
    ages = {person.first_name: person.age_on(today) for person in people}
    guardian_counts = {
        person.first_name: len(person_guardians(person=person, on=today)) for person in people
    }
    children = [name for name, age in ages.items() if age < 18]
    assert 1 in {guardian_counts[name] for name in children}
    assert 2 in {guardian_counts[name] for name in children}
    assert 13 in ages.values()
    assert 16 in ages.values()
    assert any(age >= 18 and guardian_counts[name] == 0 for name, age in ages.items())


def test_seed_demo_refuses_to_run_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    users = User.objects.count()
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert User.objects.count() == users


def test_the_demo_admin_administers_the_directory_and_is_no_superuser(demo, client):
    assert not User.objects.filter(is_superuser=True).exists()
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.memberships.filter(role=Membership.Role.ADMIN).exists()
    assert client.login(username="admin", password=DEMO_PASSWORD)
    assert client.get(reverse("admin:directory_user_changelist")).status_code == 200
    assert client.get(reverse("admin:directory_unit_changelist")).status_code == 200
    assert client.get(reverse("admin:directory_person_changelist")).status_code == 403
    assert client.get(reverse("admin:consent_consent_changelist")).status_code == 403
    assert client.get(reverse("admin:audit_accesslogentry_changelist")).status_code == 403
    # The superuser `admin` of an earlier demo is demoted by the next seed.
    User.objects.filter(username="admin").update(is_superuser=True)
    call_command("seed_demo")
    assert not User.objects.get(username="admin").is_superuser
