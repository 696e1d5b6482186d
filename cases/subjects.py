"""What a request is about: the case object, the person it concerns, and the purpose to log
it with. The access log (audit) asks this for every request.

Nothing here knows a process: each registers its namespace (how its URLs find their case),
its page purposes and its admin case models from its ``AppConfig.ready()``
(cases.registry). A URL in a case namespace that its registration cannot place is logged
without an object, and fails the access matrix test until the registration places it.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation

from .registry import CaseSubject, admin_case_models, case_urls, page_purposes


def purpose_of(view_name: str) -> str:
    """The purpose a page is logged with; its URL name where no app has named it."""
    return page_purposes().get(view_name, view_name)


def case_namespaces() -> tuple[str, ...]:
    """The URL namespaces whose every page is a case page."""
    return tuple(case_urls())


def admin_case_subject(resolver_match) -> CaseSubject | None:
    """An admin page of a case model (list, view, change, history, delete), or None."""
    name = resolver_match.url_name or ""
    for prefix, person_of in admin_case_models().items():
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
    namespace = resolver_match.namespaces[0]
    if namespace == "admin":
        return admin_case_subject(resolver_match)
    urls = case_urls().get(namespace)
    return urls.subject(resolver_match) if urls is not None else None


#: viewflow URL names whose ``pk`` is a process (the others name it ``process_pk``).
PROCESS_PK_URLS = {"process_detail", "process_chart", "process_cancel"}
#: viewflow's manage actions on a task, by URL name in the task's node namespace.
MANAGE_TASK_ACTIONS = {"undo", "cancel", "revive"}


def viewflow_process_pk(resolver_match) -> int | None:
    """The process one of viewflow's own pages (process, chart, task) names, or None."""
    kwargs = resolver_match.kwargs
    if "process_pk" in kwargs:
        return int(kwargs["process_pk"])
    if resolver_match.url_name in PROCESS_PK_URLS and "pk" in kwargs:
        return int(kwargs["pk"])
    return None


def viewflow_manage_action(resolver_match) -> bool:
    """Undo, cancel or revive a task, or cancel the process: the actions every flow here
    refuses (``has_manage_permission``), since they move tasks without the case's phase
    and history."""
    if resolver_match.url_name == "process_cancel":
        return True
    return resolver_match.url_name in MANAGE_TASK_ACTIONS and "task_pk" in resolver_match.kwargs


def viewflow_page_purpose(resolver_match, *, task_label: str) -> str:
    """The logged purpose of one of viewflow's pages: ``task_label: <the task's title>`` for
    a task page (in Swedish, as the log is kept), else the page's own purpose."""
    from viewflow.workflow.models import Task

    purpose = purpose_of(resolver_match.view_name)
    task_pk = resolver_match.kwargs.get("task_pk")
    if task_pk is not None:
        task = Task.objects.filter(pk=task_pk).first()
        if task is not None:
            with translation.override("sv"):
                purpose = f"{task_label}: {task.flow_task.task_title}"
    return purpose
