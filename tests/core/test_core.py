"""Health check, security headers, production checks, demo accounts."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_reports_database_failure(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, *args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "ZICHT_ENV": "production",
        "ZICHT_VAR_DIR": str(tmp_path),
        "DJANGO_SECRET_KEY": "x" * 64
        + "-production-like-secret-key-with-enough-entropy-1234567890",
        "ZICHT_PSEUDONYM_KEY": "ab" * 32,
        "ZICHT_FIELD_ENCRYPTION_KEY": "cd" * 32,
        "ZICHT_AUDIT_KEY": "ef" * 32,
        "DJANGO_ALLOWED_HOSTS": "zicht.example.nl",
        # The suite also runs on SQLite, which production allows only when asked for.
        "ZICHT_ALLOW_SQLITE_IN_PRODUCTION": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_generate_secrets(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_SECRET", "ZICHT_"))}
    env.update({"ZICHT_ENV": "production", "ZICHT_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_requires_the_audit_key_and_refuses_a_short_one(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_SECRET", "ZICHT_"))}
    env.update(
        {
            "ZICHT_ENV": "production",
            "ZICHT_VAR_DIR": str(tmp_path),
            "DJANGO_SECRET_KEY": "x" * 64,
            "ZICHT_PSEUDONYM_KEY": "ab" * 32,
            "ZICHT_FIELD_ENCRYPTION_KEY": "cd" * 32,
            "ZICHT_ALLOW_SQLITE_IN_PRODUCTION": "1",
        }
    )
    command = [sys.executable, "manage.py", "check"]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "Set ZICHT_AUDIT_KEY or ZICHT_AUDIT_KEY_FILE in production." in result.stderr
    key_file = tmp_path / "audit-key"
    key_file.write_text("too-short\n")
    env["ZICHT_AUDIT_KEY_FILE"] = str(key_file)
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert "ZICHT_AUDIT_KEY must be at least 32 characters long." in result.stderr
    key_file.write_text("ef" * 32 + "\n")
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _settings_in_subprocess(tmp_path, **environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    env.update(
        {"ZICHT_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "zicht.conf.settings"},
        **environment,
    )
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from zicht.coordination import services; from zicht.help import conf; "
        "print(services.screening_working_days(), settings.ZICHT_COORDINATION_RETENTION_YEARS, "
        "conf.retention_days(), conf.messages_per_hour())"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )


def test_operators_configure_deadlines_and_retention_through_the_environment(tmp_path):
    result = _settings_in_subprocess(
        tmp_path,
        ZICHT_SCREENING_WORKING_DAYS="3",
        ZICHT_COORDINATION_RETENTION_YEARS="7",
        ZICHT_HELP_RETENTION_DAYS="30",
        ZICHT_HELP_MESSAGES_PER_HOUR="4",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "7", "30", "4"]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ZICHT_HELP_RETENTION_DAYS", "ninety", "must be a whole number, not 'ninety'."),
        ("ZICHT_SESSION_IDLE_MINUTES", "abc", "must be a whole number, not 'abc'."),
        ("ZICHT_SIGNAL_RETENTION_MONTHS", "0", "must be at least 1, not 0."),
        ("ZICHT_LOGIN_FAILURE_LIMIT", "-5", "must be at least 1, not -5."),
    ],
)
def test_a_malformed_number_in_the_environment_is_refused_by_name(tmp_path, name, value, message):
    result = _settings_in_subprocess(tmp_path, **{name: value})
    assert result.returncode != 0
    assert f"{name} {message}" in result.stderr


@pytest.mark.django_db
def test_demo_accounts_json_lists_every_role(capsys):
    call_command("load_demo", "--no-signals")
    call_command("load_demo", "--no-signals")  # idempotent
    capsys.readouterr()
    call_command("demo_accounts", "--json")
    rows = json.loads(capsys.readouterr().out)["accounts"]
    roles = {row["role"] for row in rows}
    assert roles == {"professional", "org_admin", "coordinator", "counsellor", "analyst"}
    for row in rows:
        assert {"username", "password", "totp_secret", "role", "organisation"} <= set(row)
        assert len(row["totp_secret"]) == 32


@pytest.mark.django_db
def test_demo_accounts_prints_the_help_case_codes_that_open_their_conversations(capsys, client):
    """The case codes and passphrases ``load_demo`` printed stay retrievable: the
    visitor returns with them at /hulp/gesprek/terug/ and reads their conversation."""
    call_command("load_demo", "--no-signals")
    loaded = capsys.readouterr().out
    call_command("demo_accounts", "--json")
    conversations = json.loads(capsys.readouterr().out)["help_conversations"]
    assert len(conversations) == 4
    assert {c["language"] for c in conversations} == {"nl", "en"}
    for row in conversations:
        assert f"Demo help conversation {row['case_code']}, passphrase: {row['passphrase']}" in (
            loaded
        )
    first = conversations[0]
    response = client.post(
        "/hulp/gesprek/terug/", {"code": first["case_code"], "passphrase": first["passphrase"]}
    )
    assert response.status_code == 302 and response["Location"] == "/hulp/gesprek/lezen/"
    assert "pakketjes" in client.get("/hulp/gesprek/lezen/").content.decode()
    call_command("demo_accounts")
    table = capsys.readouterr().out
    assert first["case_code"] in table and first["passphrase"] in table


@pytest.mark.django_db
def test_a_chosen_help_passphrase_is_refused_in_production(settings):
    from django.core.exceptions import ImproperlyConfigured

    from zicht.help import services

    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        services.conversation_start(message="Hallo", language="nl", passphrase="a b c d e")


@pytest.mark.django_db
def test_demo_accounts_can_log_in_with_printed_secret(client):
    from base64 import b32decode

    from django_otp.oath import totp

    from zicht.accounts.demo import demo_accounts_ensure, demo_accounts_list

    demo_accounts_ensure()
    row = demo_accounts_list()[0]
    client.post(
        "/account/login/",
        {
            "login_view-current_step": "auth",
            "auth-username": row["username"],
            "auth-password": row["password"],
        },
    )
    token = f"{totp(b32decode(row['totp_secret'])):06d}"
    response = client.post(
        "/account/login/", {"login_view-current_step": "token", "token-otp_token": token}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "po_path",
    sorted(
        str(p.relative_to(REPO))
        for p in (REPO / "src/zicht").glob("**/locale/nl/LC_MESSAGES/django.po")
    ),
)
def test_dutch_translation_is_complete(po_path):
    po = (REPO / po_path).read_text(encoding="utf-8")
    blocks = po.split("\n\n")[1:]
    untranslated = [
        b
        for b in blocks
        if 'msgstr ""' in b and 'msgstr ""\n"' not in b and "#~" not in b and "msgstr[" not in b
    ]
    fuzzy = [b for b in blocks if "#, fuzzy" in b]
    assert not untranslated, untranslated[:3]
    assert not fuzzy, fuzzy[:3]


@pytest.mark.django_db
def test_demo_data_has_signals_matches_and_referrals(capsys):
    from zicht.coordination.models import Referral
    from zicht.intake.models import Signal
    from zicht.linkage.models import Match

    call_command("load_demo", "--population", "150", "--seed", "3")
    signals, matches, referrals = (
        Signal.objects.count(),
        Match.objects.count(),
        Referral.objects.count(),
    )
    assert signals > 50 and matches > 0 and referrals > 0
    # The national estimate is computed during the load, so the first dashboard visit
    # finds it in the cache instead of computing it.
    from zicht.insight.models import EstimateCache

    assert EstimateCache.objects.exists()
    call_command("load_demo", "--population", "150", "--seed", "3")  # idempotent
    assert (Signal.objects.count(), Match.objects.count(), Referral.objects.count()) == (
        signals,
        matches,
        referrals,
    )


@pytest.mark.django_db
def test_demo_includes_young_adults_and_nothing_the_next_purge_removes(capsys):
    from zicht.intake.models import Signal
    from zicht.intake.services import purge_expired

    call_command("load_demo", "--population", "150", "--seed", "3")
    ages = set(Signal.objects.values_list("age_at_contact", flat=True))
    assert min(ages) >= 8 and max(ages) <= 27
    assert ages & set(range(23, 28)), ages  # young adults of 23-27 are in the demo
    assert purge_expired(dry_run=True) == 0


@pytest.mark.django_db
def test_demo_shows_every_step_of_the_coordination_path_and_the_help_inbox(capsys):
    """The demo files stand at every step (and the audit chain holds); the counsellor
    has conversations, one handed over for a signal to the centre's demo professional."""
    from zicht.audit.selectors import verify_chain
    from zicht.coordination.models import CareReferral, CoordinationFile
    from zicht.help.models import Conversation

    call_command("load_demo", "--population", "600", "--seed", "3")
    statuses = set(CoordinationFile.objects.values_list("status", flat=True))
    assert {"screening", "more_information", "not_victim", "assessment", "support", "closed"} <= (
        statuses
    )
    assert {"requested", "placed"} <= set(CareReferral.objects.values_list("status", flat=True))
    assert Conversation.objects.count() == 4
    assert Conversation.objects.filter(handed_over_to__name__startswith="Landelijk").count() == 1
    out = capsys.readouterr().out
    assert "Demo help conversation" in out and "passphrase" in out
    assert verify_chain()[1] is None
    _assert_demo_history_spans_18_months()
    call_command("load_demo", "--population", "600", "--seed", "3")  # idempotent
    assert Conversation.objects.count() == 4


def _assert_demo_history_spans_18_months():
    """The demo tells a story over 18 months: signals recorded over that time, files
    opened with their referrals, some overdue in the inbox, some screened late, care at
    several providers, and management figures with real medians."""
    import datetime as dt

    from django.db.models import F
    from django.utils import timezone

    from zicht.accounts import selectors as account_selectors
    from zicht.coordination.indicators import screening_indicators
    from zicht.coordination.models import CareReferral, CoordinationFile
    from zicht.intake.models import Signal

    today = timezone.localdate()
    contacts = sorted(Signal.objects.values_list("contact_date", flat=True))
    assert today - dt.timedelta(days=548) <= contacts[0] <= today - dt.timedelta(days=400)
    recorded = sorted(d.date() for d in Signal.objects.values_list("created_at", flat=True))
    assert recorded[0] <= today - dt.timedelta(days=400) and recorded[-1] <= today
    assert not Signal.objects.filter(created_at__date__lt=F("contact_date")).exists()
    opened = sorted(CoordinationFile.objects.values_list("opened_on", flat=True))
    assert opened[0] <= today - dt.timedelta(days=180), opened[0]
    files = CoordinationFile.objects
    assert files.filter(screened_on__isnull=True, screening_deadline__lt=today).exists()
    assert files.filter(screened_on__gt=F("screening_deadline")).exists()
    assert files.filter(screened_on__lte=F("screening_deadline")).exists()
    assert not files.filter(screened_on__lt=F("opened_on")).exists()
    assert CareReferral.objects.values("provider").distinct().count() >= 3
    coordinator = account_selectors.coordinators().order_by("pk").first()
    rows = [r for r in screening_indicators(membership=coordinator) if r.screened]
    assert any(r.median_working_days and r.median_working_days > 1 for r in rows), rows
    assert any(r.share_within_deadline is not None and r.share_within_deadline < 1 for r in rows)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--population", "-1"], "--population must be zero or more."),
        (["--seed", "-1"], "--seed must be zero or more."),
    ],
)
def test_load_demo_refuses_bad_arguments_in_one_line(arguments, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("load_demo", *arguments)


def test_load_demo_is_refused_in_production(settings):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("load_demo", "--no-signals")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "language", "landing"),
    [("/en/accounts/members/", "nl", "/accounts/members/"), ("/audit/", "en", "/en/audit/")],
)
def test_the_language_switch_works_both_ways(client, page, language, landing):
    """Regression: from an /en/ page, 'Nederlands' used to reload the English page."""
    from zicht.core.templatetags.zicht_i18n import without_language_prefix

    response = client.post(
        "/i18n/setlang/", {"language": language, "next": without_language_prefix(page)}
    )
    assert response.status_code == 302
    assert response["Location"] == landing


@pytest.mark.django_db
def test_the_language_switch_posts_the_address_without_its_prefix(client):
    html = client.get("/en/account/login/").content.decode()
    assert '<input name="next" type="hidden" value="/account/login/">' in html


@pytest.mark.django_db
def test_load_demo_keeps_the_console_readable(caplog):
    """The audit events of the demo load go to the database, not one log line each."""
    from zicht.audit.models import AuditEvent

    with caplog.at_level(logging.INFO, logger="zicht.audit"):
        call_command("load_demo", "--population", "60", "--seed", "3")
    assert AuditEvent.objects.count() > 50
    assert not [r for r in caplog.records if r.name == "zicht.audit" and r.levelno < 30]


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"ZICHT_AGE_MIN": "30"}, "ZICHT_AGE_MIN (30) must be at least 0 and not above"),
        ({"ZICHT_AGE_MAX": "150"}, "ZICHT_AGE_MAX must be below 120, not 150."),
        ({"ZICHT_AGE_MAX": "twenty"}, "ZICHT_AGE_MAX must be a whole number, not 'twenty'."),
    ],
)
def test_age_bounds_are_checked_at_start_up(tmp_path, environment, message):
    result = _settings_in_subprocess(tmp_path, **environment)
    assert result.returncode != 0
    assert message in result.stderr


def test_operators_set_the_age_bounds_through_the_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    env.update(
        ZICHT_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="zicht.conf.settings",
        ZICHT_AGE_MIN="10",
        ZICHT_AGE_MAX="24",
    )
    code = (
        "import django; django.setup(); from django.utils import translation; "
        "from zicht.core import ages; translation.activate('en'); "
        "print(ages.age_min(), ages.age_max()); print(ages.age_error(25))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    bounds, message = result.stdout.splitlines()
    assert bounds == "10 24"
    assert (
        message
        == "Zicht is for young people aged 10 to 24: this young person is 25, older than 24."
    )


@pytest.mark.django_db
def test_the_front_page_links_to_the_public_figures(client):
    page = client.get("/").content.decode()
    assert 'href="/cijfers/"' in page
    assert "Jaarcijfers over mogelijke slachtoffers" in page
