"""viewflow's own list pages (processes, tasks, inbox, queue, archive, bulk assign), scoped
to the cases the user may see, for every process.

viewflow lists every process and task of a flow; a case system may list only what the
user's grants reach. ``scoped_flow_views`` builds the seven list views for one process from
how it answers "which processes may this user see" (one SQL subquery, whatever the number of
cases) and "whose cases are these rows" (for the access log), and hands them to
``FlowAppViewset`` by its own keyword names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy
from viewflow.utils import viewprop
from viewflow.workflow import STATUS
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow.views import (
    BulkAssignTasksActionView,
    BulkUnassignTasksActionView,
    DashboardProcessListView,
    DashboardTaskListView,
    FlowArchiveListView,
    FlowInboxListView,
    FlowQueueListView,
)

from .labels import filters_in_swedish
from .task_messages import tasks_message
from .tasks import inbox_tasks


class CaseProcessesMixin:
    """Only the processes (and their tasks) of cases the user may see, their case and
    person loaded with the page's rows (none per row), and a Swedish header for the task
    summary column (viewflow shows the attribute name). The access log records each person
    the page lists (``request.case_persons``, audit.middleware)."""

    #: ``(user=) -> QuerySet of process ids``: the cases the user's grants reach.
    visible_process_ids: Callable[..., Any]
    #: ``(process_ids=) -> persons``: whose cases the rows are.
    process_persons: Callable[..., Iterable[Any]]
    #: The reverse one-to-one name from the process to its case (``sip_plan``).
    case: str
    #: Relations of the case the rows' summaries read (``meetings``).
    case_prefetch: Sequence[str] = ()
    #: ``(task) -> url or None``: where a task's row leads, when not to viewflow's own task
    #: page (a kallelse is answered on its own page).
    task_link: Callable[[Any], str | None] | None = None
    process_field = "process"

    def brief(self, task):
        return task.brief

    brief.short_description = gettext_lazy("Sammanfattning")

    def task_title(self, task):
        """The step by its Swedish title (viewflow shows the node's English name)."""
        return task.flow_task.task_title

    task_title.short_description = gettext_lazy("Steg")

    def process_summary(self, task):
        """The case by its name, as text: viewflow links it to the process page, which
        someone asked to do one step of a case (the region's approval) may not open; the
        task's own link leads to its step, and from there to the case for who may."""
        return task.process.brief

    process_summary.short_description = gettext_lazy("Ärende")

    def get_filterset(self, filterset_class, queryset):
        filterset = super().get_filterset(filterset_class, queryset)
        filters_in_swedish(filterset)
        return filterset

    def task_id(self, task):
        link = type(self).task_link
        url = (link(task) if link else None) or task.flow_task.reverse(
            "index", args=[task.process_id, task.pk]
        )
        return format_html('<a href="{}">#{}/{}</a>', url, task.process_id, task.pk)

    task_id.short_description = "#"

    def visible(self, queryset):
        ids = type(self).visible_process_ids(user=self.request.user)
        return queryset.filter(**{f"{self.process_field}__in": ids})

    def paginate_queryset(self, queryset, page_size):
        case = self.case if self.process_field == "pk" else f"{self.process_field}__{self.case}"
        queryset = queryset.select_related(f"{case}__person").prefetch_related(
            *(f"{case}__{name}" for name in self.case_prefetch)
        )
        if self.process_field != "pk":
            queryset = queryset.select_related("owner")
        return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attribute = "pk" if self.process_field == "pk" else f"{self.process_field}_id"
        rows = context.get("object_list") or []
        self.request.case_persons = type(self).process_persons(
            process_ids={getattr(row, attribute) for row in rows}
        )
        return context


class _ProcessList(CaseProcessesMixin, DashboardProcessListView):
    """Newest first: viewflow's annotated queryset has no order, and Django ignores
    Meta.ordering in GROUP BY queries. Titled and headed in Swedish (viewflow title-cases
    the model's plural, "Sip-Processer", and heads columns by attribute name)."""

    process_field = "pk"

    @property
    def title(self):
        return gettext_lazy("Alla ärenden")

    def process_id(self, process):
        return super().process_id(process)

    process_id.short_description = gettext_lazy("Nr")

    def active_tasks(self, process):
        return super().active_tasks(process)

    active_tasks.short_description = gettext_lazy("Öppna steg")

    def get_queryset(self):
        return self.visible(super().get_queryset()).order_by("-created", "-pk")


class _ScopedQueryset:
    @viewprop
    def queryset(self):
        return self.visible(super().queryset)


class _TaskList(CaseProcessesMixin, _ScopedQueryset, DashboardTaskListView):
    columns = ("task_id", "task_title", "process_summary", "created", "owner")
    empty_text = gettext_lazy("Inga öppna uppgifter i de ärenden du kan se.")


class _Inbox(CaseProcessesMixin, FlowInboxListView):
    """The tasks assigned to the user and those waiting in the user's units' queues."""

    empty_text = gettext_lazy(
        "Du har inga uppgifter just nu. Nya kallelser och steg att göra hamnar här."
    )

    @viewprop
    def queryset(self):
        tasks = self.model._default_manager.filter(process__flow_class=self.flow_class)
        tasks = inbox_tasks(tasks.select_related("process"), user=self.request.user)
        return self.visible(tasks).order_by("-created")


class _Queue(CaseProcessesMixin, _ScopedQueryset, FlowQueueListView):
    empty_text = gettext_lazy("Ingen uppgift väntar i dina enheters kö.")


class _Archive(CaseProcessesMixin, _ScopedQueryset, FlowArchiveListView):
    columns = ("task_id", "task_title", "created", "finished", "process_summary")
    empty_text = gettext_lazy("Du har inte avslutat några uppgifter ännu.")


class _ScopedActions:
    def get_queryset(self):
        self.queryset = self.visible(self.model._default_manager.all())
        return super().get_queryset()


class _BulkMessage:
    """The Inkorg's bulk actions say what the user did, in Swedish (viewflow's "Tasks was
    assigned")."""

    action = ""

    def get(self, request, *args, **kwargs):
        messages.info(request, gettext("Du valde inga uppgifter."))
        return HttpResponseRedirect(self.get_success_url())

    def message_user(self):
        count = self.get_queryset().count()  # the tasks chosen, by their pks
        messages.success(self.request, tasks_message(action=self.action, count=count))


class _BulkAssign(_BulkMessage, CaseProcessesMixin, _ScopedActions, BulkAssignTasksActionView):
    action = "assign"


class _BulkUnassign(_BulkMessage, CaseProcessesMixin, _ScopedActions, BulkUnassignTasksActionView):
    action = "unassign"


#: FlowAppViewset's keyword for each scoped view.
_VIEWS = {
    "process_list_view_class": _ProcessList,
    "task_list_view_class": _TaskList,
    "inbox_view_class": _Inbox,
    "queue_view_class": _Queue,
    "archive_view_class": _Archive,
    "tasks_assign_view_class": _BulkAssign,
    "tasks_unassign_view_class": _BulkUnassign,
}


def scoped_flow_views(
    *,
    name: str,
    visible_process_ids: Callable[..., Any],
    process_persons: Callable[..., Iterable[Any]],
    case: str,
    case_prefetch: Sequence[str] = (),
    task_link: Callable[[Any], str | None] | None = None,
) -> dict[str, type]:
    """The seven list views of one process's ``FlowAppViewset``, scoped to its cases."""
    attributes = {
        "visible_process_ids": staticmethod(visible_process_ids),
        "process_persons": staticmethod(process_persons),
        "task_link": staticmethod(task_link) if task_link else None,
        "case": case,
        "case_prefetch": tuple(case_prefetch),
        "__module__": __name__,
    }
    return {
        keyword: type(f"{name}{base.__name__.lstrip('_')}View", (base,), attributes)
        for keyword, base in _VIEWS.items()
    }


class CaseFlowAppViewset(FlowAppViewset):
    """A process's viewflow application whose menu counts what its scoped Inkorg and Kö
    list (viewflow counts every task of the flow)."""

    def get_context_data(self, request):
        ids = self.inbox_view_class.visible_process_ids(user=request.user)
        tasks = self._flow_class.task_class._default_manager.filter(
            process__flow_class=self._flow_class, process__in=ids
        )
        return {
            "user_inbox": inbox_tasks(tasks, user=request.user),
            "user_queue": tasks.user_queue(request.user).filter(status=STATUS.NEW),
        }
