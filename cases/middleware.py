"""Object-level checks for the case pages a process does not render itself (viewflow issue
#505: viewflow's process and task views check only flow-level permissions).

Every URL of a namespace with a registered CaseAccess that names a process (process detail,
chart, cancel, and every task page) is refused unless the user may see that case now, with
the 404 a process that does not exist gives: someone outside the case must not learn that it
exists. viewflow's manage actions (undo, cancel, revive) are refused to everyone, with the
page the process renders to say why.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from viewflow.workflow.models import Task

from .registry import CaseAccess, case_access


def access_of(resolver_match) -> CaseAccess | None:
    """The CaseAccess registered for the namespace of a URL, or None."""
    if resolver_match is None or not resolver_match.namespaces:
        return None
    return case_access().get(resolver_match.namespaces[0])


class CaseAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        access = access_of(match)
        process_pk = access.process_of(match) if access is not None else None
        if process_pk is None:
            return None
        task_pk = view_kwargs.get("task_pk")
        step = f".{match.namespaces[-1]}"
        # viewflow loads the task by its own pk: it must belong to the process checked and to
        # the step the URL names (another step's page would run on a state it cannot read).
        if (
            task_pk is not None
            and not Task.objects.filter(
                pk=task_pk, process_id=process_pk, flow_task__endswith=step
            ).exists()
        ):
            raise Http404
        if task_pk is not None and access.task_visible is not None:
            visible = access.task_visible(
                user=request.user, process_pk=process_pk, task_pk=int(task_pk)
            )
        else:
            visible = access.process_visible(user=request.user, process_pk=process_pk)
        if not visible:
            raise Http404
        return None


class ManageActionsMiddleware:
    """Refuses viewflow's manage actions for everyone, with a page that says why; viewflow
    itself refuses them too (each flow's ``has_manage_permission``), with a bare 403. Listed
    after CaseAccessMiddleware: someone who may not see the case learns nothing more here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        access = access_of(match)
        if access is None or not access.is_manage_action(match):
            return None
        if access.manage_refused is None:
            raise PermissionDenied
        return access.manage_refused(request, match)
