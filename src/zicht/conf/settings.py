"""Zicht settings: one module, driven by environment variables.

Every variable is declared once, with its type, default, bounds and help text, in
``zicht.conf.registry``; this module reads them through ``registry.value`` only. The
README's and ``docs/operations.md``'s configuration tables are generated from that
registry (``manage.py config_table --write``). There is deliberately no setting that
switches a permission check off.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from zicht.api.settings import REST_FRAMEWORK, SPECTACULAR_SETTINGS  # noqa: F401
from zicht.conf import registry
from zicht.conf.debug import hosts_are_loopback
from zicht.conf.secrets import private_directory, private_file, read_secret
from zicht.core import ages as _ages

BASE_DIR = Path(__file__).resolve().parent.parent  # src/zicht
REPO_DIR = BASE_DIR.parent.parent

# The start-up check: a variable with a value Zicht cannot use stops the process here, with
# one line per problem naming the variable (never a secret's value).
registry.check_environment()

ZICHT_ENV = registry.value("ZICHT_ENV")
PRODUCTION = ZICHT_ENV == "production"

# Made private to the account that runs Zicht: the directory 0700, its files 0600.
VAR_DIR = Path(registry.value("ZICHT_VAR_DIR", REPO_DIR / "var")).resolve()
private_directory(VAR_DIR)

ALLOWED_HOSTS = registry.value("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = registry.value("DJANGO_CSRF_TRUSTED_ORIGINS")

# Debug pages: never in production; in development on by default only while every allowed
# host is a loopback name, and refused for any other host (zicht.conf.debug; manage.py also
# refuses runserver on a non-loopback address with it).
DEBUG = not PRODUCTION and registry.value("DJANGO_DEBUG", hosts_are_loopback(ALLOWED_HOSTS))
if DEBUG and not hosts_are_loopback(ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is on while DJANGO_ALLOWED_HOSTS names a non-loopback host: debug pages "
        "show personal data. Set DJANGO_DEBUG=0."
    )

SECRET_KEY = read_secret("DJANGO_SECRET_KEY", var_dir=VAR_DIR, production=PRODUCTION, nbytes=48)
PSEUDONYM_KEY = read_secret("ZICHT_PSEUDONYM_KEY", var_dir=VAR_DIR, production=PRODUCTION)
FIELD_ENCRYPTION_KEY = read_secret(
    "ZICHT_FIELD_ENCRYPTION_KEY", var_dir=VAR_DIR, production=PRODUCTION
)
# Whoever holds the audit key can re-hash the audit log: keep it outside the database and
# its backups. Changing it makes every keyed event and checkpoint fail verification.
AUDIT_KEY = read_secret("ZICHT_AUDIT_KEY", var_dir=VAR_DIR, production=PRODUCTION)
# `verify_audit_chain --checkpoints` checks the file `audit_checkpoint` appends to.
AUDIT_CHECKPOINT_FILE = Path(
    registry.value("ZICHT_AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit-checkpoints.log")
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "zicht.core",
    "zicht.portal",
    "zicht.audit",
    "zicht.accounts",
    "zicht.help",
    "zicht.lessons",
    "zicht.intake",
    "zicht.linkage",
    "zicht.api",
    "zicht.coordination",
    "zicht.insight",
    "zicht.monitor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zicht.core.middleware.PermissionsPolicyMiddleware",
    "zicht.core.middleware.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zicht.accounts.middleware.TwoFactorRequiredMiddleware",
    "zicht.accounts.middleware.ActiveMembershipMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zicht.conf.urls"
WSGI_APPLICATION = "zicht.conf.wsgi.application"
ASGI_APPLICATION = "zicht.conf.asgi.application"
SITE_ID = 1

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
                "zicht.accounts.context_processors.membership",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        registry.value("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zicht.sqlite3'}"),
        conn_max_age=registry.value("ZICHT_DB_CONN_MAX_AGE"),
        # A kept connection is tested (one round trip) before a request uses it: after a
        # database restart the request reconnects instead of failing on a dead socket.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the
    # database file's permissions.
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        private_file(Path(DATABASES["default"]["NAME"]))
    # WAL lets readers continue while one writer writes; IMMEDIATE takes the write
    # lock at BEGIN so two writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        # Seconds a writer waits in that queue: as long as gunicorn lets a request run
        # (ZICHT_WEB_TIMEOUT, 60), so 32 queued writers wait instead of failing.
        "timeout": 60,
    }

# Production refuses SQLite (one writer, one machine, no pg_dump) unless asked for a
# deliberately small single-machine installation.
if (
    PRODUCTION
    and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    and not registry.value("ZICHT_ALLOW_SQLITE_IN_PRODUCTION")
):
    raise ImproperlyConfigured(
        "ZICHT_ENV=production refuses a SQLite database: set DATABASE_URL to PostgreSQL "
        "(or ZICHT_ALLOW_SQLITE_IN_PRODUCTION=1 for a single-machine installation)."
    )

# The cache every process shares (API rate limits): Django's database cache in the table
# ``zicht_cache`` (created by core's migration, so a fresh ``migrate`` is enough), or
# Django's built-in Redis backend for a redis:// address (the registry refuses any other).
# Never a per-process memory cache: with several workers each would count on its own and a
# key would get its limit once per process.
CACHE_TABLE = "zicht_cache"
_cache_url = registry.value("ZICHT_CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, entered only within the lockout limit (zicht.accounts.lockout).
    "zicht.accounts.lockout.PasswordBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

SESSION_COOKIE_AGE = registry.value("ZICHT_SESSION_IDLE_MINUTES") * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# The CSRF cookie ends with the browser like the session cookie (Django's default keeps
# it a year): on the anonymous help pages no cookie may outlive the visit (docs/help.md).
CSRF_COOKIE_AGE = None
CSRF_FAILURE_VIEW = "zicht.portal.views.csrf_failure"

# The largest request body (without file uploads) Django reads: Django's own default,
# stated here because it is a limit users can hit. A larger body answers 413: a plain
# page for the web forms (zicht.portal.views.bad_request), problem+json for the partner
# API (zicht.api.exceptions).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Two-factor login (django-two-factor-auth on django-otp).
TWO_FACTOR_LOGIN_TIMEOUT = 600
OTP_TOTP_ISSUER = "Zicht"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
TWO_FACTOR_REMEMBER_COOKIE_AGE = None

# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = registry.value("ZICHT_LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = timedelta(minutes=registry.value("ZICHT_LOGIN_COOLOFF_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True
AXES_USERNAME_CALLABLE = "zicht.accounts.security.axes_username"
AXES_VERBOSE = False
# Gives back an attempt's in-flight unit once its failure is counted (zicht.accounts.lockout).
AXES_HANDLER = "zicht.accounts.lockout.ExactLockoutHandler"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "/static/"
# Files WhiteNoise serves at the site's root: /favicon.ico, which browsers and other
# clients ask for on every site. Without it the request got the 404 page, whose language
# form set a CSRF cookie on the public help and lesson pages.
WHITENOISE_ROOT = BASE_DIR / "core" / "root"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security headers. CSP without 'unsafe-inline': every script and style is a file.
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
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = registry.value("ZICHT_SSL_REDIRECT")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Mail: printed to the console in development, SMTP in production (registry, "Mail").
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}[registry.value("ZICHT_EMAIL_BACKEND", "smtp" if PRODUCTION else "console")]
EMAIL_HOST = registry.value("EMAIL_HOST")
EMAIL_PORT = registry.value("EMAIL_PORT")
EMAIL_HOST_USER = registry.value("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = registry.value("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = registry.value("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = registry.value("DEFAULT_FROM_EMAIL")

# Background work through Django's tasks API (django-tasks backport, database backend).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The ages Zicht records, indexes, refers and counts (zicht.core.ages); a pair that cannot
# be used stops start-up with an error naming the bound.
ZICHT_AGE_MIN = registry.value("ZICHT_AGE_MIN")
ZICHT_AGE_MAX = registry.value("ZICHT_AGE_MAX")
if _age_problem := _ages.validate_bounds(ZICHT_AGE_MIN, ZICHT_AGE_MAX):
    raise ImproperlyConfigured(_age_problem)

# The settings the apps read at call time (``settings.ZICHT_...``), each from the registry
# with its declared default: retention, coordination deadlines, the help pages' limits,
# the partner API, statistics. One module-level name per variable, so tests can override
# each one with pytest-django's ``settings`` fixture.
ZICHT_REAUTH_MINUTES = registry.value("ZICHT_REAUTH_MINUTES")
ZICHT_SIGNAL_RETENTION_MONTHS = registry.value("ZICHT_SIGNAL_RETENTION_MONTHS")
ZICHT_YOUNG_ADULT_RETENTION_MONTHS = registry.value("ZICHT_YOUNG_ADULT_RETENTION_MONTHS")
ZICHT_STATISTICS_LINK = registry.value("ZICHT_STATISTICS_LINK")
ZICHT_PUBLIC_RELEASE_EPSILON = registry.value("ZICHT_PUBLIC_RELEASE_EPSILON")
ZICHT_SCREENING_WORKING_DAYS = registry.value("ZICHT_SCREENING_WORKING_DAYS")
ZICHT_SCREENING_REMINDER_WORKING_DAYS = registry.value("ZICHT_SCREENING_REMINDER_WORKING_DAYS")
ZICHT_COORDINATION_RETENTION_YEARS = registry.value("ZICHT_COORDINATION_RETENTION_YEARS")
ZICHT_HELP_EXIT_URL = registry.value("ZICHT_HELP_EXIT_URL")
ZICHT_HELP_RETENTION_DAYS = registry.value("ZICHT_HELP_RETENTION_DAYS")
ZICHT_HELP_WARNING_DAYS = registry.value("ZICHT_HELP_WARNING_DAYS")
ZICHT_HELP_POW_BITS = registry.value("ZICHT_HELP_POW_BITS")
ZICHT_HELP_POW_MAX_BITS = registry.value("ZICHT_HELP_POW_MAX_BITS")
ZICHT_HELP_MIN_FORM_SECONDS = registry.value("ZICHT_HELP_MIN_FORM_SECONDS")
ZICHT_HELP_STARTS_PER_HOUR = registry.value("ZICHT_HELP_STARTS_PER_HOUR")
ZICHT_HELP_NOJS_STARTS_PER_HOUR = registry.value("ZICHT_HELP_NOJS_STARTS_PER_HOUR")
ZICHT_HELP_MESSAGES_PER_HOUR = registry.value("ZICHT_HELP_MESSAGES_PER_HOUR")
ZICHT_HELP_LOGIN_ATTEMPTS = registry.value("ZICHT_HELP_LOGIN_ATTEMPTS")
ZICHT_HELP_LOGIN_PAUSE_MINUTES = registry.value("ZICHT_HELP_LOGIN_PAUSE_MINUTES")
ZICHT_HELP_RESUME_CHECKS_PER_MINUTE = registry.value("ZICHT_HELP_RESUME_CHECKS_PER_MINUTE")
ZICHT_API_RATE_LIMIT = registry.value("ZICHT_API_RATE_LIMIT")
ZICHT_API_IDEMPOTENCY_HOURS = registry.value("ZICHT_API_IDEMPOTENCY_HOURS")

# Logs never carry identity plaintext; the audit logger writes to the log stream and to the
# database. ZICHT_LOG_FORMAT=json writes one JSON object a line (zicht.core.logformat).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "zicht.core.logformat.JsonLineFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": registry.value("ZICHT_LOG_FORMAT"),
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "zicht": {"level": registry.value("ZICHT_LOG_LEVEL"), "propagate": True},
        "axes": {"level": "WARNING"},
        # Django's records reach the console once, through the handler above (Django's own
        # console handler would print them a second time, in plain text, while DEBUG is on).
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
