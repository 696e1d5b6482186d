"""Browser and login hardening: the Content-Security-Policy, the client address that failed
logins are counted against (django-axes), and the test settings' axes backend."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

import viewflow
from axes.backends import AxesStandaloneBackend
from django.conf import settings

#: ``onclick="…"`` and the like, in either quote style.
_EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def inline_event_handlers(template_dir: Path) -> list[str]:
    """The distinct inline event handlers (``on…=`` attribute values) in the templates under
    ``template_dir``, as the browser sees them (entities decoded). A handler holding template
    syntax cannot be hashed in advance and is left out (a test asserts there is none)."""
    found: set[str] = set()
    for template in sorted(template_dir.rglob("*.html")):
        for match in _EVENT_HANDLER.finditer(template.read_text(encoding="utf-8")):
            value = html.unescape(match.group(1) if match.group(1) is not None else match.group(2))
            if "{" not in value:
                found.add(value)
    return sorted(found)


def csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


#: viewflow's templates have no inline <script> blocks (every script is a static file), but
#: a few of its pages (task assign/unassign, delete) have a "Back" link that works only
#: through ``onclick="window.history.back(-1)…"``. Those fixed handlers, and nothing else, are
#: allowed through their hashes, computed here from the installed viewflow's own templates.
VIEWFLOW_EVENT_HANDLERS = inline_event_handlers(Path(viewflow.__file__).parent / "templates")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Only for inline event handlers (script-src-attr): the hashes of viewflow's.
        "script-src-attr 'unsafe-hashes' "
        + " ".join(csp_hash(handler) for handler in VIEWFLOW_EVENT_HANDLERS),
        # Our templates and viewflow's use style="…" attributes; the theme is a <style> block.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header to every response (unless a view set one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


def client_ip_address(request) -> str | None:
    """The client address that django-axes counts failed logins against.

    ``REMOTE_ADDR``, unless ``TRUSTED_PROXY_COUNT`` says how many reverse proxies in front of
    the app each append the address they saw to ``X-Forwarded-For``: then the address the
    outermost of them saw. Entries further left are the client's own claim and never used.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


class AxesBackendForTests(AxesStandaloneBackend):
    """The test settings' first backend: axes, except that an ``authenticate()`` without a
    request (the test client's ``login()``) passes unchecked instead of raising.

    Every web login passes its request, so logins through the pages are still counted and
    locked out in the tests. Production keeps ``axes.backends.AxesStandaloneBackend``.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
