"""The chef's statistics: which units a chef sees, and the report for a period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cases.registry import statistics_measures
from core.databases import read_alias
from directory.models import Unit, User
from directory.selectors import user_managed_units

from .charts import chart_svg
from .periods import Period
from .query import statistics_aggregates
from .services import snapshot_figures, statistics_snapshot_find
from .tables import Section, Table, build_sections


@dataclass(frozen=True)
class Report:
    period: Period
    units: tuple[Unit, ...]
    sections: tuple[Section, ...]
    #: When the figures were computed, where they come from the tick's snapshot of today
    #: (overview.statistics.services); None where they were computed for this look.
    computed_at: dt.datetime | None = None

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]


def statistics_units(*, user: User) -> list[Unit]:
    """The units whose statistics the user sees: those the user is chef of (and, through
    user_managed_units, the units under them). None for anyone else."""
    return list(user_managed_units(user=user).select_related("organisation").order_by("name"))


def statistics_report(
    *, units: Sequence[Unit], period: Period, today: dt.date, charts: bool = True
) -> Report:
    """Every registered measure for these units and this period, split by legal sex and age,
    suppressed, with a chart per table (not for the exports). From today's snapshot where
    the tick made one because the direct query is slow; otherwise one SQL statement. Both on
    the read replica where one is configured."""
    measures = statistics_measures()
    pks = [unit.pk for unit in units]
    snapshot = statistics_snapshot_find(units=pks, period=period, today=today)
    if snapshot is not None:
        aggregates = snapshot_figures(snapshot)
    else:
        aggregates = statistics_aggregates(
            measures=measures, units=pks, period=period.span, today=today, using=read_alias()
        )
    report = Report(
        period,
        tuple(units),
        build_sections(measures=measures, aggregates=aggregates),
        computed_at=snapshot.computed_at if snapshot else None,
    )
    if charts:
        for table in report.tables:
            table.chart = chart_svg(table)
    return report
