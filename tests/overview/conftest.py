from tests.sipflow_world import World, world  # noqa: F401
