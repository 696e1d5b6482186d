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

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import bench_main


def main() -> None:
    bench_main(run, description=__doc__.splitlines()[0])


def run(*, rounds: int, steps) -> None:
    from django.utils import timezone

    from directory.services import guardianship_create
    from placement import services
    from placement.models import AlternativeTried, Placement
    from tests.conftest import years_ago
    from tests.factories import person_born
    from tests.placement_world import build_placement_world

    world = build_placement_world()
    step = steps.run

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
        steps.total.append((time.perf_counter() - round_started) * 1000)
        placement.refresh_from_db()
        assert placement.phase == Placement.Phase.PLACED
        steps.bare(by=world.sara)
    steps.report(what=f"{rounds} placements", whole="whole före, with the family")


if __name__ == "__main__":
    main()
