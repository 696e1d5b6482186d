from tests.placement_world import pworld  # noqa: F401
from tests.sipflow_world import World, world  # noqa: F401
