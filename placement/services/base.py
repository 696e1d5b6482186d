"""What every placement step shares: the clock, the history, and the checks a step makes
before it changes anything (the phase allows it, the user works the placement)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.errors import ConsentMissing, InvalidState
from cases.history import history_write
from cases.parties import case_party_require
from cases.tasks import OPEN, task_open, task_step
from consent.policy import consent_evaluate
from directory.models import User

from ..models import Placement
from ..rules import BASES


def placement_flow():
    from ..flows import PlacementFlow

    return PlacementFlow


@contextmanager
def step(
    placement: Placement, *, by: User, node: str, activation=None, optional: bool = False
) -> Iterator[None]:
    """Run a step's writes as the flow's task ``node``: in the web view's ``activation``, or
    opened here (lock, then transaction; cases.tasks). ``optional``: a step that may also
    be taken outside its task (a proposal changed before the decision), in a transaction of
    its own when the task is not open. A placement made without a process (from code)
    has no tasks."""
    if activation is not None:
        with task_step(task=activation.task, by=by, activation=activation):
            yield
        return
    node_obj = getattr(placement_flow(), node)
    if placement.process_id is not None and (
        not optional
        or node_obj.flow_class.task_class.objects.filter(
            process_id=placement.process_id, flow_task=node_obj, status__in=OPEN
        ).exists()
    ):
        with task_step(task=task_open(process=placement.process_id, node=node_obj), by=by):
            yield
        return
    with transaction.atomic():
        yield


def page_url(placement: Placement) -> str:
    """The placement page, which events to the placing unit's staff link to."""
    return reverse("placement:placement", kwargs={"pk": placement.pk})


def now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def history(placement: Placement, *, what: str, at: dt.datetime, by=None, **params: Any):
    """A history entry that is no transition of the placement's phase (cases.history)."""
    history_write(placement, what=what, at=at, by=by, unit=placement.placing_unit, **params)


def locked(placement: Placement) -> Placement:
    """The placement re-read under a row lock, for the step's transaction."""
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("person", "placing_unit", "hvb_unit")
        .get(pk=placement.pk)
    )


def require_phase(placement: Placement, phases: Iterable[str]) -> None:
    if placement.phase not in tuple(phases):
        raise InvalidState(
            _("Placeringen är i fasen %(phase)s, där det här steget inte kan tas.")
            % {"phase": placement.get_phase_display().lower()},
            reason="phase",
        )


def require_party(placement: Placement, by: User) -> None:
    """The placing unit's staff work the placement's own steps."""
    case_party_require(
        by=by,
        own_units=[placement.placing_unit_id],
        not_party=_("Du arbetar inte med den här placeringen."),
    )


def require_consent(placement: Placement, *, at: dt.datetime) -> None:
    """Asks the consent policy with the placement's action (SoL: the consents of the person,
    or of the guardians and the youth from 15, naming the placing unit and the HVB with the
    information shared; LVU/LVM: no consent, the recorded views). Refuses with what is
    missing."""
    decision = consent_evaluate(
        action=BASES[placement.legal_basis].action,
        person=placement.person,
        at=at,
        units=[placement.placing_unit, placement.hvb_unit],
        categories=list(placement.categories.values_list("code", flat=True)),
    )
    if not decision.allowed:
        raise ConsentMissing(decision)
