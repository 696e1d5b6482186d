from __future__ import annotations

import datetime as dt
import importlib
import uuid

import pytest

from tests.factories import person_born

TODAY = dt.date(2026, 11, 23)


def years_ago(years: int, *, today: dt.date = TODAY, days: int = 0) -> dt.date:
    """The date ``years`` years and ``days`` days before ``today`` (1 March for 29 Feb)."""
    try:
        date = today.replace(year=today.year - years)
    except ValueError:
        date = dt.date(today.year - years, 3, 1)
    return date - dt.timedelta(days=days)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """A reused test database (``--reuse-db``) that holds a run's data is dropped, and then
    made anew: a run stopped in a transactional test (Ctrl-C, a machine shut down) leaves its
    rows committed, and every later run would collide with them. Runs after pytest-django
    has given each xdist worker its database name."""
    from django.conf import settings

    drop_test_database_left_with_data(settings.DATABASES["default"])


#: Tables that hold nothing until a test writes: a row in one, before any test has run, is
#: a row an earlier, stopped run left.
RUN_DATA_TABLES = ("directory_organisation", "directory_user")


def server_connection(settings_dict: dict) -> dict:
    """psycopg's connection arguments for the server of ``settings_dict``, in autocommit (a
    database is named at each connect)."""
    return {
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
        "user": settings_dict["USER"] or None,
        "password": settings_dict["PASSWORD"] or None,
        "autocommit": True,
    }


def drop_test_database_left_with_data(settings_dict: dict) -> bool:
    """Drop the test database of ``settings_dict`` if it exists and holds rows in
    ``RUN_DATA_TABLES``; True if it did."""
    import psycopg
    from psycopg import sql

    name = settings_dict["TEST"].get("NAME") or f"test_{settings_dict['NAME']}"
    connect = server_connection(settings_dict)
    try:
        with psycopg.connect(dbname=name, **connect) as conn:
            left = any(
                conn.execute(
                    sql.SQL("SELECT EXISTS (SELECT FROM {})").format(sql.Identifier(table))
                ).fetchone()[0]
                for table in RUN_DATA_TABLES
                if conn.execute("SELECT to_regclass(%s) IS NOT NULL", [table]).fetchone()[0]
            )
    except psycopg.OperationalError:
        return False  # no such database yet: pytest-django creates it
    if not left:
        return False
    with psycopg.connect(dbname="postgres", **connect) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    return True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database is migrated as the role of DATABASE_URL, its owner; migrate then
    grants the runtime role (settings.DATABASE_RUNTIME_ROLE) its rights. Every test then runs
    as that role, as production does, through SET ROLE on each new connection: the suite
    proves that the application needs no more, and cannot change the access log."""
    from django.conf import settings
    from django.db import connections

    options = connections["default"].settings_dict["OPTIONS"]
    with django_db_blocker.unblock():
        connections.close_all()
    options["assume_role"] = settings.DATABASE_RUNTIME_ROLE
    yield
    options.pop("assume_role", None)
    with django_db_blocker.unblock():
        connections.close_all()


@pytest.fixture(autouse=True)
def audit_checkpoint_path(settings, tmp_path_factory):
    """Each test its own (not yet written) checkpoint file: a checkpoint left by one test's
    log would make the next test's log look cut short."""
    settings.AUDIT_CHECKPOINT_PATH = (
        tmp_path_factory.getbasetemp() / "checkpoints" / f"{uuid.uuid4().hex}.log"
    )


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data (``seed_demo``), seeded once for the tests of a module that asks for it
    (through ``demo``), inside a transaction rolled back when the module ends. Each test
    runs in a savepoint of its own within it (pytest-django's ``db``), so what one test
    changes ends with it and the next finds the demo as seeded. Seeding runs the real
    services for two dozen SIPs and the placements: seeded for each test, it was a tenth of
    the suite's time."""
    import io

    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    from tests.placement_world import seed_templates

    checkpoints = tmp_path_factory.getbasetemp() / "checkpoints" / f"{uuid.uuid4().hex}.log"
    with django_db_blocker.unblock(), override_settings(AUDIT_CHECKPOINT_PATH=checkpoints):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # What migrations seed, which a transactional test before may have flushed.
            seed_information_categories()
            seed_templates()
            call_command("seed_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_data, db):
    """The demo data, seeded once per module (``demo_data``); this test's changes are rolled
    back when it ends."""


@pytest.fixture
def make_person(db):
    return person_born


@pytest.fixture(autouse=True)
def information_categories(request):
    """The categories a migration seeds. A transactional test flushes them away and the test
    database is reused between runs, so every database test puts them back first."""
    if request.node.get_closest_marker("django_db") is None:
        return
    seed_information_categories()


def seed_information_categories() -> None:
    """The information categories the migration ``consent 0002`` seeds, put back."""
    from django.apps import apps

    seed = importlib.import_module("consent.migrations.0002_information_categories")
    seed.create(apps, None)


#: The suite's longest database tests (a minute or more each): run first, so that the two
#: workers share them and the short tests fill in around them, instead of one worker ending
#: the run with one of them. The real-browser tests are transactional, which pytest-django
#: runs after every other database test whatever the order here.
LONGEST_FIRST = (
    "tests/access/test_matrix.py::test_access_matrix",
    "tests/access/test_bad_input.py::test_no_input_reaches_a_server_error",
    "tests/access/test_query_counts.py::test_every_page_costs_the_same_at_two_sizes",
    "tests/api/test_schemathesis.py",
    "tests/sipflow/test_grants.py::test_the_grants_and_the_policy_agree",
)


def _longest_first(item) -> int:
    ranks = (rank for rank, prefix in enumerate(LONGEST_FIRST) if item.nodeid.startswith(prefix))
    return next(ranks, len(LONGEST_FIRST))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """The longest tests first (``LONGEST_FIRST``): sorted before pytest-django sorts its
    kinds of test (a stable sort, which keeps this order within each kind).

    And: a transactional test empties every table when it ends. Restored with the
    migrations' data (serialized_rollback) it leaves the next test the database it expects;
    without, the content types it recreates get new ids and every later restore collides
    with them. So every transactional test restores: one that does not is refused here, by
    name."""
    careless = [
        item.nodeid
        for item in items
        if (marker := item.get_closest_marker("django_db")) is not None
        and marker.kwargs.get("transaction")
        and not marker.kwargs.get("serialized_rollback")
    ]
    if careless:
        raise pytest.UsageError(
            "Transactional tests must also set serialized_rollback=True: " + ", ".join(careless)
        )
    items.sort(key=_longest_first)
