"""The ``sip`` namespace in the shared case layer: what each SIP page is about and is
logged as, which viewflow page names a process, and the manage actions no one may take.
Registered by SipflowConfig.ready() (cases.registry)."""

from __future__ import annotations

from django.template.response import TemplateResponse

from cases.registry import CaseSubject
from cases.subjects import purpose_of, viewflow_page_purpose, viewflow_process_pk

from .models import Invitation, SipPlan

#: The purpose a look or change is logged with, in Swedish as the log is kept.
SIP_PURPOSES = {
    "sip:plan": "SIP",
    "sip:person_plan": "Planen för personen",
    "sip:person_plan_pdf": "Planen för personen (PDF)",
    "sip:reschedule": "Flytta SIP-möte",
    "sip:close_halted": "Avsluta stoppad SIP",
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
}

PLAN_PAGES = (
    "sip:plan",
    "sip:reschedule",
    "sip:close_halted",
    "sip:person_plan",
    "sip:person_plan_pdf",
)


def sip_subject(resolver_match) -> CaseSubject | None:
    """The plan, kallelse or process a SIP page is about, with its person."""
    name, kwargs = resolver_match.view_name, resolver_match.kwargs
    if name in PLAN_PAGES:
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
        purpose = viewflow_page_purpose(resolver_match, task_label="SIP-uppgift")
        return CaseSubject(plan, plan.person if plan else None, purpose)
    return None


def manage_refused(request, resolver_match) -> TemplateResponse:
    """The page that says why a manage action is refused, naming the SIP."""
    plan = SipPlan.objects.filter(process_id=viewflow_process_pk(resolver_match)).first()
    return TemplateResponse(request, "sipflow/manage_refused.html", {"plan": plan}, status=403)
