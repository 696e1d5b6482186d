"""Settings for the benchmarks: the test settings, with ``bench`` installed so that the
bare reference flow (``bench/bare_engine.py``) can store its processes, and a chef's slow
workload kept as in production (the test settings keep none unless a test asks)."""

from config.settings.base import WORKLOAD_SNAPSHOT_SECONDS as _PRODUCTION_WORKLOAD_SECONDS
from config.settings.test import *  # noqa: F403
from config.settings.test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
WORKLOAD_SNAPSHOT_SECONDS = _PRODUCTION_WORKLOAD_SECONDS
