"""Every transition is recorded by design (cases.history): each transition of every state
field of every recorded model writes its history entry through ``transit``, and a transition
called any other way is refused before it changes anything."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_fsm import FSMField

from cases.history import UnrecordedTransition, recorded_models, transit, transition_wording
from placement.models import Placement, PlacementHistoryEntry
from sipflow.models import HistoryEntry, Invitation, SipPlan
from tests.placement_world import build_placement_world

pytestmark = pytest.mark.django_db


def _transitions(model):
    """(field, transition name, source state) for every transition of every FSM field."""
    for field in model._meta.fields:
        if not isinstance(field, FSMField):
            continue
        for transition in field.get_all_transitions(model):
            states = (
                [value for value, _label in field.choices]
                if transition.source in ("*", "+")
                else [transition.source]
            )
            for source in states:
                yield field, transition.name, source


def _instance(model, world):
    """A stored object of a recorded model: a SIP with one kallelse, or a placement in
    utredning."""
    if model is Placement:
        pworld = build_placement_world(world)
        return pworld.open()
    world.consent_all()
    plan = world.start()
    world.prepare(plan)
    meeting = world.summon(plan)
    if model is SipPlan:
        return plan
    if model is Invitation:
        return meeting.invitations.order_by("pk").first()
    raise AssertionError(f"no instance recipe for {model.__name__}: add one here")


#: Fields a stored object needs to be valid in a state (the table's check constraints).
STATE_FIELDS = {Invitation: {"decline_reason": "Vi deltar inte."}}


def _entries(obj):
    """The history of the case the object belongs to, newest first."""
    if isinstance(obj, Placement):
        return PlacementHistoryEntry.objects.filter(placement=obj).order_by("-pk")
    plan = obj if isinstance(obj, SipPlan) else obj.meeting.plan
    return HistoryEntry.objects.filter(plan=plan).order_by("-pk")


def test_the_recorded_models_are_the_sip_state_machines():
    assert set(recorded_models()) >= {SipPlan, Invitation, Placement}


MODELS = [SipPlan, Invitation, Placement]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_transition_writes_its_history_entry(model, world):
    obj = _instance(model, world)
    walked = 0
    for field, name, source in _transitions(model):
        model.objects.filter(pk=obj.pk).update(
            **{field.name: source}, **STATE_FIELDS.get(model, {})
        )
        obj = model.objects.get(pk=obj.pk)
        before = _entries(obj).count()
        at = timezone.now()
        transit(obj, name, at=at, by=world.sara)
        obj.save()
        entries = list(_entries(obj))
        assert len(entries) == before + 1, f"{model.__name__}.{name} from {source}"
        assert entries[0].what == transition_wording(obj, name)
        assert (entries[0].at, entries[0].by) == (at, world.sara)
        assert entries[0].text  # renders, with the invitee where the wording names one
        walked += 1
    assert walked >= {SipPlan: 14, Invitation: 7, Placement: 11}[model]


def test_every_transition_declares_its_wording():
    for model in recorded_models():
        for _field, name, _source in _transitions(model):
            assert transition_wording(model, name)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_transition_outside_transit_is_refused_and_changes_nothing(model, world):
    obj = _instance(model, world)
    field, name, source = next(_transitions(model))
    model.objects.filter(pk=obj.pk).update(**{field.name: source}, **STATE_FIELDS.get(model, {}))
    obj = model.objects.get(pk=obj.pk)
    with pytest.raises(UnrecordedTransition):
        getattr(obj, name)()
    assert getattr(obj, field.name) == source
