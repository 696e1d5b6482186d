"""The exports: the page's tables, cell for cell, as CSV for Excel with Swedish settings
(UTF-8 with a byte order mark, semicolons, decimal comma) and as XLSX. Both are written from
the same lines, which hold the same cells the page shows, suppression included."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

from .selectors import Report
from .tables import LEGEND, Cell

#: A text beginning with one of these is read as a formula by a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    """A text cell that a spreadsheet shows as text, never runs as a formula."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def report_lines(report: Report) -> list[list[str | Cell]]:
    """The report as lines of cells: a heading, the period, the units and the legend, then
    each section and table with its header row and rows."""
    lines: list[list[str | Cell]] = [
        [gettext("Statistik (ISU)")],
        [gettext("Period"), report.period.label],
        [gettext("Enheter"), "; ".join(unit.name for unit in report.units)],
    ]
    lines += [[gettext("Teckenförklaring"), f"{symbol} = {meaning}"] for symbol, meaning in LEGEND]
    for section in report.sections:
        lines += [[], [section.title]]
        for table in section.tables:
            lines += [[], [table.title], [gettext("Ålder"), *table.columns]]
            lines += [[row.label, *row.cells] for row in table.rows]
    return lines


def _csv_value(value: str | Cell) -> str:
    return value.text if isinstance(value, Cell) else _text(str(value))


def report_csv(report: Report) -> bytes:
    """CSV that Excel with Swedish settings opens as it is: UTF-8 with BOM, ';' between
    cells, decimal comma."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for line in report_lines(report):
        writer.writerow([_csv_value(value) for value in line])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_value(value: str | Cell):
    if isinstance(value, Cell):
        if value.number is None:
            return value.text
        if isinstance(value.number, Decimal) and value.number != value.number.to_integral():
            return float(value.number)
        return int(value.number)
    return _text(str(value))


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("Statistik")
    bold = Font(bold=True)
    for line in report_lines(report):
        sheet.append([_xlsx_value(value) for value in line])
        row = sheet.max_row
        if len(line) == 1:  # a heading
            sheet.cell(row=row, column=1).font = bold
        for column, value in enumerate(line, start=1):
            cell = sheet.cell(row=row, column=column)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula
            elif isinstance(value, Cell) and isinstance(value.number, Decimal):
                cell.number_format = "0" if isinstance(cell.value, int) else "0.0"
    sheet.column_dimensions["A"].width = 48
    for letter in "BCDEFG":
        sheet.column_dimensions[letter].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
