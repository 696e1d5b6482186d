"""Verify the access log: its hash chain and seals, and its head against the last checkpoint
kept outside the database (``AUDIT_CHECKPOINT_PATH``). Prints ``OK: N entries`` and appends
a new checkpoint, or names what is broken and exits with code 1."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.checkpoint import CheckpointError, checkpoint_append, checkpoint_last
from audit.database_roles import access_log_role_problems
from audit.selectors import audit_verify


class Command(BaseCommand):
    help = (
        "Verify the access log's hash chain against the last checkpoint and append a new "
        "checkpoint; exit code 1 if it is broken."
    )

    def handle(self, *args, **options):
        path = settings.AUDIT_CHECKPOINT_PATH
        for problem in access_log_role_problems():
            self.stderr.write(
                f"Warning: {problem}, so it can change the access log behind its triggers; "
                "run the application as a role without these rights (README: database roles)."
            )
        try:
            checkpoint = checkpoint_last(path=path)
        except CheckpointError as error:
            raise CommandError(f"BROKEN: {error}", returncode=1) from error
        result = audit_verify(checkpoint=checkpoint)
        if not result.ok:
            where = f" at entry {result.first_broken_pk}" if result.first_broken_pk else ""
            raise CommandError(f"BROKEN{where}: {result.reason}", returncode=1)
        self.stdout.write(f"OK: {result.checked} entries")
        try:
            checkpoint_append(
                path=path,
                count=result.checked,
                last_pk=result.last_pk,
                head=result.head,
                legacy_until=result.legacy_until,
            )
        except OSError as error:
            raise CommandError(
                f"The checkpoint could not be written to {path}: {error}", returncode=1
            ) from error
        self.stdout.write(f"Checkpoint appended to {path}")
