"""The access log's middlewares (HSLF-FS 2016:40 4 kap 9 §).

``AccessLogMiddleware`` logs every look at and every change of case data: who (user, unit,
organisation), what (object and action), when, about whom, and why (the task or page). One
choke point for every case page, viewflow's included. What a URL is about comes from the
case URLs the processes register (cases.registry).

An attempt the access checks refuse (403, or the 404 a case one may not see answers) is
logged too, marked refused, with the person it was about where the URL names one. A page
that lists people (``request.case_persons``, set by the view) logs one entry per person
shown. The purpose never carries what the user typed: a search may be a personnummer.
A view that knows what it did (an API call, whose write answers 201 rather than a redirect)
says so in ``request.case_action``; a call made with an API token names it in
``request.access_credential``, and every entry of the call records it.

``SuperuserAccessLogMiddleware`` writes every request a superuser makes to the access log.
Superuser is for emergencies (the demo has none; administrators manage the directory without
it, see directory.backends): a superuser passes every permission check and reads every case.
So each of their requests, whatever the page and whatever the answer (a refusal or an error
included), gets an entry of its own, marked "Nödåtkomst (superanvändare)", with the person
where the page is about one. Case pages also get their ordinary entry from
``AccessLogMiddleware``; this one is in addition, so that emergency use stands out in the log.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from cases.registry import CaseSubject
from cases.subjects import case_namespaces, case_subject, purpose_of
from core.log_filters import REFUSED

from .models import AccessLogEntry
from .services import PURPOSE_MAX_LENGTH, access_log_record, access_log_record_persons

CREATING_VIEWS = ("_create", "start:execute")
#: Pages whose form only asks (a search sent by POST, to keep it out of the URL): sending
#: it changes nothing, and the page it leads to logs what it shows.
ASKING_VIEWS = {"people:index"}
#: Answered with the page (again): the user read what it shows.
SHOWN = 200
EMERGENCY_PURPOSE = "Nödåtkomst (superanvändare): %(page)s"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


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
        if match.namespaces[0] not in case_namespaces() and subject is None and not shown:
            return response  # not a case page, and it named nobody
        refused = response.status_code in REFUSED
        action = logged_action(request, response, match.view_name)
        if not refused and getattr(request, "case_action", None):
            action = request.case_action
        if action is None:
            return response
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
            credential=getattr(request, "access_credential", ""),
        )
        return response


def _superuser(user):
    if user is not None and user.is_authenticated and user.is_superuser:
        return user
    return None


def _subject(request) -> CaseSubject | None:
    match = request.resolver_match
    try:
        return getattr(request, "case_subject", None) or case_subject(match)
    except (ValueError, ValidationError):  # an id that is no id: the page refused it
        return None


def superuser_request_log(*, request, user) -> AccessLogEntry:
    """One entry for a superuser's request: what the page was, and about whom."""
    match = request.resolver_match
    subject = _subject(request) if match is not None else None
    if subject is not None:
        page = subject.purpose
    elif match is not None:
        page = purpose_of(match.view_name)
    else:
        page = "okänd adress"  # no page answers here; the path is in the entry
    purpose = EMERGENCY_PURPOSE % {"page": page}
    return access_log_record(
        user=user,
        action=AccessLogEntry.Action.VIEW
        if request.method in SAFE_METHODS
        else AccessLogEntry.Action.UPDATE,
        obj=subject.obj if subject is not None else None,
        person=subject.person if subject is not None else None,
        purpose=purpose[:PURPOSE_MAX_LENGTH],
        path=request.path,
        credential=getattr(request, "access_credential", ""),
    )


class SuperuserAccessLogMiddleware:
    """Listed after the authentication middleware. The user is read before the request (a
    logout ends it) and after (a login starts it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        before = _superuser(getattr(request, "user", None))
        response = self.get_response(request)
        user = _superuser(getattr(request, "user", None)) or before
        if user is not None:
            superuser_request_log(request=request, user=user)
        return response
