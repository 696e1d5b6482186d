"""Typed refusals every process raises, each with a stable machine-readable code.

They subclass Django's own ``ValidationError`` and ``PermissionDenied``, so a form shows
them on its fields and the admin and the pages treat them as before; ``error_payload``
renders any of them (and a plain Django error) as the structured form an API returns, with
the consent policy's reasons — whose consent, which party, which information — besides the
Swedish sentence the user reads. A page, the admin and an API thus show the same refusal.

Codes: ``consent_missing``, ``not_party``, ``conflict``, ``invalid_state``,
``validation_error`` (and ``permission_denied`` for a bare PermissionDenied).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


class ErrorCode(StrEnum):
    CONSENT_MISSING = "consent_missing"
    NOT_PARTY = "not_party"
    CONFLICT = "conflict"
    INVALID_STATE = "invalid_state"
    VALIDATION_ERROR = "validation_error"
    PERMISSION_DENIED = "permission_denied"


class ConsentMissing(ValidationError):
    """Samtycket räcker inte: the consent policy said no. ``decision`` holds the Swedish
    reasons and the structured ``refusals``; with ``field`` the error belongs to that input."""

    error_code = ErrorCode.CONSENT_MISSING

    def __init__(self, decision, *, field: str | None = None):
        self.decision = decision
        self.field = field
        messages = [_("Samtycket räcker inte för det här steget:"), *decision.reasons]
        if field is None:
            super().__init__(messages, code=self.error_code)
        else:
            super().__init__(
                {field: [ValidationError(message, code=self.error_code) for message in messages]}
            )


class NotParty(PermissionDenied):
    """The user is no party to the case in the role the step needs (ej part i ärendet)."""

    error_code = ErrorCode.NOT_PARTY

    def __init__(self, message: str, *, reason: str = ""):
        super().__init__(message)
        self.message = message
        self.reason = reason


class Conflict(ValidationError):
    """Someone else changed the case first, or the step is already done: reload and retry.
    ``reason`` says which (``done``, ``no_task``, ``already_answered``, ``locked``)."""

    error_code = ErrorCode.CONFLICT

    def __init__(self, message: str, *, reason: str = ""):
        super().__init__(message, code=reason or self.error_code)
        self.reason = reason


class InvalidState(ValidationError):
    """The case is in a phase where the step cannot be taken (e.g. a closed SIP)."""

    error_code = ErrorCode.INVALID_STATE

    def __init__(self, message: str, *, reason: str = ""):
        super().__init__(message, code=reason or self.error_code)
        self.reason = reason


def _reason_payload(reason) -> dict[str, Any]:
    """One consent refusal as data: the reason code, whose consent, the party, the
    information categories, and the sentence."""
    party = reason.party
    return {
        "code": str(reason.code),
        "person": reason.person.pk if reason.person is not None else None,
        "whose": reason.whose,
        "unit": reason.unit.pk if reason.unit is not None else None,
        "organisation": reason.organisation.pk if reason.organisation is not None else None,
        "party": str(party) if party is not None else None,
        "categories": [category.code for category in reason.categories],
        "message": reason.text,
    }


def _messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def error_payload(error: Exception) -> dict[str, Any]:
    """``{"code", "message", "fields", "reasons", "reason"}`` for a refusal: ``fields`` maps
    an input to its messages, ``reasons`` lists the consent policy's structured refusals."""
    code = getattr(error, "error_code", None)
    payload: dict[str, Any] = {"fields": {}, "reasons": [], "reason": getattr(error, "reason", "")}
    if isinstance(error, ValidationError):
        payload["code"] = str(code or ErrorCode.VALIDATION_ERROR)
        if hasattr(error, "error_dict"):
            payload["fields"] = {
                field: [str(message) for item in errors for message in item.messages]
                for field, errors in error.error_dict.items()
            }
            payload["message"] = " ".join(
                message for messages in payload["fields"].values() for message in messages
            )
        else:
            payload["message"] = " ".join(_messages(error))
        decision = getattr(error, "decision", None)
        if decision is not None:
            payload["reasons"] = [_reason_payload(reason) for reason in decision.refusals]
    elif isinstance(error, PermissionDenied):
        payload["code"] = str(code or ErrorCode.PERMISSION_DENIED)
        payload["message"] = str(getattr(error, "message", "") or error)
    else:
        raise TypeError(f"not a refusal: {error!r}")
    return payload
