"""The API's resources in the access log: the purpose each URL is logged with (in Swedish,
as the log is kept, the same words as the pages), and how a URL finds its object and
person."""

from __future__ import annotations

from consent.models import Consent
from deviations.models import Deviation
from directory.models import Person
from placement.models import HealthExamRequest, Placement
from sipflow.models import Invitation, SipPlan

from .subjects import register_api_subjects

NAMESPACE = "api:v1:"

API_PURPOSES = {
    NAMESPACE + name: purpose
    for name, purpose in {
        "persons-lookup": "Sök person",
        "persons-create": "Registrera person",
        "person-detail": "Person",
        "person-consents": "Personens samtycken",
        "person-views": "Personens inställningar",
        "consent-detail": "Samtycke",
        "consent-withdraw": "Återkalla samtycke",
        "sips": "Lista över SIP",
        "sip-detail": "SIP",
        "sip-prepare": "Förbered SIP",
        "sip-invite": "Kalla till SIP-möte",
        "sip-reschedule": "Flytta SIP-möte",
        "sip-meeting": "Håll SIP-möte och upprätta planen",
        "sip-follow-up": "Följ upp planen",
        "sip-close": "Avsluta SIP",
        "sip-fhir": "SIP-planen som FHIR CarePlan",
        "kallelse-detail": "Kallelse till SIP-möte",
        "kallelse-accept": "Svara på kallelse",
        "kallelse-decline": "Svara på kallelse",
        "kallelse-forward": "Vidarebefordra kallelse",
        "placements": "Lista över placeringar",
        "placement-detail": "Placering",
        "placement-assessment": "Utredning inför placering",
        "placement-alternatives": "Mindre ingripande insats som prövats",
        "placement-propose": "Föreslå placering",
        "placement-legal-step": "Steg i tvångsvården",
        "placement-decide": "Besluta om placering",
        "placement-cost-allocation": "Kostnadsfördelning för placering",
        "placement-cost-allocation-approve": "Godkänn kostnadsfördelning",
        "placement-move-in": "Inflyttning",
        "placement-health-requests": "Begär hälsoundersökning",
        "placement-school": "Skolgång under placeringen",
        "placement-dental-home": "Hemregion för tandvård",
        "placement-care-plan": "Vårdplan",
        "placement-implementation-plan": "Genomförandeplan",
        "placement-visits": "Uppföljningsbesök",
        "placement-review": "Övervägande",
        "placement-ending-plan": "Planera avslutet av placeringen",
        "placement-end": "Avsluta placeringen",
        "placement-close": "Avsluta ärendet efter placeringen",
        "placement-cancel": "Avsluta utredningen utan placering",
        "placement-registration-move": "Ny folkbokföring",
        "placement-hvb-change": "Byt HVB",
        "placement-basis-change": "Ändra lagrum till LVU",
        "placement-handover": "Överlämning mellan regioner",
        "placement-handover-send": "Lämna över till den nya regionen",
        "placement-handover-confirm": "Bekräfta överlämningen",
        "health-request-detail": "Begäran om hälsoundersökning",
        "health-request-outcome": "Utfall av hälsoundersökning",
        "deviations": "Lista över avvikelser",
        "deviation-statistics": "Statistik över avvikelser",
        "deviation-detail": "Avvikelse",
        "deviation-export": "Export av avvikelse till avvikelsesystemet",
        "deviation-allocation": "Föreslå tillfällig ansvarsfördelning",
        "deviation-agree": "Godkänn tillfällig ansvarsfördelning",
        "deviation-handler": "Utse handläggare för avvikelse",
        "deviation-notes": "Utredningsanteckning i avvikelse",
        "deviation-measures": "Åtgärder i avvikelse",
        "deviation-sign-off": "Godkänn åtgärder i avvikelse",
        "deviation-dispute": "Ta upp avvikelse som tvist",
        "deviation-dispute-level": "Tvist om avvikelse",
        "deviation-dispute-decide": "Beslut i tvist om avvikelse",
        "overview": "Översikt",
        "statistics": "Statistik (ISU)",
    }.items()
}

#: The URLs about one placement, one hälsoundersökning request and one avvikelse.
PLACEMENT_URLS = [
    name.removeprefix(NAMESPACE)
    for name in API_PURPOSES
    if name.startswith(NAMESPACE + "placement-")
]
HEALTH_REQUEST_URLS = ["health-request-detail", "health-request-outcome"]
DEVIATION_URLS = [
    name.removeprefix(NAMESPACE)
    for name in API_PURPOSES
    if name.startswith(NAMESPACE + "deviation-") and name != NAMESPACE + "deviation-statistics"
]


def _person(pk):
    person = Person.objects.filter(pk=pk).first()
    return person, person


def _consent(pk):
    consent = Consent.objects.select_related("subject").filter(pk=pk).first()
    return consent, consent.subject if consent else None


def _sip(pk):
    plan = SipPlan.objects.select_related("person").filter(pk=pk).first()
    return plan, plan.person if plan else None


def _invitation(pk):
    invitation = Invitation.objects.select_related("meeting__plan__person").filter(pk=pk).first()
    return invitation, invitation.meeting.plan.person if invitation else None


def _placement(pk):
    placement = Placement.objects.select_related("person").filter(pk=pk).first()
    return placement, placement.person if placement else None


def _health_request(pk):
    found = HealthExamRequest.objects.select_related("placement__person").filter(pk=pk).first()
    return found, found.placement.person if found else None


def _deviation(pk):
    """As the avvikelse pages log it: its case's person, whether or not the reader may see
    who it is (none for a report about the agreement in general)."""
    deviation = Deviation.objects.select_related("person").filter(pk=pk).first()
    return deviation, deviation.person if deviation else None


def api_subjects_register() -> None:
    register_api_subjects(
        {
            "person-detail": _person,
            "person-consents": _person,
            "person-views": _person,
            "consent-detail": _consent,
            "consent-withdraw": _consent,
            **dict.fromkeys(
                [
                    "sip-detail",
                    "sip-prepare",
                    "sip-invite",
                    "sip-reschedule",
                    "sip-meeting",
                    "sip-follow-up",
                    "sip-close",
                    "sip-fhir",
                ],
                _sip,
            ),
            **dict.fromkeys(
                ["kallelse-detail", "kallelse-accept", "kallelse-decline", "kallelse-forward"],
                _invitation,
            ),
            **dict.fromkeys(PLACEMENT_URLS, _placement),
            **dict.fromkeys(HEALTH_REQUEST_URLS, _health_request),
            **dict.fromkeys(DEVIATION_URLS, _deviation),
        }
    )
