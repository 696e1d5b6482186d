"""Local development: ``make run``. Debug on, SQLite unless DATABASE_URL is set."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", default=True)
VAR_DIR.mkdir(exist_ok=True)
