"""What a call may do beyond what its user may: a token with the read scope only reads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .models import ApiToken


class TokenScopes(permissions.BasePermission):
    """An authenticated, active user; a write (any method but GET, HEAD, OPTIONS, except a
    view that only reads, ``reads_only``: a lookup sent by POST) needs a token with the
    write scope, or the browser session."""

    message = _("API-nyckeln får bara läsa.")
    code = "read_only_token"

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in permissions.SAFE_METHODS or getattr(view, "reads_only", False):
            return True
        token = request.auth
        return not isinstance(token, ApiToken) or token.writes
