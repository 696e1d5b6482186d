"""Django's ``migrate``, run as the tables' owner, then the runtime role's grants.

With ``DATABASE_MIGRATE_URL`` set, migrations log in as that (owner) role instead of
``DATABASE_URL``'s. Afterwards, on PostgreSQL, the runtime role (``DATABASE_RUNTIME_ROLE``:
``DATABASE_URL``'s user, or the test suite's role) gets its rights: read and write the
tables, only read and append to the access log (``audit.database_roles``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.commands import migrate
from django.db import connections

from audit.database_roles import (
    access_log_role_problems,
    migrating_as_owner,
    runtime_role_grant,
)


class Command(migrate.Command):
    help = (
        "Apply migrations as the tables' owner (DATABASE_MIGRATE_URL, if set), then give the "
        "application's database role its rights."
    )

    def handle(self, *args, **options):
        database = options["database"]
        with migrating_as_owner(database):
            super().handle(*args, **options)
            changes_nothing = options["plan"] or options["check_unapplied"] or options["prune"]
            if changes_nothing or connections[database].vendor != "postgresql":
                return
            role = getattr(settings, "DATABASE_RUNTIME_ROLE", "")
            if not role:
                for problem in access_log_role_problems(using=database):
                    self.stderr.write(
                        f"Warning: {problem}; if the application runs as it, it can switch the "
                        "access log's protection off. Give it a role of its own "
                        "(DATABASE_MIGRATE_URL; see the README)."
                    )
                return
            for note in runtime_role_grant(using=database, role=role):
                if options["verbosity"] >= 1:
                    self.stdout.write(note)
