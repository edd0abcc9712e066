"""One registry of environment variables (zicht.conf.registry): the settings, the start-up
check and the configuration tables of the README and docs/operations.md all come from it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zicht.conf import config_table, registry

REPO = Path(__file__).resolve().parents[2]
SOURCES = [
    *sorted((REPO / "src").rglob("*.py")),
    REPO / "gunicorn.conf.py",
    REPO / "manage.py",
    REPO / "tests" / "browser" / "conftest.py",
]
# Django's own variable, set (never read) by manage.py, wsgi.py and asgi.py.
DJANGO_OWN = {"DJANGO_SETTINGS_MODULE"}


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("document", config_table.DOCUMENTS, ids=str)
def test_the_documents_carry_the_table_generated_from_the_registry(document):
    text = _text(REPO / document)
    assert config_table.with_table(text, config_table.markdown_table()) == text, (
        f"{document} differs from zicht.conf.registry: run manage.py config_table --write"
    )


def test_the_table_names_every_variable_with_its_default():
    table = config_table.markdown_table()
    for variable in registry.VARIABLES:
        assert f"| `{variable.name}` |" in table
    assert "| `ZICHT_SESSION_IDLE_MINUTES` | `30` | whole number ≥ 1 |" in table
    assert "| `ZICHT_HELP_POW_BITS` | `14` | whole number 8–24 |" in table


def test_config_table_check_fails_on_a_drifted_document(tmp_path, settings):
    for document in config_table.DOCUMENTS:
        target = tmp_path / document
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_text(REPO / document).replace("`30`", "`45`", 1), encoding="utf-8")
    settings.REPO_DIR = tmp_path
    with pytest.raises(CommandError, match="README.md"):
        call_command("config_table", "--check")
    call_command("config_table", "--write")
    call_command("config_table", "--check")


def test_only_the_registry_reads_the_environment():
    readers = []
    for path in SOURCES:
        if path.name == "registry.py" and path.parent.name == "conf":
            continue
        for number, line in enumerate(_text(path).splitlines(), 1):
            if re.search(r"os\.environ|getenv\(", line) and "DJANGO_SETTINGS_MODULE" not in line:
                readers.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    # The browser tests' conftest reads ZICHT_CHROMIUM (declared) before Django is set up.
    readers = [r for r in readers if "ZICHT_CHROMIUM" not in r and "ASYNC_UNSAFE" not in r]
    # Handing the whole environment on to a child process (pg_dump, with the libpq
    # variables added) reads no setting.
    readers = [r for r in readers if not r.endswith("env = dict(os.environ)")]
    assert readers == [], "read the variable through zicht.conf.registry.value:\n" + "\n".join(
        readers
    )


def test_every_variable_the_code_names_is_declared():
    declared = set(registry.names()) | DJANGO_OWN
    named = set()
    for path in SOURCES:
        text = _text(path)
        named |= set(
            re.findall(r"(?:value|raw|get|read_secret|is_set)\(\s*\"([A-Z][A-Z0-9_]+)\"", text)
        )
        named |= set(re.findall(r"getattr\(settings, \"(ZICHT_[A-Z0-9_]+)\"", text))
        named |= set(re.findall(r"settings\.(ZICHT_[A-Z0-9_]+)", text))
    named = {name for name in named if name.startswith(("ZICHT_", "DJANGO_", "EMAIL_", "DATABASE"))}
    assert named - declared == set()


def test_every_declared_variable_is_used_somewhere():
    used = "\n".join(
        _text(path) for path in SOURCES if path.name not in {"registry.py", "config_table.py"}
    )
    unused = [v.name for v in registry.VARIABLES if f'"{v.name}"' not in used]
    assert unused == []


def test_values_are_parsed_and_defaults_come_from_the_declaration():
    env = {
        "ZICHT_SESSION_IDLE_MINUTES": " 45 ",
        "DJANGO_ALLOWED_HOSTS": "zicht.example.nl, ,intern.example.nl",
        "ZICHT_ENV": "Production",
        "ZICHT_LOG_LEVEL": "debug",
        "EMAIL_USE_TLS": "yes",
    }
    assert registry.value("ZICHT_SESSION_IDLE_MINUTES", environ=env) == 45
    assert registry.value("DJANGO_ALLOWED_HOSTS", environ=env) == [
        "zicht.example.nl",
        "intern.example.nl",
    ]
    assert registry.value("ZICHT_ENV", environ=env) == "production"
    assert registry.value("ZICHT_LOG_LEVEL", environ=env) == "DEBUG"
    assert registry.value("EMAIL_USE_TLS", environ=env) is True
    assert registry.value("ZICHT_LOGIN_FAILURE_LIMIT", environ={}) == 5
    assert registry.value("ZICHT_HELP_RETENTION_DAYS", environ={}) == 90
    assert registry.value("ZICHT_WEB_WORKERS", 3, environ={}) == 3
    with pytest.raises(ValueError, match="declared default"):
        registry.value("ZICHT_WEB_TIMEOUT", 30, environ={})
    with pytest.raises(KeyError, match="ZICHT_NOT_DECLARED"):
        registry.value("ZICHT_NOT_DECLARED", environ={})


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("ZICHT_ENV", "prod", "ZICHT_ENV must be one of development, production, not 'prod'."),
        ("ZICHT_API_PAGE_SIZE", "500", "ZICHT_API_PAGE_SIZE must be at most 100, not 500."),
        ("ZICHT_HELP_POW_BITS", "4", "ZICHT_HELP_POW_BITS must be at least 8, not 4."),
        ("EMAIL_USE_TLS", "maybe", "EMAIL_USE_TLS must be on or off"),
        ("ZICHT_API_RATE_LIMIT", "fast", "ZICHT_API_RATE_LIMIT must be a number of requests"),
        ("ZICHT_EMAIL_BACKEND", "sendmail", "ZICHT_EMAIL_BACKEND must be one of console, smtp"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_variable_and_what_it_accepts(name, raw, message):
    with pytest.raises(registry.ConfigurationError) as refused:
        registry.check_environment({name: raw})
    assert message in str(refused.value)


def test_a_secret_value_is_never_repeated_in_an_error():
    with pytest.raises(registry.ConfigurationError) as refused:
        registry.check_environment({"ZICHT_CACHE_URL": "memcached://zicht:hunter2@cache:11211"})
    assert "ZICHT_CACHE_URL must be empty (the database cache)" in str(refused.value)
    assert "hunter2" not in str(refused.value)
    with pytest.raises(registry.ConfigurationError) as short:
        registry.check_secret("ZICHT_AUDIT_KEY", "s3cret-but-short")
    assert str(short.value) == "ZICHT_AUDIT_KEY must be at least 32 characters long."


def test_start_up_lists_every_wrong_variable_at_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    env.update(
        ZICHT_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="zicht.conf.settings",
        ZICHT_ENV="staging",
        ZICHT_HELP_MESSAGES_PER_HOUR="0",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "ZICHT_ENV must be one of development, production, not 'staging'." in result.stderr
    assert "ZICHT_HELP_MESSAGES_PER_HOUR must be at least 1, not 0." in result.stderr


def test_settings_now_read_the_variables_no_one_could_set_before(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    env.update(
        ZICHT_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="zicht.conf.settings",
        ZICHT_HELP_POW_MAX_BITS="20",
        ZICHT_API_IDEMPOTENCY_HOURS="48",
    )
    code = (
        "import django; django.setup(); from zicht.help import conf; "
        "from zicht.api import selectors; "
        "print(conf.pow_max_bits(), selectors.idempotency_window().total_seconds() / 3600)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["20", "48.0"]
