"""The API's resources in the access log: the purpose each URL is logged with (in Swedish,
as the log is kept, the same words as the pages), and how a URL finds its object and
person. A resource added later (placements, avvikelser) adds its rows here."""

from __future__ import annotations

from consent.models import Consent
from directory.models import Person
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
    }.items()
}


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
        }
    )
