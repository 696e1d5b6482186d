"""Secondary (complementary) suppression of a table with its totals.

Cells under 5 are hidden (primary suppression, overview.statistics.tables). A hidden cell
must not be computable from what is shown: in a row whose total is shown, one hidden cell is
the total minus the others. Across several rows and columns the same holds for any chain of
sums, so the rule used here is the exact one, not "two per row":

Take the table with its totals as a bipartite graph: one vertex per row and per column (the
total row and the total column included), one edge per cell that exists. Every row and every
column of that table is one linear equation (its cells sum to its total). A set of hidden
cells can be shifted (some up, some down) without changing any sum exactly when they form a
cycle in that graph, alternating +1 and -1 around it. So a hidden cell cannot be computed
exactly when it lies on a cycle of hidden cells, i.e. when it is not a bridge of the graph of
hidden cells. While some hidden cell is a bridge, the cheapest path of further cells that
closes a cycle through it is hidden too (cheapest: the smallest values, so that as little as
possible is lost).

Cells holding 0 are never used to close a cycle: shifting a cycle by one needs every cell on
it to be at least 1 in one direction, and a hidden 0 next to a small cell could pin it down
once counts are known to be non-negative. A cell of at least 1, and its row's, column's and
the grand total (each at least 1 then) always close such a cycle.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping

#: (row, column) of a cell in the table with its totals.
Position = tuple[int, int]


def _vertices(position: Position) -> tuple[tuple[str, int], tuple[str, int]]:
    return ("row", position[0]), ("column", position[1])


def _connected(start, goal, edges: Iterable[Position]) -> bool:
    neighbours: dict = {}
    for edge in edges:
        row, column = _vertices(edge)
        neighbours.setdefault(row, []).append(column)
        neighbours.setdefault(column, []).append(row)
    seen, stack = {start}, [start]
    while stack:
        vertex = stack.pop()
        if vertex == goal:
            return True
        for following in neighbours.get(vertex, ()):
            if following not in seen:
                seen.add(following)
                stack.append(following)
    return False


def _bridge(hidden: set[Position]) -> Position | None:
    """A hidden cell on no cycle of hidden cells (it could be computed), if any."""
    for edge in sorted(hidden):
        row, column = _vertices(edge)
        if not _connected(row, column, hidden - {edge}):
            return edge
    return None


def _closing_path(
    bridge: Position, hidden: set[Position], values: Mapping[Position, int]
) -> set[Position]:
    """The cells to hide so that ``bridge`` lies on a cycle: the cheapest path from its
    column back to its row through hidden cells (free) and cells of at least 1 (costing
    their value), never the bridge itself."""
    row, column = _vertices(bridge)
    neighbours: dict = {}
    for position, value in values.items():
        if position == bridge or (position not in hidden and value < 1):
            continue
        cost = 0 if position in hidden else value
        a, b = _vertices(position)
        neighbours.setdefault(a, []).append((cost, position, b))
        neighbours.setdefault(b, []).append((cost, position, a))
    best = {column: 0}
    came_by: dict = {}
    queue = [(0, column)]
    while queue:
        distance, vertex = heapq.heappop(queue)
        if vertex == row:
            break
        if distance > best.get(vertex, distance):
            continue
        for cost, position, following in sorted(neighbours.get(vertex, ())):
            candidate = distance + cost
            if candidate < best.get(following, candidate + 1):
                best[following] = candidate
                came_by[following] = (vertex, position)
                heapq.heappush(queue, (candidate, following))
    if row not in came_by:
        raise ValueError(f"No cycle can protect the cell {bridge}: the table is too sparse.")
    path, vertex = set(), row
    while vertex != column:
        vertex, position = came_by[vertex]
        path.add(position)
    return path - hidden


def suppress(*, values: Mapping[Position, int], primary: Iterable[Position]) -> frozenset[Position]:
    """The cells to hide: the primary ones, and as few and as small further cells as make
    every hidden cell impossible to compute from the shown cells and totals. ``values``
    holds every cell the table has (its totals included); a cell it lacks does not exist
    (e.g. girls aged 30-49) and is known to everyone to be empty."""
    hidden = set(primary)
    unknown = hidden - values.keys()
    if unknown:
        raise ValueError(f"Primary cells outside the table: {sorted(unknown)}")
    while (bridge := _bridge(hidden)) is not None:
        hidden |= _closing_path(bridge, hidden, values)
    return frozenset(hidden)
