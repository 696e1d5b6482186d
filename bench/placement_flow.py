"""Benchmark: HVB placements before the move, through the services, on PostgreSQL.

Run by hand (not part of the tests):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sipflow_bench \\
        .venv/bin/python bench/placement_flow.py [--rounds 30]

It creates (and afterwards drops) the database named in DATABASE_URL, migrates it, builds
the organisations, Exempelgården and the staff once, then for each round: a new
16-year-old with two guardians, the three consents (both guardians and the youth, SoL from
15) and the youth's view, the utredning opened with its viewflow process, written and an
alternative recorded, the SoL placement proposed and decided, a two-row cost allocation
created and approved by both sides, and the move in: each flow step completes its task.
Each round also completes one bare viewflow human task (``bench/bare_engine.py``) in the
same database, and every step prints its median as a multiple of that reference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases

    names = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        run(rounds, connection, CaptureQueriesContext)
    finally:
        teardown_databases(names, verbosity=0)


def run(rounds, connection, capture) -> None:
    from django.utils import timezone

    from bench.bare_engine import bare_task_completion, summary
    from directory.services import guardianship_create
    from placement import services
    from placement.models import AlternativeTried, Placement
    from tests.conftest import years_ago
    from tests.factories import person_born
    from tests.placement_world import build_placement_world

    world = build_placement_world()
    bare_ms: list[float] = []
    bare_sql = 0
    timings: dict[str, list[float]] = {}
    queries: dict[str, list[int]] = {}

    def step(name, func):
        with capture(connection) as captured:
            started = time.perf_counter()
            result = func()
            timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        queries.setdefault(name, []).append(len(captured.captured_queries))
        return result

    today = timezone.localdate()
    home = {"registered_municipality": world.sip.ludvika}

    def open_with_process():
        return services.placement_open_process(by=world.sara, person=world.youth, unit=world.social)

    def write(placement):
        areas = placement.assessment.template.areas.values_list("code", flat=True)
        services.assessment_record(
            placement=placement, by=world.sara, entries={code: "Bedömt." for code in areas}
        )

    def alternative(placement):
        services.alternative_record(
            placement=placement,
            by=world.sara,
            kind=AlternativeTried.Kind.FAMILY_TREATMENT,
            started_on=today - dt.timedelta(days=200),
            ended_on=today - dt.timedelta(days=30),
            outcome="Räckte inte.",
        )

    total: list[float] = []
    for round_ in range(rounds):
        round_started = time.perf_counter()
        youth = person_born(years_ago(16, today=today, days=60 + round_), first_name="Ung", **home)
        for guardian in world.guardians:
            guardianship_create(child=youth, guardian=guardian, on=today)
        world.youth = youth
        step("consents (3) + view", world.sol_consents)
        placement = step("open the utredning (its process)", open_with_process)
        step("write the utredning", lambda placement=placement: write(placement))
        step("record an alternative tried", lambda placement=placement: alternative(placement))
        step("propose (SoL)", lambda placement=placement: world.propose(placement))
        step("decide", lambda placement=placement: world.decide(placement))
        step(
            "cost allocation, two approvals",
            lambda placement=placement: world.cost_allocation(placement),
        )
        step(
            "start (inflyttning)",
            lambda placement=placement: services.placement_start(
                placement=placement, by=world.sara, start_date=today
            ),
        )
        total.append((time.perf_counter() - round_started) * 1000)
        placement.refresh_from_db()
        assert placement.phase == Placement.Phase.PLACED
        ms, sql = bare_task_completion(
            by=world.sara, rounds=1, connection=connection, capture=capture
        )
        bare_ms += ms
        bare_sql = max(bare_sql, sql)

    print(f"{rounds} placements on {connection.vendor} ({connection.settings_dict['NAME']})")
    bare_median, bare_p90 = summary(bare_ms)
    print(f"{'step':36} {'median ms':>10} {'p90 ms':>8} {'SQL':>5} {'× bare':>7}")
    print(
        f"{'bare viewflow human task':36} {bare_median:10.1f} {bare_p90:8.1f} {bare_sql:5} {1:7.2f}"
    )
    for name, values in timings.items():
        median, p90 = summary(values)
        ratio = median / bare_median
        print(f"{name:36} {median:10.1f} {p90:8.1f} {max(queries[name]):5} {ratio:7.2f}")
    whole = statistics.median(total)
    print(
        f"{'whole före, with the family':36} {whole:10.1f} {'':8} {'':5} {whole / bare_median:7.2f}"
    )


if __name__ == "__main__":
    main()
