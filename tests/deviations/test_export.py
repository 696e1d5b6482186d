"""The export for the region's incident system: its category and title as the agreement
says a report is filed there, the organisations and dates, as JSON, CSV and a printable
page, without personal data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deviations import services
from deviations.export import deviation_export, export_csv
from deviations.rules import AgreementCode, HandlerRole
from tests.deviations.helpers import report, sip_inviting_bup

pytestmark = pytest.mark.django_db

HVB_TITLE = (
    "Brister i samverkan utifrån Dalarnas regionala överenskommelse om samverkan mellan "
    "socialtjänst och hälso- och sjukvård vid placering på HVB för barn, unga och vuxna"
)


def exported(world, chefs):
    plan = sip_inviting_bup(world)
    deviation = report(world, plan=plan, description='=HYPERLINK("http://x") Ingen svarade.')
    services.allocation_agree(deviation=deviation, by=world.sara)
    services.handler_name(
        deviation=deviation,
        by=world.sara,
        party=deviation.parties.get(unit=world.social),
        handler=chefs["social"],
        role=HandlerRole.SAS,
    )
    return deviation


def test_the_export_has_the_incident_systems_fields(world, chefs):
    deviation = exported(world, chefs)
    data = deviation_export(deviation=deviation)

    assert data["incident_category"] == "Samordnad vårdplanering"
    assert data["title"] == HVB_TITLE
    assert data["reference"] == deviation.reference
    assert data["occurred_on"] == deviation.occurred_on.isoformat()
    # The day in Sweden: an hour after midnight there it is still yesterday in UTC.
    assert data["reported_on"] == timezone.localdate(deviation.reported_at).isoformat()
    assert [(o["organisation"], o["unit"], o["handler_role"]) for o in data["organisations"]] == [
        ("Region Dalarna", "BUP Falun", None),
        ("Ludvika kommun", "Barn och familj Ludvika", "Socialt ansvarig socionom (SAS)"),
    ]
    assert data["temporary_allocation"]["agreed_on"] is not None
    assert data["category"] == "Kallelse till SIP besvarades inte"
    assert data["link"].endswith(reverse("deviations:detail", kwargs={"pk": deviation.pk}))

    substance = report(world, agreement=AgreementCode.SUBSTANCE)
    assert deviation_export(deviation=substance)["title"] == (
        "Brister i samverkan utifrån Länsövergripande överenskommelse om samverkan rörande "
        "personer som missbrukar alkohol, narkotika, andra beroendeframkallande medel, "
        "läkemedel, dopningsmedel eller spel om pengar"
    )


def test_the_files_carry_no_personal_data_and_no_formula(world, chefs):
    deviation = exported(world, chefs)
    client = Client()
    client.force_login(world.vera)  # she sees the SIP and its person
    secrets = ("Alva", world.child.personal_identity_number, world.child.identity_number_display)

    json_file = client.get(reverse("deviations:export_json", kwargs={"pk": deviation.pk}))
    assert json_file["Content-Disposition"] == (
        f'attachment; filename="{deviation.reference}.json"'
    )
    data = json.loads(json_file.content)
    assert data["title"] == HVB_TITLE
    csv_file = client.get(reverse("deviations:export_csv", kwargs={"pk": deviation.pk}))
    text = csv_file.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = dict(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows["Händelsekategorisering"] == "Samordnad vårdplanering"
    assert rows["Rubrik"] == HVB_TITLE
    assert rows["Berörd organisation 2"] == "Ludvika kommun"
    assert rows["Beskrivning"].startswith("'=HYPERLINK")  # not run as a formula
    page = client.get(reverse("deviations:export", kwargs={"pk": deviation.pk})).content.decode()
    assert "Samordnad vårdplanering" in page
    for content in (json_file.content.decode(), text, page.split("<main", 1)[1]):
        assert not any(secret in content for secret in secrets)


def test_the_csv_quotes_only_what_a_spreadsheet_would_run(world, chefs):
    deviation = exported(world, chefs)
    data = deviation_export(deviation=deviation)
    data["description"] = "Kallelsen - skickad 3 gånger"
    rows = dict(csv.reader(io.StringIO(export_csv(data).lstrip("\ufeff")), delimiter=";"))
    assert rows["Beskrivning"] == "Kallelsen - skickad 3 gånger"
