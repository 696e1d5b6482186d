"""Logs every look at and every change of case data (HSLF-FS 2016:40 4 kap 9 §): who
(user, unit, organisation), what (object and action), when, about whom, and why (the task
or page). One choke point for every case page, viewflow's included."""

from __future__ import annotations

from audit.models import AccessLogEntry
from audit.services import access_log_record

from .case_urls import CASE_NAMESPACES, case_subject, purpose_of

CREATING_VIEWS = ("_create", "start:execute")


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or not match.namespaces or not request.user.is_authenticated:
            return response
        subject = getattr(request, "case_subject", None) or case_subject(match)
        if match.namespaces[0] not in CASE_NAMESPACES and subject is None:
            return response
        if request.method == "GET" and response.status_code == 200:
            action = AccessLogEntry.Action.VIEW
        elif request.method == "POST" and response.status_code in (301, 302, 303):
            creating = match.view_name.endswith(CREATING_VIEWS)
            creating = creating or match.view_name.endswith("_add")
            action = AccessLogEntry.Action.CREATE if creating else AccessLogEntry.Action.UPDATE
        else:
            return response  # refused, or a form with errors: nothing was read or changed
        query = request.GET.get("q", "")
        purpose = subject.purpose if subject else purpose_of(match.view_name)
        if query:
            purpose = f"{purpose} ({query[:100]})"
        access_log_record(
            user=request.user,
            action=action,
            obj=subject.obj if subject else None,
            person=subject.person if subject else None,
            purpose=purpose,
            path=request.path,
        )
        return response
