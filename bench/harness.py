"""What every benchmark shares: a database of its own (created, migrated and dropped), each
step timed and its SQL statements counted, and a table that puts each step beside a bare
viewflow human-task completion (bench/bare_engine.py) from the same run and database."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_main(run: Callable[..., None], *, description: str) -> None:
    """Parse ``--rounds``, set Django up on bench.settings, and call
    ``run(rounds=, steps=)`` in a database of its own."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds

    import django

    django.setup()
    from django.test.utils import setup_databases, teardown_databases

    names = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        run(rounds=rounds, steps=Steps())
    finally:
        teardown_databases(names, verbosity=0)


class Steps:
    """Each step's times and statement counts, and the bare task's, for the table."""

    def __init__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.connection, self.capture = connection, CaptureQueriesContext
        self.timings: dict[str, list[float]] = {}
        self.queries: dict[str, list[int]] = {}
        self.bare_ms: list[float] = []
        self.bare_sql = 0
        self.total: list[float] = []

    def run(self, name: str, func: Callable[[], object]):
        with self.capture(self.connection) as captured:
            started = time.perf_counter()
            result = func()
            self.timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        self.queries.setdefault(name, []).append(len(captured.captured_queries))
        self.connection.queries_log.clear()
        return result

    def bare(self, *, by) -> None:
        """One bare viewflow human-task completion, the reference of this round."""
        from bench.bare_engine import bare_task_completion

        ms, sql = bare_task_completion(
            by=by, rounds=1, connection=self.connection, capture=self.capture
        )
        self.bare_ms += ms
        self.bare_sql = max(self.bare_sql, sql)

    def report(self, *, what: str, whole: str) -> None:
        from bench.bare_engine import summary

        connection = self.connection
        print(f"{what} on {connection.vendor} ({connection.settings_dict['NAME']})")
        width = max(36, *(len(name) for name in self.timings))
        bare_median, bare_p90 = summary(self.bare_ms)
        print(f"{'step':{width}} {'median ms':>10} {'p90 ms':>8} {'SQL':>5} {'× bare':>7}")
        print(
            f"{'bare viewflow human task':{width}} {bare_median:10.1f} {bare_p90:8.1f} "
            f"{self.bare_sql:5} {1:7.2f}"
        )
        for name, values in self.timings.items():
            median, p90 = summary(values)
            print(
                f"{name:{width}} {median:10.1f} {p90:8.1f} {max(self.queries[name]):5} "
                f"{median / bare_median:7.2f}"
            )
        total = statistics.median(self.total)
        print(f"{whole:{width}} {total:10.1f} {'':8} {'':5} {total / bare_median:7.2f}")
