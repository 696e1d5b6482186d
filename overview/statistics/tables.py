"""The tables of the statistics page, exactly as shown and exported: one per measure (and
group), age bands down, sex groups across, with totals; every cell already suppressed and
formatted, so that the page, the CSV and the XLSX show the same cells.

Suppression (RULES §5; the issue's rule): a figure that rests on fewer than 5 people, 1 to
4, is hidden as "<5" (primary): a count of 1 to 4 events or people, a share where fewer than 5
people answered yes or fewer than 5 did not, a median of fewer than 5 people's times. Then
counts and shares hide further cells (".."), so that no hidden cell can be computed from the
totals (overview.statistics.suppression). Medians add up to nothing, so they need no more.
A 0 is shown: it describes nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from cases.registry import MeasureKind, StatisticsMeasure

from .categories import AGE_BANDS, SEX_GROUPS
from .query import Aggregate
from .suppression import Position, suppress

#: Figures resting on fewer people than this are hidden.
THRESHOLD = 5

SMALL = "<5"
HIDDEN = ".."
NONE = "–"

LEGEND = (
    (SMALL, _("färre än 5 personer")),
    (HIDDEN, _("dolt så att ett annat dolt värde inte kan räknas fram ur summorna")),
    (NONE, _("gruppen finns inte, eller inget att räkna på")),
)

TOTAL = _("Totalt")


@dataclass(frozen=True)
class Cell:
    """One cell as shown: ``text`` is what the page and the exports show (decimal comma);
    ``number`` the figure (None where a symbol stands)."""

    text: str
    number: int | Decimal | None = None

    @property
    def shown(self) -> bool:
        return self.number is not None


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    total: bool = False


@dataclass
class Table:
    code: str  # unique on the page: measure code, and group code where it has groups
    measure: StatisticsMeasure
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    chart: str = field(default="", repr=False)

    @property
    def description(self) -> str:
        return self.measure.description

    @property
    def kind(self) -> str:
        return self.measure.kind


@dataclass(frozen=True)
class Section:
    title: str
    tables: tuple[Table, ...]


def _decimal_text(number: Decimal) -> str:
    return format(number, "f").replace(".", ",")


def _count(figures: Aggregate) -> Cell:
    return Cell(str(figures.events), figures.events)


def _share(figures: Aggregate) -> Cell:
    if not figures.events:
        return Cell(NONE)
    share = (Decimal(figures.yes) * 100 / Decimal(figures.events)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return Cell(_decimal_text(share), share)


def _median(figures: Aggregate) -> Cell:
    if figures.median is None:
        return Cell(NONE)
    median = Decimal(str(figures.median)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if median == median.to_integral_value():
        median = median.quantize(Decimal(1))
    return Cell(_decimal_text(median), median)


def _small(figures: Aggregate, kind: str) -> bool:
    """Primary suppression: the figure rests on 1 to 4 people."""
    few = [figures.persons]
    if kind == MeasureKind.SHARE:
        few += [figures.yes_persons, figures.no_persons]
    return any(0 < people < THRESHOLD for people in few)


EMPTY = Aggregate("", "", None, None, 0, 0, 0, 0, 0, None)
SHOW = {MeasureKind.COUNT: _count, MeasureKind.SHARE: _share, MeasureKind.MEDIAN: _median}


def build_table(*, code: str, measure: StatisticsMeasure, title: str, figures: dict) -> Table:
    """One table from the figures of its cells and margins: ``figures`` maps (sex code or
    None, band code or None) to its Aggregate (missing: nothing happened)."""
    bands = [*AGE_BANDS, None]
    groups = [*SEX_GROUPS, None]
    exists: dict[Position, Aggregate] = {}
    for row, band in enumerate(bands):
        for column, group in enumerate(groups):
            if band is not None and group is not None and not group.in_band(band):
                continue  # e.g. girls aged 30-49: no such group
            key = (group.code if group else None, band.code if band else None)
            exists[(row, column)] = figures.get(key, EMPTY)
    primary = {position for position, found in exists.items() if _small(found, measure.kind)}
    hidden = set(primary)
    if measure.kind in (MeasureKind.COUNT, MeasureKind.SHARE):
        hidden = suppress(
            values={position: found.events for position, found in exists.items()},
            primary=primary,
        )
    rows = []
    for row, band in enumerate(bands):
        cells = []
        for column in range(len(groups)):
            position = (row, column)
            if position not in exists:
                cells.append(Cell(NONE))
            elif position in primary:
                cells.append(Cell(SMALL))
            elif position in hidden:
                cells.append(Cell(HIDDEN))
            else:
                cells.append(SHOW[measure.kind](exists[position]))
        label = band.label if band else str(TOTAL)
        rows.append(Row(label, tuple(cells), total=band is None))
    columns = (*(str(group.label) for group in SEX_GROUPS), str(TOTAL))
    return Table(code=code, measure=measure, title=title, columns=columns, rows=tuple(rows))


def build_sections(
    *, measures: Sequence[StatisticsMeasure], aggregates: Iterable[Aggregate]
) -> tuple[Section, ...]:
    """Every measure's tables, by section in the measures' order."""
    by_table: dict[tuple[str, str], dict] = {}
    for found in aggregates:
        by_table.setdefault((found.measure, found.group), {})[(found.sex, found.band)] = found
    sections: dict[str, list[Table]] = {}
    for measure in measures:
        groups = measure.groups or (("", ""),)
        for group, label in groups:
            title = f"{measure.title}: {label}" if group else str(measure.title)
            table = build_table(
                code=f"{measure.code}-{group}" if group else measure.code,
                measure=measure,
                title=title,
                figures=by_table.get((measure.code, group), {}),
            )
            sections.setdefault(str(measure.section), []).append(table)
    return tuple(Section(title, tuple(tables)) for title, tables in sections.items())
