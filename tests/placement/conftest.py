import pytest

from placement.models import Placement
from placement.selectors import (
    NO_CLOCKS,
    clock_rules,
    clock_values,
    clocks_compute,
    clocks_stored,
)
from tests.placement.kommuner import clock, two  # noqa: F401
from tests.placement_world import PlacementWorld, pworld  # noqa: F401


def stored_clocks_mismatches() -> list[str]:
    """Every placement whose stored clocks say they hold on their day but differ from the
    clocks computed for that day, or that stores clocks while not living at its HVB: a step
    that changed what the clocks count from without storing them again."""
    placements = {placement.pk: placement for placement in Placement.objects.all()}
    values = list(clock_values(Placement.objects.all()))
    rules = clock_rules({row[1] for row in values})
    wrong = []
    for row in values:
        stored = clocks_stored(placements[row[0]])
        if stored.clocks_on is None or stored.clocks_until is None:
            continue  # none stored, or marked as no longer holding
        computed = clocks_compute(row, rules=rules, on=stored.clocks_on)
        if computed == NO_CLOCKS:
            wrong.append(f"placement {row[0]} ({row[2]}) keeps clocks: {stored}")
        elif computed[:5] != stored[:5]:
            wrong.append(f"placement {row[0]}: stored {stored}, computed {computed}")
    return wrong


@pytest.fixture(autouse=True)
def stored_clocks_hold(request):
    """After every placement test with a database: the stored clocks agree with the clocks
    computed on the day they were stored (placement.services.clocks)."""
    if "transactional_db" in request.fixturenames:
        yield
    elif "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        yield
        assert stored_clocks_mismatches() == []
    else:
        yield
