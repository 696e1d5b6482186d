"""With a read replica configured, the statistics read it, and nothing else does.

The replica is a second alias on the same test database, as Django's TEST MIRROR makes it:
a second connection, which sees only committed rows, as a streaming replica would. It is
added for this module before each test's database set-up (which must know it), hence a
module of its own, of transactional tests."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.databases import REPLICA, read_alias
from directory.models import Membership, Person
from overview.statistics.services import statistics_snapshots_refresh
from tests.factories import MembershipFactory, UnitFactory
from tests.overview.statistics_world import StatisticsWorld, at

pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=[DEFAULT_DB_ALIAS, REPLICA]
)

STATISTICS = "WITH raw"  # how the statistics' statement begins
SNAPSHOTS = '"overview_statisticssnapshot"'


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    config = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    config["TEST"] = {**config.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS}
    connections.settings[REPLICA] = config
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def test_with_a_replica_the_statistics_read_it_and_nothing_else_does(client):
    replica = connections[REPLICA]
    unit = UnitFactory(name="Barn och familj Ludvika")
    chef = MembershipFactory(unit=unit, role=Membership.Role.MANAGER).user
    world = StatisticsWorld(unit.organisation, unit, unit, unit, chef, chef)
    for person in world.people(6, dt.date(1980, 1, 1), Person.LegalSex.MALE):
        world.plan(person, started=at(dt.date.today().year, 1, 5))
    assert read_alias() == REPLICA
    client.force_login(chef)
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connection) as on_primary,
    ):
        response = client.get(reverse("overview:statistics"))
    assert response.status_code == 200
    # Today's snapshot looked up (there is none), then the statistics computed: both there.
    assert [query["sql"][: len(STATISTICS)] for query in on_replica][-1] == STATISTICS
    assert all(
        query["sql"].startswith(STATISTICS) or SNAPSHOTS in query["sql"] for query in on_replica
    )
    assert on_primary.captured_queries  # the session, the user, the chef's units ...
    assert not any(query["sql"].startswith(STATISTICS) for query in on_primary)
    # What the replica holds is what the primary committed (here the same database).
    assert "<td>6</td>" in response.content.decode()


def test_the_ticks_snapshot_is_computed_on_the_replica_written_on_the_primary_and_read_there(
    client, settings
):
    replica = connections[REPLICA]
    unit = UnitFactory(name="Barn och familj Ludvika")
    chef = MembershipFactory(unit=unit, role=Membership.Role.MANAGER).user
    world = StatisticsWorld(unit.organisation, unit, unit, unit, chef, chef)
    for person in world.people(6, dt.date(1980, 1, 1), Person.LegalSex.MALE):
        world.plan(person, started=at(dt.date.today().year, 1, 5))
    settings.STATISTICS_SNAPSHOT_SECONDS = 0  # every snapshot counts as slow
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connection) as on_primary,
    ):
        assert statistics_snapshots_refresh() == 3  # this year, quarter and month
    assert [q["sql"][: len(STATISTICS)] for q in on_replica].count(STATISTICS) == 3
    assert not any(query["sql"].startswith(STATISTICS) for query in on_primary)
    assert sum(query["sql"].startswith(f"INSERT INTO {SNAPSHOTS}") for query in on_primary) == 3
    client.force_login(chef)
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get(reverse("overview:statistics"))
    assert [SNAPSHOTS in query["sql"] for query in on_replica] == [True]
    page = response.content.decode()
    assert "Siffrorna räknades" in page
    assert "<td>6</td>" in page
