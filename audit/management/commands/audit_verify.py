"""Verify the access log's hash chain: ``OK: N entries``, or the first broken entry and exit
code 1."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_verify


class Command(BaseCommand):
    help = "Verify the access log's hash chain; exit code 1 if it is broken."

    def handle(self, *args, **options):
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"BROKEN at entry {result.first_broken_pk}: {result.reason}", returncode=1
            )
        self.stdout.write(f"OK: {result.checked} entries")
