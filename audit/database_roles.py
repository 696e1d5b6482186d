"""Two database roles on PostgreSQL, so that the application cannot undo its own access log.

The **owner** (``DATABASE_MIGRATE_URL``) owns the tables: migrations run as it. The
**runtime role** (``DATABASE_URL``'s user; ``settings.DATABASE_RUNTIME_ROLE``) is what the
web server, the worker and the tick run as. It may read and write the ordinary tables but
only read and append to the access log: no UPDATE, DELETE or TRUNCATE, and, not being the
owner, it cannot switch the log's triggers off, drop them or alter the table. ``migrate``
(``audit/management/commands/migrate.py``) grants these rights after every run, so a table a
migration adds is covered at once.

SQLite (``make run``) has no roles: there the log is protected by its hash chain alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from .models import AccessLogEntry

#: Tables the runtime role may only read and append to.
APPEND_ONLY_MODELS = (AccessLogEntry,)

#: The connection settings taken from DATABASE_MIGRATE_URL; NAME stays the application's.
_OWNER_KEYS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


@contextlib.contextmanager
def migrating_as_owner(using: str) -> Iterator[None]:
    """Inside, the connection ``using`` logs in as the owner of ``settings.DATABASE_MIGRATE``
    (DATABASE_MIGRATE_URL), when one is configured; the same database either way.

    The connection itself is switched rather than a second alias used, so that data
    migrations that write through the default manager run as the owner too."""
    owner = getattr(settings, "DATABASE_MIGRATE", None)
    if not owner:
        yield
        return
    connection = connections[using]
    saved = {key: connection.settings_dict[key] for key in _OWNER_KEYS}
    connection.close()
    connection.settings_dict.update({key: owner.get(key) or "" for key in _OWNER_KEYS})
    connection.settings_dict["OPTIONS"] = dict(owner.get("OPTIONS") or {})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def _role_exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def runtime_role_grant(*, using: str, role: str) -> list[str]:
    """Give ``role`` the runtime role's rights on every table of the current schema, as the
    owner (the connection's role), and return what was done. A missing role is created
    without LOGIN (the test suite acts as it with SET ROLE); production creates its login
    role beforehand. Safe to run again at any time."""
    connection = connections[using]
    quote = connection.ops.quote_name
    notes: list[str] = []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        owner, schema = cursor.fetchone()
        if role == owner:
            raise ImproperlyConfigured(
                f"The application's database role {role!r} is the one migrations run as: "
                "give DATABASE_URL a role of its own (see the README: database roles)."
            )
        if not _role_exists(cursor, role):
            try:
                with transaction.atomic(using=using):
                    cursor.execute(f"CREATE ROLE {quote(role)} NOLOGIN")
                notes.append(f"Created the database role {role} (NOLOGIN).")
            except DatabaseError as error:
                if not _role_exists(cursor, role):  # else another session just created it
                    raise ImproperlyConfigured(
                        f"The database role {role!r} does not exist and {owner!r} cannot "
                        f"create it ({error}). Create it: CREATE ROLE {quote(role)} LOGIN "
                        "PASSWORD '…';"
                    ) from error
        cursor.execute(
            "SELECT rolsuper OR pg_has_role(rolname, %s, 'MEMBER') FROM pg_roles "
            "WHERE rolname = %s",
            [owner, role],
        )
        if cursor.fetchone()[0]:
            raise ImproperlyConfigured(
                f"The database role {role!r} is a superuser or a member of the owner "
                f"{owner!r}: it could change the access log. Give the application a role "
                "without these rights."
            )
        role_sql, schema_sql = quote(role), quote(schema)
        statements = [
            f"GRANT USAGE ON SCHEMA {schema_sql} TO {role_sql}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_sql} "
            f"TO {role_sql}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_sql} TO {role_sql}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_sql} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role_sql}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_sql} "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {role_sql}",
            # The application reads which migrations ran; only the owner records them.
            f"REVOKE INSERT, UPDATE, DELETE ON {quote(MigrationRecorder.Migration._meta.db_table)} "
            f"FROM {role_sql}",
        ]
        for model in APPEND_ONLY_MODELS:
            table = quote(model._meta.db_table)
            statements += [
                f"REVOKE ALL ON {table} FROM {role_sql}",
                f"GRANT SELECT, INSERT ON {table} TO {role_sql}",
            ]
        for statement in statements:
            cursor.execute(statement)
    notes.append(
        f"The database role {role} may read and write the tables, and only read and append "
        f"to {', '.join(model._meta.db_table for model in APPEND_ONLY_MODELS)}."
    )
    return notes


def access_log_role_problems(*, using: str = "default") -> list[str]:
    """What would let the role this connection acts as change the access log behind its
    triggers: owning the table (or being a member of its owner), being a superuser, or
    holding UPDATE, DELETE or TRUNCATE on it. Empty on SQLite, which has no roles."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, r.rolsuper, pg_has_role(current_user, c.relowner, 'MEMBER'), "
            "has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE'), "
            "has_table_privilege(c.oid, 'TRUNCATE') "
            "FROM pg_class c JOIN pg_roles r ON r.rolname = current_user "
            "WHERE c.oid = to_regclass(%s)",
            [connection.ops.quote_name(AccessLogEntry._meta.db_table)],
        )
        row = cursor.fetchone()
    if row is None:
        return []
    role, superuser, owner, *rights = row
    problems = []
    if superuser:
        problems.append(f"the database role {role} is a superuser")
    elif owner:
        problems.append(f"the database role {role} owns the access log's table")
    names = ("UPDATE", "DELETE", "TRUNCATE")
    held = [name for name, right in zip(names, rights, strict=True) if right]
    if held and not (superuser or owner):
        problems.append(f"the database role {role} holds {', '.join(held)} on the access log")
    return problems
