"""SipPlan.consent_ends_on: the last day of the earliest of the person's consents to SIP in
force, for the chef's list of consents running out, filled for the SIPs there are as
grants_sync_sip writes it (sipflow.grants.consent_ends), in one statement."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    from django.utils import timezone

    plan_model = apps.get_model("sipflow", "SipPlan")
    consent_model = apps.get_model("consent", "Consent")
    today = timezone.localdate()
    in_force = consent_model.objects.filter(
        subject=OuterRef("person"),
        purpose="sip",
        status="active",
        valid_from__lte=today,
        valid_until__gte=today,
    )
    plan_model.objects.update(
        consent_ends_on=Subquery(in_force.order_by("valid_until").values("valid_until")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0004_sip_consent_end_index"),
        ("directory", "0008_unit_parent"),
        ("sipflow", "0008_invitation_pending_organisation"),
        ("viewflow", "0015_task_scheduled"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="sipplan",
            name="consent_ends_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="samtycket upphör"
            ),
        ),
        migrations.AddIndex(
            model_name="sipplan",
            index=models.Index(
                condition=models.Q(
                    ("consent_ends_on__isnull", False),
                    models.Q(("phase__in", ["closed", "halted"]), _negated=True),
                ),
                fields=["lead_unit", "consent_ends_on"],
                name="sip_open_consent_ends",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
