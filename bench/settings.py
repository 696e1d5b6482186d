"""Settings for the benchmarks: the test settings, with ``bench`` installed so that the
bare reference flow (``bench/bare_engine.py``) can store its processes."""

from config.settings.test import *  # noqa: F403
from config.settings.test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
