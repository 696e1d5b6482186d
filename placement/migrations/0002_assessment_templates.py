"""The national default utredning templates, from RULES.md §3 (Före: utredning under SoL
20 kap with structured assessment; 004 ≈L926-1120). An organisation loads its own in the
admin."""

from django.db import migrations

TEMPLATES = (
    (
        "national_children",
        "Utredning av barn och unga (nationell standard)",
        "children",
        (
            ("situation", "Barnets situation och behov", ""),
            ("health", "Psykisk och fysisk hälsa samt tandhälsa", ""),
            ("school", "Skola och social utveckling", ""),
            ("risk_behaviour", "Skadligt bruk, riskbeteende och kriminalitet", ""),
            ("family_capacity", "Familjens förmåga", ""),
            (
                "guardians",
                "Omsorgssvikt, våld eller psykisk ohälsa hos vårdnadshavare",
                "",
            ),
            ("risk_protection", "Risk- och skyddsbedömning", ""),
            ("earlier", "Tidigare insatser och resultat", ""),
            (
                "less_intrusive",
                "Prövade mindre ingripande insatser",
                "Familjebehandling, familjehem, stödboende: familjehem och stödboende är "
                "mindre ingripande än HVB.",
            ),
            ("attitude", "Barnets och vårdnadshavarnas inställning", ""),
        ),
    ),
    (
        "national_adults",
        "Utredning av vuxna (nationell standard)",
        "adults",
        (
            ("life_situation", "Livssituation", ""),
            ("structure", "Behov av en strukturerad miljö", ""),
            ("earlier", "Tidigare insatser och resultat", ""),
            ("risk_protection", "Risk- och skyddsbedömning", ""),
        ),
    ),
)


def create(apps, schema_editor):
    Template = apps.get_model("placement", "AssessmentTemplate")
    Area = apps.get_model("placement", "AssessmentArea")
    for code, name, audience, areas in TEMPLATES:
        template, _created = Template.objects.get_or_create(
            code=code, organisation=None, defaults={"name": name, "audience": audience}
        )
        for order, (area_code, title, help_text) in enumerate(areas, start=1):
            Area.objects.get_or_create(
                template=template,
                code=area_code,
                defaults={"order": order, "title": title, "help": help_text},
            )


def remove(apps, schema_editor):
    Template = apps.get_model("placement", "AssessmentTemplate")
    Template.objects.filter(
        organisation=None, code__in=[code for code, *_rest in TEMPLATES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("placement", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
