"""Benchmark: the chef's overview and statistics at 10,000 and at 1,000,000 SIPs, in one run.

Run by hand (not part of the tests), with DATABASE_URL naming the PostgreSQL server (its
database name is not used):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/overview.py [--rounds 5] [--sizes 10000:1000,1000000:100000]

Each size has a database of its own on that server (``sipflow_bench_10k``,
``sipflow_bench_1m``), created and migrated if absent and filled by ``seed_scale`` (overview.
scale) if empty; a database already filled to that size is reused, so only the first run
pays for the seeding. The bench never drops them: ``dropdb sipflow_bench_1m`` does.

In each database, for the chef of the largest kommun and the chef of the largest region (the
worst cases), it renders through Django's test client every page of the overview namespace
that takes no argument (the start page, the workload page, the statistics page for this
year: region-year for the region chef) and each list's page (its first page and its count),
reads each list's first page and count and the digest's counts as the pages do, and
completes bare viewflow human tasks (bench/bare_engine.py) as the reference. The rounds
alternate between the two databases (each round a pass over every figure in one, then in the
other), so that the machine running slower for a while weighs on both sizes alike. Before the
pages it times the statistics' direct query for the chef's year and the tick's snapshot of
it (overview.statistics.services), so the statistics page reads the snapshot where the
direct query takes at least STATISTICS_SNAPSHOT_SECONDS, as in production, and counts the
chef's workload as the tick does (overview.workload: the workload page reads the kept count
where counting took at least WORKLOAD_SNAPSHOT_SECONDS; the page's first look, the warm-up,
counts and keeps it, as a chef's first look does). It prints each
figure's median and SQL statement count at both sizes, the ratio of the large to the small,
and each median as a multiple of the bare task's median in the same database; besides, the
median time spent in the database's statements ("in SQL") and, for a list, the rows its page
shows at each size (a small database's lists often show a few rows where the large one's
show a full page of 50: the difference is then rendering rows, not reading them), and, for
each list whose first page shows some rows at the small size but not 50, the large
database's first page cut to as many rows ("same rows": the same reading at both sizes,
against the small first page). Target:
the large figure at most 3 times the small; the list pages (the first page of an overdue
list, ``page list`` and ``first page``) at most twice.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: The ratio targets: a list page (the first page of an overdue list), anything else.
LIST_TARGET = 2.0
TARGET = 3.0


@dataclass
class Figure:
    """One measured thing at one size."""

    times: list[float] = field(default_factory=list)
    statements: int = 0
    #: The time of each round spent in the database (its statements, from sending to the
    #: rows received), and the rows a list's page shows (None: not a list).
    sql_times: list[float] = field(default_factory=list)
    rows: int | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def sql_median(self) -> float:
        return statistics.median(self.sql_times)


class StatementTimer:
    """A database execute wrapper adding up the time of the statements it sees."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def size_label(sips: int) -> str:
    if sips % 1_000_000 == 0:
        return f"{sips // 1_000_000}m"
    if sips % 1000 == 0:
        return f"{sips // 1000}k"
    return str(sips)


def database_use(name: str) -> None:
    """Point Django's default connection at database ``name`` on the same server, creating
    it if absent."""
    import psycopg
    from django.db import connections

    connection = connections["default"]
    connection.close()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            admin.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    connection.settings_dict["NAME"] = name


def database_prepare(*, sips: int, placements: int) -> None:
    """Migrate, and fill with seed_scale unless already filled to this size (then store
    the placements' clocks that no longer hold, as the tick would)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from overview.scale import scale_refusal, scale_seed, scale_seeded_size

    started = time.perf_counter()
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    call_command("migrate", verbosity=0)
    if pending and scale_seeded_size() != (0, 0):
        # A migration that filled a new column rewrote every row it touched, which leaves
        # the index-only scans reading the table until a vacuum: run it now, as autovacuum
        # would soon after.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        print(f"migrated ({len(pending)} migrations) and vacuumed")
    refusal = scale_refusal()
    if refusal:
        raise SystemExit(refusal)
    found = scale_seeded_size()
    if found == (sips, placements):
        # As the tick does every minute in production: the placements' stored clocks where
        # they no longer hold (after a migration that added them, or on a later day).
        from placement.services import placement_clocks_refresh

        clocked = placement_clocks_refresh()
        if clocked:
            with connection.cursor() as cursor:  # as autovacuum would, soon after
                cursor.execute("VACUUM (ANALYZE) placement_placement")
        print(f"reusing {sips} SIPs and {placements} placements ({clocked} clocks stored)")
        return
    if found != (0, 0):
        raise SystemExit(
            f"The database holds {found[0]} SIPs and {found[1]} placements, not {sips} and "
            f"{placements}: drop it (dropdb) and run again."
        )
    summary = scale_seed(sips=sips, placements=placements, progress=lambda line: None)
    print(
        f"seeded {sips} SIPs and {placements} placements in {summary.seconds:.0f} s "
        f"(with migrate: {time.perf_counter() - started:.0f} s)"
    )


def overview_pages() -> list[tuple[str, str]]:
    """(label, URL) of every page of the overview namespace that takes no argument, the
    exports left out; the statistics page for this year."""
    from django.urls import URLPattern, URLResolver, get_resolver, reverse
    from django.utils import timezone

    _prefix, resolver = get_resolver().namespace_dict["overview"]

    def names(patterns) -> list[str]:
        found = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found += names(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append(pattern.name)
        return found

    pages = []
    for name in dict.fromkeys(names(resolver.url_patterns)):
        if name.endswith(("_csv", "_xlsx")):
            continue
        try:
            url = reverse(f"overview:{name}")
        except Exception:  # a page that needs arguments is not benched
            continue
        if name == "statistics":
            url += f"?period={timezone.localdate().year}"
        pages.append((f"page {name}", url))
    return pages


def is_background(label: str) -> bool:
    """The tick's work (the statistics computed directly, once a day; the workload counted,
    every few minutes), not a page: printed with its ratio, without a target."""
    return any(
        name in label for name in ("statistics query", "statistics snapshot", "workload count")
    )


def is_list_page(label: str) -> bool:
    """A list page of the overview (``page list <code>``, the first page and the count of
    one list), or its first page read as the page reads it (``first page <code>``)."""
    page = label.partition(": ")[2]
    return page.startswith(("page list ", "first page ", "same rows "))


def measure(rounds: int, run: Callable[[], object], *, warm: bool = True) -> Figure:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if warm:
        run()  # caches, the first connection, compiled templates
    figure = Figure()
    for _round in range(rounds):
        timer = StatementTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            started = time.perf_counter()
            run()
            figure.times.append((time.perf_counter() - started) * 1000)
        figure.sql_times.append(timer.seconds * 1000)
        figure.statements = max(figure.statements, len(captured.captured_queries))
    return figure


def figure_add(into: Figure, more: Figure) -> None:
    """Add one pass's measurements of a figure to those of the passes before."""
    into.times += more.times
    into.sql_times += more.sql_times
    into.statements = max(into.statements, more.statements)
    into.rows = more.rows


def figures_add(into: dict[str, Figure], more: dict[str, Figure]) -> None:
    """Add one pass's figures to those of the passes before, by label."""
    for label, figure in more.items():
        figure_add(into.setdefault(label, Figure()), figure)


def figures_of(
    rounds: int, same_rows: dict[str, int] | None = None, *, background_rounds: int = 3
) -> tuple[dict[str, Figure], Figure, dict[str, str]]:
    """Every figure of this database, the bare task's, and the URLs measured.

    ``background_rounds``: the rounds of the tick's work (the statistics computed directly
    and as the tick's snapshot, the workload counted); 0 leaves it out
    (a later pass over the same database: today's statistics snapshot is kept).

    ``same_rows``: for the large database, the rows each list's first page showed in the
    small one (by figure label), where it showed some but not a full page: that list's
    first page is also read here cut to as many rows ("same rows"), the reading of the
    same rows at both sizes. For the small database, None: its first pages stand for
    themselves under that label."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from bench.bare_engine import bare_task_completion
    from cases.registry import overview_rows, statistics_measures
    from core.databases import read_alias
    from directory.selectors import user_managed_units
    from overview.digest import overdue_counts
    from overview.models import StatisticsSnapshot, WorkloadSnapshot
    from overview.scale import country_load
    from overview.selectors import PAGE_SIZE, OverviewReader
    from overview.statistics.periods import default_period
    from overview.statistics.query import statistics_aggregates
    from overview.statistics.selectors import statistics_units
    from overview.statistics.services import statistics_snapshot_compute
    from overview.workload import workload_snapshot_compute

    country = country_load()
    chefs = {"kommun chef": country.kommun_chef(0), "region chef": country.region_chef(0)}
    today = timezone.localdate()
    figures: dict[str, Figure] = {}
    urls: dict[str, str] = {}
    period = default_period(today=today)
    if background_rounds:
        StatisticsSnapshot.objects.filter(computed_on=today).delete()
    WorkloadSnapshot.objects.all().delete()
    for who, chef in chefs.items():
        client = Client()
        client.force_login(chef)
        units = list(user_managed_units(user=chef))
        pks = [unit.pk for unit in statistics_units(user=chef)]
        if background_rounds:
            # The statistics as the page computes them live (no snapshot yet), then the tick's
            # snapshot of this chef's year, which the page reads where the query is slow.
            figures[f"{who}: statistics query, direct"] = measure(
                background_rounds,
                lambda pks=pks: statistics_aggregates(
                    measures=statistics_measures(), units=pks, period=period.span, today=today,
                    using=read_alias(),
                ),
            )  # fmt: skip
            figures[f"{who}: statistics snapshot (tick)"] = measure(
                1,
                lambda pks=pks: statistics_snapshot_compute(units=pks, period=period, today=today),
                warm=False,
            )
            # The workload counted as the tick counts it where counting is slow (the page then
            # reads that count; the page's first look, the bench's warm-up, counts and keeps it).
            figures[f"{who}: workload count (tick)"] = measure(
                background_rounds,
                lambda chef=chef, units=units: workload_snapshot_compute(
                    user=chef, units=units, today=today
                ),
            )
        WorkloadSnapshot.objects.all().delete()
        for label, url in overview_pages():

            def page(url=url, client=client):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            figures[f"{who}: {label}"] = measure(rounds, page)
            urls[f"{who}: {label}"] = url
        for spec in overview_rows():
            url = reverse("overview:list", kwargs={"code": spec.code})

            def list_page(url=url, client=client):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            figures[f"{who}: page list {spec.code}"] = measure(rounds, list_page)
            urls[f"{who}: page list {spec.code}"] = url
            # The list's first page and its count, as the list page reads them.
            figures[f"{who}: first page {spec.code}"] = measure(
                rounds,
                lambda spec=spec, chef=chef, units=units: OverviewReader(
                    user=chef, units=units, today=today
                ).page(spec),
            )
            shown = len(OverviewReader(user=chef, units=units, today=today).page(spec).rows)
            for kind in ("page list", "first page"):
                figures[f"{who}: {kind} {spec.code}"].rows = shown
            same = f"{who}: same rows {spec.code}"
            if same_rows is None and 0 < shown < PAGE_SIZE:
                figures[same] = figures[f"{who}: first page {spec.code}"]
            elif same_rows is not None and same in same_rows:
                figures[same] = measure(
                    rounds,
                    lambda spec=spec, chef=chef, units=units, limit=same_rows[same]: OverviewReader(
                        user=chef, units=units, today=today
                    ).page(spec, limit=limit),
                )
                figures[same].rows = same_rows[same]
        figures[f"{who}: counts (digest)"] = measure(
            rounds,
            lambda chef=chef, units=units: overdue_counts(user=chef, units=units, today=today),
        )
    bare_ms, bare_sql = bare_task_completion(
        by=chefs["kommun chef"], rounds=max(rounds, 10), connection=connection,
        capture=CaptureQueriesContext,
    )  # fmt: skip
    bare = Figure(times=bare_ms, statements=bare_sql)
    return figures, bare, urls


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--sizes",
        default="10000:1000,1000000:100000",
        help="SIPs:placements of the small and the large database",
    )
    arguments = parser.parse_args()
    sizes = [tuple(int(n) for n in size.split(":")) for size in arguments.sizes.split(",")]
    if len(sizes) != 2:
        raise SystemExit("--sizes names two sizes: the small and the large")

    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)  # django-axes logs every login of the test client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, and its context capture

    names = []
    for sips, placements in sizes:
        names.append(f"sipflow_bench_{size_label(sips)}")
        database_use(names[-1])
        database_prepare(sips=sips, placements=placements)
    # The rounds alternate between the two databases, each a pass over every figure, so
    # that the machine running faster or slower for a while (other work on it, its
    # neighbours) weighs on both sizes alike; the tick's work is measured in the first pass.
    measured: list[tuple[dict[str, Figure], Figure]] = [({}, Figure()), ({}, Figure())]
    for round_number in range(arguments.rounds):
        for index, name in enumerate(names):
            database_use(name)
            same_rows = None
            if index:  # the large database: the small one's partial first pages
                same_rows = {
                    label: figure.rows
                    for label, figure in measured[0][0].items()
                    if ": same rows " in label
                }
            figures, bare, _urls = figures_of(
                1, same_rows, background_rounds=0 if round_number else min(arguments.rounds, 3)
            )
            figures_add(measured[index][0], figures)
            figure_add(measured[index][1], bare)

    small_name, large_name = names
    (small, small_bare), (large, large_bare) = measured
    print()
    print(
        f"overview and statistics: {small_name} ({sizes[0][0]} SIPs) against {large_name} "
        f"({sizes[1][0]} SIPs), {arguments.rounds} rounds, medians in ms"
    )
    width = max(len(label) for label in small) + 1
    print(
        "SQL: statements; in SQL: the milliseconds spent in them; rows: the rows a list's "
        "page shows (at most 50)"
    )
    print(
        f"{'figure':{width}} {'small ms':>9} {'SQL':>4} {'large ms':>9} {'SQL':>4} "
        f"{'large/small':>11} {'target':>6} {'× bare small':>12} {'× bare large':>12} "
        f"{'in SQL small':>12} {'in SQL large':>12} {'rows':>7}"
    )
    print(
        f"{'bare viewflow human task':{width}} {small_bare.median:9.1f} "
        f"{small_bare.statements:4} {large_bare.median:9.1f} {large_bare.statements:4} "
        f"{large_bare.median / small_bare.median:11.2f} {'':>6} {1:12.2f} {1:12.2f}"
    )
    missed = []
    for label, figure in small.items():
        other = large[label]
        ratio = other.median / figure.median
        target = LIST_TARGET if is_list_page(label) else TARGET
        mark = "" if ratio <= target or is_background(label) else " MISSED"
        if mark:
            missed.append(label)
        print(
            f"{label:{width}} {figure.median:9.1f} {figure.statements:4} {other.median:9.1f} "
            f"{other.statements:4} {ratio:11.2f} "
            f"{'tick' if is_background(label) else f'{target:.0f}×':>6} "
            f"{figure.median / small_bare.median:12.2f} {other.median / large_bare.median:12.2f} "
            f"{figure.sql_median:12.1f} {other.sql_median:12.1f} "
            f"{'' if figure.rows is None else f'{figure.rows}/{other.rows}':>7}"
            f"{mark}"
        )
    print()
    print("targets missed: " + (", ".join(missed) if missed else "none"))
    same = [label for label in small if ": same rows " in label]
    same_missed = [label for label in missed if label in same]
    print(
        f"of the {len(same)} first pages read with the same rows at both sizes, over 2×: "
        + (", ".join(same_missed) if same_missed else "none")
    )


if __name__ == "__main__":
    main()
