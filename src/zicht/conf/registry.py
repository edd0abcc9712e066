"""Every environment variable Zicht reads, declared once.

Each :class:`Variable` says what the variable is for (English help text), its type, its
default, the values it accepts, its group, whether production needs it and whether it is a
secret. Everything else is derived from this list:

- ``zicht.conf.settings`` (and ``gunicorn.conf.py``, ``zicht.conf.secrets``) read values
  through :func:`value`, never through ``os.environ`` directly;
- :func:`check_environment` is the start-up validation: a wrong value stops the process with
  one line per problem, naming the variable, what it accepts and what is wrong - a secret's
  value is never repeated;
- ``manage.py config_table`` (``zicht.conf.config_table``) writes the configuration table
  into the README and ``docs/operations.md`` (between ``<!-- config-table:start -->`` and
  ``<!-- config-table:end -->``);
  ``tests/core/test_config_registry.py`` fails when those files drift from this list or when
  code under ``src/`` reads a variable that is not declared here.

To add a variable: declare it below, read it with ``registry.value("NAME")`` and run
``manage.py config_table --write``. Defaults that live beside the code that uses them
(coordination, help, ages) are imported from there, so each default exists once.

This module imports no Django app (only ``django.core.exceptions``): settings import it
before Django is set up, and ``gunicorn.conf.py`` imports it without Django at all.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import ImproperlyConfigured

from zicht.coordination.constants import (
    REMINDER_WORKING_DAYS_DEFAULT,
    RETENTION_YEARS_DEFAULT,
    SCREENING_WORKING_DAYS_DEFAULT,
)
from zicht.core.ages import AGE_MAX_DEFAULT, AGE_MIN_DEFAULT, RETENTION_MONTHS_DEFAULT
from zicht.help.constants import DEFAULT_RETENTION_DAYS, DEFAULT_WARNING_DAYS

__all__ = [
    "GROUPS",
    "VARIABLES",
    "ConfigurationError",
    "Variable",
    "check_environment",
    "check_secret",
    "get",
    "is_set",
    "names",
    "problem",
    "raw",
    "value",
]

Kind = Literal["text", "int", "float", "bool", "list", "choice", "path", "secret"]

# The groups in the order the table shows them.
GROUPS = (
    "Environment",
    "Secrets",
    "Database and cache",
    "Web server",
    "Accounts and sessions",
    "Mail",
    "Records and retention",
    "Coordination",
    "Help pages",
    "Partner API",
    "Statistics",
    "Logging",
    "Development",
)

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class ConfigurationError(ImproperlyConfigured):
    """A variable with a value Zicht cannot use; the message names it and never shows a
    secret."""


@dataclass(frozen=True)
class Variable:
    """One environment variable.

    ``default`` is the value used when the variable is unset or empty; ``None`` with
    ``default_text`` means the default is worked out at start-up (from other settings), and
    the reader passes it to :func:`value`. ``minimum``/``maximum`` bound whole numbers,
    ``above`` is the exclusive lower bound of a decimal, ``choices`` the accepted words,
    ``pattern`` (with ``pattern_text`` saying it in words) a regular expression the value
    must match. ``secret`` values are never shown in errors; a secret may also be given as
    a file path in ``NAME_FILE`` (``file_variant``). ``production`` is ``"required"`` when
    production refuses to start without it, ``"set"`` when a production installation sets it
    to its own value. ``case`` folds a word before it is compared with ``choices``.
    """

    name: str
    kind: Kind
    group: str
    help: str
    default: Any = None
    default_text: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    above: float | None = None
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    pattern_text: str | None = None
    min_length: int | None = None
    allowed_text: str | None = None
    secret: bool = False
    file_variant: bool = False
    production: Literal["", "required", "set"] = ""
    case: Literal["lower", "upper"] | None = None

    @property
    def computed_default(self) -> bool:
        return self.default is None and self.default_text is not None


def _v(name: str, kind: Kind, group: str, help: str, **options: Any) -> Variable:
    return Variable(name=name, kind=kind, group=group, help=help, **options)


VARIABLES: tuple[Variable, ...] = (
    # Environment
    _v(
        "ZICHT_ENV",
        "choice",
        "Environment",
        "`production` turns on secure cookies, HSTS and the SSL redirect, turns DEBUG off, "
        "refuses SQLite and refuses to generate secrets.",
        default="development",
        choices=("development", "production"),
        case="lower",
        production="set",
    ),
    _v(
        "ZICHT_VAR_DIR",
        "path",
        "Environment",
        "SQLite database, generated development secrets, collected static files; made 0700, "
        "the database (with its `-wal`/`-shm`) and secrets 0600.",
        default_text="`var/` in the repository",
    ),
    _v(
        "DJANGO_ALLOWED_HOSTS",
        "list",
        "Environment",
        "Comma-separated host names the site answers to.",
        default="127.0.0.1,localhost,[::1],testserver",
        production="set",
    ),
    _v(
        "DJANGO_CSRF_TRUSTED_ORIGINS",
        "list",
        "Environment",
        "Comma-separated origins behind a proxy, e.g. `https://zicht.example.nl`.",
        default="",
        production="set",
    ),
    _v(
        "DJANGO_DEBUG",
        "bool",
        "Environment",
        "Debug pages: never in production, refused with a non-loopback "
        "`DJANGO_ALLOWED_HOSTS` entry; `runserver` on a non-loopback address refuses to "
        "start with DEBUG on.",
        default_text="on in development while every allowed host is loopback",
    ),
    # Secrets
    _v(
        "DJANGO_SECRET_KEY",
        "secret",
        "Secrets",
        "Django's signing key (sessions, password reset links).",
        default_text="generated in development",
        secret=True,
        file_variant=True,
        production="required",
    ),
    _v(
        "ZICHT_PSEUDONYM_KEY",
        "secret",
        "Secrets",
        "Master key of the person index (hex, at least 32 bytes); rotate with "
        "`rotate_pseudonym_key` (docs/adr/0005-key-rotation.md).",
        default_text="generated in development",
        secret=True,
        file_variant=True,
        production="required",
    ),
    _v(
        "ZICHT_FIELD_ENCRYPTION_KEY",
        "secret",
        "Secrets",
        "Key of the identity fields encrypted at rest; several keys comma-separated: the "
        "first encrypts, all decrypt (docs/adr/0005-key-rotation.md).",
        default_text="generated in development",
        secret=True,
        file_variant=True,
        production="required",
    ),
    _v(
        "ZICHT_AUDIT_KEY",
        "secret",
        "Secrets",
        "HMAC key of the audit hash chain and its checkpoints; keep it out of the database "
        "and its backups; changing it fails every keyed event (docs/audit.md).",
        default_text="generated in development",
        min_length=32,
        secret=True,
        file_variant=True,
        production="required",
    ),
    _v(
        "ZICHT_AUDIT_CHECKPOINT_FILE",
        "path",
        "Secrets",
        "Where `audit_checkpoint` appends signed checkpoints of the audit chain; ship it off "
        "the database host.",
        default_text="`audit-checkpoints.log` in `ZICHT_VAR_DIR`",
    ),
    # Database and cache
    _v(
        "DATABASE_URL",
        "text",
        "Database and cache",
        "The database, e.g. `postgres://user:pass@host:5432/zicht`; SQLite runs in WAL mode "
        "with `IMMEDIATE` transactions. Production refuses SQLite unless "
        "`ZICHT_ALLOW_SQLITE_IN_PRODUCTION` is on.",
        default_text="SQLite in `ZICHT_VAR_DIR`",
        secret=True,
        production="required",
    ),
    _v(
        "ZICHT_DB_CONN_MAX_AGE",
        "int",
        "Database and cache",
        "Seconds a database connection is kept for reuse (0: a new one per request). A kept "
        "connection is checked before a request reuses it, so one broken by a database "
        "restart is replaced, not failed on.",
        default=600,
        minimum=0,
    ),
    _v(
        "ZICHT_ALLOW_SQLITE_IN_PRODUCTION",
        "bool",
        "Database and cache",
        "`ZICHT_ENV=production` refuses to start on SQLite unless this is on (a deliberately "
        "small single-machine installation).",
        default=False,
    ),
    _v(
        "ZICHT_CACHE_URL",
        "text",
        "Database and cache",
        "The cache every process shares (API rate limits): empty for the database table "
        "`zicht_cache` (created by `migrate`), or `redis://host:6379/0` for Redis; never a "
        "per-process memory cache.",
        default="",
        pattern=r"(redis|rediss|unix)://.*",
        pattern_text="empty (the database cache) or a redis://, rediss:// or unix:// address",
        secret=True,
    ),
    # Web server
    _v(
        "ZICHT_BIND",
        "text",
        "Web server",
        "Address gunicorn listens on (`gunicorn.conf.py`); a TLS proxy in front.",
        default="127.0.0.1:8000",
    ),
    _v(
        "ZICHT_WEB_WORKERS",
        "int",
        "Web server",
        "gunicorn worker processes.",
        default_text="2 × CPUs + 1, at most 8",
        minimum=1,
    ),
    _v(
        "ZICHT_WEB_TIMEOUT",
        "int",
        "Web server",
        "Seconds before gunicorn restarts a silent worker.",
        default=60,
        minimum=1,
    ),
    _v(
        "ZICHT_TASK_STALE_MINUTES",
        "int",
        "Web server",
        "A background task still running after this many minutes is taken to be abandoned by "
        "a worker that died: `manage.py requeue_stale_tasks` (run as each worker starts) "
        "queues it again or fails it. Longer than the longest task.",
        default=60,
        minimum=1,
    ),
    _v(
        "ZICHT_SSL_REDIRECT",
        "bool",
        "Web server",
        "In production, redirect plain HTTP to HTTPS.",
        default=True,
    ),
    # Accounts and sessions
    _v(
        "ZICHT_SESSION_IDLE_MINUTES",
        "int",
        "Accounts and sessions",
        "A session ends after this many minutes without a request.",
        default=30,
        minimum=1,
    ),
    _v(
        "ZICHT_REAUTH_MINUTES",
        "int",
        "Accounts and sessions",
        "How long a given password allows two-factor changes (removing, enrolling, backup "
        "codes); logging in counts.",
        default=5,
        minimum=1,
    ),
    _v(
        "ZICHT_LOGIN_FAILURE_LIMIT",
        "int",
        "Accounts and sessions",
        "Failed logins before the account is locked out.",
        default=5,
        minimum=1,
    ),
    _v(
        "ZICHT_LOGIN_COOLOFF_MINUTES",
        "int",
        "Accounts and sessions",
        "Minutes a lockout lasts.",
        default=15,
        minimum=1,
    ),
    # Mail
    _v(
        "ZICHT_EMAIL_BACKEND",
        "choice",
        "Mail",
        "How mail leaves: printed to the console or sent over SMTP.",
        default_text="`console` in development, `smtp` in production",
        choices=("console", "smtp"),
    ),
    _v("EMAIL_HOST", "text", "Mail", "SMTP server.", default="localhost"),
    _v("EMAIL_PORT", "int", "Mail", "SMTP port.", default=25, minimum=1, maximum=65535),
    _v("EMAIL_HOST_USER", "text", "Mail", "SMTP user name.", default=""),
    _v("EMAIL_HOST_PASSWORD", "text", "Mail", "SMTP password.", default="", secret=True),
    _v("EMAIL_USE_TLS", "bool", "Mail", "SMTP with STARTTLS.", default=False),
    _v(
        "DEFAULT_FROM_EMAIL",
        "text",
        "Mail",
        "Sender of Zicht's mail.",
        default="Zicht <noreply@zicht.localhost>",
    ),
    # Records and retention
    _v(
        "ZICHT_AGE_MIN",
        "int",
        "Records and retention",
        "Youngest age (inclusive) Zicht records, indexes, refers and counts.",
        default=AGE_MIN_DEFAULT,
        minimum=0,
        allowed_text="≥ 0, not above `ZICHT_AGE_MAX`",
    ),
    _v(
        "ZICHT_AGE_MAX",
        "int",
        "Records and retention",
        "Oldest age (inclusive) Zicht records, indexes, refers and counts.",
        default=AGE_MAX_DEFAULT,
        minimum=0,
        allowed_text="below 120, not below `ZICHT_AGE_MIN`",
    ),
    _v(
        "ZICHT_SIGNAL_RETENTION_MONTHS",
        "int",
        "Records and retention",
        "Months a minor's signal stays in the person index (and at most until the 23rd birthday).",
        default=RETENTION_MONTHS_DEFAULT,
        minimum=1,
    ),
    _v(
        "ZICHT_YOUNG_ADULT_RETENTION_MONTHS",
        "int",
        "Records and retention",
        "Months a young adult's signal (18 or older at contact) stays in the index (and at "
        "most until the birthday after `ZICHT_AGE_MAX`).",
        default=RETENTION_MONTHS_DEFAULT,
        minimum=1,
    ),
    # Coordination
    _v(
        "ZICHT_SCREENING_WORKING_DAYS",
        "int",
        "Coordination",
        "Working days for the screening decision of a new file (docs/coordination.md).",
        default=SCREENING_WORKING_DAYS_DEFAULT,
        minimum=1,
    ),
    _v(
        "ZICHT_SCREENING_REMINDER_WORKING_DAYS",
        "int",
        "Coordination",
        "Working days before the screening deadline that the coordinators get a reminder "
        "(0: on the deadline itself).",
        default=REMINDER_WORKING_DAYS_DEFAULT,
        minimum=0,
    ),
    _v(
        "ZICHT_COORDINATION_RETENTION_YEARS",
        "int",
        "Coordination",
        "Years after closure before a coordination file is anonymised.",
        default=RETENTION_YEARS_DEFAULT,
        minimum=1,
    ),
    # Help pages
    _v(
        "ZICHT_HELP_EXIT_URL",
        "text",
        "Help pages",
        "Where the quick exit of the help pages goes (default: a neutral recipe page served "
        "locally, so no request leaves the site).",
        default="/pannenkoeken/",
    ),
    _v(
        "ZICHT_HELP_RETENTION_DAYS",
        "int",
        "Help pages",
        "A conversation without new messages is deleted after this many days.",
        default=DEFAULT_RETENTION_DAYS,
        minimum=1,
    ),
    _v(
        "ZICHT_HELP_WARNING_DAYS",
        "int",
        "Help pages",
        "Days before deletion that a conversation shows a warning (at most the retention).",
        default=DEFAULT_WARNING_DAYS,
        minimum=1,
    ),
    _v(
        "ZICHT_HELP_POW_BITS",
        "int",
        "Help pages",
        "Leading zero bits of the start form's proof-of-work (at most `ZICHT_HELP_POW_MAX_BITS`).",
        default=14,
        minimum=8,
        maximum=24,
    ),
    _v(
        "ZICHT_HELP_POW_MAX_BITS",
        "int",
        "Help pages",
        "The most proof-of-work any help form asks for.",
        default=22,
        minimum=8,
        maximum=26,
    ),
    _v(
        "ZICHT_HELP_MIN_FORM_SECONDS",
        "int",
        "Help pages",
        "Without proof-of-work, a start form sent faster than this is refused.",
        default=3,
        minimum=0,
    ),
    _v(
        "ZICHT_HELP_STARTS_PER_HOUR",
        "int",
        "Help pages",
        "Conversation starts an hour at the base proof-of-work; each doubling above adds a bit.",
        default=120,
        minimum=1,
    ),
    _v(
        "ZICHT_HELP_NOJS_STARTS_PER_HOUR",
        "int",
        "Help pages",
        "Of those, starts without proof-of-work (honeypot only).",
        default=20,
        minimum=1,
    ),
    _v(
        "ZICHT_HELP_MESSAGES_PER_HOUR",
        "int",
        "Help pages",
        "Messages a visitor may write per conversation per hour.",
        default=10,
        minimum=1,
    ),
    _v(
        "ZICHT_HELP_LOGIN_ATTEMPTS",
        "int",
        "Help pages",
        "Wrong passphrases per case code before each try needs proof-of-work.",
        default=5,
        minimum=1,
    ),
    _v(
        "ZICHT_HELP_LOGIN_PAUSE_MINUTES",
        "int",
        "Help pages",
        "The window in which wrong passphrases are counted.",
        default=15,
        minimum=1,
    ),
    _v(
        "ZICHT_HELP_RESUME_CHECKS_PER_MINUTE",
        "int",
        "Help pages",
        "Slow passphrase checks per minute, all case codes together.",
        default=60,
        minimum=1,
    ),
    # Partner API
    _v(
        "ZICHT_API_RATE_LIMIT",
        "text",
        "Partner API",
        "Requests per API key (docs/api.md).",
        default="120/minute",
        pattern=r"[0-9]+/(s|m|h|d)[a-z]*",
        pattern_text="a number of requests per second, minute, hour or day, like 120/minute",
    ),
    _v(
        "ZICHT_API_PAGE_SIZE",
        "int",
        "Partner API",
        "Default page size of list endpoints (a client asks up to 100 with `?page_size=`).",
        default=25,
        minimum=1,
        maximum=100,
    ),
    _v(
        "ZICHT_API_IDEMPOTENCY_HOURS",
        "int",
        "Partner API",
        "Hours a response to a POST with an `Idempotency-Key` is kept for retries.",
        default=24,
        minimum=1,
    ),
    # Statistics
    _v(
        "ZICHT_STATISTICS_LINK",
        "choice",
        "Statistics",
        "Which unconfirmed matches the insight statistics treat as one person: `strong` "
        "(exact tokens or a fuzzy score at or above the match threshold) or `possible` "
        "(every match not rejected).",
        default="strong",
        choices=("strong", "possible"),
    ),
    _v(
        "ZICHT_PUBLIC_RELEASE_EPSILON",
        "float",
        "Statistics",
        "Privacy budget (epsilon) of the public statistics release of one year, split "
        "equally over its four tables (docs/insight.md).",
        default=1.0,
        above=0.0,
    ),
    # Logging
    _v(
        "ZICHT_LOG_LEVEL",
        "choice",
        "Logging",
        "Level of the `zicht.*` loggers (logs never carry identity plaintext).",
        default="INFO",
        choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
        case="upper",
    ),
    _v(
        "ZICHT_LOG_FORMAT",
        "choice",
        "Logging",
        "`plain`: one text line per record; `json`: one JSON object per line (time, level, "
        "logger, message, traceback) for a log shipper, never a record's extra fields "
        '(docs/operations.md, "Log format").',
        default="plain",
        choices=("plain", "json"),
        case="lower",
    ),
    # Development
    _v(
        "ZICHT_CHROMIUM",
        "path",
        "Development",
        "Browser the browser tests drive (Playwright on Debian's Chromium).",
        default="/usr/bin/chromium",
    ),
)

_BY_NAME: dict[str, Variable] = {variable.name: variable for variable in VARIABLES}
_FILE_VARIANTS: dict[str, Variable] = {
    f"{variable.name}_FILE": variable for variable in VARIABLES if variable.file_variant
}


def get(name: str) -> Variable:
    """The declaration of ``name``; a ``KeyError`` for a variable nobody declared."""
    return _BY_NAME[name]


def names() -> list[str]:
    """Every variable name Zicht reads, ``NAME_FILE`` variants included."""
    return [*_BY_NAME, *_FILE_VARIANTS]


def raw(name: str, environ: Mapping[str, str] | None = None) -> str:
    """The value of ``name`` as given (stripped; ``""`` when unset). ``name`` must be
    declared (or be the ``_FILE`` variant of a declared secret)."""
    if name not in _BY_NAME and name not in _FILE_VARIANTS:
        raise KeyError(f"{name} is not declared in zicht.conf.registry")
    environ = os.environ if environ is None else environ
    return environ.get(name, "").strip()


def is_set(name: str, environ: Mapping[str, str] | None = None) -> bool:
    return bool(raw(name, environ))


def value(name: str, default: Any = None, *, environ: Mapping[str, str] | None = None) -> Any:
    """The typed value of ``name``: parsed and checked against its declaration, or its
    default when unset or empty. ``default`` is given only for a variable whose default is
    worked out at start-up (``default_text`` without ``default``)."""
    variable = get(name)
    if default is not None and not variable.computed_default:
        raise ValueError(f"{name} has a declared default; do not pass another one")
    text = raw(name, environ)
    if not text:
        fallback = variable.default if default is None else default
        return _split(fallback) if variable.kind == "list" else fallback
    return _parse(variable, text)


def problem(variable: Variable, text: str) -> str | None:
    """Why ``text`` cannot be the value of ``variable`` (one sentence), or ``None``."""
    try:
        _parse(variable, text)
    except ConfigurationError as exc:
        return str(exc)
    return None


def check_environment(environ: Mapping[str, str] | None = None) -> None:
    """The start-up check: every declared variable that is set must have a usable value.
    Raises :class:`ConfigurationError` listing every problem, one per line."""
    problems = [
        found
        for variable in VARIABLES
        if (text := raw(variable.name, environ)) and (found := problem(variable, text))
    ]
    if problems:
        raise ConfigurationError("\n".join(problems))


def check_secret(name: str, secret: str) -> str:
    """``secret`` (read by ``zicht.conf.secrets``) if it meets its declaration; the error
    names the variable and the rule, never the value."""
    variable = get(name)
    if variable.min_length and len(secret) < variable.min_length:
        raise ConfigurationError(f"{name} must be at least {variable.min_length} characters long.")
    return secret


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _shown(variable: Variable, text: str) -> str:
    """``, not 'value'`` for an ordinary variable; nothing for a secret."""
    return "" if variable.secret else f", not {text!r}"


def _parse(variable: Variable, text: str) -> Any:
    name = variable.name
    if variable.kind == "int":
        return _parse_int(variable, text)
    if variable.kind == "float":
        return _parse_float(variable, text)
    if variable.kind == "bool":
        word = text.lower()
        if word in _TRUE | _FALSE:
            return word in _TRUE
        raise ConfigurationError(
            f"{name} must be on or off (1/0, true/false, yes/no, on/off){_shown(variable, text)}."
        )
    if variable.kind == "choice":
        word = {"lower": str.lower, "upper": str.upper}.get(variable.case or "", str)(text)
        if word not in variable.choices:
            raise ConfigurationError(
                f"{name} must be one of {', '.join(variable.choices)}{_shown(variable, text)}."
            )
        return word
    if variable.kind == "list":
        return _split(text)
    if variable.pattern and not re.fullmatch(variable.pattern, text):
        raise ConfigurationError(f"{name} must be {variable.pattern_text}{_shown(variable, text)}.")
    return text


def _parse_int(variable: Variable, text: str) -> int:
    name = variable.name
    try:
        number = int(text)
    except ValueError:
        raise ConfigurationError(
            f"{name} must be a whole number{_shown(variable, text)}."
        ) from None
    if variable.minimum is not None and number < variable.minimum:
        raise ConfigurationError(f"{name} must be at least {variable.minimum}, not {number}.")
    if variable.maximum is not None and number > variable.maximum:
        raise ConfigurationError(f"{name} must be at most {variable.maximum}, not {number}.")
    return number


def _parse_float(variable: Variable, text: str) -> float:
    name = variable.name
    try:
        number = float(text)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number{_shown(variable, text)}.") from None
    if not math.isfinite(number) or (variable.above is not None and number <= variable.above):
        raise ConfigurationError(
            f"{name} must be a number above {variable.above}{_shown(variable, text)}."
        )
    return number
