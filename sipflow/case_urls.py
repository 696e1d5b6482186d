"""The ``sip`` namespace in the shared case layer: what each SIP page is about and is
logged as, which viewflow page names a process, and the manage actions no one may take.
Registered by SipflowConfig.ready() (cases.registry)."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils import translation
from viewflow.workflow.models import Task

from cases.registry import CaseSubject
from cases.subjects import purpose_of

from .models import Invitation, SipPlan

#: The purpose a look or change is logged with, in Swedish as the log is kept.
SIP_PURPOSES = {
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
}

PLAN_PAGES = ("sip:plan", "sip:reschedule")
#: viewflow URL names whose ``pk`` is a process.
PROCESS_PK_URLS = {"process_detail", "process_chart", "process_cancel"}
#: viewflow's manage actions on a task, by URL name in the task's node namespace.
MANAGE_TASK_ACTIONS = {"undo", "cancel", "revive"}


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
        purpose = purpose_of(name)
        if "task_pk" in kwargs:
            task = Task.objects.filter(pk=kwargs["task_pk"]).first()
            if task is not None:
                with translation.override("sv"):  # the log is kept in Swedish
                    purpose = f"SIP-uppgift: {task.flow_task.task_title}"
        return CaseSubject(plan, plan.person if plan else None, purpose)
    return None


def process_pk_of(resolver_match) -> int | None:
    """The process a viewflow page of the SIP flow names, or None."""
    kwargs = resolver_match.kwargs
    if "process_pk" in kwargs:
        return int(kwargs["process_pk"])
    if resolver_match.url_name in PROCESS_PK_URLS and "pk" in kwargs:
        return int(kwargs["pk"])
    return None


def is_manage_action(resolver_match) -> bool:
    """Undo, cancel or revive a task, or cancel the process (SipFlow.has_manage_permission)."""
    if resolver_match.url_name == "process_cancel":
        return True
    return resolver_match.url_name in MANAGE_TASK_ACTIONS and "task_pk" in resolver_match.kwargs


def manage_refused(request, resolver_match) -> TemplateResponse:
    """The page that says why a manage action is refused, naming the SIP."""
    plan = SipPlan.objects.filter(process_id=process_pk_of(resolver_match)).first()
    return TemplateResponse(request, "sipflow/manage_refused.html", {"plan": plan}, status=403)
