from tests.placement.kommuner import clock  # noqa: F401
from tests.placement_world import PlacementWorld, pworld  # noqa: F401
