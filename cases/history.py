"""Every transition recorded by design (ärendets historik).

A process registers, for each model with a django-fsm state field, how a history entry of
that model is written (``register_history``). From then on a transition of that model runs
only through ``transit``, which calls the transition and writes its entry in the same
transaction, as viewflow's cookbook does in ``on_success``; a transition called any other way
is refused before it changes anything (``UnrecordedTransition``), so no state change can go
unrecorded. What the entry says is the transition's own ``custom={"history": ...}`` wording
(a Swedish message id) unless the step gives a fuller one.

Events that are not transitions (a SIP started, a follow-up coming due) are written with
``history_write`` through the same writer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, ngettext
from django_fsm.signals import pre_transition

#: ``write(obj, *, what, at, by, unit, params)`` per model class.
HistoryWriter = Callable[..., None]

_writers: dict[type, HistoryWriter] = {}
#: A counted wording's two forms, by either form (rows written before it was counted keep
#: their plural message id).
_counted: dict[str, tuple[str, str]] = {}
_running: ContextVar[tuple[int, str] | None] = ContextVar("cases_transit", default=None)


class UnrecordedTransition(RuntimeError):
    """A transition of a recorded model was called outside ``transit``."""


def register_history(model: type, *, write: HistoryWriter) -> None:
    _writers[model] = write


def recorded_models() -> list[type]:
    return list(_writers)


def _writer(obj) -> HistoryWriter:
    for cls in type(obj).__mro__:
        if cls in _writers:
            return _writers[cls]
    raise LookupError(f"{type(obj).__name__} has no history writer (cases.history)")


def transition_wording(obj, name: str) -> str:
    """The history wording declared on the transition ``name`` of ``obj`` (a model or one of
    its objects)."""
    method = getattr(obj if isinstance(obj, type) else type(obj), name)
    meta = method._django_fsm
    for transition in meta.transitions.values():
        wording = (transition.custom or {}).get("history")
        if wording:
            return wording
    raise LookupError(f"{type(obj).__name__}.{name} declares no history wording")


def transit(
    obj,
    name: str,
    *,
    at: dt.datetime,
    by=None,
    unit=None,
    what: str | None = None,
    **params: Any,
) -> None:
    """Run the transition ``name`` of ``obj`` and write its history entry, atomically (in
    the caller's transaction, or in one of its own). The caller saves ``obj``, as after any
    django-fsm transition."""
    wording = what or transition_wording(obj, name)
    if not transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            transit(obj, name, at=at, by=by, unit=unit, what=wording, **params)
        return
    token = _running.set((id(obj), name))
    try:
        getattr(obj, name)()
    finally:
        _running.reset(token)
    _writer(obj)(obj, what=wording, at=at, by=by, unit=unit, params=params)


def history_write(obj, *, what: str, at: dt.datetime, by=None, unit=None, **params: Any) -> None:
    """A history entry for what happened to the case without a transition."""
    _writer(obj)(obj, what=what, at=at, by=by, unit=unit, params=params)


def history_counted(singular: str, plural: str) -> str:
    """A wording with ``%(count)s`` ("1 part", "2 parter"): the entry stores the singular
    message id, and ``history_text`` picks the form by the count when it is shown."""
    _counted[singular] = _counted[plural] = (singular, plural)
    return singular


def history_text(what: str, params: dict[str, Any]) -> str:
    """An entry's wording, translated when shown, in the form its count asks for."""
    forms = _counted.get(what)
    if forms and str(params.get("count", "")).isdigit():
        text = ngettext(forms[0], forms[1], int(params["count"]))
    else:
        text = gettext(what)
    return text % params if params else text


def _refuse_unrecorded(sender, instance, name, **kwargs) -> None:
    if not any(issubclass(sender, model) for model in _writers):
        return
    if _running.get() != (id(instance), name):
        raise UnrecordedTransition(
            f"{sender.__name__}.{name} must run through cases.history.transit, "
            "which writes its history entry"
        )


pre_transition.connect(_refuse_unrecorded, dispatch_uid="cases.history.refuse_unrecorded")
