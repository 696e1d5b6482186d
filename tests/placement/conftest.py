from tests.placement_world import PlacementWorld, pworld  # noqa: F401
