from django.db import migrations

CATEGORIES = [
    ("health", "Hälsa och sjukvård"),
    ("social", "Socialtjänst"),
    ("school", "Skola"),
    ("dental", "Tandvård"),
    ("economy", "Ekonomi"),
]


def create(apps, schema_editor):
    InformationCategory = apps.get_model("consent", "InformationCategory")
    for code, name in CATEGORIES:
        InformationCategory.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
