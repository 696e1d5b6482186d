"""Test settings: always PostgreSQL (``make test`` provides DATABASE_URL)."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import AUTHENTICATION_BACKENDS, DATABASES

if "DATABASE_URL" not in os.environ:
    raise ImproperlyConfigured(
        "The tests run against PostgreSQL. Run them with `make test`, or set DATABASE_URL "
        "to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/sipflow."
    )
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("The tests need PostgreSQL; DATABASE_URL points elsewhere.")

DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = 0
# A replica alias is a second connection, which would not see what a test writes inside its
# transaction: the tests that need one add it (tests/config/test_replica.py).
DATABASES.pop("replica", None)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# django-axes stays on; only the test client's login() (no request) passes its backend.
AUTHENTICATION_BACKENDS = ["core.security.AxesBackendForTests", *AUTHENTICATION_BACKENDS[1:]]
AXES_VERBOSE = False

#: The tests run as this role, which does not own the tables (tests/conftest.py); migrate
#: creates it and grants its rights.
DATABASE_RUNTIME_ROLE = "sipflow_runtime"

#: The test runner flushes the database after transactional tests (audit flush command).
AUDIT_LOG_FLUSHABLE = True

#: A chef's workload is kept only where a test asks for it (tests/overview/test_workload.py):
#: how long a count happens to take on a loaded machine must not change what a page reads.
WORKLOAD_SNAPSHOT_SECONDS = 3600.0
