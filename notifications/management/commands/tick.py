"""The periodic tick: fire viewflow's due timers (follow-ups coming due), expire consents and
send their 30-day reminders, reconsider the SIPs of ended consents that were locked when the
consent ended, re-derive the SIP access grants that have run out (sipflow.grants), remind
kallelser before and after their answer-by date, send each chef's daily digest of overdue
work, and deliver (or retry) the outbox's e-mails. ``--loop`` runs it every minute."""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand
from viewflow.workflow.timers import fire_due_timers

from consent.services import consent_sweep
from notifications.deadlines import answer_due_soon_remind, escalation_digests_send
from notifications.services import deliveries_send
from sipflow.grants import sip_grants_resync_due
from sipflow.services import invitation_remind_unanswered, sip_reconsider_pending

log = logging.getLogger(__name__)


def tick() -> dict[str, int]:
    """One pass. Each part commits on its own, so one failing part does not stop the rest."""
    results: dict[str, int] = {}
    for name, step in (
        ("timers", fire_due_timers),
        ("consents", lambda: consent_sweep().expired),
        ("reconsidered", sip_reconsider_pending),
        ("grants", sip_grants_resync_due),
        ("unanswered", invitation_remind_unanswered),
        ("due_soon", answer_due_soon_remind),
        ("digests", escalation_digests_send),
        ("mail", lambda: deliveries_send().sent),
    ):
        try:
            results[name] = int(step() or 0)
        except Exception:
            log.exception("tick: %s failed", name)
            results[name] = -1
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
