"""Zicht settings: one module, driven by environment variables.

Every variable is documented where it is read and in the README's configuration
table. There is deliberately no setting that switches a permission check off.
"""

from __future__ import annotations

import math
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from zicht.api.settings import REST_FRAMEWORK, SPECTACULAR_SETTINGS  # noqa: F401
from zicht.conf.debug import hosts_are_loopback
from zicht.conf.secrets import private_directory, private_file, read_secret
from zicht.core import ages as _ages

BASE_DIR = Path(__file__).resolve().parent.parent  # src/zicht
REPO_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int | None = None, *, minimum: int = 0) -> int:
    """A whole-number setting from the environment (``default`` when unset), refused with
    a clear message when it is not a whole number or below ``minimum``."""
    raw = os.environ.get(name, "").strip()
    if not raw and default is not None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_float(name: str, default: float, *, above: float = 0.0) -> float:
    """A decimal setting from the environment (``default`` when unset), refused with a
    clear message when it is not a finite number greater than ``above``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from None
    if not math.isfinite(value) or value <= above:
        raise ImproperlyConfigured(f"{name} must be a number above {above}, not {raw!r}.")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# ZICHT_ENV: "development" (default) or "production". Production turns on secure
# cookies, HSTS and SSL redirect, turns DEBUG off and refuses to generate secrets.
ZICHT_ENV = os.environ.get("ZICHT_ENV", "development").strip().lower()
PRODUCTION = ZICHT_ENV == "production"

# ZICHT_VAR_DIR: where the SQLite database, generated demo secrets and uploads live.
# Made private to the account that runs Zicht: the directory 0700, its files 0600.
VAR_DIR = Path(os.environ.get("ZICHT_VAR_DIR", REPO_DIR / "var")).resolve()
private_directory(VAR_DIR)

# DJANGO_ALLOWED_HOSTS: comma-separated host names.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
# DJANGO_CSRF_TRUSTED_ORIGINS: comma-separated origins behind a proxy, e.g. https://zicht.example.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# DJANGO_DEBUG: show debug pages. Never in production; in development on by default only
# while every allowed host is a loopback name, and refused for any other host
# (zicht.conf.debug; manage.py also refuses runserver on a non-loopback address with it).
DEBUG = not PRODUCTION and env_bool("DJANGO_DEBUG", hosts_are_loopback(ALLOWED_HOSTS))
if DEBUG and not hosts_are_loopback(ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is on while DJANGO_ALLOWED_HOSTS names a non-loopback host: debug pages "
        "show personal data. Set DJANGO_DEBUG=0."
    )

# DJANGO_SECRET_KEY / DJANGO_SECRET_KEY_FILE: Django's signing key.
SECRET_KEY = read_secret("DJANGO_SECRET_KEY", var_dir=VAR_DIR, production=PRODUCTION, nbytes=48)
# ZICHT_PSEUDONYM_KEY / _FILE: master key of the person index (hex, >= 32 bytes).
PSEUDONYM_KEY = read_secret("ZICHT_PSEUDONYM_KEY", var_dir=VAR_DIR, production=PRODUCTION)
# ZICHT_FIELD_ENCRYPTION_KEY / _FILE: key for identity fields encrypted at rest.
FIELD_ENCRYPTION_KEY = read_secret(
    "ZICHT_FIELD_ENCRYPTION_KEY", var_dir=VAR_DIR, production=PRODUCTION
)
# ZICHT_AUDIT_KEY / _FILE: HMAC key of the audit hash chain and its checkpoints (at least
# 32 characters). Keep it outside the database and its backups: whoever holds it can re-hash
# the audit log. Changing it makes every keyed event and checkpoint fail verification.
AUDIT_KEY = read_secret("ZICHT_AUDIT_KEY", var_dir=VAR_DIR, production=PRODUCTION)
if len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured("ZICHT_AUDIT_KEY must be at least 32 characters long.")
# ZICHT_AUDIT_CHECKPOINT_FILE: the file `audit_checkpoint` appends signed checkpoints of the
# audit chain to (default: audit-checkpoints.log in ZICHT_VAR_DIR). Ship it off the database
# host (log shipping, a write-once bucket); `verify_audit_chain --checkpoints` checks it.
AUDIT_CHECKPOINT_FILE = Path(
    os.environ.get("ZICHT_AUDIT_CHECKPOINT_FILE") or VAR_DIR / "audit-checkpoints.log"
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

# DATABASE_URL: e.g. postgres://user:pass@host:5432/zicht. Default: SQLite in ZICHT_VAR_DIR.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'zicht.sqlite3'}",
        conn_max_age=env_int("ZICHT_DB_CONN_MAX_AGE", 0),
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

# ZICHT_ALLOW_SQLITE_IN_PRODUCTION: production refuses SQLite (one writer, one machine, no
# pg_dump) unless this is set to 1 for a deliberately small single-machine installation.
if (
    PRODUCTION
    and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    and not env_bool("ZICHT_ALLOW_SQLITE_IN_PRODUCTION", False)
):
    raise ImproperlyConfigured(
        "ZICHT_ENV=production refuses a SQLite database: set DATABASE_URL to PostgreSQL "
        "(or ZICHT_ALLOW_SQLITE_IN_PRODUCTION=1 for a single-machine installation)."
    )

# ZICHT_CACHE_URL: the cache every process shares (API rate limits). Default: Django's
# database cache in the table ``zicht_cache`` (created by core's migration, so a fresh
# ``migrate`` is enough). ``redis://host:6379/0`` (or ``rediss://``) uses Django's built-in
# Redis backend instead. Never a per-process memory cache: with several workers each would
# count on its own and a key would get its limit once per process.
CACHE_TABLE = "zicht_cache"
_cache_url = os.environ.get("ZICHT_CACHE_URL", "").strip()
if not _cache_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
        }
    }
elif _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
        }
    }
else:
    raise ImproperlyConfigured(
        "ZICHT_CACHE_URL must be empty (the database cache) or a redis://, rediss:// or "
        "unix:// address."
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# ZICHT_SESSION_IDLE_MINUTES: a session ends after this many minutes without a request.
SESSION_COOKIE_AGE = env_int("ZICHT_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# The CSRF cookie ends with the browser like the session cookie (Django's default keeps
# it a year): on the anonymous help pages no cookie may outlive the visit (docs/help.md).
CSRF_COOKIE_AGE = None
CSRF_FAILURE_VIEW = "zicht.core.views.csrf_failure"

# The largest request body (without file uploads) Django reads: Django's own default,
# stated here because it is a limit users can hit. A larger body answers 413: a plain
# page for the web forms (zicht.core.views.bad_request), problem+json for the partner
# API (zicht.api.exceptions).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Two-factor login (django-two-factor-auth on django-otp).
TWO_FACTOR_LOGIN_TIMEOUT = 600
OTP_TOTP_ISSUER = "Zicht"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
TWO_FACTOR_REMEMBER_COOKIE_AGE = None
# ZICHT_REAUTH_MINUTES: removing the authenticator, enrolling a new one and generating
# backup codes need the password within this many minutes (default 5; logging in counts).
ZICHT_REAUTH_MINUTES = env_int("ZICHT_REAUTH_MINUTES", 5, minimum=1)

# Lockout after repeated failed logins (django-axes).
# ZICHT_LOGIN_FAILURE_LIMIT: failed attempts before lockout (default 5).
# ZICHT_LOGIN_COOLOFF_MINUTES: lockout duration (default 15).
AXES_FAILURE_LIMIT = env_int("ZICHT_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ZICHT_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True
AXES_USERNAME_CALLABLE = "zicht.accounts.security.axes_username"
AXES_VERBOSE = False

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
    SECURE_SSL_REDIRECT = env_bool("ZICHT_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Mail. ZICHT_EMAIL_BACKEND: "console" (development default) or "smtp" (production
# default). EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS
# and DEFAULT_FROM_EMAIL configure SMTP.
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}[os.environ.get("ZICHT_EMAIL_BACKEND", "smtp" if PRODUCTION else "console")]
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Zicht <noreply@zicht.localhost>")

# Background work through Django's tasks API (django-tasks backport, database backend).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# ZICHT_AGE_MIN, ZICHT_AGE_MAX: the ages Zicht records, indexes, refers and counts
# (default 8 to 27 inclusive, the preventive approach; zicht.core.ages). An age outside is
# refused with an error naming the bound.
ZICHT_AGE_MIN = env_int("ZICHT_AGE_MIN", 8)
ZICHT_AGE_MAX = env_int("ZICHT_AGE_MAX", 27)
if _age_problem := _ages.validate_bounds(ZICHT_AGE_MIN, ZICHT_AGE_MAX):
    raise ImproperlyConfigured(_age_problem)

# ZICHT_SIGNAL_RETENTION_MONTHS: a minor's signal leaves the person index and its identity
# is purged this many months after recording (default 24), and at the latest at the young
# person's 23rd birthday. ZICHT_YOUNG_ADULT_RETENTION_MONTHS: the same for a young adult
# (18 or older at contact; default 24), at the latest at the birthday after ZICHT_AGE_MAX.
ZICHT_SIGNAL_RETENTION_MONTHS = env_int("ZICHT_SIGNAL_RETENTION_MONTHS", 24, minimum=1)
ZICHT_YOUNG_ADULT_RETENTION_MONTHS = env_int("ZICHT_YOUNG_ADULT_RETENTION_MONTHS", 24, minimum=1)

# ZICHT_STATISTICS_LINK: which unconfirmed matches the insight statistics treat as one
# person: "strong" (default; exact tokens or a fuzzy score at/above the calibrated match
# threshold) or "possible" (every possible match that was not rejected).
ZICHT_STATISTICS_LINK = os.environ.get("ZICHT_STATISTICS_LINK", "strong")

# ZICHT_PUBLIC_RELEASE_EPSILON: the privacy budget (epsilon) of the public statistics
# release of one year (default 1.0), split equally over its four tables. One release per
# year: a second release of a year would spend the budget again (docs/insight.md).
ZICHT_PUBLIC_RELEASE_EPSILON = env_float("ZICHT_PUBLIC_RELEASE_EPSILON", 1.0)

# ZICHT_HELP_EXIT_URL: where the quick exit of the help pages goes (default: the neutral
# recipe page at /pannenkoeken/, served locally so no request leaves the site). Other
# ZICHT_HELP_* settings: docs/help.md.
ZICHT_HELP_EXIT_URL = os.environ.get("ZICHT_HELP_EXIT_URL", "/pannenkoeken/")

# Whole-number settings of the coordination and help apps, read from the environment when
# set; their defaults live beside the code that uses them (docs/coordination.md,
# docs/help.md) so there is one default for each.
_ENV_INT_SETTINGS = {
    "ZICHT_SCREENING_WORKING_DAYS": 1,
    "ZICHT_SCREENING_REMINDER_WORKING_DAYS": 0,
    "ZICHT_COORDINATION_RETENTION_YEARS": 1,
    "ZICHT_HELP_RETENTION_DAYS": 1,
    "ZICHT_HELP_WARNING_DAYS": 0,
    "ZICHT_HELP_POW_BITS": 8,
    "ZICHT_HELP_MIN_FORM_SECONDS": 0,
    "ZICHT_HELP_STARTS_PER_HOUR": 1,
    "ZICHT_HELP_NOJS_STARTS_PER_HOUR": 0,
    "ZICHT_HELP_MESSAGES_PER_HOUR": 1,
    "ZICHT_HELP_LOGIN_ATTEMPTS": 1,
    "ZICHT_HELP_LOGIN_PAUSE_MINUTES": 1,
}
for _name, _minimum in _ENV_INT_SETTINGS.items():
    if os.environ.get(_name, "").strip():
        globals()[_name] = env_int(_name, minimum=_minimum)

# ZICHT_LOG_LEVEL: log level of the zicht loggers (default INFO). Logs never carry
# identity plaintext; the audit logger writes to the log stream and to the database.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "zicht": {"level": os.environ.get("ZICHT_LOG_LEVEL", "INFO"), "propagate": True},
        "axes": {"level": "WARNING"},
    },
}
