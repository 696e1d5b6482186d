"""Suppression of the statistics' tables: no figure resting on 1 to 4 people is shown, and
no hidden figure can be computed from what is shown and the totals. Checked on the tables
as the page shows them, with an independent linear-algebra check (a hidden cell is known
exactly when its unit vector lies in the row space of the sums' equations over the hidden
cells), over tables hypothesis makes up."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.registry import MeasureKind, StatisticsMeasure
from overview.statistics.categories import AGE_BANDS, SEX_GROUPS
from overview.statistics.query import Aggregate
from overview.statistics.suppression import suppress
from overview.statistics.tables import HIDDEN, NONE, SMALL, build_table

# --- An independent check: which hidden cells the shown cells and sums determine --------------


def reduced(rows: list[list[Fraction]], width: int) -> tuple[list[list[Fraction]], list[int]]:
    """The reduced row echelon form of ``rows`` and its pivot columns."""
    matrix = [list(row) for row in rows]
    pivots: list[int] = []
    for column in range(width):
        found = len(pivots)
        pivot = next((r for r in range(found, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[found], matrix[pivot] = matrix[pivot], matrix[found]
        lead = matrix[found][column]
        matrix[found] = [value / lead for value in matrix[found]]
        for r in range(len(matrix)):
            if r != found and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[found], strict=True)]
        pivots.append(column)
    return matrix, pivots


def determined(cells: set[tuple[int, int]], hidden: set[tuple[int, int]]) -> set:
    """The hidden cells that the equations of the table determine exactly: each row and each
    column (the totals row and column included, the last ones) sums to its total, with the
    shown cells known."""
    rows = {row for row, _column in cells}
    columns = {column for _row, column in cells}
    total_row, total_column = max(rows), max(columns)
    unknowns = sorted(hidden)
    index = {cell: i for i, cell in enumerate(unknowns)}
    equations = []
    for line in [("row", r) for r in rows] + [("column", c) for c in columns]:
        axis, number = line
        members = [cell for cell in cells if (cell[0] if axis == "row" else cell[1]) == number]
        equation = [Fraction(0)] * len(unknowns)
        for cell in members:
            if cell in index:
                at_total = cell[1] == total_column if axis == "row" else cell[0] == total_row
                equation[index[cell]] += -1 if at_total else 1
        if any(equation):
            equations.append(equation)
    # x_k is determined exactly when every solution of the homogeneous system has d_k = 0:
    # not a free variable, and its pivot row has no free variable in it.
    matrix, pivots = reduced(equations, len(unknowns))
    free = [k for k in range(len(unknowns)) if k not in pivots]
    known = set()
    for row, k in enumerate(pivots):
        if all(matrix[row][f] == 0 for f in free):
            known.add(unknowns[k])
    return known


# --- Tables as the page builds them -------------------------------------------------------------

COUNT = StatisticsMeasure(
    code="test_count",
    section="Test",
    title="Test",
    description="",
    kind=MeasureKind.COUNT,
    events=lambda **kwargs: [],
)
SHARE = StatisticsMeasure(
    code="test_share",
    section="Test",
    title="Test",
    description="",
    kind=MeasureKind.SHARE,
    events=lambda **kwargs: [],
)
MEDIAN = StatisticsMeasure(
    code="test_median",
    section="Test",
    title="Test",
    description="",
    kind=MeasureKind.MEDIAN,
    events=lambda **kwargs: [],
)

GROUPS = [(group, band) for band in AGE_BANDS for group in SEX_GROUPS if group.in_band(band)]


def figures_from(counts: dict, yes: dict | None = None) -> dict:
    """The Aggregates of a table whose cells hold ``counts`` events, one person each (and
    ``yes`` of them yes), with the margins summed as the database does."""
    yes = yes or {}
    figures = {}
    keys = {}
    for (group, band), count in counts.items():
        for key in (
            (group.code, band.code),
            (group.code, None),
            (None, band.code),
            (None, None),
        ):
            events, answered = keys.get(key, (0, 0))
            keys[key] = (events + count, answered + yes.get((group, band), 0))
    for (sex, band), (events, answered) in keys.items():
        figures[(sex, band)] = Aggregate(
            "m", "", sex, band, events, events, answered, answered, events - answered, None
        )
    return figures


def structural(table) -> set:
    """The cells of groups that do not exist (girls aged 30-49 ...)."""
    gone = set()
    for r, band in enumerate([*AGE_BANDS, None]):
        for c, group in enumerate([*SEX_GROUPS, None]):
            if band is not None and group is not None and not group.in_band(band):
                gone.add((r, c))
    return gone


def existing(table) -> set:
    return {(r, c) for r in range(len(table.rows)) for c in range(len(table.columns))} - structural(
        table
    )


counts_strategy = st.fixed_dictionaries(
    {key: st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 40)) for key in GROUPS}
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=counts_strategy)
def test_a_count_table_shows_no_small_figure_and_hides_nothing_that_can_be_computed(counts):
    table = build_table(code="t", measure=COUNT, title="T", figures=figures_from(counts))
    cells = existing(table)
    hidden = {(r, c) for r, c in cells if table.rows[r].cells[c].text in (SMALL, HIDDEN)}
    for r, c in cells:
        cell = table.rows[r].cells[c]
        if cell.shown:
            assert cell.number == 0 or cell.number >= 5, (r, c, cell)
        else:
            assert cell.text in (SMALL, HIDDEN)
    assert determined(cells, hidden) == set()
    # Structural cells are marked, never counted.
    assert all(table.rows[r].cells[c].text == NONE for r, c in structural(table))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts=counts_strategy, data=st.data())
def test_a_share_table_hides_shares_resting_on_few_yes_or_no(counts, data):
    yes = {key: data.draw(st.integers(0, count)) for key, count in counts.items()}
    figures = figures_from(counts, yes)
    table = build_table(code="t", measure=SHARE, title="T", figures=figures)
    cells = existing(table)
    bands = [*AGE_BANDS, None]
    groups = [*SEX_GROUPS, None]
    for r, c in cells:
        band, group = bands[r], groups[c]
        found = figures.get((group.code if group else None, band.code if band else None))
        cell = table.rows[r].cells[c]
        if found is None or found.events == 0:
            assert cell.text == NONE  # nothing to base a share on; never needed to hide
            continue
        if any(0 < n < 5 for n in (found.events, found.yes, found.events - found.yes)):
            assert cell.text == SMALL
        if cell.shown:
            assert found.yes >= 5 or found.yes == 0
            assert found.events - found.yes >= 5 or found.events == found.yes
    hidden = {(r, c) for r, c in cells if table.rows[r].cells[c].text in (SMALL, HIDDEN)}
    # A share shows neither its yes nor its no count, but were the counts known (events of
    # another table), a hidden cell's counts still could not be computed from the others.
    assert determined(cells, hidden) == set()


# --- The suppression itself, on plain grids -------------------------------------------------


@st.composite
def grids(draw):
    """A table of 2-5 rows and 2-4 columns of counts with its totals, some cells missing
    (each row and column keeps one)."""
    rows, columns = draw(st.integers(2, 5)), draw(st.integers(2, 4))
    present = {
        (r, c)
        for r in range(rows)
        for c in range(columns)
        if draw(st.booleans()) or c == r % columns or r == c % rows
    }
    values = {
        cell: draw(st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 30))) for cell in present
    }
    for r in range(rows):
        values[(r, columns)] = sum(v for (vr, _c), v in values.items() if vr == r and _c < columns)
    for c in range(columns + 1):
        values[(rows, c)] = sum(v for (_r, vc), v in values.items() if vc == c and _r < rows)
    return values


@settings(max_examples=400, deadline=None)
@given(values=grids())
def test_no_hidden_cell_of_any_table_can_be_computed(values):
    primary = {cell for cell, value in values.items() if 0 < value < 5}
    hidden = suppress(values=values, primary=primary)
    assert primary <= hidden
    assert determined(set(values), set(hidden)) == set()
    # Nothing is hidden where nothing was small, and a 0 never stands in for another cell.
    if not primary:
        assert hidden == frozenset()
    assert all(values[cell] > 0 for cell in hidden)


def test_one_small_cell_in_a_row_hides_a_second_cell_of_the_row_and_of_its_column():
    # Two rows, two columns, with totals: [[3, 10 | 13], [20, 30 | 50] | [23, 40 | 63]].
    values = {
        (0, 0): 3, (0, 1): 10, (0, 2): 13,
        (1, 0): 20, (1, 1): 30, (1, 2): 50,
        (2, 0): 23, (2, 1): 40, (2, 2): 63,
    }  # fmt: skip
    hidden = suppress(values=values, primary={(0, 0)})
    # The cheapest cycle through the 3: its row's 10, its column's 20 and the 30 opposite.
    assert hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert determined(set(values), set(hidden)) == set()
    # Hiding only the 3 and the 10 would leave the 3 as 23 - 20 (its column's total).
    assert determined(set(values), {(0, 0), (0, 1)}) == {(0, 0), (0, 1)}


def test_two_hidden_cells_in_every_row_and_column_are_not_enough():
    """Two small cycles of hidden cells joined by one hidden cell: every row and column holds
    two or more hidden cells, yet the joining cell is its row's sum minus its column's. The
    suppression closes a cycle through it."""
    interior = {(r, c): 6 + r + 2 * c for r in range(4) for c in range(4)}
    values = dict(interior)
    for r in range(4):
        values[(r, 4)] = sum(interior[(r, c)] for c in range(4))
    for c in range(5):
        values[(4, c)] = sum(values[(r, c)] for r in range(4))
    cycles = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)}
    joined = cycles | {(1, 2)}
    assert determined(set(values), joined) == {(1, 2)}
    hidden = suppress(values=values, primary=joined)
    assert joined < hidden
    assert determined(set(values), set(hidden)) == set()


def test_a_small_total_is_hidden_with_what_it_could_reveal():
    values = {(0, 0): 3, (0, 1): 0, (0, 2): 3, (1, 0): 3, (1, 1): 0, (1, 2): 3}
    hidden = suppress(values=values, primary={(0, 0), (0, 2), (1, 0), (1, 2)})
    assert hidden == {(0, 0), (0, 2), (1, 0), (1, 2)}
    assert determined(set(values), set(hidden)) == set()


def test_a_zero_is_not_used_to_hide_a_small_cell():
    """With a hidden 0 beside it, a 1 could be pinned down: the counts cannot go below 0."""
    values = {
        (0, 0): 1, (0, 1): 0, (0, 2): 1,
        (1, 0): 0, (1, 1): 9, (1, 2): 9,
        (2, 0): 1, (2, 1): 9, (2, 2): 10,
    }  # fmt: skip
    hidden = suppress(values=values, primary={(0, 0), (0, 2), (2, 0)})
    assert (0, 1) not in hidden and (1, 0) not in hidden
    assert determined(set(values), set(hidden)) == set()


def test_a_median_table_hides_only_the_medians_of_few_people():
    figures = {
        ("girls", "13-17"): Aggregate("m", "", "girls", "13-17", 3, 3, 0, 0, 3, 12.0),
        ("boys", "13-17"): Aggregate("m", "", "boys", "13-17", 6, 6, 0, 0, 6, 20.5),
        ("girls", None): Aggregate("m", "", "girls", None, 3, 3, 0, 0, 3, 12.0),
        ("boys", None): Aggregate("m", "", "boys", None, 6, 6, 0, 0, 6, 20.5),
        (None, "13-17"): Aggregate("m", "", None, "13-17", 9, 9, 0, 0, 9, 17.0),
        (None, None): Aggregate("m", "", None, None, 9, 9, 0, 0, 9, 17.0),
    }
    table = build_table(code="t", measure=MEDIAN, title="T", figures=figures)
    band = next(row for row in table.rows if row.label == "13–17")
    texts = dict(zip(table.columns, (cell.text for cell in band.cells), strict=True))
    assert texts == {
        "Kvinnor": NONE,
        "Män": NONE,
        "Flickor": SMALL,
        "Pojkar": "20,5",
        "Annat/okänt": NONE,
        "Totalt": "17",
    }


def test_a_table_with_nothing_in_it_shows_zeros():
    table = build_table(code="t", measure=COUNT, title="T", figures={})
    assert {cell.text for row in table.rows for cell in row.cells} == {"0", NONE}


@pytest.mark.parametrize("people", [1, 2, 3, 4])
def test_one_to_four_people_are_never_shown_even_in_the_total(people):
    group, band = SEX_GROUPS[4], AGE_BANDS[6]  # annat/okänt, 65+
    table = build_table(
        code="t", measure=COUNT, title="T", figures=figures_from({(group, band): people})
    )
    texts = [cell.text for row in table.rows for cell in row.cells]
    assert str(people) not in texts
    assert table.rows[-1].cells[-1].text == SMALL
