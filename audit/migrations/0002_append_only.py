"""On PostgreSQL the database itself keeps the access log append-only: a trigger refuses
every UPDATE, DELETE and TRUNCATE of it. SQLite (``make run`` only) gets nothing."""

from django.db import migrations

FUNCTION = "audit_access_log_append_only"
ROW_TRIGGER = "audit_accesslogentry_no_update_delete"
TRUNCATE_TRIGGER = "audit_accesslogentry_no_truncate"


def table(apps, schema_editor):
    model = apps.get_model("audit", "AccessLogEntry")
    return schema_editor.quote_name(model._meta.db_table)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit log is append-only'
                USING DETAIL = TG_OP || ' on ' || TG_TABLE_NAME || ' is not allowed';
        END;
        $$
        """
    )
    schema_editor.execute(
        f"CREATE TRIGGER {ROW_TRIGGER} BEFORE UPDATE OR DELETE ON {table(apps, schema_editor)} "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {table(apps, schema_editor)} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for trigger in (ROW_TRIGGER, TRUNCATE_TRIGGER):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table(apps, schema_editor)}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
