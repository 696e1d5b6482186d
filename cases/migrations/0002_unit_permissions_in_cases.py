"""The per-unit task permissions moved from sipflow to the case layer (cases.backends): a
queued task's ``owner_permission`` is renamed from ``sipflow.unit_<pk>`` /
``sipflow.organisation_<pk>`` to ``cases.unit_<pk>`` / ``cases.organisation_<pk>``."""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

OLD, NEW = "sipflow.", "cases."


def rename(apps, schema_editor, old=OLD, new=NEW):
    Task = apps.get_model("viewflow", "Task")
    for kind in ("unit_", "organisation_"):
        Task.objects.filter(owner_permission__startswith=old + kind).update(
            owner_permission=Concat(
                Value(new), Substr(F("owner_permission"), len(old) + 1)
            )
        )


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
