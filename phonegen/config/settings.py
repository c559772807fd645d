"""phonegen settings.

With nothing set, phonegen runs embedded: SQLite under ``var/``, background
tasks in threads of the server process, an in-process channel layer.
``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL, Celery workers and
channels-redis.
"""

import contextlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("PHONEGEN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and env_str("DATABASE_URL"):
        raise ImproperlyConfigured("SECRET_KEY must be set when DATABASE_URL is set")
    # Embedded default only: a key kept beside the SQLite file, made on first use.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        from django.core.management.utils import get_random_secret_key

        _key_file.write_text(get_random_secret_key())
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Production behind TLS: PHONEGEN_HTTPS=1 sends plain HTTP to HTTPS, keeps the
# session and CSRF cookies off plain HTTP and asks browsers for HSTS. A TLS
# proxy in front says so with X-Forwarded-Proto. Off for the embedded default,
# which serves http://127.0.0.1.
PHONEGEN_HTTPS = env_bool("PHONEGEN_HTTPS", False)
if PHONEGEN_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    # Both on, as `check --deploy` asks; a domain whose subdomains are not all
    # on HTTPS turns them off.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # /api/health/ answers load balancers that probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^api/health/$"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "channels",
    "phonegen.prefixes",
    "phonegen.numbers",
    "phonegen.tasks",
    "phonegen.api",
    "phonegen.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "phonegen.config.urls"
ASGI_APPLICATION = "phonegen.config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: PostgreSQL from DATABASE_URL, else SQLite under var/.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "phonegen.sqlite3")),
            "OPTIONS": {
                # WAL lets the API read while a background task writes; IMMEDIATE
                # transactions take the write lock up front instead of failing
                # half-way with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
            # A file, not the in-memory default: background threads need WAL
            # and a busy timeout, which a shared in-memory database lacks.
            "TEST": {
                "NAME": env_str(
                    "SQLITE_TEST_PATH", str(VAR_DIR / f"test-{os.getpid()}.sqlite3")
                )
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# The dashboard at /: its sign-in form starts the session that also
# authenticates the API and the WebSockets for its pages.
LOGIN_URL = "dashboard:sign-in"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "dashboard:sign-in"

# Background work: Celery with Redis when REDIS_URL is set, else threads in the
# server process.
REDIS_URL = env_str("REDIS_URL")
PHONEGEN_TASK_RUNNER = env_str(
    "PHONEGEN_TASK_RUNNER", "celery" if REDIS_URL else "thread"
)
if PHONEGEN_TASK_RUNNER not in {"celery", "thread"}:
    raise ImproperlyConfigured("PHONEGEN_TASK_RUNNER must be 'celery' or 'thread'")
if PHONEGEN_TASK_RUNNER == "celery" and not REDIS_URL:
    raise ImproperlyConfigured("PHONEGEN_TASK_RUNNER=celery needs REDIS_URL")
PHONEGEN_THREAD_WORKERS = env_int("PHONEGEN_THREAD_WORKERS", 2, minimum=1)
# Threads (and PostgreSQL connections) one validation of a big project uses.
PHONEGEN_VALIDATION_THREADS = env_int("PHONEGEN_VALIDATION_THREADS", 2, minimum=1)

CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60, minimum=60)
CELERY_BROKER_URL = REDIS_URL or "memory://"
# A task's state and result live in its Task row; a result backend would only
# fill Redis, and make every enqueue depend on its pub/sub as well.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = 1000
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Above the task time limit, so a running task is not handed to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}

# A running task renews its lease (heartbeat) every quarter of this; one whose
# heartbeat is older has lost its worker and is run again, at most
# MAX_ATTEMPTS times in all. A task pending for REQUEUE_SECONDS is queued again,
# in case its message went with a broker that restarted empty.
PHONEGEN_TASK_LEASE_SECONDS = env_int("PHONEGEN_TASK_LEASE_SECONDS", 60, minimum=2)
PHONEGEN_TASK_MAX_ATTEMPTS = env_int("PHONEGEN_TASK_MAX_ATTEMPTS", 5, minimum=1)
PHONEGEN_TASK_REQUEUE_SECONDS = env_int(
    "PHONEGEN_TASK_REQUEUE_SECONDS", 10 * 60, minimum=5
)
PHONEGEN_RECOVERY_INTERVAL = env_int(
    "PHONEGEN_RECOVERY_INTERVAL", max(1, PHONEGEN_TASK_LEASE_SECONDS // 2), minimum=1
)

# `celery -A phonegen.config beat` runs the clean-up and the recovery; the
# embedded server runs both itself at start-up. Beat keeps its schedule under
# var/, not in whatever folder it was started from.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
if REDIS_URL:
    # Beat cannot make the folder of its schedule itself; servers and workers
    # that cannot write there lose nothing.
    with contextlib.suppress(OSError):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
CELERY_BEAT_SCHEDULE = {
    "delete-old-tasks": {
        "task": "phonegen.tasks_delete_old",
        "schedule": env_int("PHONEGEN_CLEANUP_INTERVAL", 6 * 3600, minimum=60),
    },
    "recover-stale-tasks": {
        "task": "phonegen.tasks_recover_stale",
        "schedule": PHONEGEN_RECOVERY_INTERVAL,
        # Rounds queued while no worker listened are dropped, not piled up.
        "options": {"expires": PHONEGEN_RECOVERY_INTERVAL},
    },
}

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 1000, "expiry": 60},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "phonegen.api.negotiation.FormatNegotiation",
    "DEFAULT_PARSER_CLASSES": [
        "phonegen.api.parsers.SafeJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "phonegen.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["phonegen.api.throttles.UserRequestThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": f"{env_int('PHONEGEN_REQUESTS_PER_MINUTE', 600, minimum=1)}/minute",
        "auth_token": (
            f"{env_int('PHONEGEN_TOKEN_REQUESTS_PER_MINUTE', 20, minimum=1)}/minute"
        ),
    },
}
# Unfinished (pending or running) tasks one user may have at once.
PHONEGEN_MAX_ACTIVE_TASKS = env_int("PHONEGEN_MAX_ACTIVE_TASKS", 8, minimum=1)

# Request counts for the rate limits live in the cache: Redis when there is one,
# so that every server process counts together.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "phonegen",
        }
    }

SPECTACULAR_SETTINGS = {
    "TITLE": "phonegen API",
    "DESCRIPTION": "Generate and validate North American telephone numbers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

PHONEGEN_PORT = env_int("PHONEGEN_PORT", 6161, minimum=1)
# Legacy endpoints answer synchronously below this many numbers.
PHONEGEN_SYNC_LIMIT = env_int("PHONEGEN_SYNC_LIMIT", 10_000, minimum=0)
PHONEGEN_TASK_RETENTION_DAYS = env_int("PHONEGEN_TASK_RETENTION_DAYS", 30, minimum=1)

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Imports: where uploads wait for a worker (shared by servers and workers, like
# a media folder) and the largest file accepted.
PHONEGEN_UPLOAD_DIR = env_str("PHONEGEN_UPLOAD_DIR", str(VAR_DIR / "uploads"))
PHONEGEN_IMPORT_MAX_BYTES = env_int(
    "PHONEGEN_IMPORT_MAX_BYTES", 64 * 1024 * 1024, minimum=1024
)

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "phonegen": {"level": LOG_LEVEL, "handlers": ["console"], "propagate": False}
    },
}
