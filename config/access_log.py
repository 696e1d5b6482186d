"""Logs every look at and every change of case data (HSLF-FS 2016:40 4 kap 9 §): who
(user, unit, organisation), what (object and action), when, about whom, and why (the task
or page). One choke point for every case page, viewflow's included.

An attempt the access checks refuse (403, or the 404 a case one may not see answers) is
logged too, marked refused, with the person it was about where the URL names one. A page
that lists people (``request.case_persons``, set by the view) logs one entry per person
shown. The purpose never carries what the user typed: a search may be a personnummer.
"""

from __future__ import annotations

from audit.models import AccessLogEntry
from audit.services import access_log_record_persons

from .case_urls import CASE_NAMESPACES, case_subject, purpose_of
from .log_filters import REFUSED

CREATING_VIEWS = ("_create", "start:execute")
#: Pages whose form only asks (a search sent by POST, to keep it out of the URL): sending
#: it changes nothing, and the page it leads to logs what it shows.
ASKING_VIEWS = {"people:index"}
#: Answered with the page (again): the user read what it shows.
SHOWN = 200


def logged_action(request, response, view_name: str) -> str | None:
    """What the request did, or tried to do, to case data; None when it touched none."""
    status = response.status_code
    if request.method not in ("GET", "POST"):
        return None
    if request.method == "POST" and view_name in ASKING_VIEWS and status in (301, 302, 303):
        return None
    writing = request.method == "POST" and status in (301, 302, 303, *REFUSED)
    if writing:
        creating = view_name.endswith(CREATING_VIEWS) or view_name.endswith("_add")
        return AccessLogEntry.Action.CREATE if creating else AccessLogEntry.Action.UPDATE
    if status == SHOWN or status in REFUSED:
        # A POST answered with its page again (a form with errors, a search) shows case
        # data as a GET does.
        return AccessLogEntry.Action.VIEW
    return None


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or not match.namespaces or not request.user.is_authenticated:
            return response
        subject = getattr(request, "case_subject", None) or case_subject(match)
        shown = getattr(request, "case_persons", None)
        if match.namespaces[0] not in CASE_NAMESPACES and subject is None and not shown:
            return response  # not a case page, and it named nobody
        action = logged_action(request, response, match.view_name)
        if action is None:
            return response
        refused = response.status_code in REFUSED
        if subject is not None and subject.person is not None:
            persons = [subject.person]
        elif shown and not refused:
            persons = list(shown)
        else:
            persons = [None]
        access_log_record_persons(
            user=request.user,
            action=action,
            obj=subject.obj if subject else None,
            persons=persons,
            purpose=subject.purpose if subject else purpose_of(match.view_name),
            path=request.path,
            refused=refused,
        )
        return response
