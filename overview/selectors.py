"""Reads for the chef's overview: every list the processes registered
(cases.registry.OverviewRows), filtered, counted, sorted by days overdue and paged by keyset,
knowing no process.

A list with a ``query`` is filtered, counted and paged in SQL (``ORDER BY overview_due, pk``
after the last row shown, never an OFFSET skipping rows), so the first page of an overdue
list reads its partial index and costs the same queries at any size (a list
``sorted_before_check`` sorts its candidates first and checks each as it is read, until a
page is full: its first page checks the page's rows, not all of the units'). A list
without one (bounded by a chef's running placements) is read once through ``rows()`` and
treated the same way in Python. Either way the rows are those the process's own selector
returns: cases the user may see now (the grants' filter, as the case page), in the chef's
units and the units under them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections
from django.db.models import Count, F, IntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cases.registry import OverviewRows, open_cases, overview_rows
from cases.row_html import escaped, phrases_once, ymd
from cases.selectors import case_units_read_once
from directory.models import Unit, User
from directory.selectors import STARTER_ROLES, user_managed_units

from .statistics.categories import AGE_BANDS, AgeBand

#: Rows on one list page, and on the start page under each count.
PAGE_SIZE = 50
START_PAGE_ROWS = 5
#: A list counts its rows up to this many; beyond it says "more than" (``COUNT_CAP + 1``
#: stands for that in a count): a largest kommun's list of thousands costs no more to
#: count than one of a hundred, and the list itself shows the most overdue first.
COUNT_CAP = 100


def count_text(count: int) -> str:
    """A list's count as the pages show it: ``100+`` past ``COUNT_CAP``."""
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)


@dataclass(frozen=True)
class ListFilters:
    """What a list page narrows to: one of the chef's units, one handläggare, an age group
    (statistics.categories.AGE_BANDS, age today) and a legal basis; empty: all."""

    unit: int | None = None
    handler: int | None = None
    age: str = ""
    basis: str = ""

    @property
    def any(self) -> bool:
        return bool(self.unit or self.handler or self.age or self.basis)


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after the row with this due date and key."""

    due: dt.date
    key: int

    def __str__(self) -> str:
        return f"{self.due.isoformat()}_{self.key}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        try:
            due, key = text.split("_")
            return cls(due=dt.date.fromisoformat(due), key=int(key))
        except ValueError:
            raise ValidationError(
                _("Sidan finns inte. Börja om från listans första sida."), code="cursor"
            ) from None


@dataclass(frozen=True)
class ListRow:
    """One row as the overview shows it: the process's row, its due date and how many days
    overdue it is (negative: due in that many days); ``html``, the row as the process writes
    it (``OverviewRows.describe``), and ``days_html``, what its date says ("3 dagar
    försenad", "Stoppad sedan 2026-10-01 (12 dagar)")."""

    row: Any
    due: dt.date | None
    days_overdue: int | None
    key: int
    html: str = ""
    days_html: str = ""

    @property
    def days_left(self) -> int | None:
        """Days until it falls due, for a row not yet overdue."""
        return None if self.days_overdue is None else -self.days_overdue


@dataclass(frozen=True)
class ListPage:
    """A page of a list, and the list's count: at most ``COUNT_CAP + 1``, which stands for
    "more than ``COUNT_CAP``" (``more``)."""

    spec: OverviewRows
    rows: list[ListRow]
    count: int
    next_cursor: Cursor | None = None

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @property
    def more(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def count_text(self) -> str:
        return count_text(self.count)

    @property
    def persons(self) -> Sequence[Any]:
        return self.spec.persons([row.row for row in self.rows])


@dataclass(frozen=True)
class WorkloadRow:
    """One handläggare's open cases and overdue items in the chef's units."""

    handler: User
    open_cases: int
    overdue: int


def workload_rows(counts: dict[int, tuple[int, int]]) -> list[WorkloadRow]:
    """The workload's rows from its counts (handläggare id: open cases, overdue items), the
    most overdue first, then the most open cases, then by name: one query for the users."""
    handlers = User.objects.in_bulk(list(counts))
    rows = [
        WorkloadRow(handler=user, open_cases=counts[pk][0], overdue=counts[pk][1])
        for pk, user in handlers.items()
    ]
    return sorted(
        rows, key=lambda row: (-row.overdue, -row.open_cases, row.handler.get_full_name())
    )


class DaysWriter:
    """What the rows' dates say on one page (``ListRow.days_html``): the list's label
    evaluated and each number of days written once a page, not once a row (its phrase's
    translation, an ngettext each, cost more than the rest of the row)."""

    def __init__(self, spec: OverviewRows):
        self.since = str(spec.since_label) if spec.since_label else ""
        self._said: dict[int, str] = {}
        self._lasted: dict[int, str] = {}

    def __call__(self, due: dt.date | None, days: int | None) -> SafeString:
        """What a row's date says, on a line of its own: since when a state began (a
        ``since_label`` list), else how late it is or how soon it falls due; nothing
        without a date. Written in Python for the same reason as the rows
        (``cases.row_html``)."""
        if self.since and due is not None:
            return SafeString(
                f'<br><span class="sf-days">{escaped(self.since)} {ymd(due)}'
                f"{self._since(days)}</span>"
            )
        if days is None:
            return SafeString("")
        said = self._said.get(days)
        if said is None:
            said = self._said[days] = self._late(days)
        return SafeString(said)

    def _since(self, days: int | None) -> str:
        if not days or days <= 0:
            return ""
        said = self._lasted.get(days)
        if said is None:
            text = ngettext("%(days)s dag", "%(days)s dagar", days) % {"days": days}
            said = self._lasted[days] = f" ({escaped(text)})"
        return said

    @staticmethod
    def _late(days: int) -> str:
        if days > 0:
            said = ngettext("%(days)s dag försenad", "%(days)s dagar försenad", days)
        elif days == 0:
            said = gettext("Senast i dag")
        else:
            said = ngettext("om %(days)s dag", "om %(days)s dagar", -days)
        text = said % {"days": abs(days)} if days else said
        late = " sf-days--late" if days > 0 else ""
        return f'<br><span class="sf-days{late}">{escaped(text)}</span>'


def age_band(code: str) -> AgeBand | None:
    return next((band for band in AGE_BANDS if band.code == code), None)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _path(obj: Any, path: str) -> Any:
    """The attributes ``path`` names one after the other (a Django lookup's ``__``); None
    where one is missing (a list registered without a due date or key)."""
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def _in_band(born: dt.date, band: AgeBand, today: dt.date) -> bool:
    youngest = _years_before(today, band.low)
    if band.high is None:
        return born <= youngest
    return _years_before(today, band.high + 1) < born <= youngest


def _capped_count(rows: QuerySet) -> int:
    """How many rows, up to ``COUNT_CAP + 1``: one statement that stops reading there."""
    return rows.order_by().values("pk")[: COUNT_CAP + 1].count()


def _among(rows: QuerySet, keys: list) -> Q:
    """The rows whose key is one of ``keys``. On PostgreSQL as a join to the array of keys
    (``unnest``), which it reads key by key through the primary key: given ``IN (...)`` it
    may AND the keys, as bitmaps, with a partial index the list's own filter matches and
    read thousands of that index's entries to return fifty (the region chef's overdue
    follow-ups at the million: 5.4 ms, against 0.9 read key by key)."""
    if not keys or connections[rows.db].vendor != "postgresql":
        return Q(pk__in=keys)
    return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (list(keys),)))


def _joined(fields: Sequence[str]) -> list[str]:
    """The relations the paths ``fields`` read through (``person__first_name``: ``person``),
    for ``select_related``: a page joins the tables its rows show, not every table its
    list's query names (each joined row is one more model instance to build)."""
    return sorted({path.rsplit("__", 1)[0] for path in fields if "__" in path})


def overview_units(*, user: User) -> list[Unit]:
    """The units whose lists the user sees as their chef (directory.selectors
    ``user_managed_units``), with their organisation, by name: the unit filter offers them
    in this order."""
    return list(user_managed_units(user=user).select_related("organisation").order_by("name"))


class OverviewReader:
    """The chef's lists for one user, units and day. It reads a Python list's rows once,
    however many times a page asks for them."""

    def __init__(self, *, user: User, units: Sequence[Unit], today: dt.date):
        self.user, self.units, self.today = user, list(units), today
        self._rows: dict[str, list[Any]] = {}
        #: The user's case units, read once for all the lists (cases.selectors).
        self._case_units: dict = {}

    # --- filtering ---------------------------------------------------------------------

    def _filtered_query(
        self, spec: OverviewRows, filters: ListFilters, *, checked: bool = True
    ) -> QuerySet:
        """The list's query with the filters applied; without its access check where
        ``checked`` is false (a list ``sorted_before_check``: its candidates)."""
        unchecked = {} if checked else {"checked": False}
        with case_units_read_once(self._case_units):
            rows = spec.query(user=self.user, units=self.units, today=self.today, **unchecked)
        if filters.unit and spec.unit_field:
            unit = next((unit for unit in self.units if unit.pk == filters.unit), None)
            if unit is not None and spec.unit_filter is not None:
                rows = rows.filter(spec.unit_filter(unit))
            else:
                rows = rows.filter(**{spec.unit_field: filters.unit})
        if filters.handler and spec.handler_field:
            rows = rows.filter(**{spec.handler_field: filters.handler})
        if filters.basis and spec.basis_field:
            rows = rows.filter(**{spec.basis_field: filters.basis})
        band = age_band(filters.age)
        if band and spec.person_field:
            born = f"{spec.person_field}__date_of_birth"
            rows = rows.filter(**{f"{born}__lte": _years_before(self.today, band.low)})
            if band.high is not None:
                rows = rows.filter(**{f"{born}__gt": _years_before(self.today, band.high + 1)})
        return rows

    def _python_rows(self, spec: OverviewRows) -> list[Any]:
        if spec.code not in self._rows:
            with case_units_read_once(self._case_units):
                self._rows[spec.code] = list(
                    spec.rows(user=self.user, units=self.units, today=self.today)
                )
        return self._rows[spec.code]

    def _filtered_rows(self, spec: OverviewRows, filters: ListFilters) -> list[Any]:
        rows = self._python_rows(spec)
        if filters.unit and spec.unit_field:
            rows = [row for row in rows if _path(row, spec.unit_field) == filters.unit]
        if filters.handler and spec.handler_field:
            rows = [row for row in rows if _path(row, spec.handler_field) == filters.handler]
        if filters.basis and spec.basis_field:
            rows = [row for row in rows if _path(row, spec.basis_field) == filters.basis]
        band = age_band(filters.age)
        if band and spec.person_field:
            born = f"{spec.person_field}__date_of_birth"
            rows = [row for row in rows if _in_band(_path(row, born), band, self.today)]
        return sorted(rows, key=lambda row: self._sort_key(spec, row))

    def _key(self, spec: OverviewRows, row: Any) -> int:
        key = _path(row, spec.key_field)
        return int(key) if key is not None else 0

    def _sort_key(self, spec: OverviewRows, row: Any) -> tuple[dt.date, int]:
        return (_path(row, spec.due_field) or dt.date.max, self._key(spec, row))

    def _list_row(self, spec: OverviewRows, row: Any, days_said: DaysWriter) -> ListRow:
        due = _path(row, spec.due_field)
        days = (self.today - due).days if due is not None else None
        return ListRow(
            row=row,
            due=due,
            days_overdue=days,
            key=self._key(spec, row),
            html=spec.describe(row),
            days_html=days_said(due, days),
        )

    # --- reads -------------------------------------------------------------------------

    def count(self, spec: OverviewRows, filters: ListFilters = ListFilters()) -> int:
        """How many rows the list holds, up to ``COUNT_CAP + 1`` (more than the cap): one
        query reading at most that many rows (none more for a Python list read)."""
        if spec.query is not None:
            return _capped_count(self._filtered_query(spec, filters))
        return min(len(self._filtered_rows(spec, filters)), COUNT_CAP + 1)

    def page(
        self,
        spec: OverviewRows,
        *,
        filters: ListFilters = ListFilters(),
        after: Cursor | None = None,
        limit: int | None = None,
        counted: bool = True,
    ) -> ListPage:
        """The rows after ``after`` (from the start without one), the most days overdue
        first, at most ``limit`` (``PAGE_SIZE``), with the list's count and the cursor of the
        next page."""
        limit = limit or PAGE_SIZE
        if spec.query is not None:
            listed = self._filtered_query(spec, filters)
            candidates = (
                self._filtered_query(spec, filters, checked=False)
                if spec.sorted_before_check
                else listed
            )
            if after is None:
                # The first page: the keys of the list's first rows, in its order, count it
                # (up to the cap) and name the page's rows, in one statement.
                wanted = max(limit + 1, COUNT_CAP + 1 if counted else 0)
                keys = self._keys(spec, listed, candidates, wanted)
                count = min(len(keys), COUNT_CAP + 1) if counted else 0
            else:
                count = _capped_count(listed) if counted else 0
                following = Q(overview_due__gt=after.due) | Q(
                    overview_due=after.due, pk__gt=after.key
                )
                keys = self._keys(spec, listed, candidates.filter(following), limit + 1)
            # Then the page's rows with what they show (the person, the units), joined for
            # the page's few keys only, never for every row of the list; still of the list
            # (its filter, the user's access), should a row have changed in between.
            # The key after the page's says that there is a next page; its row is not read.
            read = listed.filter(_among(listed, keys[:limit])).order_by("overview_due", "pk")
            if spec.row_fields:  # only the columns the rows show, and only their joins
                read = (
                    read.select_related(None)
                    .select_related(*_joined(spec.row_fields))
                    .only(*spec.row_fields)
                )
            found, more = list(read), len(keys) > limit
        else:
            every = self._filtered_rows(spec, filters)
            count = min(len(every), COUNT_CAP + 1)
            if after is not None:
                every = [row for row in every if self._sort_key(spec, row) > (after.due, after.key)]
            found, more = every[:limit], len(every) > limit
        days_said = DaysWriter(spec)
        with phrases_once():  # the page's rows, their phrases translated once
            shown = [self._list_row(spec, row, days_said) for row in found]
        following = None
        if more and found:  # the next page starts after the last row shown
            due, key = self._sort_key(spec, found[-1])
            following = Cursor(due=due, key=key)
        return ListPage(spec=spec, rows=shown, count=count, next_cursor=following)

    @staticmethod
    def _keys(spec: OverviewRows, listed: QuerySet, candidates: QuerySet, limit: int) -> list:
        """The keys of the first ``limit`` rows of ``listed`` (the list, checked) among
        ``candidates``, in the list's order (``overview_due``, then the key): one statement.

        For a list ``sorted_before_check`` the candidates are sorted first, in a subquery
        PostgreSQL keeps apart (``OFFSET 0``: it neither merges it into the statement nor
        moves the check into it), and each is then checked, in that order, by the list's
        own query asked of its key, until ``limit`` have passed. PostgreSQL otherwise
        checks every candidate (a join and the grants each) to sort those that pass."""
        ordered = candidates.order_by("overview_due", "pk")
        if not spec.sorted_before_check:
            return list(ordered.values_list("pk", flat=True)[:limit])
        database = candidates.db
        connection = connections[database]
        quoted = connection.ops.quote_name
        table, key, due = quoted("overview_candidate"), quoted("overview_key"), "overview_due"
        checked = (
            listed.order_by()
            .filter(pk=RawSQL(f"{table}.{key}", (), output_field=IntegerField()))
            .values("pk")[:1]
        )
        try:
            inner_sql, inner_params = (
                ordered.values(due, overview_key=F("pk")).query.get_compiler(database).as_sql()
            )
            check_sql, check_params = checked.query.get_compiler(database).as_sql()
        except EmptyResultSet:  # no unit, or a user who may see nothing: no row, as a query
            return []
        fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
        # The check a scalar subquery, not EXISTS: PostgreSQL turns an EXISTS into a join,
        # which it may run by hashing the whole checked list first.
        sql = (
            f"SELECT {table}.{key} FROM ({inner_sql}{fence}) {table} "
            f"WHERE ({check_sql}) IS NOT NULL "
            f"ORDER BY {table}.{quoted(due)}, {table}.{key} LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (*inner_params, *check_params, limit))
            return [row[0] for row in cursor.fetchall()]

    def summary(self, *, limit: int | None = None) -> list[ListPage]:
        """Every list's count and its first rows (``START_PAGE_ROWS``), for the start page."""
        return [self.page(spec, limit=limit or START_PAGE_ROWS) for spec in overview_rows()]

    def counts(self) -> dict[str, int]:
        """Every list's count, by code (the digest): ``COUNT_CAP + 1`` for more than the
        cap."""
        return {spec.code: self.count(spec) for spec in overview_rows()}

    def workload_counts(self) -> dict[int, tuple[int, int]]:
        """Per handläggare (each user the processes name as one, by id), the open cases and
        the overdue items in the chef's units: one grouped query per process and per list.
        It counts every open case of the units, so it grows with them: a large region's
        page reads it as the tick counted it (overview.workload)."""
        open_counts: Counter[int] = Counter()
        for cases in open_cases():
            with case_units_read_once(self._case_units):
                query = cases.query(user=self.user, units=self.units, today=self.today)
            grouped = (
                query.order_by()
                .values(cases.handler_field)
                .annotate(n=Count("pk", distinct=True))
                .values_list(cases.handler_field, "n")
            )
            for handler, n in grouped:
                if handler is not None:
                    open_counts[handler] += n
        overdue: Counter[int] = Counter()
        for spec in overview_rows():
            if not spec.handler_field or spec.ahead:  # nothing in it is ever overdue
                continue
            if spec.query is not None:
                grouped = (
                    self._filtered_query(spec, ListFilters())
                    .filter(overview_due__lt=self.today)
                    .order_by()
                    .values(spec.handler_field)
                    .annotate(n=Count("pk"))
                    .values_list(spec.handler_field, "n")
                )
                for handler, n in grouped:
                    if handler is not None:
                        overdue[handler] += n
            else:
                for row in self._python_rows(spec):
                    handler, due = _path(row, spec.handler_field), _path(row, spec.due_field)
                    if handler is not None and due is not None and due < self.today:
                        overdue[handler] += 1
        return {pk: (open_counts[pk], overdue[pk]) for pk in set(open_counts) | set(overdue)}

    def workload(self) -> list[WorkloadRow]:
        """``workload_counts`` as the page shows it (``workload_rows``)."""
        return workload_rows(self.workload_counts())

    def handlers(self) -> QuerySet[User]:
        """The handläggare a list can be narrowed to: the staff of the chef's units who
        start and work cases."""
        return (
            User.objects.filter(
                memberships__unit__in=[unit.pk for unit in self.units],
                memberships__role__in=STARTER_ROLES,
            )
            .distinct()
            .order_by("first_name", "last_name", "pk")
        )


@dataclass
class Filterable:
    """Which filters a list takes, for its page's form."""

    unit: bool = False
    handler: bool = False
    age: bool = False
    basis: Sequence[tuple[str, str]] = field(default_factory=tuple)


def list_filterable(spec: OverviewRows) -> Filterable:
    return Filterable(
        unit=bool(spec.unit_field),
        handler=bool(spec.handler_field),
        age=bool(spec.person_field),
        basis=tuple(spec.basis_choices) if spec.basis_field else (),
    )
