"""The export for the region's incident system (Synergi): one avvikelse in the fields a
handler fills in there (footnote 61 of the substance-abuse agreement: Händelsekategorisering
"Samordnad vårdplanering", Rubrik "Brister i samverkan utifrån … överenskommelse"), as a
file to attach, so that nothing is typed twice: JSON, CSV (semicolons, UTF-8 with BOM, as
Swedish spreadsheets read it) and a printable page.

No personal data: not the person's name or number, whatever the reader may see. The
incident system links back by the report's reference and address, where access control
and the access log apply. (The description is the reporter's own text; the report form asks
for it without personal data.)
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Deviation
from .rules import AGREEMENTS, INCIDENT_CATEGORY, INCIDENT_TITLE, AgreementCode, Category, Harm
from .selectors import current_allocation, deviation_parties, deviation_url, dispute_of

EXPORT_LANGUAGE = "sv"


def _day(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        value = timezone.localdate(value)
    return value.isoformat()


def deviation_export(*, deviation: Deviation) -> dict[str, Any]:
    """The avvikelse as the incident system takes it, in Swedish, without personal data."""
    parties = deviation_parties(deviation=deviation)
    allocation = current_allocation(deviation=deviation)
    dispute = dispute_of(deviation=deviation)
    with translation.override(EXPORT_LANGUAGE):
        agreement = AGREEMENTS[AgreementCode(deviation.agreement)]
        return {
            "reference": deviation.reference,
            "incident_category": INCIDENT_CATEGORY,
            "title": str(INCIDENT_TITLE) % {"agreement": agreement.name},
            "agreement": str(agreement.name),
            "occurred_on": _day(deviation.occurred_on),
            "reported_on": _day(deviation.reported_at),
            "reporting_organisation": deviation.reporting_unit.organisation.name,
            "reporting_unit": deviation.reporting_unit.name,
            "organisations": [
                {
                    "organisation": party.organisation.name,
                    "unit": party.unit.name,
                    "handler": str(party.handler) if party.handler else None,
                    "handler_role": party.get_handler_role_display() or None,
                    "signed_off_on": _day(party.signed_off_at),
                }
                for party in parties
            ],
            "category": str(Category(deviation.category).label),
            "harm": str(Harm(deviation.harm).label),
            "about_a_case": bool(deviation.case_kind),
            "description": deviation.description,
            "temporary_allocation": allocation
            and {
                "responsibilities": allocation.responsibilities,
                "until": _day(allocation.until),
                "agreed_on": _day(allocation.agreed_at),
            },
            "allocation_first_agreed_on": _day(deviation.allocation_agreed_at),
            "measures": deviation.measures or None,
            "status": str(deviation.get_status_display()),
            "closed_on": _day(deviation.closed_at),
            "dispute": dispute
            and {
                "matter": dispute.matter,
                "stage": str(dispute.get_stage_display()),
                "levels": [
                    {
                        "level": str(level.get_level_display()),
                        "opened_on": _day(level.opened_on),
                        "notice_on": _day(level.notice_on),
                        "written_on": _day(level.written_on),
                        "meeting_on": _day(level.meeting_on),
                        "proposal": level.proposal or None,
                        "proposal_on": _day(level.proposal_on),
                        "decision": level.decision or None,
                        "decided_on": _day(level.decided_on),
                    }
                    for level in dispute.levels.all()
                ],
            },
            "link": settings.SITE_URL.rstrip("/") + deviation_url(deviation),
        }


def export_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The export as (field, value) rows in Swedish, in the incident system's order: for
    the CSV file and the printable page."""
    with translation.override(EXPORT_LANGUAGE):
        rows = [
            (_("Händelsekategorisering"), data["incident_category"]),
            (_("Rubrik"), data["title"]),
            (_("Referens i sipflow"), data["reference"]),
            (_("Händelsedatum"), data["occurred_on"]),
            (_("Rapporterad"), data["reported_on"]),
            (_("Rapporterande organisation"), data["reporting_organisation"]),
            (_("Rapporterande enhet"), data["reporting_unit"]),
        ]
        for number, party in enumerate(data["organisations"], start=1):
            handler = party["handler"] and f"{party['handler']} ({party['handler_role']})"
            rows += [
                (_("Berörd organisation %(number)d") % {"number": number}, party["organisation"]),
                (_("Berörd enhet %(number)d") % {"number": number}, party["unit"]),
                (_("Handläggare %(number)d") % {"number": number}, handler or ""),
                (
                    _("Åtgärderna godkända %(number)d") % {"number": number},
                    party["signed_off_on"] or "",
                ),
            ]
        allocation = data["temporary_allocation"] or {}
        rows += [
            (_("Kategori"), data["category"]),
            (_("Skada eller risk för den enskilde"), data["harm"]),
            (_("Beskrivning"), data["description"]),
            (_("Tillfällig ansvarsfördelning"), allocation.get("responsibilities") or ""),
            (_("Ansvarsfördelningen gäller till och med"), allocation.get("until") or ""),
            (_("Ansvarsfördelningen överenskommen"), allocation.get("agreed_on") or ""),
            (_("Vidtagna åtgärder"), data["measures"] or ""),
            (_("Status"), data["status"]),
            (_("Avslutad"), data["closed_on"] or ""),
        ]
        dispute = data["dispute"]
        if dispute:
            rows += [(_("Tvist"), dispute["matter"]), (_("Tvistens nivå"), dispute["stage"])]
            for level in dispute["levels"]:
                parts = [
                    (_("tagen upp"), level["opened_on"]),
                    (_("aviserad"), level["notice_on"]),
                    (_("skriftligen tillställd"), level["written_on"]),
                    (_("möte"), level["meeting_on"]),
                    (
                        _("förslag"),
                        level["proposal_on"] and f"{level['proposal_on']}: {level['proposal']}",
                    ),
                    (
                        _("beslut"),
                        level["decided_on"] and f"{level['decided_on']}: {level['decision']}",
                    ),
                ]
                rows.append(
                    (
                        level["level"],
                        "; ".join(f"{label} {value}" for label, value in parts if value),
                    )
                )
        rows.append((_("Länk"), data["link"]))
    return rows


def export_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


#: A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def export_csv(data: dict[str, Any]) -> str:
    """Two columns, Fält;Värde, with a byte-order mark so that a spreadsheet reads å, ä, ö;
    a value a spreadsheet would run as a formula is quoted with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    with translation.override(EXPORT_LANGUAGE):
        writer.writerow([_("Fält"), _("Värde")])
    writer.writerows((label, _cell(str(value))) for label, value in export_rows(data))
    return "\ufeff" + buffer.getvalue()
