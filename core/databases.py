"""Which database a read goes to, and the SQL the statistics need on every engine.

Heavy reads (the chef's statistics and overview) may go to a read replica: ``DATABASE_REPLICA_URL``
configures the alias ``replica`` (config/settings/base.py) and ``read_alias()`` names it. With
none configured everything reads the primary. Writes always go to the primary
(config/routers.py)."""

from __future__ import annotations

import statistics

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created
from django.db.models import Func, IntegerField

#: The alias of the read replica, when DATABASE_REPLICA_URL configures one.
REPLICA = "replica"


def read_alias() -> str:
    """The alias for the statistics' and the overview's reads: the replica where one is
    configured, else the primary. Used as ``QuerySet.using(read_alias())``."""
    return REPLICA if REPLICA in connections else DEFAULT_DB_ALIAS


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (two dates), as an integer on every engine."""

    output_field = IntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def age_sql(vendor: str, day: str, born: str) -> str:
    """The SQL for the age in whole years on the date ``day`` of someone born on ``born``
    (two date expressions), in a statement run with parameters (``%`` doubled)."""
    if vendor == "postgresql":
        return f"CAST(date_part('year', age({day}, {born})) AS integer)"
    if vendor == "sqlite":
        return (
            f"(CAST(strftime('%%Y', {day}) AS INTEGER)"
            f" - CAST(strftime('%%Y', {born}) AS INTEGER)"
            f" - (strftime('%%m-%%d', {day}) < strftime('%%m-%%d', {born})))"
        )
    raise NotImplementedError(f"No age on {vendor}")


def median_sql(vendor: str, expression: str) -> str:
    """The SQL aggregate for the median of ``expression`` (NULLs left out): PostgreSQL's
    ``percentile_cont``, or on SQLite the function registered below."""
    if vendor == "postgresql":
        return f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {expression})"
    if vendor == "sqlite":
        return f"sipflow_median({expression})"
    raise NotImplementedError(f"No median on {vendor}")


class _SqliteMedian:
    """``sipflow_median(x)`` for SQLite (make run), which has no percentile aggregate."""

    def __init__(self):
        self.values: list[float] = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def _register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("sipflow_median", 1, _SqliteMedian)


def sqlite_functions_register() -> None:
    """Called once from an AppConfig.ready(): every new SQLite connection gets the median."""
    connection_created.connect(_register_sqlite_functions, dispatch_uid="core.sqlite_median")
