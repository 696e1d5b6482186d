"""Django's ``flush``, let through the access log's append-only trigger.

``flush`` empties every table on purpose, and the test runner flushes the database after
each transactional test. On PostgreSQL the trigger of migration 0002 refuses TRUNCATE, so
the trigger is disabled and enabled again inside the flush's own transaction: other
sessions never see it off, and only the table's owner (who could drop it anyway) can do it.
The test suite acts as the runtime role (SET ROLE), which may not: flush returns to the
role it logged in as, the owner, for its own transaction only (SET LOCAL ROLE NONE).
Outside the test settings (``AUDIT_LOG_FLUSHABLE``) flush is refused on PostgreSQL: the log
must be kept.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections, transaction

from audit.models import AccessLogEntry


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        table = AccessLogEntry._meta.db_table
        if connection.vendor != "postgresql" or table not in connection.introspection.table_names():
            return super().handle(**options)
        if not getattr(settings, "AUDIT_LOG_FLUSHABLE", False):
            raise CommandError(
                "The access log is kept for at least five years (HSLF-FS 2016:40): flush is "
                "refused here. Only the test settings (AUDIT_LOG_FLUSHABLE) allow it."
            )
        if options["interactive"]:
            confirm = input(
                f"You have requested a flush of the database.\n"
                f'This will IRREVERSIBLY DESTROY all data currently in the "'
                f'{connection.settings_dict["NAME"]}" database,\n'
                f"access log included, and return each table to an empty state.\n"
                f"Are you sure you want to do this?\n\n"
                f"    Type 'yes' to continue, or 'no' to cancel: "
            )
            if confirm != "yes":
                self.stdout.write("Flush cancelled.")
                return None
        quoted = connection.ops.quote_name(table)
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET LOCAL ROLE NONE")
            cursor.execute(f"ALTER TABLE {quoted} DISABLE TRIGGER USER")
            super().handle(**{**options, "interactive": False})
            cursor.execute(f"ALTER TABLE {quoted} ENABLE TRIGGER USER")
        return None
