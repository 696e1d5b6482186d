"""The read replica: DATABASE_REPLICA_URL configures the alias "replica"; the statistics'
reads go to it by name (core.databases.read_alias), everything else and every write to the
primary (config/routers.py); with no replica everything reads the primary.

In the tests the replica is a second alias pointing at the same test database, as Django's
TEST MIRROR does: a second connection, which sees only committed rows, as a streaming
replica would, hence the transactional tests."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from django.test.utils import CaptureQueriesContext

from config.routers import ReplicaRouter
from core.databases import REPLICA, read_alias
from directory.models import Unit
from overview.statistics.periods import period_parse
from overview.statistics.selectors import statistics_report
from tests.factories import UnitFactory

ROOT = Path(__file__).resolve().parents[2]
STATISTICS = "WITH raw"  # how the statistics' statement begins


def settings_with(**env: str) -> subprocess.CompletedProcess:
    code = (
        "from django.conf import settings; "
        "replica = settings.DATABASES.get('replica'); "
        "print(replica and (replica['NAME'], replica['HOST'], replica['TEST']['MIRROR'])); "
        "print(settings.DATABASE_ROUTERS)"
    )
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", **env},
        capture_output=True,
        text=True,
    )


def test_database_replica_url_configures_the_replica_alias():
    result = settings_with(
        DATABASE_URL="postgres://sipflow@db.example.se:5432/sipflow",
        DATABASE_REPLICA_URL="postgres://sipflow@replica.example.se:5432/sipflow",
    )
    assert result.returncode == 0, result.stderr
    replica, routers = result.stdout.strip().splitlines()[-2:]
    assert replica == "('sipflow', 'replica.example.se', 'default')"
    assert routers == "['config.routers.ReplicaRouter']"


def test_a_replica_must_be_of_the_same_kind_as_the_primary():
    result = settings_with(
        DATABASE_URL="postgres://sipflow@db.example.se:5432/sipflow",
        DATABASE_REPLICA_URL="sqlite:///tmp/replica.sqlite3",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL" in result.stderr


def test_without_a_replica_the_statistics_read_the_primary(db):
    assert REPLICA not in settings.DATABASES
    assert read_alias() == DEFAULT_DB_ALIAS
    unit = UnitFactory()
    with CaptureQueriesContext(connection) as queries:
        statistics_report(
            units=[unit],
            period=period_parse("2026", today=dt.date(2026, 11, 23)),
            today=dt.date(2026, 11, 23),
            charts=False,
        )
    # Today's snapshot looked up (overview.statistics.services; none), then the statement.
    assert [query["sql"][: len(STATISTICS)] for query in queries] == ['SELECT "', STATISTICS]
    assert '"overview_statisticssnapshot"' in queries[0]["sql"]


def test_the_router_writes_to_the_primary_and_never_migrates_the_replica():
    router = ReplicaRouter()
    unit = Unit(name="Enhet")
    unit._state.db = REPLICA
    assert router.db_for_write(Unit, instance=unit) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Unit) is None  # the primary, unless a read asks for the replica
    assert router.allow_migrate(REPLICA, "directory") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "directory") is True
    other = Unit(name="Annan")
    other._state.db = DEFAULT_DB_ALIAS
    assert router.allow_relation(unit, other) is True


def test_postgresql_runs_without_jit(db):
    """JIT compiled the statistics' statement for longer than it ran (config/settings/base.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_postgresql_starts_no_parallel_worker_unless_configured(db):
    """A worker's start cost a page's short statements more than they took
    (config/settings/base.py, DATABASE_PARALLEL_WORKERS)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == str(settings.PARALLEL_WORKERS) == "0"
