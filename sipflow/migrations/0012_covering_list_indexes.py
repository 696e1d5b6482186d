"""The open SIPs' indexes by lead unit and follow-up date or consent end also hold the own
unit and the key: a chef's list reads its page of keys, and asks the grants, from the index
alone."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sipflow', '0011_workload_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='sipplan',
            name='sip_open_lead_follow_up',
        ),
        migrations.RemoveIndex(
            model_name='sipplan',
            name='sip_open_consent_ends',
        ),
        migrations.AddIndex(
            model_name='sipplan',
            index=models.Index(condition=models.Q(('phase__in', ['closed', 'halted']), _negated=True), fields=['lead_unit', 'next_follow_up', 'started_unit'], include=('id',), name='sip_open_lead_follow_up'),
        ),
        migrations.AddIndex(
            model_name='sipplan',
            index=models.Index(condition=models.Q(('consent_ends_on__isnull', False), models.Q(('phase__in', ['closed', 'halted']), _negated=True)), fields=['lead_unit', 'consent_ends_on', 'started_unit'], include=('id',), name='sip_open_consent_ends'),
        ),
    ]
