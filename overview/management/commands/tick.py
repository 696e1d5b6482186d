"""The periodic tick: every job the apps registered (cases.registry.periodic_jobs), in
order. Today: fire viewflow's due timers (follow-ups coming due), expire consents and send
their 30-day reminders, reconsider the SIPs of ended consents that were locked when the
consent ended, re-derive the SIP access grants that have run out, remind kallelser before
and after their answer-by date, send each chef's daily digest of overdue work, and deliver
(or retry) the outbox's e-mails. ``--loop`` runs it every minute."""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand

from cases.registry import periodic_jobs

log = logging.getLogger(__name__)


def tick() -> dict[str, int]:
    """One pass. Each job commits on its own, so one failing job does not stop the rest;
    it counts -1."""
    results: dict[str, int] = {}
    for job in periodic_jobs():
        try:
            results[job.name] = int(job.run() or 0)
        except Exception:
            log.exception("tick: %s failed", job.name)
            results[job.name] = -1
    return results


class Command(BaseCommand):
    help = "Run the periodic work once, or every minute with --loop."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=60.0)

    def handle(self, *args, loop=False, interval=60.0, **options):
        while True:
            results = tick()
            self.stdout.write(" ".join(f"{name}={count}" for name, count in results.items()))
            if not loop:
                return
            time.sleep(interval)
