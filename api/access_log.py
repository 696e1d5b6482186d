"""What an API call tells the access log (audit.middleware), as a page does: the case object
and person it is about, the persons a list shows, and what it did. Set on the Django request
under the DRF one, which the middleware sees."""

from __future__ import annotations

from collections.abc import Iterable

from audit.models import AccessLogEntry
from cases.registry import CaseSubject


def logged_subject(request, *, obj, person, purpose: str) -> None:
    request._request.case_subject = CaseSubject(obj, person, purpose)


def logged_persons(request, persons: Iterable) -> None:
    request._request.case_persons = list(persons)


def logged_action(request, action: str) -> None:
    request._request.case_action = action


VIEW = AccessLogEntry.Action.VIEW
CREATE = AccessLogEntry.Action.CREATE
UPDATE = AccessLogEntry.Action.UPDATE
EXPORT = AccessLogEntry.Action.EXPORT
