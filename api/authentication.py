"""Who calls: a journal system with its API token (``Authorization: Bearer …``), or a
logged-in user's browser session (the docs' "Try it out"). Either way the call runs as that
user, with the user's units and roles; a token only narrows it (api.permissions).

The token used is written into every access log entry of the call (``access_credential``
on the request, read by audit.middleware)."""

from __future__ import annotations

import hmac

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken
from .services import TOKEN_MARK, api_token_touch, token_digest

KEYWORD = "Bearer"


def _parse(header: str) -> str | None:
    """The token of an ``Authorization: Bearer sipf_<prefix>_<secret>`` header, or None."""
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != KEYWORD.lower():
        return None
    return parts[1]


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        secret = _parse(header)
        pieces = secret.split("_") if secret else []
        if len(pieces) < 3 or pieces[0] != TOKEN_MARK:
            raise exceptions.AuthenticationFailed(_("Ogiltig API-nyckel."))
        token = ApiToken.objects.select_related("user").filter(prefix=pieces[1]).first()
        # Compared in constant time, and the same answer for a token that does not exist.
        if token is None or not hmac.compare_digest(token.digest, token_digest(secret)):
            raise exceptions.AuthenticationFailed(_("Ogiltig API-nyckel."))
        now = timezone.now()
        if not token.in_force(now):
            raise exceptions.AuthenticationFailed(_("API-nyckeln är återkallad eller har gått ut."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Användaren är inaktiv."))
        api_token_touch(token=token, at=now)
        request._request.access_credential = token.label
        return token.user, token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="sipflow"'


class ApiSessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, with Django's CSRF check on writes (DRF's own)."""
