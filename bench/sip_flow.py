"""Benchmark: one SIP from need to closed, through the services, on PostgreSQL.

Run by hand (not part of the tests):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sipflow_bench \\
        .venv/bin/python bench/sip_flow.py [--rounds 30]

It creates (and afterwards drops) the database named in DATABASE_URL, migrates it, builds
the organisations and staff once, then for each round: a new 13-year-old with two
guardians, both guardians' consents and the child's view, start, förbered, kalla (two
units), two answers, the meeting with a two-row plan, the follow-up timer, and the
follow-up that closes the SIP. Each round also completes one bare viewflow human task
(``bench/bare_engine.py``) in the same database, so the engine's own cost is measured under
the same conditions. It prints the median and 90th percentile time, the SQL statement count
of each step, and each step's median as a multiple of the bare task's median.
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
    from viewflow.workflow.models import Task
    from viewflow.workflow.timers import fire_due_timers

    from directory.services import guardianship_create
    from sipflow import services
    from sipflow.flows import SipFlow
    from sipflow.models import FollowUp, SipPlan
    from tests.conftest import years_ago
    from tests.factories import person_born
    from tests.sipflow_world import build_world

    world = build_world()
    step = steps.run

    today = timezone.localdate()
    # Folkbokförda in Ludvika: the kommun's socialsekreterare documents their consents.
    home = {"registered_municipality": world.ludvika}
    for round_ in range(rounds):
        round_started = time.perf_counter()
        child = person_born(years_ago(13, today=today, days=40 + round_), first_name="Barn", **home)
        world.child = child
        world.mother = person_born(
            years_ago(40, today=today, days=round_ + 1), first_name="Mor", **home
        )
        world.father = person_born(
            years_ago(42, today=today, days=round_ + 1), first_name="Far", **home
        )
        for guardian in (world.mother, world.father):
            guardianship_create(child=child, guardian=guardian, on=today)
        step("consents (2) + view", world.consent_all)
        plan = step("start", world.start)
        step("förbered", lambda plan=plan: world.prepare(plan))
        meeting = step("kalla (2 units)", lambda plan=plan: world.summon(plan))
        bup, primary = meeting.invitations.order_by("pk")
        step(
            "answer",
            lambda bup=bup: services.invitation_accept(
                invitation=bup, by=world.vera, attendees="V"
            ),
        )
        step(
            "answer",
            lambda primary=primary: services.invitation_accept(
                invitation=primary, by=world.petra, attendees="P"
            ),
        )
        version = step(
            "möte (2 plan rows)",
            lambda plan=plan: services.meeting_hold(
                plan=plan,
                by=world.sara,
                attendance="Alla",
                persons_goals="Mål",
                actions=[
                    services.ActionInput(
                        need="Behov",
                        action="Insats",
                        responsible_organisation=world.region,
                        responsible_unit=world.bup,
                        starts_on=today,
                    ),
                    services.ActionInput(
                        need="Behov",
                        action="Insats",
                        responsible_organisation=world.ludvika,
                        starts_on=today,
                    ),
                ],
                lead_unit=world.social,
                next_follow_up=today + dt.timedelta(days=90),
            ),
        )
        Task.objects.filter(process=plan.process_id, flow_task=SipFlow.wait_for_follow_up).update(
            scheduled=timezone.now() - dt.timedelta(seconds=1)
        )
        step("timer → follow-up due", fire_due_timers)
        rows = list(version.actions.all())
        step(
            "uppföljning + avslut",
            lambda plan=plan, rows=rows: services.follow_up_record(
                plan=plan,
                by=world.sara,
                reviews={row.pk: ("yes", "partly") for row in rows},
                outcome=FollowUp.Outcome.CLOSE,
                close_reason=SipPlan.CloseReason.GOALS_MET,
            ),
        )
        steps.total.append((time.perf_counter() - round_started) * 1000)
        plan.refresh_from_db()
        assert plan.phase == SipPlan.Phase.CLOSED
        steps.bare(by=world.sara)
    steps.report(what=f"{rounds} SIPs", whole="whole SIP, with the family")


if __name__ == "__main__":
    main()
