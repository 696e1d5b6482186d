"""An index of the open SIPs by lead unit, own unit and handläggare, with their key: the
chef's workload counts one unit's SIPs from it alone."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sipflow', '0010_plan_halted_on'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='sipplan',
            index=models.Index(condition=models.Q(('phase__in', ['closed', 'halted']), _negated=True), fields=['lead_unit', 'started_unit', 'coordinator', 'started_by'], include=('id',), name='sip_open_lead_handler'),
        ),
    ]
