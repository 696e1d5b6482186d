"""Bar charts beside the tables, drawn on the server by pygal as inline SVG: no JavaScript
(pygal's tooltip script is left out, so the site's Content-Security-Policy, script-src
'self', has nothing to refuse), a title and a description a screen reader reads (role="img"),
and the same figures as the table beside it, hidden cells left out."""

from __future__ import annotations

import itertools
import re

import pygal
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pygal.style import Style

from cases.registry import MeasureKind

from .categories import SEX_GROUPS
from .tables import Table

#: Okabe-Ito colours: told apart with every common colour vision deficiency.
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f1f1f",
    foreground_strong="#1f1f1f",
    foreground_subtle="#6b6b6b",
    colors=("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9"),
    font_family="Roboto, Arial, sans-serif",
    # The SVG scales with the page: on a 390 px phone to about 0.55, so text is drawn large.
    label_font_size=20,
    major_label_font_size=20,
    value_font_size=18,
    title_font_size=22,
    tooltip_font_size=18,
)

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_OPENING = re.compile(r"<svg\b[^>]*>")

Y_TITLES = {
    MeasureKind.COUNT: _("Antal"),
    MeasureKind.SHARE: _("Procent"),
    MeasureKind.MEDIAN: _("Dagar"),
}


def chart_svg(table: Table) -> str:
    """The SVG of one table's chart: a bar per sex group in each age band."""
    chart = pygal.Bar(
        style=STYLE,
        js=(),
        disable_xml_declaration=True,
        width=640,
        height=400,
        # The legend is the page's (chart_legend): pygal's, at a size readable on a phone,
        # does not fit its own frame.
        show_legend=False,
        show_y_guides=True,
        x_title=gettext("Ålder"),
        y_title=str(Y_TITLES[table.kind]),
        no_data_text=gettext("Inga värden att visa"),
        include_x_axis=True,
        y_labels=_scale(table),
        value_formatter=lambda value: f"{value:g}".replace(".", ","),
    )
    bands = [row for row in table.rows if not row.total]
    chart.x_labels = [row.label for row in bands]
    for column, label in enumerate(table.columns[:-1]):
        values = [
            float(row.cells[column].number) if row.cells[column].shown else None for row in bands
        ]
        chart.add(label, values)
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    return _accessible(svg, table)


def chart_legend() -> list[tuple[str, str]]:
    """(colour, sex group) of the bars, in the order of the tables' columns."""
    return [
        (colour, str(group.label)) for colour, group in zip(STYLE.colors, SEX_GROUPS, strict=True)
    ]


def _scale(table: Table) -> list[int]:
    """Whole numbers up the y axis (0 to 100 for a share), about five steps."""
    if table.kind == MeasureKind.SHARE:
        return list(range(0, 101, 20))
    shown = [cell.number for row in table.rows if not row.total for cell in row.cells[:-1]]
    top = max([5, *(int(number) + 1 for number in shown if number is not None)])
    step = next(
        step
        for step in (m * 10**exponent for exponent in itertools.count() for m in (1, 2, 5))
        if top / step <= 6
    )
    return list(range(0, top + step, step))


def _accessible(svg: str, table: Table) -> str:
    """role="img" with the chart's title and description as its name, first in the SVG."""
    ident = f"chart-{table.code}"
    description = gettext(
        "Stapeldiagram: %(title)s, per åldersgrupp med en stapel per kön (%(groups)s). Samma "
        "värden står i tabellen intill; värden som döljs där saknas i diagrammet."
    ) % {"title": table.title, "groups": ", ".join(table.columns[:-1]).lower()}
    opening = _OPENING.search(svg)
    tag = opening.group(0)[:-1] + (
        f' role="img" aria-labelledby="{ident}-title {ident}-desc"'
        ' preserveAspectRatio="xMidYMid meet" style="width: 100%; height: auto">'
    )
    head = (
        f'<title id="{ident}-title">{escape(table.title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
    )
    return svg[: opening.start()] + tag + head + svg[opening.end() :]
