"""The reference every benchmark prints beside its own figures: viewflow 2.4 on its own.

One bare human task, completed the way sipflow's services complete theirs: the flow's
``select_for_update_lock``, then ``task.activation()`` (which takes the lock and reloads the
task), assign, start, execute. The process is viewflow's own ``Process`` with no domain
rows, no consent check, no history and no events: what is left is the engine's cost, so a
step's ratio to it is what sipflow adds on top.
"""

from __future__ import annotations

import statistics
import time

from viewflow import this
from viewflow.workflow import flow, lock


class BareFlow(flow.Flow):
    """Start → one human task → end."""

    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_bare).Next(this.task)
    task = flow.View(lambda request, **kwargs: None).Next(this.end)
    end = flow.End()

    def start_bare(self, activation):
        return activation.process


def bare_task_completion(*, by, rounds: int, connection, capture) -> tuple[list[float], int]:
    """Milliseconds and SQL statements for completing one bare human task, ``rounds`` times.

    Each round starts a fresh process (not timed), then times the completion alone.
    """
    from django.db import transaction
    from viewflow.workflow.models import Task

    timings: list[float] = []
    statements = 0
    for _round in range(rounds):
        with transaction.atomic():
            process = BareFlow.start.run()
        task = Task.objects.get(process=process, flow_task=BareFlow.task)
        with capture(connection) as captured:
            started = time.perf_counter()
            with task.activation() as activation:
                activation.assign(by)
                activation.start(None)
                activation.execute()
            timings.append((time.perf_counter() - started) * 1000)
        statements = max(statements, len(captured.captured_queries))
    return timings, statements


def summary(values: list[float]) -> tuple[float, float]:
    """Median and 90th percentile."""
    p90 = statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]
    return statistics.median(values), p90
