"""Settings shared by every environment, read from the process environment.

Environment variables:
    DATABASE_URL     e.g. postgres://user:pass@host:5432/sipflow (default: a SQLite file,
                     which only ``make run`` relies on)
    DATABASE_MIGRATE_URL  the same database, as the role that owns the tables (migrate)
    DATABASE_REPLICA_URL  a read replica of it (PostgreSQL streaming replication), for the
                     statistics' and the overview's reads (default: none, all read the primary)
    DATABASE_PARALLEL_WORKERS  PostgreSQL's parallel workers per statement (default 0: none)
    SECRET_KEY       required in production
    DEBUG            "1"/"true" to enable debug mode
    ALLOWED_HOSTS    comma-separated host names
    AUDIT_HMAC_KEY   seals the access log (required in production)
    AUDIT_CHECKPOINT_PATH  the access log's checkpoint file (default var/)
    EMAIL_URL-style settings: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
                     EMAIL_USE_TLS, DEFAULT_FROM_EMAIL, EMAIL_BACKEND
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    normalised = value.strip().lower()
    if normalised in {"1", "true", "yes", "on"}:
        return True
    if normalised in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from error


DEBUG = env_bool("DEBUG", default=False)
# Only for local development; production.py refuses to start without a real key.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-local-development-only")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # viewflow first: its registration/ templates (login, password reset) match the UI.
    "viewflow",
    "viewflow.workflow",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_fsm",
    "django_tasks",
    "django_tasks_db",
    "directory",
    "consent",
    "cases",
    "sipflow",
    "placement",
    "deviations",
    "notifications",
    "audit",
    "overview",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.middleware.SuperuserAccessLogMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "cases.middleware.CaseAccessMiddleware",
    "cases.middleware.ManageActionsMiddleware",
    "audit.middleware.AccessLogMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

#: Form fields as the browser's own labelled controls, with their errors tied to them, instead
#: of viewflow's Material widgets (core/renderers.py says which of those fail and why).
VIEWFLOW = {
    "WIDGET_RENDERERS": {
        "django.forms.widgets.Input": "core.renderers.InputRenderer",
        "django.forms.TextInput": "core.renderers.InputRenderer",
        "django.forms.NumberInput": "core.renderers.InputRenderer",
        "django.forms.EmailInput": "core.renderers.InputRenderer",
        "django.forms.URLInput": "core.renderers.InputRenderer",
        "django.forms.PasswordInput": "core.renderers.InputRenderer",
        "django.forms.DateInput": "core.renderers.InputRenderer",
        "django.forms.DateTimeInput": "core.renderers.InputRenderer",
        "django.forms.TimeInput": "core.renderers.InputRenderer",
        "django.forms.FileInput": "core.renderers.FileInputRenderer",
        "django.forms.Textarea": "core.renderers.TextareaRenderer",
        "django.forms.CheckboxInput": "core.renderers.CheckboxRenderer",
        "django.forms.Select": "core.renderers.SelectRenderer",
        "django.forms.RadioSelect": "core.renderers.ChoiceGroupRenderer",
        "django.forms.SelectMultiple": "core.renderers.CheckboxGroupRenderer",
        "django.forms.CheckboxSelectMultiple": "core.renderers.CheckboxGroupRenderer",
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'sipflow.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and the tick write one file at once (make run). WAL lets
    # readers go on beside the writer; a writer waits up to 5 s for another instead of
    # failing; IMMEDIATE takes the write lock at BEGIN, so a transaction that reads before
    # it writes never has to upgrade its lock (SQLite refuses that at once, "database is
    # locked", whatever the timeout).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL"
        ),
        **DATABASES["default"].get("OPTIONS", {}),
    }
    # The covering indexes' extra columns (``include``) are PostgreSQL's: SQLite builds the
    # same indexes without them, which the zero-setup default can do without.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

#: Migrations run as the role that owns the tables (DATABASE_MIGRATE_URL, the same database
#: as DATABASE_URL); the application runs as DATABASE_URL's role, which may read and write the
#: tables but only read and append to the access log (audit.database_roles).
DATABASE_MIGRATE = None
DATABASE_RUNTIME_ROLE = ""
if os.environ.get("DATABASE_MIGRATE_URL"):
    DATABASE_MIGRATE = dj_database_url.parse(os.environ["DATABASE_MIGRATE_URL"])
    if {DATABASE_MIGRATE["ENGINE"], DATABASES["default"]["ENGINE"]} != {
        "django.db.backends.postgresql"
    }:
        raise ImproperlyConfigured("DATABASE_MIGRATE_URL needs PostgreSQL, as DATABASE_URL.")
    if DATABASE_MIGRATE["NAME"] != DATABASES["default"]["NAME"]:
        raise ImproperlyConfigured(
            "DATABASE_MIGRATE_URL must name the same database as DATABASE_URL "
            f"({DATABASES['default']['NAME']!r}), with the role that owns its tables."
        )
    if DATABASE_MIGRATE["USER"] == DATABASES["default"]["USER"]:
        raise ImproperlyConfigured(
            "DATABASE_MIGRATE_URL and DATABASE_URL log in as the same role: the application "
            "needs a role of its own that does not own the tables."
        )
    DATABASE_RUNTIME_ROLE = DATABASES["default"]["USER"]

#: A read replica (core.databases.read_alias): only the statistics and the overview read from
#: it, by name; every other read and all writes go to the primary (config/routers.py). In the
#: tests the alias is a mirror of the primary's test database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must be a replica of DATABASE_URL's database, on the same "
            "kind of server."
        )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
#: PostgreSQL's JIT compiles a large statement's expressions for longer than it runs: the
#: chef's statistics (one statement) took 26 s with it and 13 s without for the largest
#: kommun's year at a million SIPs (bench/overview.py); every other statement of sipflow is
#: far too small to gain from it.
#:
#: Parallel workers neither: starting one costs a statement about 5 ms, more than the
#: index reads of a page take (a chef's list of overdue visits spent 5 of its 7 ms on a
#: worker that found nothing, where PostgreSQL could not know the stored clocks all hold).
#: Only the statistics' daily computation in the tick gains from them, about a sixth
#: (5.0 against 6.0 s for the largest kommun's year at a million SIPs); a deployment that
#: wants them sets DATABASE_PARALLEL_WORKERS.
PARALLEL_WORKERS = env_int("DATABASE_PARALLEL_WORKERS", 0)
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = (
            f"{_options.get('options', '')} -c jit=off"
            f" -c max_parallel_workers_per_gather={PARALLEL_WORKERS}"
        ).strip()
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every login, right password or not, while the user is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "cases.backends.UnitPermissionBackend",
    "directory.backends.AdministratorPermissionBackend",
    # Administrators issue and revoke the API's tokens in the admin.
    "api.backends.TokenAdministratorBackend",
]

#: Deprecated: the working days to answer a SIP kallelse are a row of the duration table
#: (directory.durations, 10 by default; organisations override it in the admin). When set,
#: this replaces the table's default for the whole deployment; None leaves the table's.
SIP_ANSWER_WORKING_DAYS = (
    int(os.environ["SIP_ANSWER_WORKING_DAYS"])
    if os.environ.get("SIP_ANSWER_WORKING_DAYS")
    else None
)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Brute-force protection (django-axes): five failed logins for one username from one address
# lock that pair out for an hour (each further try restarts the hour); a successful login
# clears the count. The lockout page is registration/lockout.html, with status 429.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip_address"
#: Reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
#: sipflow's own stylesheet (static/sipflow/site.css), beside the apps' static files.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
#: Seconds before a silent mail server is given up on (the worker must not hang).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
#: The tillgänglighetsredogörelse (/tillganglighet/): who answers for the service, how a user
#: reports a shortcoming, and when the service was last assessed.
ACCESSIBILITY_ORGANISATION = os.environ.get(
    "ACCESSIBILITY_ORGANISATION", "Kommunen och regionen som använder sipflow"
)
ACCESSIBILITY_EMAIL = os.environ.get("ACCESSIBILITY_EMAIL", "tillganglighet@sipflow.invalid")
ACCESSIBILITY_PHONE = os.environ.get("ACCESSIBILITY_PHONE", "")
ACCESSIBILITY_ASSESSED_ON = os.environ.get("ACCESSIBILITY_ASSESSED_ON", "2026-11-30")

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sipflow <noreply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Background work (reminders, timers) runs in `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

#: The address links in e-mails point to.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"quiet_refusals": {"()": "core.log_filters.QuietRefusals"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # A refused request is one line (who, which URL), not a traceback.
    "loggers": {"django.request": {"filters": ["quiet_refusals"]}},
}

#: Seals the access log's hash chain and its checkpoints (HMAC-SHA256): a key the database
#: does not hold. This fixed key is for development and the tests only; production refuses
#: to start with it. Keep the production key as long as the log (five years): entries sealed
#: with another key no longer verify.
DEVELOPMENT_AUDIT_HMAC_KEY = "sipflow-development-audit-key, not secret"
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY") or DEVELOPMENT_AUDIT_HMAC_KEY
#: Where `manage.py audit_verify` appends the log's checkpoints, outside the database.
AUDIT_CHECKPOINT_PATH = Path(
    os.environ.get("AUDIT_CHECKPOINT_PATH") or VAR_DIR / "audit-checkpoints.log"
)

# `manage.py seed_demo` creates users with published passwords: never in production.
DEMO_DATA_ALLOWED = True

#: The chef's statistics whose direct computation takes at least this many seconds are read
#: from the snapshot the periodic tick computes once a day (overview.statistics.services):
#: a large region at national scale; anything faster is computed live on every look.
STATISTICS_SNAPSHOT_SECONDS = float(os.environ.get("STATISTICS_SNAPSHOT_SECONDS", "1.0"))
#: A chef's workload per handläggare (it counts every open case of her units) whose counting
#: takes at least this many seconds is kept counted by the periodic tick, every
#: WORKLOAD_SNAPSHOT_MINUTES, and the page reads those counts while they are at most twice
#: that old (overview.workload); a faster one is counted on every look.
WORKLOAD_SNAPSHOT_SECONDS = float(os.environ.get("WORKLOAD_SNAPSHOT_SECONDS", "0.1"))
WORKLOAD_SNAPSHOT_MINUTES = float(os.environ.get("WORKLOAD_SNAPSHOT_MINUTES", "10"))

# The REST API (api/): JSON only, token or session authentication, errors as RFC 9457
# problem details, versioned by URL namespace (/api/v1/).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "api.authentication.ApiSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScopes"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "sipflow API",
    "DESCRIPTION": (
        "SIP, placeringar, avvikelser och samtycken för verksamhetssystemen bredvid "
        "sipflow: samma tjänster, "
        "åtkomstregler, samtyckesprövning och åtkomstlogg som sidorna. Fel är RFC 9457 "
        "problem details (application/problem+json) med en stabil kod."
    ),
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReviewAnswerEnum": "sipflow.models.ActionReview.Answer",
        "ConsentStatusEnum": "consent.models.Consent.Status",
        "InvitationStatusEnum": "sipflow.models.Invitation.Status",
        "SipPhaseEnum": "sipflow.models.SipPlan.Phase",
        "MeetingKindEnum": "sipflow.models.Meeting.Kind",
        "FollowUpOutcomeEnum": "sipflow.models.FollowUp.Outcome",
        "PlacementPhaseEnum": "placement.models.Placement.Phase",
        "AlternativeKindEnum": "placement.models.AlternativeTried.Kind",
        "LegalStepKindEnum": "placement.models.LegalStep.Kind",
        "PlanKindEnum": "placement.models.CarePlanVersion.Kind",
        "ReviewOutcomeEnum": "placement.models.Review.Outcome",
        "HealthExamOutcomeEnum": "placement.models.HealthExamRequest.Outcome",
        "DeviationStatusEnum": "deviations.models.Deviation.Status",
    },
    # Swagger UI from the sidecar package's static files: nothing from a CDN, and the
    # page's script is a file of its own (script-src 'self', core.security).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
#: The longest an API token may be issued for.
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
#: How long a write's Idempotency-Key and its first response are kept.
API_IDEMPOTENCY_HOURS = 24
