"""The error pages (400, 403, 404, 500) in the site's own frame and in Swedish.

viewflow's base templates take the site (its title, colours and menu) from
``request.resolver_match``. A URL that resolved nowhere has none, so the 404 page would lose
the menu: these handlers lend it the site. ``config.urls`` binds them to its site."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.views import defaults


class _SiteFrame:
    """What viewflow's base templates read from ``request.resolver_match``."""

    def __init__(self, site) -> None:
        self.site, self.app, self.viewset = site, None, None


@contextlib.contextmanager
def _framed(request, site) -> Iterator[None]:
    """Lend the site while the page renders; the middleware after it sees the request's own
    match again."""
    match = getattr(request, "resolver_match", None)
    if match is not None and getattr(match, "site", None) is not None:
        yield
        return
    request.resolver_match = _SiteFrame(site)
    try:
        yield
    finally:
        request.resolver_match = match


def bad_request(request, exception, *, site):
    with _framed(request, site):
        return defaults.bad_request(request, exception)


def permission_denied(request, exception, *, site):
    with _framed(request, site):
        return defaults.permission_denied(request, exception)


def page_not_found(request, exception, *, site, elsewhere=None):
    """``elsewhere`` maps a path prefix to the handler of its own 404 (the API's problem
    details)."""
    for prefix, handler in (elsewhere or {}).items():
        if request.path.startswith(prefix):
            return handler(request, exception)
    with _framed(request, site):
        return defaults.page_not_found(request, exception)


def server_error(request, *, site):
    """Rendered without context processors or the database (they may be what failed)."""
    return defaults.server_error(request)
