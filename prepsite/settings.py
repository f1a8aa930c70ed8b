"""Settings for Prepsite, read from the environment.

With no environment at all the site runs in development mode on a local SQLite file, so a
fresh clone works with `make run`. Deployments set DATABASE_URL, SECRET_KEY, DEBUG=0 and
ALLOWED_HOSTS.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def parse_database_url(url: str) -> dict:
    """Turn `postgres://user:pass@host:port/name?opt=v` or `sqlite:///path` into DATABASES['default']."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///relative.db and sqlite:////absolute.db, as in the usual convention
        name = path[1:] if path.startswith("/") else path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name or BASE_DIR / "db.sqlite3",
            "OPTIONS": {
                # A transaction takes the write lock when it begins, waiting its turn, instead of
                # failing with "database is locked" when a read inside it turns into a write
                # (SQLite cannot wait then: the data it read may be stale).
                "transaction_mode": "IMMEDIATE",
                # Seconds a connection waits for the write lock (SQLite's busy timeout).
                "timeout": 20,
                # Readers do not wait for the writer, nor it for them (WAL); a commit is not
                # synced to disk until a checkpoint, which WAL keeps safe from corruption.
                # Django runs each statement of init_command on every new connection.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests on a file, as the site runs, not the in-memory database whose one connection
            # the live server's threads share; one per test run, so parallel runs do not collide.
            "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"prepsite-test-{os.getpid()}.sqlite3")},
        }
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        options: dict = dict(parse_qsl(parts.query))
        # Parameters bound by the server, so psycopg prepares a statement a connection runs
        # often (after 5 runs) and PostgreSQL stops planning it on every request. Turn off for
        # a pooler that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
        if env_bool("DB_PREPARED_STATEMENTS", True):
            options.setdefault("server_side_binding", True)
            options["prepare_threshold"] = int(options.get("prepare_threshold", 5))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": unquote(parts.hostname or ""),
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
            # No server-side cursors: they cost extra round trips and break behind a pooler.
            "DISABLE_SERVER_SIDE_CURSORS": True,
            # Off by default: a check is one more round trip on every request. Without it, the
            # first request on a connection the database dropped (a restart) fails with the
            # error page and the connection is replaced; `make bench-faults` measures that.
            "CONN_HEALTH_CHECKS": env_bool("CONN_HEALTH_CHECKS", False),
        }
    raise ImproperlyConfigured(f"DATABASE_URL has an unsupported scheme: {parts.scheme!r}")


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_ratelimit",
    "core",
    "accounts",
    "topics",
    "progress",
    "coding",
    "mock",
]

MIDDLEWARE = [
    "core.middleware.HealthCheckHostMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PerUserPagesNotStoredMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages for clients that accept gzip (a list page shrinks about tenfold). Below
    # WhiteNoise, which answers static files itself, already compressed; above every middleware
    # that reads or changes a response's body (Django's rule), so it compresses the final page;
    # it fixes the Content-Length CommonMiddleware set, and adds Vary: Accept-Encoding.
    # BREACH (guessing a secret from the compressed size of pages that also echo the attacker's
    # text) is not a worry here: the one secret in a page, the CSRF token, is masked afresh in
    # every response, so there is nothing stable to guess; the session cookie is SameSite=Lax
    # (Django's default), so the requests another site can fire in bulk (images, fetch) carry no
    # session and get a visitor's page, with nothing private in it; and Django pads every
    # compressed response with up to 100 random bytes (Heal The Breach), blurring the sizes.
    "django.middleware.gzip.GZipMiddleware",
    "core.middleware.MalformedSessionCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "prepsite.urls"
WSGI_APPLICATION = "prepsite.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": parse_database_url(env_str("DATABASE_URL", "sqlite:///" + str(BASE_DIR / "db.sqlite3")))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Mail: the console by default, so password-reset links appear in the server's output.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Prepsite <noreply@localhost>")

# Security settings that matter once DEBUG is off; behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER_ENABLED=1 so Django trusts X-Forwarded-Proto.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: no inline script or style anywhere; everything from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The longest a user's note may take to format, and all the notes of one import together
# (topics.rendering.check_render_time): some Markdown takes time quadratic in a paragraph's length.
NOTE_RENDER_SECONDS = 2.0
IMPORT_RENDER_SECONDS = 10.0

# Login throttling: 5 failed attempts lock that username out for that client for 15 minutes.
# A wrong password when changing it or deleting the account counts too (accounts.throttle).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_VERBOSE = False
# Set to the header your reverse proxy writes (e.g. X-Forwarded-For) to throttle by the real
# client address; leave unset when the site is reached directly.
TRUSTED_PROXY_IP_HEADER = env_str("TRUSTED_PROXY_IP_HEADER")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)

# Hourly limits per client address (accounts.throttle, over the cache below): sign-ups, import
# previews (each costs a worker seconds) and password-reset requests; and reset mails per address.
SIGNUPS_PER_HOUR_PER_CLIENT = env_int("SIGNUPS_PER_HOUR_PER_CLIENT", 10)
IMPORT_PREVIEWS_PER_HOUR_PER_CLIENT = env_int("IMPORT_PREVIEWS_PER_HOUR_PER_CLIENT", 20)
PASSWORD_RESETS_PER_HOUR_PER_CLIENT = env_int("PASSWORD_RESETS_PER_HOUR_PER_CLIENT", 10)
PASSWORD_RESET_MAILS_PER_HOUR_PER_ADDRESS = env_int("PASSWORD_RESET_MAILS_PER_HOUR_PER_ADDRESS", 3)
# The counters live in a database table (created by migrations and `manage.py createcachetable`),
# so every worker process and app server counts together; the site has no other cache.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "prepsite_cache",
        # Django's default of 300 rows would let a burst of clients evict each other's counters.
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
}
# django-ratelimit names memcached and Redis only: E003 because the database cache's increment
# is a read then a write, not atomic, and W001 for "not officially supported". Shared across
# workers is what matters here; two requests racing may both be counted once, a slack of a few.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Running exercise code (coding.sandbox): each run in bubblewrap with Debian's Python and NumPy,
# in a worker process (manage.py run_worker), never in a web worker.
SANDBOX_BWRAP = env_str("SANDBOX_BWRAP", "bwrap")
SANDBOX_PYTHON = env_str("SANDBOX_PYTHON", "/usr/bin/python3")
SANDBOX_CPU_SECONDS = env_int("SANDBOX_CPU_SECONDS", 10)
SANDBOX_WALL_SECONDS = env_int("SANDBOX_WALL_SECONDS", 20)
SANDBOX_MEMORY_MB = env_int("SANDBOX_MEMORY_MB", 512)
SANDBOX_PROCESSES = env_int("SANDBOX_PROCESSES", 64)
SANDBOX_OUTPUT_BYTES = env_int("SANDBOX_OUTPUT_BYTES", 1_000_000)
# A worker that has not said it is alive for this long is taken as gone.
WORKER_SILENT_AFTER_SECONDS = env_int("WORKER_SILENT_AFTER_SECONDS", 30)
REPORTS_PER_HOUR_PER_USER = env_int("REPORTS_PER_HOUR_PER_USER", 10)
RUNS_PER_MINUTE_PER_USER = env_int("RUNS_PER_MINUTE_PER_USER", 6)
RUN_QUEUE_LIMIT = env_int("RUN_QUEUE_LIMIT", 50)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Review (progress.review): FSRS spreads intervals a little at random, so that questions rated
# together do not all come back on the same day. Off in tests, which need reproducible schedules.
REVIEW_FUZZ = env_bool("REVIEW_FUZZ", True)
