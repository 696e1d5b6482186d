"""The ``people`` namespace: a person's pages and the consents documented about them, and
the admin pages of the directory's and consent's case models. Registered by CasesConfig."""

from __future__ import annotations

from consent.models import Consent
from directory.models import Person

from .registry import CaseSubject
from .subjects import purpose_of

PEOPLE_PURPOSES = {
    "people:index": "Sökning av person",
    "people:person_detail": "Personens samtycken och inställningar",
    "people:consent_create": "Registrera samtycke",
    "people:view_create": "Dokumentera inställning",
    "people:committee_decision_create": "Registrera nämndbeslut",
    "people:guardians_not_called_create": "Vårdnadshavare kallas inte",
    "people:consent_detail": "Samtycke",
    "people:consent_withdraw": "Återkalla samtycke",
}

#: Admin pages of the models below the processes that hold case data, and how to find the
#: person of an object.
PEOPLE_ADMIN_CASE_MODELS = {
    "directory_person": lambda obj: obj,
    "consent_consent": lambda obj: obj.subject,
    "consent_recordedview": lambda obj: obj.subject,
    "consent_committeedecision": lambda obj: obj.subject,
    "consent_guardiansnotcalled": lambda obj: obj.subject,
}

CONSENT_PAGES = ("people:consent_detail", "people:consent_withdraw")


def people_subject(resolver_match) -> CaseSubject | None:
    """Any page naming a person (``person_pk``, whichever app serves it), or a consent."""
    name, kwargs = resolver_match.view_name, resolver_match.kwargs
    if "person_pk" in kwargs:
        person = Person.objects.filter(pk=kwargs["person_pk"]).first()
        return CaseSubject(person, person, purpose_of(name))
    if name in CONSENT_PAGES:
        consent = Consent.objects.select_related("subject").filter(pk=kwargs["pk"]).first()
        return CaseSubject(consent, consent.subject if consent else None, purpose_of(name))
    return None
