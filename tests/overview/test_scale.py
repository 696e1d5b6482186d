"""seed_scale (overview.scale) at a tiny size: what it writes, that a chef sees it through
the grants, that the pages render for a seeded chef with a constant number of queries, and
that it refuses SQLite and a database with real data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessGrant
from cases.registry import statistics_measures
from consent.models import Consent
from directory.models import Organisation, Person, Unit
from overview.models import StatisticsSnapshot
from overview.scale import country_load, scale_refusal
from overview.selectors import OverviewReader, overview_units
from overview.statistics import services
from overview.statistics.exports import report_csv
from overview.statistics.periods import default_period
from overview.statistics.query import statistics_aggregates
from overview.statistics.selectors import statistics_report, statistics_units
from placement.models import Placement, Review
from sipflow.access import plans_visible_to
from sipflow.models import FollowUp, Invitation, Meeting, SipPlan
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

BANDS = ((0, 12), (13, 17), (18, 20), (21, 29), (30, 49), (50, 64), (65, 200))


def seed(sips: int, placements: int = 0) -> None:
    call_command("seed_scale", "--sips", str(sips), "--placements", str(placements))


def test_it_fills_the_tables_spread_over_the_country():
    seed(200, 20)
    today = timezone.localdate()
    kommuner = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    regions = Organisation.objects.filter(kind=Organisation.Kind.REGION)
    assert (kommuner.count(), regions.count()) == (290, 21)
    assert {k.region_id for k in kommuner} == {r.pk for r in regions}
    assert SipPlan.objects.count() == 200
    assert Placement.objects.count() == 20
    assert Person.objects.count() == 220
    assert Person.objects.values("personal_identity_number").distinct().count() == 220
    # Spread: many kommuner, both principals starting SIPs, every legal sex but the rarest.
    assert Person.objects.values("registered_municipality").distinct().count() > 50
    starters = set(SipPlan.objects.values_list("started_unit__organisation__kind", flat=True))
    assert starters == {Organisation.Kind.MUNICIPALITY, Organisation.Kind.REGION}
    sexes = set(Person.objects.values_list("legal_sex", flat=True))
    assert {Person.LegalSex.FEMALE, Person.LegalSex.MALE} <= sexes
    ages = [person.age_on(today) for person in Person.objects.all()]
    assert sum(any(low <= age <= high for age in ages) for low, high in BANDS) == len(BANDS)
    years = {plan.started_at.year for plan in SipPlan.objects.all()}
    assert len(years) >= 4
    # The rows the overview and the statistics read.
    phases = set(SipPlan.objects.values_list("phase", flat=True))
    assert {SipPlan.Phase.CLOSED, SipPlan.Phase.FOLLOW_UP, SipPlan.Phase.MEETING_HELD} <= phases
    open_plans = SipPlan.objects.exclude(phase__in=SipPlan.ENDED)
    assert open_plans.filter(next_follow_up__lt=today).exists()
    assert Meeting.objects.filter(held_at__isnull=False).exists()
    statuses = set(Invitation.objects.values_list("status", flat=True))
    assert {Invitation.Status.ACCEPTED, Invitation.Status.UNANSWERED} <= statuses
    assert FollowUp.objects.filter(reviews__isnull=False).exists()
    assert Consent.objects.count() >= 200
    assert Review.objects.filter(held_on__isnull=True).exists()
    assert set(Placement.objects.values_list("legal_basis", flat=True)) >= {"sol", "lvm"} or (
        Placement.objects.count() < 50
    )
    # Every SIP and placement has its own unit's grant.
    assert AccessGrant.objects.filter(case_kind="sip", kind="own").count() == 200
    assert AccessGrant.objects.filter(case_kind="placement", kind="own").count() == 20


def test_the_grants_show_a_chef_her_units_cases():
    seed(200)
    country = country_load()
    chef = country.kommun_chef(0)
    units = Unit.objects.filter(memberships__user=chef)
    visible = set(plans_visible_to(user=chef).values_list("pk", flat=True))
    started = set(SipPlan.objects.filter(started_unit__in=units).values_list("pk", flat=True))
    assert started
    assert started <= visible
    # Nothing from another kommun's units, unless one of the chef's units is invited or leads.
    others = SipPlan.objects.exclude(started_unit__in=units).exclude(lead_unit__in=units)
    others = others.exclude(meetings__invitations__unit__in=units)
    assert not visible & set(others.values_list("pk", flat=True))


def test_a_second_run_adds_cases_to_the_same_country():
    seed(50)
    seed(30, 5)
    assert SipPlan.objects.count() == 80
    assert Placement.objects.count() == 5
    assert Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).count() == 290


def test_the_pages_render_for_a_seeded_chef_with_as_many_queries_at_two_sizes(client):
    """The start page and the statistics cost the same statements at three times the data.
    A list with no rows reads none (one statement less than a list with rows), so the start
    page's count is compared net of one statement per list with rows."""
    seed(200, 20)
    country = country_load()
    urls = [reverse("overview:index"), reverse("overview:statistics")]

    def queries(user) -> list[int]:
        client.force_login(user)
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200
            counts.append(len(captured))
        listed = OverviewReader(
            user=user, units=overview_units(user=user), today=timezone.localdate()
        ).counts()
        with_rows = sum(1 for count in listed.values() if count)
        return [counts[0] - with_rows, counts[1]]

    chefs = [country.kommun_chef(0), country.region_chef(0)]
    small = [queries(chef) for chef in chefs]
    seed(600, 60)
    large = [queries(chef) for chef in chefs]
    assert large == small
    client.force_login(chefs[1])
    page = client.get(reverse("overview:statistics")).content.decode()
    assert "<table" in page


def test_it_refuses_a_database_with_real_data():
    OrganisationFactory(name="Ludvika kommun")
    assert "riktiga" in scale_refusal()
    with pytest.raises(CommandError, match="riktiga"):
        seed(10)
    assert not SipPlan.objects.exists()


def test_it_refuses_sqlite(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        seed(10)


# --- The statistics computed ahead (overview.statistics.services) ----------------------------


def _chef_units(chef) -> list[int]:
    return [unit.pk for unit in statistics_units(user=chef)]


def test_a_snapshot_equals_the_direct_computation_for_each_period():
    seed(300, 30)
    today = timezone.localdate()
    country = country_load()
    for chef in (country.region_chef(0), country.kommun_chef(0), country.kommun_chef(40)):
        units = _chef_units(chef)
        for period in services._periods(today):
            direct = statistics_aggregates(
                measures=statistics_measures(),
                units=units,
                period=period.span,
                today=today,
                using="default",
            )
            services.statistics_snapshot_compute(units=units, period=period, today=today)
            snapshot = StatisticsSnapshot.objects.get(
                key=services.snapshot_key(units=units, measures=statistics_measures()),
                period=period.code,
                computed_on=today,
            )
            assert services.snapshot_figures(snapshot) == direct
            if period.code == str(today.year) and chef == country.region_chef(0):
                assert direct  # the region chef's year has figures to compare


def test_the_page_shows_a_slow_snapshot_equal_to_the_live_figures(client, settings):
    seed(300, 30)
    today = timezone.localdate()
    chef = country_load().region_chef(0)
    units = statistics_units(user=chef)
    period = default_period(today=today)
    live = statistics_report(units=units, period=period, today=today, charts=False)
    assert live.computed_at is None
    services.statistics_snapshot_compute(units=[u.pk for u in units], period=period, today=today)
    # Computing took less than the threshold: the page still computes live.
    settings.STATISTICS_SNAPSHOT_SECONDS = 3600
    assert statistics_report(units=units, period=period, today=today).computed_at is None
    # A snapshot as slow as the threshold is what the page shows, as the live figures were.
    settings.STATISTICS_SNAPSHOT_SECONDS = 0
    stored = statistics_report(units=units, period=period, today=today, charts=False)
    assert stored.computed_at is not None
    assert report_csv(stored) == report_csv(live)
    client.force_login(chef)
    page = client.get(reverse("overview:statistics")).content.decode()
    assert "Siffrorna räknades" in page
    # Tomorrow the snapshot is old: the page computes again.
    tomorrow = today + dt.timedelta(days=1)
    assert statistics_report(units=units, period=period, today=tomorrow).computed_at is None


def test_the_tick_computes_each_chefs_snapshots_once_a_day_within_its_budget():
    seed(100, 10)
    today = timezone.localdate()
    StatisticsSnapshot.objects.create(
        key="old", period="2025", computed_on=today - dt.timedelta(days=1),
        computed_at=timezone.now(), seconds=9.0, figures=[],
    )  # fmt: skip
    first = services.statistics_snapshots_refresh(today=today, budget=0.5)
    assert first >= 1
    assert not StatisticsSnapshot.objects.filter(key="old").exists()
    assert StatisticsSnapshot.objects.count() == first
    # The next tick goes on where it stopped, and computes nothing twice.
    second = services.statistics_snapshots_refresh(today=today, budget=0.5)
    assert StatisticsSnapshot.objects.count() == first + second
    assert (
        StatisticsSnapshot.objects.values("key", "period").distinct().count()
        == StatisticsSnapshot.objects.count()
    )
