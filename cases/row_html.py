"""Helpers for writing one row of a chef's list as HTML in Python (``OverviewRows.describe``).

A list page shows up to fifty rows and the start page five of each list. Written by Django's
template language, a row of a link and a date cost about a quarter of a millisecond: more
than reading it. Written in Python it costs a few microseconds, if the writing is plain:
``row_format`` escapes as ``format_html`` does without its lazy-string checks (a third of the
time), and ``phrase`` translates a phrase once a page (``phrases_once``) rather than once a
row (Django's ``gettext`` asks the thread's active language each time).
"""

from __future__ import annotations

import datetime as dt
import html
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext

#: A key no row has, reversed in its place (``key_url``).
_KEY = 2_147_483_647
_patterns: dict[tuple[str, str], tuple[str, str]] = {}


def ymd(value: dt.date | dt.datetime | None) -> str:
    """A date as the lists show it (``2026-12-01``), as the ``date:"Y-m-d"`` filter writes it:
    an aware date and time in the local time zone first; empty for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return value.isoformat()


def escaped(value: Any) -> str:
    """``conditional_escape``: a safe string as it is, anything else as text, escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def row_format(template: str, *args: Any) -> SafeString:
    """``format_html(template, *args)``, written the same (each argument escaped unless it is
    safe), for the rows' plain arguments: text, numbers, safe strings, evaluated phrases."""
    return SafeString(template.format(*map(escaped, args)))


def link(url: str, text: object) -> SafeString:
    """A link to a case page, its text escaped."""
    return row_format('<a href="{}">{}</a>', url, text)


_page = threading.local()


@contextmanager
def phrases_once() -> Iterator[None]:
    """While a page writes its rows: ``phrase`` translates each phrase once (the language
    does not change within a request)."""
    outer = getattr(_page, "phrases", None)
    _page.phrases = {} if outer is None else outer
    try:
        yield
    finally:
        _page.phrases = outer


def phrase(message: str) -> str:
    """``gettext(message)``, once a page within ``phrases_once``. Imported as ``_`` where the
    rows are written, so that makemessages finds the phrases."""
    memo = getattr(_page, "phrases", None)
    if memo is None:
        return gettext(message)
    said = memo.get(message)
    if said is None:
        said = memo[message] = gettext(message)
    return said


def key_url(name: str) -> Callable[[int], str]:
    """``reverse(name, kwargs={"pk": key})`` as a function of the key, reversing once (per
    script prefix) instead of once a row: the URL with a key no row has, split where that
    key stands."""

    def url(key: int) -> str:
        cache_key = (name, get_script_prefix())
        parts = _patterns.get(cache_key)
        if parts is None:
            before, found, after = reverse(name, kwargs={"pk": _KEY}).partition(str(_KEY))
            if not found:
                raise ValueError(f"{name} does not take its key as pk")
            parts = _patterns[cache_key] = (before, after)
        return f"{parts[0]}{int(key)}{parts[1]}"

    return url
