"""One SQL statement for every measure of the page, whatever the number of rows.

Each measure's event queries (cases.registry.StatisticsMeasure) are joined with UNION ALL;
each event gets the sex group and age band of its person on the day of the event; the
statement then aggregates them four ways: per sex group and age band (the cells), per sex
group, per age band (the margins) and in all (the total), each with count(*) and
count(DISTINCT person), under FILTER for a share, and the median, so that every figure is
the database's and none is added up in Python. Suppression needs the number of distinct
people behind each figure, not only the number of events: one person reviewed on five
insatser is still one person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connections
from django.db.models import BooleanField, CharField, DateField, F, FloatField, Value
from django.db.models.functions import Cast

from cases.registry import StatisticsMeasure, StatisticsPeriod
from core.databases import age_sql, median_sql
from directory.models import Person

from .categories import band_sql, sex_sql

#: The columns of each event, as the statement names them.
COLUMNS = ("measure", "grp", "person", "day", "value", "flag")


@dataclass(frozen=True)
class Aggregate:
    """The figures of one cell or margin of one measure (and group). ``sex`` and ``band``
    are None in a margin that sums over them."""

    measure: str
    group: str
    sex: str | None
    band: str | None
    events: int
    persons: int
    yes: int
    yes_persons: int
    no_persons: int
    median: float | None


def _event_sql(measure: StatisticsMeasure, events, connection) -> tuple[str, list]:
    """One SELECT of a measure's events, with the columns COLUMNS names, in their order."""
    given = events.rows.query.annotations
    selected = {
        "measure": Value(measure.code, output_field=CharField()),
        "grp": F("stat_group") if "stat_group" in given else Value("", CharField()),
        "person": F(events.person),
        # Typed, so that the branches of the UNION agree where one has no value or flag.
        "day": Cast(F("stat_on"), DateField()),
        "value": Cast(F("stat_value") if "stat_value" in given else Value(None), FloatField()),
        "flag": Cast(F("stat_flag") if "stat_flag" in given else Value(None), BooleanField()),
    }
    aliases = {name: f"stat_column_{name}" for name in COLUMNS}
    rows = events.rows.annotate(**{aliases[name]: selected[name] for name in COLUMNS})
    rows = rows.values_list(*(aliases[name] for name in COLUMNS))
    sql, params = rows.query.get_compiler(connection=connection).as_sql()
    columns = ", ".join(f"e.{connection.ops.quote_name(aliases[name])}" for name in COLUMNS)
    return f"SELECT {columns} FROM ({sql}) e", list(params)


def statistics_aggregates(
    *,
    measures: Sequence[StatisticsMeasure],
    units: list[int],
    period: StatisticsPeriod,
    today,
    using: str,
) -> list[Aggregate]:
    """The figures of every measure for these units and this period, in one statement on
    the database ``using`` (core.databases.read_alias)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    parts, params = [], []
    for measure in measures:
        for events in measure.events(units=units, period=period, today=today):
            sql, part_params = _event_sql(measure, events, connection)
            parts.append(sql)
            params += part_params
    if not parts:
        return []
    person = f"{quote(Person._meta.db_table)} p"
    legal_sex = f"p.{quote(Person._meta.get_field('legal_sex').column)}"
    born = f"p.{quote(Person._meta.get_field('date_of_birth').column)}"
    sex, sex_params = sex_sql("raw.legal_sex", "raw.age")
    band, band_params = band_sql("raw.age")
    figures = ", ".join(
        [
            "COUNT(*)",
            "COUNT(DISTINCT person)",
            "COUNT(*) FILTER (WHERE flag IS TRUE)",
            "COUNT(DISTINCT person) FILTER (WHERE flag IS TRUE)",
            "COUNT(DISTINCT person) FILTER (WHERE flag IS NOT TRUE)",
            median_sql(connection.vendor, "value"),
        ]
    )
    groupings = (("sex", "band"), ("sex", None), (None, "band"), (None, None))
    selects = []
    for by_sex, by_band in groupings:
        keys = ", ".join(["measure", "grp", *(key for key in (by_sex, by_band) if key)])
        selects.append(
            f"SELECT measure, grp, {by_sex or 'NULL'}, {by_band or 'NULL'}, {figures} "
            f"FROM events GROUP BY {keys}"
        )
    statement = (
        f"WITH raw ({', '.join(COLUMNS)}) AS ({' UNION ALL '.join(parts)}), "
        f"events AS (SELECT raw.measure, raw.grp, raw.person, raw.value, raw.flag, "
        f"{sex} AS sex, {band} AS band FROM ("
        f"SELECT raw.*, {legal_sex} AS legal_sex, "
        f"{age_sql(connection.vendor, 'raw.day', born)} AS age "
        f"FROM raw JOIN {person} ON p.{quote(Person._meta.pk.column)} = raw.person) raw) "
        + " UNION ALL ".join(selects)
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, *sex_params, *band_params])
        found = cursor.fetchall()
    return [
        Aggregate(
            measure=row[0],
            group=row[1],
            sex=row[2],
            band=row[3],
            events=row[4],
            persons=row[5],
            yes=row[6],
            yes_persons=row[7],
            no_persons=row[8],
            median=None if row[9] is None else float(row[9]),
        )
        for row in found
    ]
