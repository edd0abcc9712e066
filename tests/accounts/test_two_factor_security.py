"""Re-authentication before two-factor changes, and backup codes stored hashed, shown once
(issue 10, "Accounts and keys")."""

import time
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from tests.accounts.test_login import LOGIN, code, post_auth, post_token
from tests.conftest import verified_client
from tests.factories import PASSWORD, MembershipFactory, TOTPDeviceFactory
from zicht.accounts.reauth import SESSION_KEY
from zicht.accounts.security import hash_backup_code, is_hashed_backup_code
from zicht.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

DISABLE = "/account/two_factor/disable/"
BACKUP = "/account/two_factor/backup/tokens/"
CONFIRM = "/accounts/password/confirm/"


@pytest.fixture
def member():
    membership = MembershipFactory()
    TOTPDeviceFactory(user=membership.user)
    return membership


def _password_given(client, seconds_ago):
    session = client.session
    session[SESSION_KEY] = int(time.time()) - seconds_ago
    session.save()


def test_removing_the_authenticator_needs_the_password_again(member):
    client = verified_client(Client(), member.user)  # a session without a recent password
    response = client.get(DISABLE)
    assert response.status_code == 302
    assert response["Location"] == f"{CONFIRM}?{urlencode({'next': DISABLE})}"
    # A POST straight to the removal changes nothing either.
    client.post(DISABLE, {"understand": "on"})
    assert member.user.totpdevice_set.exists()

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Bevestig je wachtwoord" in page.content.decode()
    wrong = client.post(CONFIRM, {"password": "niet-het-wachtwoord", "next": DISABLE})
    assert wrong.status_code == 400
    assert "Dit is niet je wachtwoord." in wrong.content.decode()
    assert client.get(DISABLE).status_code == 302
    assert AuditEvent.objects.filter(
        action="auth.reauthentication_failed", actor_id=member.user_id
    ).exists()

    right = client.post(CONFIRM, {"password": PASSWORD, "next": DISABLE})
    assert right.status_code == 302 and right["Location"] == DISABLE
    assert AuditEvent.objects.filter(action="auth.reauthenticated", actor_id=member.user_id)
    assert client.get(DISABLE).status_code == 200
    client.post(DISABLE, {"understand": "on"})
    assert not member.user.totpdevice_set.exists()


def test_the_confirmed_password_holds_for_a_few_minutes(member, settings):
    settings.ZICHT_REAUTH_MINUTES = 5
    client = verified_client(Client(), member.user)
    _password_given(client, 4 * 60)
    assert client.get(BACKUP).status_code == 200
    _password_given(client, 6 * 60)
    assert client.get(BACKUP).status_code == 302
    # A timestamp in the future (a tampered or restored session) does not count.
    _password_given(client, -3600)
    assert client.get(BACKUP).status_code == 302


def test_logging_in_counts_as_a_recent_password(member):
    client = Client()
    post_auth(client, member.user.username)
    post_token(client, code(member.user.totpdevice_set.get()))
    assert client.get(BACKUP).status_code == 200
    assert client.get(DISABLE).status_code == 200


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_the_confirmation_returns_only_to_this_site(member, next_url):
    client = verified_client(Client(), member.user)
    response = client.post(CONFIRM, {"password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor:profile")


def test_backup_codes_are_stored_hashed_and_shown_once(member):
    client = verified_client(Client(), member.user)
    _password_given(client, 0)
    response = client.post(BACKUP)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    page = response.content.decode()
    assert all(c in page for c in codes)
    assert "alleen deze ene keer" in page

    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM otp_static_statictoken")
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 10
    assert all(is_hashed_backup_code(token) for token in stored)
    assert not {c for c in codes} & set(stored)
    assert sorted(stored) == sorted(hash_backup_code(c) for c in codes)

    again = client.get(BACKUP).content.decode()
    assert not any(c in again for c in codes)
    assert "Je hebt nog 10 ongebruikte reservecodes." in again
    event = AuditEvent.objects.get(action="auth.backup_codes_generated", actor_id=member.user_id)
    assert not any(c in str(event.details) for c in codes)


def test_a_backup_code_logs_in_once(member):
    client = verified_client(Client(), member.user)
    _password_given(client, 0)
    first, second = client.post(BACKUP).context["codes"][:2]
    client.post(reverse("accounts:logout"))

    def log_in_with(backup_code):
        browser = Client()
        post_auth(browser, member.user.username)
        response = browser.post(
            LOGIN, {"login_view-current_step": "backup", "backup-otp_token": backup_code}
        )
        return browser, response

    browser, response = log_in_with(first.upper())  # as printed or typed, any case
    assert response.status_code == 302
    assert browser.get(reverse("portal:home")).context["user"].is_verified()
    _, reused = log_in_with(first)
    assert reused.status_code == 200  # the form again: a used code is gone
    assert "_auth_user_id" not in reused.wsgi_request.session
    assert StaticToken.objects.filter(device__user=member.user).count() == 9
    # (django-otp throttles the device for a second after a failure; wait that out.)
    StaticDevice.objects.filter(user=member.user).update(throttling_failure_timestamp=None)
    assert log_in_with(f"{second[:4]} {second[4:]}")[1].status_code == 302


def test_generating_again_replaces_the_old_codes(member):
    client = verified_client(Client(), member.user)
    _password_given(client, 0)
    old = client.post(BACKUP).context["codes"]
    new = client.post(BACKUP).context["codes"]
    assert not set(old) & set(new)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == {hash_backup_code(c) for c in new}


def test_the_migration_hashes_existing_plain_codes(member):
    """Codes made before hashing (django-otp's plain StaticToken) are hashed in place and
    still work."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("zicht.accounts.migrations.0003_hash_backup_codes")
    device = StaticDevice.objects.create(user=member.user, name="backup", confirmed=True)
    plain = StaticToken.random_token()
    device.token_set.create(token=plain)
    already = device.token_set.create(token=hash_backup_code("abcdefgh"))
    migration.hash_plain_codes(apps, None)
    migration.hash_plain_codes(apps, None)  # idempotent
    tokens = set(device.token_set.values_list("token", flat=True))
    assert tokens == {hash_backup_code(plain), already.token}
    browser = Client()
    post_auth(browser, member.user.username)
    response = browser.post(LOGIN, {"login_view-current_step": "backup", "backup-otp_token": plain})
    assert response.status_code == 302
