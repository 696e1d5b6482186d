"""Object-level checks for viewflow's own SIP pages (viewflow issue #505: its detail views
check only flow-level permissions). Every URL of the ``sip`` namespace that names a process
(process detail, chart, cancel, and every task page) is refused unless the user may see
that SIP now (sipflow.access), with the 404 a process that does not exist gives: someone
outside the SIP must not learn that it exists."""

from __future__ import annotations

from django.http import Http404
from django.template.response import TemplateResponse
from viewflow.workflow.models import Task

from .access import process_visible

#: viewflow URL names whose ``pk`` is a process.
PROCESS_PK_URLS = {"process_detail", "process_chart", "process_cancel"}


def process_pk_of(resolver_match) -> int | None:
    if resolver_match is None or "sip" not in resolver_match.namespaces:
        return None
    kwargs = resolver_match.kwargs
    if "process_pk" in kwargs:
        return int(kwargs["process_pk"])
    if resolver_match.url_name in PROCESS_PK_URLS and "pk" in kwargs:
        return int(kwargs["pk"])
    return None


class SipCaseAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        process_pk = process_pk_of(request.resolver_match)
        if process_pk is None:
            return None
        task_pk = view_kwargs.get("task_pk")
        step = f".{request.resolver_match.namespaces[-1]}"
        # viewflow loads the task by its own pk: it must belong to the process checked and to
        # the step the URL names (another step's page would run on a state it cannot read).
        if (
            task_pk is not None
            and not Task.objects.filter(
                pk=task_pk, process_id=process_pk, flow_task__endswith=step
            ).exists()
        ):
            raise Http404
        if not process_visible(user=request.user, process_pk=process_pk):
            raise Http404
        return None


#: viewflow's manage actions on a task, by URL name in the task's node namespace.
MANAGE_TASK_ACTIONS = {"undo", "cancel", "revive"}


def is_manage_action(resolver_match) -> bool:
    """Undo, cancel or revive a task, or cancel the process (SipFlow.has_manage_permission)."""
    if resolver_match is None or "sip" not in resolver_match.namespaces:
        return False
    if resolver_match.url_name == "process_cancel":
        return True
    return resolver_match.url_name in MANAGE_TASK_ACTIONS and "task_pk" in resolver_match.kwargs


class SipManageActionsMiddleware:
    """Refuses viewflow's manage actions for everyone, with a page that says why; viewflow
    itself refuses them too (SipFlow.has_manage_permission), with a bare 403. Listed after
    SipCaseAccessMiddleware: someone who may not see the SIP learns nothing more here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_manage_action(request.resolver_match):
            return None
        from .models import SipPlan

        plan = SipPlan.objects.filter(process_id=process_pk_of(request.resolver_match)).first()
        return TemplateResponse(request, "sipflow/manage_refused.html", {"plan": plan}, status=403)
