"""The access log keeps no index twice: ``person`` and ``unit`` alone are the first columns of
``audit_entry_person_at`` and ``audit_entry_unit_at``, and ``entry_hash``'s pattern index
(PostgreSQL's ``_like``, for LIKE, which nothing asks of a hash) serves no read. Every entry
written updates each index of the largest table there is: a chef's list of fifty people
writes fifty entries in the request that shows it.

Only the indexes are dropped (``DROP INDEX IF EXISTS``, named as Django named them): Django's
own AlterField would also drop and re-add each foreign key, checking every entry of the log
again under a lock that stops every page from being logged meanwhile."""

from django.db import migrations, models
import django.db.models.deletion

DOUBLED = (
    ("audit_accesslogentry_person_id_3d97b432", "person_id", ""),
    ("audit_accesslogentry_unit_id_794ed883", "unit_id", ""),
    ("audit_accesslogentry_entry_hash_c422d78a_like", "entry_hash", "varchar_pattern_ops"),
)


def indexes_drop(apps, schema_editor):
    for name, _column, _ops in DOUBLED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def indexes_create(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, column, ops in DOUBLED:
        if ops and not postgresql:
            continue
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "audit_accesslogentry" ("{column}" {ops})'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_accesslogentry_credential"),
        ("directory", "0008_unit_parent"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="person",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Den som uppgifterna gäller.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="access_log_entries",
                        to="directory.person",
                        verbose_name="person",
                    ),
                ),
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="access_log_entries",
                        to="directory.unit",
                        verbose_name="enhet",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(indexes_drop, indexes_create)],
        ),
    ]
