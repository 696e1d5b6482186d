"""Writes for the API's own records: issuing and revoking tokens, and keeping the first
response of a write sent with an Idempotency-Key."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.utils.encoders import JSONEncoder

from directory.models import User

from .models import ApiToken, IdempotentRequest

#: Every token starts so, which lets a secret scanner recognise one that leaked.
TOKEN_MARK = "sipf"


def token_digest(token: str) -> str:
    """SHA-256 (hex) of a whole token: tokens are 256 random bits, so a fast hash is
    enough (no password stretching), and only this is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    #: The whole token, shown once and never stored.
    secret: str


def api_token_validate(
    *, user: User, name: str, scope: str, expires_at: dt.datetime, at: dt.datetime
) -> None:
    """What issuing a token asks (the admin's form asks the same): an active user who is no
    superuser (emergencies only), a scope, a name, and an expiry within
    ``API_TOKEN_MAX_DAYS`` days."""
    errors = {}
    if not user.is_active:
        errors["user"] = _("Användaren är inaktiv och kan inte få en API-nyckel.")
    elif user.is_superuser:
        errors["user"] = _("En superanvändare är bara för nödfall och får ingen API-nyckel.")
    if scope not in ApiToken.Scope.values:
        errors["scope"] = _("Välj läsa eller läsa och skriva.")
    if not name.strip():
        errors["name"] = _("Ange vilket system som ska använda nyckeln.")
    longest = at + dt.timedelta(days=settings.API_TOKEN_MAX_DAYS)
    if expires_at <= at:
        errors["expires_at"] = _("Slutdatumet måste ligga i framtiden.")
    elif expires_at > longest:
        errors["expires_at"] = _("En API-nyckel gäller högst %(days)d dagar, till %(last)s.") % {
            "days": settings.API_TOKEN_MAX_DAYS,
            "last": timezone.localdate(longest).isoformat(),
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def api_token_issue(
    *,
    user: User,
    name: str,
    scope: str,
    expires_at: dt.datetime,
    by: User,
    at: dt.datetime | None = None,
) -> IssuedToken:
    """Utfärda en API-nyckel for ``user``, valid until ``expires_at``
    (``api_token_validate``). Returns the token and, once, its secret."""
    at = at or timezone.now()
    api_token_validate(user=user, name=name, scope=scope, expires_at=expires_at, at=at)
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_MARK}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        digest=token_digest(secret),
        scope=scope,
        created_at=at,
        created_by=by,
        expires_at=expires_at,
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User, at: dt.datetime | None = None) -> ApiToken:
    """Återkalla: the token stops working at once. Revoking it again changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = at or timezone.now(), by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


#: A token's last use is written at most this often, not on every call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def api_token_touch(*, token: ApiToken, at: dt.datetime) -> None:
    """Record that the token was used (at most every few minutes: one UPDATE that finds no
    row otherwise)."""
    ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=at - LAST_USED_RESOLUTION).update(
        last_used_at=at
    )


# --- Idempotency-Key ------------------------------------------------------------------------


def request_fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def idempotency_claim(
    *, user: User, key: str, method: str, path: str, fingerprint: str, at: dt.datetime
) -> IdempotentRequest | None:
    """Claim ``key`` for this write, committed at once. Returns the earlier request with the
    key when there is one (its response, or none yet while it still runs), else None: the
    caller goes on with the write and then keeps its response (``idempotency_keep``)."""
    since = at - dt.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    IdempotentRequest.objects.filter(user=user, key=key, created_at__lt=since).delete()
    try:
        with transaction.atomic():
            IdempotentRequest.objects.create(
                user=user,
                key=key,
                method=method,
                path=path[:500],
                fingerprint=fingerprint,
                created_at=at,
            )
    except IntegrityError:
        return IdempotentRequest.objects.get(user=user, key=key)
    return None


def idempotency_keep(
    *,
    user: User,
    key: str,
    status_code: int,
    body,
    location: str = "",
    subject=None,
) -> None:
    """Keep the response of a write that succeeded, for a retry with the same key, with
    what it was about (a ``CaseSubject``, for the replay's access log entry)."""
    about = {}
    if subject is not None:
        obj = subject.obj
        about = {
            "object_type": f"{obj._meta.app_label}.{obj._meta.model_name}" if obj else "",
            "object_id": str(obj.pk) if obj else "",
            "person": subject.person,
            "purpose": subject.purpose[:300],
        }
    # As the response renders it (decimals, dates and UUIDs as JSON), for the JSON column.
    body = json.loads(json.dumps(body, cls=JSONEncoder))
    IdempotentRequest.objects.filter(user=user, key=key).update(
        status_code=status_code, body=body, location=location[:500], **about
    )


def idempotency_release(*, user: User, key: str) -> None:
    """The write was refused and changed nothing: the key may be used again."""
    IdempotentRequest.objects.filter(user=user, key=key, status_code__isnull=True).delete()


def idempotency_expire(*, at: dt.datetime | None = None) -> int:
    """The periodic tick: drop keys older than ``API_IDEMPOTENCY_HOURS``."""
    at = at or timezone.now()
    since = at - dt.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    deleted, _rows = IdempotentRequest.objects.filter(created_at__lt=since).delete()
    return deleted
