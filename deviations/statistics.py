"""Statistics for the yearly reflection on cooperation (RULES.md §5): avvikelser by
category, by pair of organisations and by month, the time to a temporary allocation and the
time to close, for the organisations a chef works in. Counted in a fixed number of queries.

Small cells are suppressed: a count under ``rules.SMALL_CELL`` is not shown, nor a time
computed from fewer reports; further cells are hidden while the total would still give the
hidden ones away (``suppressed``). The page shows every hidden count as "..". (The overview's ISU
statistics will share one suppression; this is the avvikelser's own until then.)
"""

from __future__ import annotations

import datetime as dt
import statistics as stats
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from itertools import combinations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from directory.models import Membership, Organisation, User

from .models import Deviation, DeviationParty
from .rules import SMALL_CELL, Category


def _pinned(counts: Mapping[Hashable, int], hidden: set, *, threshold: int) -> bool:
    """Whether the total, with the shown counts, gives the hidden ones away: their sum is
    known, and it pins them when one is hidden, when it equals the number hidden (each is at
    least 1, so each is 1), or when only small counts are hidden and it equals their most
    (each is ``threshold - 1``)."""
    if not hidden:
        return False
    left = sum(counts[key] for key in hidden)
    small = all(0 < counts[key] < threshold for key in hidden)
    return (
        len(hidden) == 1 or left == len(hidden) or (small and left == (threshold - 1) * len(hidden))
    )


def suppressed(counts: Mapping[Hashable, int], *, threshold: int = SMALL_CELL) -> dict:
    """Each count, or None where it is hidden: 1 to ``threshold - 1`` (0 is shown: it names
    no one), and then, smallest first, further non-zero counts for as long as the total
    would pin the hidden ones down (``_pinned``). Where no count is left to hide, the total
    must be hidden instead (``total_gives_away``)."""
    hidden = {key for key, count in counts.items() if 0 < count < threshold}
    while _pinned(counts, hidden, threshold=threshold):
        rest = [key for key, count in counts.items() if key not in hidden and count > 0]
        if not rest:
            break
        hidden.add(min(rest, key=lambda key: (counts[key], str(key))))
    return {key: (None if key in hidden else count) for key, count in counts.items()}


def total_gives_away(
    counts: Mapping[Hashable, int],
    shown: Mapping[Hashable, int | None],
    *,
    threshold: int = SMALL_CELL,
) -> bool:
    """Whether showing the table's total would still give its hidden counts away."""
    hidden = {key for key, value in shown.items() if value is None}
    return _pinned(counts, hidden, threshold=threshold)


def suppressed_total(total: int, *, threshold: int = SMALL_CELL) -> int | None:
    return None if 0 < total < threshold else total


@dataclass(frozen=True)
class Row:
    label: str
    count: int | None  # None: suppressed


@dataclass(frozen=True)
class Duration:
    """A median time over ``count`` reports; None where they are too few to show."""

    count: int | None
    median: float | None


@dataclass(frozen=True)
class Statistics:
    year: int
    organisations: list[Organisation]
    total: int | None
    by_category: list[Row]
    by_pair: list[Row]
    by_month: list[Row]
    to_allocation_hours: Duration
    to_close_days: Duration


def chef_organisations(*, user: User) -> list[Organisation]:
    """The organisations whose avvikelser a chef sees in the statistics: those of the units
    the chef leads."""
    return list(
        Organisation.objects.filter(
            units__memberships__user=user,
            units__memberships__role=Membership.Role.MANAGER,
        )
        .distinct()
        .order_by("name")
    )


def _median(values: list[float]) -> Duration:
    if len(values) < SMALL_CELL:
        return Duration(count=suppressed_total(len(values)), median=None)
    return Duration(count=len(values), median=round(stats.median(values), 1))


def deviation_statistics(*, user: User, year: int) -> Statistics:
    """The year's avvikelser (by the day they were reported) that concern one of the
    chef's organisations: three queries whatever their number."""
    organisations = chef_organisations(user=user)
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    concerned = DeviationParty.objects.filter(organisation__in=organisations).values("deviation_id")
    deviations = list(
        Deviation.objects.filter(
            pk__in=concerned, reported_at__gte=start, reported_at__lt=end
        ).values_list("pk", "category", "reported_at", "allocation_agreed_at", "closed_at")
    )
    names: dict[int, list[str]] = {}
    for deviation_id, name in (
        DeviationParty.objects.filter(deviation_id__in=[row[0] for row in deviations])
        .values_list("deviation_id", "organisation__name")
        .order_by("organisation__name")
    ):
        names.setdefault(deviation_id, []).append(name)

    categories = Counter(category for _pk, category, *_rest in deviations)
    pairs = Counter(
        pair for pk, *_rest in deviations for pair in combinations(sorted(names.get(pk, [])), 2)
    )
    months = Counter(timezone.localtime(reported).month for _pk, _c, reported, *_r in deviations)

    category_counts = {code: categories.get(code, 0) for code in Category.values}
    month_counts = {month: months.get(month, 0) for month in range(1, 13)}
    shown_categories = suppressed(category_counts)
    shown_pairs = suppressed(pairs)
    shown_months = suppressed(month_counts)
    # The categories and the months each sum to the total (a pair's count does not).
    total = suppressed_total(len(deviations))
    if total_gives_away(category_counts, shown_categories) or total_gives_away(
        month_counts, shown_months
    ):
        total = None
    return Statistics(
        year=year,
        organisations=organisations,
        total=total,
        by_category=[
            Row(str(Category(code).label), shown_categories[code])
            for code in Category.values
            if categories.get(code)
        ],
        by_pair=[
            Row(_("%(first)s och %(second)s") % {"first": a, "second": b}, shown_pairs[(a, b)])
            for (a, b) in sorted(pairs)
        ],
        by_month=[
            Row(formats.date_format(dt.date(year, month, 1), "F"), shown_months[month])
            for month in range(1, 13)
        ],
        to_allocation_hours=_median(
            [
                (agreed - reported).total_seconds() / 3600
                for _pk, _c, reported, agreed, _closed in deviations
                if agreed is not None
            ]
        ),
        to_close_days=_median(
            [
                (closed - reported).total_seconds() / 86400
                for _pk, _c, reported, _agreed, closed in deviations
                if closed is not None
            ]
        ),
    )
