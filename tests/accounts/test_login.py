"""Password + TOTP login, failures, lockout, reuse of codes, session expiry."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from tests.factories import PASSWORD, MembershipFactory, TOTPDeviceFactory
from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent

LOGIN = "/account/login/"


def post_auth(client, username, password=PASSWORD):
    return client.post(
        LOGIN,
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
    )


def post_token(client, token):
    return client.post(LOGIN, {"login_view-current_step": "token", "token-otp_token": token})


def code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


@pytest.fixture
def member(db):
    membership = MembershipFactory(role=Role.PROFESSIONAL)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.mark.django_db
def test_login_with_password_and_totp(member):
    client = Client()
    response = post_auth(client, member.user.username)
    assert response.status_code == 200  # now asks for the token
    assert b"token-otp_token" in response.content
    device = member.user.totpdevice_set.get()
    response = post_token(client, code(device))
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor_id=member.user_id).exists()


@pytest.mark.django_db
def test_wrong_password_is_refused_and_audited(member):
    client = Client()
    response = post_auth(client, member.user.username, "wrong-password")
    assert response.status_code == 200
    assert b"token-otp_token" not in response.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_failed", actor_id=member.user_id).exists()


@pytest.mark.django_db
def test_unknown_user_failure_is_audited_without_username(db):
    client = Client()
    post_auth(client, "niemand@example.org", "whatever-password")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor_id is None
    assert "niemand" not in str(event.details)


@pytest.mark.django_db
def test_wrong_and_reused_totp_codes_are_refused(member):
    device = member.user.totpdevice_set.get()
    client = Client()
    post_auth(client, member.user.username)
    response = post_token(client, "000000" if code(device) != "000000" else "111111")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.otp_failed").exists()

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    good = code(device)
    assert post_token(client, good).status_code == 302
    # The same code cannot be used for a second login.
    other = Client()
    post_auth(other, member.user.username)
    response = post_token(other, good)
    assert response.status_code == 200
    assert "_auth_user_id" not in other.session


@pytest.mark.django_db
def test_lockout_after_repeated_failures(member, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_auth(client, member.user.username, "wrong-password").status_code == 200
    assert post_auth(client, member.user.username, "wrong-password").status_code == 429
    response = post_auth(client, member.user.username)  # even the right password
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()


@pytest.mark.django_db
def test_deactivated_member_cannot_log_in(member):
    member.is_active = False
    member.save()
    client = Client()
    response = post_auth(client, member.user.username)
    assert (
        b"geen actieve organisatie" in response.content
        or b"no active organisation" in response.content
    )
    assert AuditEvent.objects.filter(action="auth.login_refused_no_membership").exists()


@pytest.mark.django_db
def test_user_without_device_must_enrol(db):
    membership = MembershipFactory()
    client = Client()
    post_auth(client, membership.user.username)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor:setup")
    # Everything else is closed too until enrolment.
    assert client.get(reverse("accounts:organisation_select"))["Location"] == reverse(
        "two_factor:setup"
    )


@pytest.mark.django_db
def test_enrolment_with_qr_secret(db):
    membership = MembershipFactory()
    client = Client()
    post_auth(client, membership.user.username)
    setup = reverse("two_factor:setup")
    response = client.post(setup, {"setup_view-current_step": "welcome"})
    secret = response.context["secret_key"]
    assert client.get(reverse("two_factor:qr")).status_code == 200
    from base64 import b32decode

    key = b32decode(secret)
    token = f"{totp(key):06d}"
    response = client.post(
        setup, {"setup_view-current_step": "generator", "generator-token": token}
    )
    assert response.status_code == 302
    assert membership.user.totpdevice_set.filter(confirmed=True).exists()
    assert client.get(reverse("portal:home")).status_code == 200


@pytest.mark.django_db
def test_idle_session_expires(member, settings, login, client):
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    login(member)
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get(reverse("accounts:organisation_select"))
    assert response.status_code == 302
    assert reverse("two_factor:login") in response["Location"]


@pytest.mark.django_db
def test_forged_csrf_token_changes_nothing(member):
    from django_otp import DEVICE_ID_SESSION_KEY

    admin = MembershipFactory(role=Role.ORG_ADMIN, organisation=member.organisation)
    device = TOTPDeviceFactory(user=admin.user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    response = client.post(
        reverse("accounts:member_active", args=[member.pk]),
        {"active": "0", "csrfmiddlewaretoken": "forged"},
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.is_active
    assert AuditEvent.objects.filter(action="security.csrf_failure").exists()


@pytest.mark.django_db
def test_logout_is_post_only_and_audited(member, login, client):
    login(member)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.logout").exists()


@pytest.mark.django_db
def test_two_factor_changes_are_audited(db):
    from base64 import b32decode

    membership = MembershipFactory()
    client = Client()
    post_auth(client, membership.user.username)
    setup = reverse("two_factor:setup")
    response = client.post(setup, {"setup_view-current_step": "welcome"})
    token = f"{totp(b32decode(response.context['secret_key'])):06d}"
    client.post(setup, {"setup_view-current_step": "generator", "generator-token": token})
    assert AuditEvent.objects.filter(
        action="auth.two_factor_enrolled", actor_id=membership.user_id
    ).exists()
    client.post(reverse("two_factor:backup_tokens"))
    assert AuditEvent.objects.filter(action="auth.backup_codes_generated").exists()
    assert membership.user.staticdevice_set.get().token_set.count() == 10
    client.post(reverse("two_factor:disable"), {"understand": "on"})
    assert AuditEvent.objects.filter(action="auth.two_factor_removed").exists()
    assert not membership.user.totpdevice_set.exists()
    # Two-factor stays mandatory: straight back to enrolment.
    response = client.get(reverse("accounts:organisation_select"))
    assert response["Location"] == setup
