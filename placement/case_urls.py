"""The ``placement`` namespace in the shared case layer: what each placement page is about
and is logged as, which viewflow page names a process, and the manage actions no one may
take. Registered by PlacementConfig.ready() (cases.registry)."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils import translation
from viewflow.workflow.models import Task

from cases.registry import CaseSubject
from cases.subjects import purpose_of

from .models import HealthExamRequest, Placement

#: The purpose a look or change is logged with, in Swedish as the log is kept.
PLACEMENT_PURPOSES = {
    "placement:placement": "Placering",
    "placement:assessment": "Utredning om placering",
    "placement:alternative": "Prövat alternativ till placering",
    "placement:process_detail": "Placeringsprocess",
    "placement:process_chart": "Placeringsprocessens karta",
    "placement:index": "Lista över placeringar",
    "placement:process_list": "Lista över placeringsprocesser",
    "placement:task_list": "Lista över placeringsuppgifter",
    "placement:inbox": "Inkorg",
    "placement:queue": "Kö",
    "placement:archive": "Arkiv",
    "placement:tasks_assign": "Ta uppgifter",
    "placement:tasks_unassign": "Lämna uppgifter",
    "placement:start:execute": "Inled utredning om placering",
    "placement:care_plan": "Vårdplan",
    "placement:implementation_plan": "Genomförandeplan",
    "placement:health_request_create": "Begäran om hälsoundersökning",
    "placement:school": "Skolgång under placering",
    "placement:dental": "Hemregion för tandvård",
    "placement:health_request": "Begäran om hälsoundersökning",
    "placement:hvb_change": "Byte av HVB",
    "placement:basis_change": "Ändrat lagrum för placering",
    "placement:handover": "Överlämning mellan regioner",
}

PLACEMENT_PAGES = (
    "placement:placement",
    "placement:assessment",
    "placement:alternative",
    "placement:care_plan",
    "placement:implementation_plan",
    "placement:health_request_create",
    "placement:school",
    "placement:dental",
    "placement:hvb_change",
    "placement:basis_change",
    "placement:handover",
)
#: viewflow URL names whose ``pk`` is a process.
PROCESS_PK_URLS = {"process_detail", "process_chart", "process_cancel"}
#: viewflow's manage actions on a task, by URL name in the task's node namespace.
MANAGE_TASK_ACTIONS = {"undo", "cancel", "revive"}


def placement_subject(resolver_match) -> CaseSubject | None:
    """The placement or process a placement page is about, with its person."""
    name, kwargs = resolver_match.view_name, resolver_match.kwargs
    if name in PLACEMENT_PAGES:
        placement = Placement.objects.select_related("person").filter(pk=kwargs["pk"]).first()
        return CaseSubject(placement, placement.person if placement else None, purpose_of(name))
    if name == "placement:health_request":
        request = (
            HealthExamRequest.objects.select_related("placement__person")
            .filter(pk=kwargs["pk"])
            .first()
        )
        placement = request.placement if request else None
        return CaseSubject(placement, placement.person if placement else None, purpose_of(name))
    process_pk = process_pk_of(resolver_match)
    if process_pk is not None:
        placement = Placement.objects.select_related("person").filter(process_id=process_pk)
        placement = placement.first()
        purpose = purpose_of(name)
        if "task_pk" in kwargs:
            task = Task.objects.filter(pk=kwargs["task_pk"]).first()
            if task is not None:
                with translation.override("sv"):  # the log is kept in Swedish
                    purpose = f"Placeringsuppgift: {task.flow_task.task_title}"
        return CaseSubject(placement, placement.person if placement else None, purpose)
    return None


def process_pk_of(resolver_match) -> int | None:
    """The process a viewflow page of the placement flow names, or None."""
    kwargs = resolver_match.kwargs
    if "process_pk" in kwargs:
        return int(kwargs["process_pk"])
    if resolver_match.url_name in PROCESS_PK_URLS and "pk" in kwargs:
        return int(kwargs["pk"])
    return None


def is_manage_action(resolver_match) -> bool:
    """Undo, cancel or revive a task, or cancel the process (PlacementFlow refuses them)."""
    if resolver_match.url_name == "process_cancel":
        return True
    return resolver_match.url_name in MANAGE_TASK_ACTIONS and "task_pk" in resolver_match.kwargs


def manage_refused(request, resolver_match) -> TemplateResponse:
    """The page that says why a manage action is refused, naming the placement."""
    placement = Placement.objects.filter(process_id=process_pk_of(resolver_match)).first()
    return TemplateResponse(
        request, "placement/manage_refused.html", {"placement": placement}, status=403
    )
