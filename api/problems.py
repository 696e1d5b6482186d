"""Errors as RFC 9457 problem details (``application/problem+json``).

Every refusal has a stable machine-readable ``code``: the case layer's typed errors
(cases.errors: ``consent_missing``, ``not_party``, ``conflict``, ``invalid_state``,
``validation_error``, ``permission_denied``) rendered by its ``error_payload``, with the
Swedish sentence the pages show as ``detail`` and, for a consent refusal, the policy's
structured ``reasons`` (whose consent, which party, which information). Besides them the
API's own: ``not_found``, ``not_authenticated``, ``method_not_allowed``,
``not_acceptable``, ``unsupported_media_type``, ``throttled``.

What the caller may not know exists answers 404, exactly as a missing id: the selectors
raise Http404 for both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, transaction
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django_fsm import ConcurrentTransition
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback
from viewflow.workflow.exceptions import FlowLockFailed

from cases.errors import ErrorCode, error_payload
from core.views import CONFLICT, is_lock_conflict

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:sipflow:problem:"

NOT_FOUND = "not_found"
NOT_AUTHENTICATED = "not_authenticated"
METHOD_NOT_ALLOWED = "method_not_allowed"
NOT_ACCEPTABLE = "not_acceptable"
UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
THROTTLED = "throttled"

#: The HTTP status of each code. A consent that does not reach the step is a refusal of
#: the kind access control gives (403), to a caller who may see the case.
STATUSES: Mapping[str, int] = {
    ErrorCode.VALIDATION_ERROR: status.HTTP_422_UNPROCESSABLE_ENTITY,
    ErrorCode.CONSENT_MISSING: status.HTTP_403_FORBIDDEN,
    ErrorCode.NOT_PARTY: status.HTTP_403_FORBIDDEN,
    ErrorCode.PERMISSION_DENIED: status.HTTP_403_FORBIDDEN,
    ErrorCode.CONFLICT: status.HTTP_409_CONFLICT,
    ErrorCode.INVALID_STATE: status.HTTP_409_CONFLICT,
    NOT_FOUND: status.HTTP_404_NOT_FOUND,
    NOT_AUTHENTICATED: status.HTTP_401_UNAUTHORIZED,
    METHOD_NOT_ALLOWED: status.HTTP_405_METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE: status.HTTP_406_NOT_ACCEPTABLE,
    UNSUPPORTED_MEDIA_TYPE: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    THROTTLED: status.HTTP_429_TOO_MANY_REQUESTS,
}

TITLES: Mapping[str, Any] = {
    ErrorCode.VALIDATION_ERROR: gettext_lazy("Uppgifterna kan inte tas emot"),
    ErrorCode.CONSENT_MISSING: gettext_lazy("Samtycket räcker inte"),
    ErrorCode.NOT_PARTY: gettext_lazy("Du är inte part i ärendet"),
    ErrorCode.PERMISSION_DENIED: gettext_lazy("Åtkomst nekad"),
    ErrorCode.CONFLICT: gettext_lazy("Ärendet har ändrats"),
    ErrorCode.INVALID_STATE: gettext_lazy("Steget går inte i ärendets fas"),
    NOT_FOUND: gettext_lazy("Finns inte"),
    NOT_AUTHENTICATED: gettext_lazy("Inloggning krävs"),
    METHOD_NOT_ALLOWED: gettext_lazy("Metoden stöds inte"),
    NOT_ACCEPTABLE: gettext_lazy("Svarsformatet stöds inte"),
    UNSUPPORTED_MEDIA_TYPE: gettext_lazy("Formatet stöds inte"),
    THROTTLED: gettext_lazy("För många anrop"),
}


def problem(
    code: str,
    *,
    detail: str,
    instance: str = "",
    http_status: int | None = None,
    fields: Mapping[str, list[str]] | None = None,
    reasons: list[dict[str, Any]] | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """One problem details object: the RFC 9457 members and sipflow's own."""
    return {
        "type": TYPE_PREFIX + code,
        "title": str(TITLES.get(code, code)),
        "status": http_status or STATUSES[code],
        "detail": detail,
        "instance": instance,
        "code": code,
        "reason": reason,
        "fields": dict(fields or {}),
        "reasons": list(reasons or []),
    }


def problem_response(body: dict[str, Any], *, headers=None) -> Response:
    return Response(body, status=body["status"], content_type=PROBLEM_CONTENT_TYPE, headers=headers)


def flatten_detail(detail, prefix: str = "") -> dict[str, list[str]]:
    """A serializer's nested errors as ``{"actions.0.need": [message, …]}``; errors of the
    whole body under ``non_field_errors``."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(flatten_detail(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, (Mapping, list)) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(flatten_detail(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(item) for item in items]}


def _drf_problem(exc: exceptions.APIException, instance: str) -> dict[str, Any]:
    if isinstance(exc, (exceptions.ValidationError, exceptions.ParseError)):
        fields = (
            flatten_detail(exc.detail)
            if isinstance(exc, exceptions.ValidationError)
            else {"non_field_errors": [str(exc.detail)]}
        )
        return problem(
            ErrorCode.VALIDATION_ERROR,
            detail=" ".join(message for messages in fields.values() for message in messages),
            instance=instance,
            http_status=status.HTTP_400_BAD_REQUEST,
            fields=fields,
            reason="malformed",
        )
    code = {
        exceptions.NotAuthenticated: NOT_AUTHENTICATED,
        exceptions.AuthenticationFailed: NOT_AUTHENTICATED,
        exceptions.PermissionDenied: ErrorCode.PERMISSION_DENIED,
        exceptions.NotFound: NOT_FOUND,
        exceptions.MethodNotAllowed: METHOD_NOT_ALLOWED,
        exceptions.NotAcceptable: NOT_ACCEPTABLE,
        exceptions.UnsupportedMediaType: UNSUPPORTED_MEDIA_TYPE,
        exceptions.Throttled: THROTTLED,
    }.get(type(exc))
    if code is None:
        code = _BY_STATUS.get(exc.status_code, ErrorCode.VALIDATION_ERROR)
    reason = exc.get_codes() if isinstance(exc.get_codes(), str) else ""
    return problem(
        code,
        detail=str(exc.detail),
        instance=instance,
        http_status=exc.status_code,
        reason="" if reason == code or reason in _DRF_GENERIC_CODES else reason,
    )


_BY_STATUS = {401: NOT_AUTHENTICATED, 403: ErrorCode.PERMISSION_DENIED, 404: NOT_FOUND}
#: DRF's own codes that say no more than the problem's code.
_DRF_GENERIC_CODES = (
    "permission_denied",
    "not_authenticated",
    "authentication_failed",
    "not_found",
    "method_not_allowed",
    "not_acceptable",
    "unsupported_media_type",
    "throttled",
)


def problem_exception_handler(exc, context) -> Response | None:
    """DRF's exception handler for every API view."""
    request = context.get("request")
    instance = request.path if request is not None else ""
    headers = {}
    if isinstance(exc, Http404):
        body = problem(NOT_FOUND, detail=_("Det finns inget sådant."), instance=instance)
    elif isinstance(exc, exceptions.APIException):
        body = _drf_problem(exc, instance)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
    elif isinstance(exc, (DjangoValidationError, DjangoPermissionDenied)):
        payload = error_payload(exc)
        body = problem(
            payload["code"],
            detail=payload["message"],
            instance=instance,
            fields=payload["fields"],
            reasons=payload["reasons"],
            reason=payload["reason"] or _plain_code(exc),
        )
    elif isinstance(exc, (ConcurrentTransition, FlowLockFailed)) or (
        isinstance(exc, DatabaseError) and is_lock_conflict(exc)
    ):
        if isinstance(exc, DatabaseError) and transaction.get_connection().in_atomic_block:
            return None  # inside someone else's transaction: let it roll back and raise
        body = problem(ErrorCode.CONFLICT, detail=str(CONFLICT), instance=instance, reason="locked")
    else:
        return None
    set_rollback()
    return problem_response(body, headers=headers or None)


def _plain_code(exc) -> str:
    """The code of a plain Django ValidationError with one message (e.g. ``not_giver``)."""
    code = getattr(exc, "code", None)
    return code if isinstance(code, str) and code != ErrorCode.VALIDATION_ERROR else ""


def page_not_found(request, exception=None):
    """The site's 404 (``handler404``): under /api/ the same problem details as a missing
    id, elsewhere Django's page."""
    if not request.path.startswith("/api/"):
        return defaults.page_not_found(request, exception)
    body = problem(NOT_FOUND, detail=_("Det finns inget sådant."), instance=request.path)
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
