"""An index of the running placements by placing unit and handläggare, with their key: the
chef's workload counts one unit's placements from it alone."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('placement', '0009_placement_living_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='placement',
            index=models.Index(condition=models.Q(('phase__in', ['closed', 'cancelled']), _negated=True), fields=['placing_unit', 'caseworker'], include=('id',), name='placement_open_caseworker'),
        ),
    ]
