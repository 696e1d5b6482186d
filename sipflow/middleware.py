"""Object-level checks for viewflow's own SIP pages (viewflow issue #505: its detail views
check only flow-level permissions). Every URL of the ``sip`` namespace that names a process
(process detail, chart, cancel, and every task page) is refused unless the user may see
that SIP now (sipflow.access), with the 404 a process that does not exist gives: someone
outside the SIP must not learn that it exists."""

from __future__ import annotations

from django.http import Http404
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
        # viewflow loads the task by its own pk: it must belong to the process checked.
        if (
            task_pk is not None
            and not Task.objects.filter(pk=task_pk, process_id=process_pk).exists()
        ):
            raise Http404
        if not process_visible(user=request.user, process_pk=process_pk):
            raise Http404
        return None
