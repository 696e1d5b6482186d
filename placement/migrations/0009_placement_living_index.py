"""An index of the placements living at their HVB, by placing unit: the chef's lists of LVM
ends, acute cost allocations and follow-up visits read one unit's from it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("placement", "0008_region_handover_steps_consent_ends"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="placement",
            index=models.Index(
                condition=models.Q(("phase__in", ["placed", "ending"]), ("start_date__isnull", False)),
                fields=["placing_unit", "acute", "legal_basis"],
                name="placement_living",
            ),
        ),
    ]
