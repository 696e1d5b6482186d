"""Filters for the server log. Loaded with the logging configuration, before the apps: no
models here."""

from __future__ import annotations

import logging

#: The answers an access check refuses with: 403, or the 404 a case one may not see gives.
REFUSED = (403, 404)


class QuietRefusals(logging.Filter):
    """For the ``django.request`` logger: a refusal (403, 404) is one warning line saying
    who was refused which URL, not a traceback. A refused attempt at case data is in the
    access log as well (audit.middleware)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if getattr(record, "status_code", None) not in REFUSED or request is None:
            return True
        user = getattr(request, "user", None)
        record.msg = "Refused %s %s (%s) for %s"
        record.args = (
            request.method,
            request.path.encode("unicode_escape").decode("ascii"),
            record.status_code,
            user.get_username() if user is not None and user.is_authenticated else "anonymous",
        )
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True
