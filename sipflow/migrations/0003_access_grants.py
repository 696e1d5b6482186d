"""Derive the access grants (cases.AccessGrant) of the SIPs that exist."""

from django.db import migrations


def grants_for_existing_plans(apps, schema_editor):
    if not apps.get_model("sipflow", "SipPlan").objects.exists():
        return
    # The current services derive the grants: the same rules as every later change.
    from sipflow.grants import grants_rebuild

    grants_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("sipflow", "0002_reconsideredconsent"),
    ]

    operations = [migrations.RunPython(grants_for_existing_plans, migrations.RunPython.noop)]
