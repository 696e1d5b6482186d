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
