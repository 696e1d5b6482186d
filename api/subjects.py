"""What each API URL is about, for the access log (cases.registry.CaseUrls for the ``api``
namespace): the case object its id names, and the person. Each resource registers its
URL names; a URL that names no object (a list, a lookup sent by POST) is placed by its view
(api.access_log)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cases.registry import CaseSubject
from cases.subjects import purpose_of

#: URL name (within the API's version namespace) → (model, how to find its person).
_finders: dict[str, Callable[[Any], tuple[Any, Any]]] = {}


def register_api_subjects(finders: Mapping[str, Callable[[Any], tuple[Any, Any]]]) -> None:
    """``finders`` maps a URL name to a function of the URL's ``pk`` giving the object
    and its person (None, None when there is none)."""
    _finders.update(finders)


def api_subject(resolver_match) -> CaseSubject | None:
    find = _finders.get(resolver_match.url_name)
    pk = resolver_match.kwargs.get("pk")
    if find is None or pk is None:
        return None
    obj, person = find(pk)
    return CaseSubject(obj, person, purpose_of(resolver_match.view_name))
