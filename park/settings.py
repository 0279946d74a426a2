"""Settings of the park directory, read from the environment.

Every setting that differs between a laptop and production comes from an
environment variable with a safe default; see the README for the full list. Production
behaviour is the default; DJANGO_DEBUG=1 relaxes only what local development over plain
http needs.
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from corsheaders.defaults import default_headers
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- Core ----------------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A one-line refusal beats a traceback, and a guessable key in production.
        sys.exit("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it must come before it.
    "modeltranslation",
    # Django's admin with the park's site (park/admin.py).
    "park.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Trigram indexes for search on PostgreSQL (its index expressions); harmless on SQLite.
    "django.contrib.postgres",
    "django_countries",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "corsheaders",
    "simple_history",
    "import_export",
    "companies",
    "csp",
    "axes",
    "ops",
]

# Outermost first.
MIDDLEWARE = [
    # The request log and its id wrap everything, the errors of the rest included.
    "ops.middleware.RequestLogMiddleware",
    # Health checks answer before host validation and HTTPS redirects.
    "ops.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content Security Policy header on every response, the early answers included.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which answers static files from precompressed copies. Django's gzip
    # pads each response at random, which defeats BREACH's length comparisons.
    "django.middleware.gzip.GZipMiddleware",
    # Before anything that may answer, so that CORS headers reach every API response.
    "corsheaders.middleware.CorsMiddleware",
    # Before anything that reads (the kept copies' revision included): which database an
    # anonymous read goes to, when a read replica is configured.
    "ops.replica.ReplicaMiddleware",
    # Before sessions and the rest: anonymous API reads answered from a kept copy.
    "companies.api.middleware.KeptResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions (the language may be kept there), before common (its redirects).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication: history records name the request's user.
    "simple_history.middleware.HistoryRequestMiddleware",
    # A database outage in a view becomes a clean 503.
    "ops.middleware.DatabaseUnavailableMiddleware",
    # Last: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "park.urls"
WSGI_APPLICATION = "park.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                # The publisher and licence of the footer, the demo notice.
                "companies.context_processors.register",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'park.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's pool with health checks survives a database restart without
    # failing requests; the pool replaces persistent connections.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        # After failed attempts the pool waits longer and longer (1, 2, 4, 8 s...) before
        # it tries the database again, up to this; then the next request tries at once.
        # A short bound lets every worker notice within seconds that it is back.
        "reconnect_timeout": 5.0,
    }
    # JIT compilation costs more than it saves on the directory's queries: off, the
    # totals as of a past day over 1,000,000 companies took a fifth less (BENCHMARKS.md).
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
else:
    # SQLite: wait for a writer instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )

# A streaming replica for anonymous reads (ops/replica.py). No pool: a replica that is
# down must fail at once (connection refused, or connect_timeout), not after a pool's wait.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].update({"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True})
    DATABASES["replica"].setdefault("OPTIONS", {}).update(
        {"connect_timeout": 1, "options": "-c jit=off -c statement_timeout=10000"}
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["ops.replica.ReplicaRouter"]
# How often each process checks the replica, how far behind it may be, and how long a
# client that wrote keeps reading from the primary (seconds).
REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=2.0)
REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=5.0)
REPLICA_STICKY_SECONDS = env.int("DATABASE_REPLICA_STICKY_SECONDS", default=10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and login protection ---------------------------------------------

AUTHENTICATION_BACKENDS = [
    # First: a locked-out client is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Staff accounts (and new accounts) need a longer password than Django's default 8.
    {
        "NAME": "ops.passwords.StaffMinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("DJANGO_STAFF_PASSWORD_MIN_LENGTH", default=12)},
    },
]
# Lock out a user name from one address after N failures; the records live in the
# database, so every worker and replica sees them. `manage.py axes_reset` releases.
AXES_FAILURE_LIMIT = env.int("DJANGO_AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "ops.network.client_ip"
AXES_LOCKOUT_CALLABLE = "ops.views.lockout"
AXES_VERBOSE = False

# --- Clients behind proxies -----------------------------------------------------------

# How many proxies (nginx, a load balancer) stand in front of the app and append to
# X-Forwarded-For; 0 trusts none, so a client cannot move its address by sending the
# header itself. The login lockout (ops.network.client_ip) and the API throttling
# (REST_FRAMEWORK["NUM_PROXIES"]) both read it, so both count the same client.
NUM_PROXIES = env.int("DJANGO_NUM_PROXIES", default=0)

# --- Languages and time --------------------------------------------------------------

LANGUAGE_CODE = "en"
# British English dates, and Russian ones whose year mark stays with the year (park/formats/).
FORMAT_MODULE_PATH = ["park.formats"]
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "Europe/Minsk"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- REST API ------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["knox.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["companies.api.permissions.ModelPermissionsOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["companies.api.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["companies.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "companies.api.renderers.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "companies.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "companies.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "companies.api.throttling.AnonRateThrottle",
        "companies.api.throttling.UserRateThrottle",
        "companies.api.throttling.ExportRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("DJANGO_API_RATE_ANON", default="600/minute"),
        "user": env.str("DJANGO_API_RATE_USER", default="3000/minute"),
        "export": env.str("DJANGO_API_RATE_EXPORT", default="60/hour"),
        "login": env.str("DJANGO_API_RATE_LOGIN", default="10/minute"),
    },
    "NUM_PROXIES": NUM_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("DJANGO_API_TOKEN_DAYS", default=30)),
    "AUTH_HEADER_PREFIX": "Token",
    # Live tokens per user: a leaked password cannot mint tokens without end.
    "TOKEN_LIMIT_PER_USER": env.int("DJANGO_API_TOKENS_PER_USER", default=10),
}
# The longest lifetime `manage.py api_token --days` gives a token.
API_TOKEN_MAX_DAYS = env.int("DJANGO_API_TOKEN_MAX_DAYS", default=365)

SPECTACULAR_SETTINGS = {
    "TITLE": "China–Belarus Industrial Park directory API",
    "DESCRIPTION": (
        "The register of the park's resident companies, their reported figures and the "
        "park's totals. Reads are open; editors write with a token. Every figure of a "
        "company comes with the date and source of its report; `as_of` asks for the "
        "register as it stood on a day. A query parameter that an operation does not "
        "list is refused (400), naming it and the closest known name."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "django_countries.countries",
        "StatusEnum": "companies.models.Company.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "companies.api.schema.blank_means_absent",
    ],
}

# Anyone may read the API from a browser on another site; writes stay same-origin.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = [*default_headers, "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Link", "Retry-After"]

# --- Logging -------------------------------------------------------------------------

# One line per request (ops.middleware.RequestLogMiddleware), with its request id.
# json in production (for log shippers), text for a developer's terminal.
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="text" if DEBUG else "json")
# The number of SQL queries of each request, in its log line; on in debug.
LOG_SQL_QUERIES = env.bool("DJANGO_LOG_SQL_QUERIES", default=DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- HTTPS, cookies and browser policies ---------------------------------------------

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Served over HTTPS unless told otherwise: redirects, HSTS and secure cookies. Behind a
# proxy that terminates TLS, DJANGO_SECURE_PROXY_SSL_HEADER=1 trusts its
# X-Forwarded-Proto (only then: a client could otherwise claim https itself).
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
# Nothing reads the CSRF cookie from JavaScript: forms and the API docs use the token.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Scripts only from the site's own static files (or a per-response nonce); data for
# charts travels in json_script blocks, which are not executed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# django-modeltranslation's admin tabs would load jQuery UI from a CDN: serve a copy.
JQUERY_UI_URL = "ops/vendor/jquery-ui/jquery-ui.min.js"

# --- Cache and sessions, shared by every worker and replica --------------------------

# With REDIS_URL, the cache (API throttle counts, kept figures, imports awaiting
# confirmation) lives in Redis, so many app instances behave as one. Without it, one
# machine: a file cache in the project folder, shared by its workers, with no query added
# to any request and nothing more to run (an in-process cache would multiply every
# throttle limit by the number of workers); DJANGO_CACHE_URL may name another
# (django-environ's syntax).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis keeps one client per server (get_redis_connection).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "park",
            "OPTIONS": {
                # Redis down is a slower directory, not a broken one: a read misses, a
                # write is dropped, throttles let requests through. /readyz reports it
                # (a traceback per cache call would flood the logs during an outage).
                "IGNORE_EXCEPTIONS": True,
                # Bounds what an unreachable Redis adds to each request (seconds).
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.25),
                "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.25),
            },
        }
    }
else:
    CACHES = {
        "default": env.cache(
            "DJANGO_CACHE_URL", default=f"filecache://{BASE_DIR / '.cache' / 'django'}"
        ),
    }
# Sessions (the admin's editors) live in the database only: a copy in a cache that was
# unreachable while a session ended could bring the session back when the cache returns.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Each worker's own copy of recently served figures and API responses (companies.caching):
# keyed on the register's revision, so never stale; at most 300 entries of 128 KB.
CACHES["local"] = {
    "BACKEND": "ops.caches.BoundedLocMemCache",
    "LOCATION": "park-local",
    "OPTIONS": {"MAX_ENTRIES": 300, "MAX_VALUE_BYTES": 128 * 1024},
}
# Where computed values are kept, nearest first.
KEPT_CACHES = ["local", "default"]

# --- Spreadsheet imports in the admin ---------------------------------------------------

# The uploaded file waits in the shared cache between the preview and the confirmation,
# which another worker or replica may serve (a temporary file would be on one only).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "companies.admin.importexport.PreviewStorage"
# What one request reads, checks and writes well within gunicorn's and nginx's timeouts
# (about 2 ms a row to preview and 4 ms to confirm, on 2 busy cores: bench/CHANGES.md);
# larger files go through `manage.py import_register`.
# nginx's client_max_body_size (deploy/nginx.conf) stays above the size.
IMPORT_MAX_UPLOAD_MB = env.int("DJANGO_IMPORT_MAX_UPLOAD_MB", default=10)
IMPORT_MAX_ROWS = env.int("DJANGO_IMPORT_MAX_ROWS", default=5000)
# `import_register` streams its file too, and stops past this many lines.
IMPORT_COMMAND_MAX_ROWS = env.int("DJANGO_IMPORT_COMMAND_MAX_ROWS", default=200_000)
# An XLSX file is a zip archive: what its parts may unpack to, checked before parsing.
IMPORT_MAX_INFLATED_MB = env.int("DJANGO_IMPORT_MAX_INFLATED_MB", default=50)

# --- The register's health (companies/health.py) ----------------------------------------

# `manage.py register_health` exits with status 1 when a check finds more records than
# its threshold; the admin's index marks it. A check without one (None) never alarms.
REGISTER_HEALTH_THRESHOLDS = {
    "without_recent_report": env.int("DJANGO_HEALTH_MAX_WITHOUT_RECENT_REPORT", default=None),
    "missing_figure": env.int("DJANGO_HEALTH_MAX_MISSING_FIGURE", default=None),
    "drafts": env.int("DJANGO_HEALTH_MAX_DRAFTS", default=None),
    "sharp_fall": env.int("DJANGO_HEALTH_MAX_SHARP_FALLS", default=0),
    "disagreeing_claims": env.int("DJANGO_HEALTH_MAX_DISAGREEING_CLAIMS", default=0),
}
# A figure "fell sharply" when a report gives less than (1 - this) of the previous one.
HEALTH_SHARP_FALL = env.float("DJANGO_HEALTH_SHARP_FALL", default=0.5)

# --- Backups ---------------------------------------------------------------------------

# Where `make backup` writes; ship the files off the machine.
BACKUP_DIR = env.path("DJANGO_BACKUP_DIR", default=BASE_DIR / "backups")
# JSON dumps keep timestamps to the microsecond (Django's own cuts them to milliseconds).
SERIALIZATION_MODULES = {"json": "ops.serializers"}

# --- The register as open data ---------------------------------------------------------

# Who publishes the register and under what licence its data may be reused: the footer
# of every page, the about page, the downloads, the data package and the DCAT catalogue.
# The default name is translated on the pages; machine-readable metadata names it in
# English (downloads.publisher_name).
PUBLISHER_NAME = env.str("DJANGO_PUBLISHER_NAME", default="") or _(
    "Administration of the China–Belarus Industrial Park"
)
PUBLISHER_ADDRESS = env.str(
    "DJANGO_PUBLISHER_ADDRESS",
    default="Administration building, Great Stone Industrial Park, Smolevichi district, "
    "Minsk region, Belarus",
)
PUBLISHER_EMAIL = env.str("DJANGO_PUBLISHER_EMAIL", default="opendata@industrialpark.example")
PUBLISHER_URL = env.str("DJANGO_PUBLISHER_URL", default="https://industrialpark.example/")
DATA_LICENSE_NAME = env.str("DJANGO_DATA_LICENSE_NAME", default="CC BY 4.0")
DATA_LICENSE_TITLE = env.str(
    "DJANGO_DATA_LICENSE_TITLE", default="Creative Commons Attribution 4.0 International"
)
DATA_LICENSE_URL = env.str(
    "DJANGO_DATA_LICENSE_URL", default="https://creativecommons.org/licenses/by/4.0/"
)
# The largest register (rows of all tables) offered as one XLSX workbook: openpyxl writes
# some tens of thousands of cells a second, and the workbook must be built within a
# request (gunicorn's timeout). CSV and JSON stream at any size.
DOWNLOADS_XLSX_MAX_ROWS = env.int("DJANGO_DOWNLOADS_XLSX_MAX_ROWS", default=200_000)
