"""SipPlan.halted_on: the day a SIP was stopped, for the chef's list of halted SIPs, filled
for the SIPs already stopped from their latest halt in the history (the day they started
when it holds none), in one statement."""

from django.db import migrations, models
from django.db.models import DateTimeField, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate

#: The history entry sipflow.services.reconsider.sip_halt writes (its msgid).
HALTED_ENTRY = "SIP:en stoppades: %(reason)s"


def fill(apps, schema_editor):
    plan_model = apps.get_model("sipflow", "SipPlan")
    entry_model = apps.get_model("sipflow", "HistoryEntry")
    halted_at = (
        entry_model.objects.filter(plan=OuterRef("pk"), what=HALTED_ENTRY)
        .order_by("-at")
        .values("at")
    )
    plan_model.objects.filter(phase="halted").update(
        halted_on=Coalesce(
            TruncDate(Subquery(halted_at[:1], output_field=DateTimeField())),
            TruncDate("started_at"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sipflow", "0009_plan_consent_ends_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="sipplan",
            name="halted_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="stoppades"),
        ),
        migrations.AddIndex(
            model_name="sipplan",
            index=models.Index(
                condition=models.Q(("phase", "halted")),
                fields=["halted_on", "id"],
                name="sip_halted_on",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
