from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AccessLogEntry
from directory.models import Membership
from tests.conftest import years_ago
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, person_born

AT = timezone.make_aware(dt.datetime(2026, 11, 23, 10, 0))
TABLE = connection.ops.quote_name(AccessLogEntry._meta.db_table)


@contextlib.contextmanager
def as_table_owner() -> Iterator:
    """A cursor acting, in a transaction of its own, as the role the test session logged in
    as: the tables' owner, as a database administrator would (the tests otherwise act as the
    runtime role, tests/conftest.py). The runtime role is back afterwards."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (acting_as,) = cursor.fetchone()
        cursor.execute("SET LOCAL ROLE NONE")
        # Django checks foreign keys at commit; PostgreSQL refuses ALTER TABLE and TRUNCATE
        # of a table with checks pending, and a test never commits.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield cursor
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(acting_as)}")


def execute_behind_the_triggers_back(sql: str, params: list | None = None) -> None:
    """What the tables' owner could do: switch the triggers off, change the log, switch
    them on again."""
    with as_table_owner() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


@pytest.fixture
def staff(db):
    """Two units in two organisations, a case worker and a manager in the first, a nurse in
    the second, and two people."""
    kommun = OrganisationFactory(name="Ludvika kommun")
    region = OrganisationFactory(name="Region Dalarna", kind="region")
    social = UnitFactory(organisation=kommun, name="Barn och familj")
    bup = UnitFactory(organisation=region, name="BUP Falun")
    return SimpleNamespace(
        kommun=kommun,
        region=region,
        social=social,
        bup=bup,
        sara=MembershipFactory(unit=social, user__username="sara").user,
        carl=MembershipFactory(
            unit=social, user__username="carl", role=Membership.Role.MANAGER
        ).user,
        vera=MembershipFactory(
            unit=bup, user__username="vera", role=Membership.Role.HEALTH_STAFF
        ).user,
        child=person_born(years_ago(10), first_name="Alva"),
        adult=person_born(years_ago(40), first_name="Bertil"),
    )
