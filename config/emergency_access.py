"""Every request a superuser makes is written to the access log.

Superuser is for emergencies (the demo has none; administrators manage the directory without
it, see directory.backends): a superuser passes every permission check and reads every case.
So each of their requests, whatever the page and whatever the answer (a refusal or an error
included), gets an entry of its own, marked "Nödåtkomst (superanvändare)", with the person
where the page is about one. Case pages also get their ordinary entry from
config.access_log; this one is in addition, so that emergency use stands out in the log.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from audit.models import AccessLogEntry
from audit.services import PURPOSE_MAX_LENGTH, access_log_record

from .case_urls import CaseSubject, case_subject, purpose_of

EMERGENCY_PURPOSE = "Nödåtkomst (superanvändare): %(page)s"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


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
