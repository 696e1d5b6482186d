"""What a case URL is about: the object, the person, and the purpose to log.

The access log (audit) asks this for every request; the access matrix test asks which URLs
exist. A URL in a case namespace that this module cannot place is logged without an object,
and fails the matrix test until it is added here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation

from consent.models import Consent
from directory.models import Person
from sipflow.models import Invitation, SipPlan

CASE_NAMESPACES = ("people", "sip", "audit")

#: The purpose a look or change is logged with, in Swedish as the log is kept; the URL name
#: where a page is not listed here.
PURPOSES = {
    "people:index": "Sökning av person",
    "people:person_detail": "Personens samtycken och inställningar",
    "people:consent_create": "Registrera samtycke",
    "people:view_create": "Dokumentera inställning",
    "people:committee_decision_create": "Registrera nämndbeslut",
    "people:guardians_not_called_create": "Vårdnadshavare kallas inte",
    "people:consent_detail": "Samtycke",
    "people:consent_withdraw": "Återkalla samtycke",
    "people:access_log": "Granskning av åtkomstloggen",
    "people:samples": "Stickprov i åtkomstloggen",
    "people:sample_detail": "Stickprov i åtkomstloggen",
    "sip:plan": "SIP",
    "sip:reschedule": "Flytta SIP-möte",
    "sip:invitation": "Kallelse till SIP-möte",
    "sip:process_detail": "SIP-process",
    "sip:process_chart": "SIP-processens karta",
    "sip:index": "Lista över SIP",
    "sip:process_list": "Lista över SIP-processer",
    "sip:task_list": "Lista över SIP-uppgifter",
    "sip:inbox": "Inkorg",
    "sip:queue": "Kö",
    "sip:archive": "Arkiv",
    "sip:tasks_assign": "Ta uppgifter",
    "sip:tasks_unassign": "Lämna uppgifter",
    "sip:start:execute": "Initiera SIP",
    "overview:index": "Översikt",
}


def purpose_of(view_name: str) -> str:
    return PURPOSES.get(view_name, view_name)


@dataclass(frozen=True)
class CaseSubject:
    obj: Any
    person: Person | None
    purpose: str


#: Admin pages of models holding case data, and how to find the person of an object.
ADMIN_CASE_MODELS = {
    "directory_person": lambda obj: obj,
    "consent_consent": lambda obj: obj.subject,
    "consent_recordedview": lambda obj: obj.subject,
    "consent_committeedecision": lambda obj: obj.subject,
    "consent_guardiansnotcalled": lambda obj: obj.subject,
    "audit_accesslogentry": lambda obj: obj.person,
    "audit_samplereview": lambda obj: None,
}


def admin_case_subject(resolver_match) -> CaseSubject | None:
    """An admin page of a case model (list, view, change, history, delete), or None."""
    from django.apps import apps

    name = resolver_match.url_name or ""
    for prefix, person_of in ADMIN_CASE_MODELS.items():
        if not name.startswith(prefix + "_"):
            continue
        action = name[len(prefix) + 1 :]
        purpose = f"Administration: {prefix.replace('_', '.')} ({action})"
        object_id = resolver_match.kwargs.get("object_id")
        if object_id is None:
            return CaseSubject(None, None, purpose)
        app_label, model_name = prefix.split("_", 1)
        model = apps.get_model(app_label, model_name)
        try:
            obj = model._default_manager.filter(pk=object_id).first()
        except (ValueError, ValidationError):  # not a key at all: the admin answers 404
            obj = None
        return CaseSubject(obj, person_of(obj) if obj else None, purpose)
    return None


def case_subject(resolver_match) -> CaseSubject | None:
    """The case object and person a request is about, or None for pages that are not
    about one case (lists, start pages)."""
    if resolver_match is None or not resolver_match.namespaces:
        return None
    if resolver_match.namespaces[0] == "admin":
        return admin_case_subject(resolver_match)
    if resolver_match.namespaces[0] not in CASE_NAMESPACES:
        return None
    name, kwargs = resolver_match.view_name, resolver_match.kwargs
    if "person_pk" in kwargs:
        person = Person.objects.filter(pk=kwargs["person_pk"]).first()
        return CaseSubject(person, person, purpose_of(name))
    if name in ("people:consent_detail", "people:consent_withdraw"):
        consent = Consent.objects.select_related("subject").filter(pk=kwargs["pk"]).first()
        return CaseSubject(consent, consent.subject if consent else None, purpose_of(name))
    if name in ("sip:plan", "sip:reschedule"):
        plan = SipPlan.objects.select_related("person").filter(pk=kwargs["pk"]).first()
        return CaseSubject(plan, plan.person if plan else None, purpose_of(name))
    if name == "sip:invitation":
        invitation = (
            Invitation.objects.select_related("meeting__plan__person")
            .filter(pk=kwargs["pk"])
            .first()
        )
        person = invitation.meeting.plan.person if invitation else None
        return CaseSubject(invitation, person, purpose_of(name))
    if "process_pk" in kwargs:
        plan = SipPlan.objects.select_related("person").filter(process_id=kwargs["process_pk"])
        plan = plan.first()
        purpose = purpose_of(name)
        if "task_pk" in kwargs:
            from viewflow.workflow.models import Task

            task = Task.objects.filter(pk=kwargs["task_pk"]).first()
            if task is not None:
                with translation.override("sv"):  # the log is kept in Swedish
                    purpose = f"SIP-uppgift: {task.flow_task.task_title}"
        return CaseSubject(plan, plan.person if plan else None, purpose)
    return None
