"""The application runs as a database role that does not own the tables: it reads and
writes them, and may only read and append to the access log. Migrations run as the owner."""

from __future__ import annotations

import io
import os

import dj_database_url
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate

from audit.database_roles import runtime_role_grant
from audit.models import AccessLogEntry
from tests.audit.conftest import TABLE, as_table_owner

ORDINARY = {"SELECT", "INSERT", "UPDATE", "DELETE"}
PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def current_user() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def runtime_privileges(role: str) -> dict[str, set[str]]:
    """Each table of the schema: what ``role`` may do with it, and 'OWNER' if it owns it."""
    columns = ", ".join(f"has_table_privilege(%s, c.oid, '{name}')" for name in PRIVILEGES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.relname, pg_get_userbyid(c.relowner) = %s, {columns} FROM pg_class c "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'",
            [role] * (len(PRIVILEGES) + 1),
        )
        rows = cursor.fetchall()
    return {
        table: {name for name, held in zip(PRIVILEGES, rights, strict=True) if held}
        | ({"OWNER"} if owner else set())
        for table, owner, *rights in rows
    }


@pytest.mark.django_db
def test_the_runtime_role_reads_and_writes_every_table_but_only_appends_to_the_log(settings):
    role = settings.DATABASE_RUNTIME_ROLE
    assert current_user() == role
    privileges = runtime_privileges(role)
    log, migrations = AccessLogEntry._meta.db_table, MigrationRecorder.Migration._meta.db_table
    assert privileges.pop(log) == {"SELECT", "INSERT"}
    assert privileges.pop(migrations) == {"SELECT"}
    assert len(privileges) > 30
    assert {table: rights for table, rights in privileges.items() if rights != ORDINARY} == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrate_runs_as_the_owner_and_gives_the_runtime_role_back_only_its_rights(settings):
    """With DATABASE_MIGRATE_URL set, migrate logs in as the owner (here the test session's
    own login role) and afterwards takes back any right on the log the runtime role should
    not hold."""
    owner = dj_database_url.parse(os.environ["DATABASE_URL"])
    settings.DATABASE_MIGRATE = owner
    role = settings.DATABASE_RUNTIME_ROLE
    with as_table_owner() as cursor:
        cursor.execute(f"GRANT UPDATE, DELETE, TRUNCATE ON {TABLE} TO {role}")
    assert "UPDATE" in runtime_privileges(role)[AccessLogEntry._meta.db_table]
    migrating_as: list[str] = []

    def record_role(**kwargs):
        migrating_as.append(current_user())

    post_migrate.connect(record_role, weak=False, dispatch_uid="test_migrate_role")
    try:
        call_command("migrate", verbosity=0)
    finally:
        post_migrate.disconnect(dispatch_uid="test_migrate_role")
    assert set(migrating_as) == {owner["USER"]}
    assert current_user() == role
    assert runtime_privileges(role)[AccessLogEntry._meta.db_table] == {"SELECT", "INSERT"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrate_warns_when_no_role_of_its_own_is_given_to_the_application(settings):
    settings.DATABASE_MIGRATE = dj_database_url.parse(os.environ["DATABASE_URL"])
    settings.DATABASE_RUNTIME_ROLE = ""
    errors = io.StringIO()
    call_command("migrate", verbosity=0, stderr=errors)
    assert "if the application runs as it, it can switch the access log's protection off" in (
        errors.getvalue()
    )


@pytest.mark.django_db
def test_the_application_may_not_run_as_the_owner(settings):
    with pytest.raises(ImproperlyConfigured, match="is the one migrations run as"):
        runtime_role_grant(using="default", role=settings.DATABASE_RUNTIME_ROLE)
