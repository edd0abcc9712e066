"""Shared fixtures: members per role, clients logged in with a verified second factor."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from tests.factories import MembershipFactory, OrganisationFactory, TOTPDeviceFactory
from zicht.accounts.constants import Role


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = True


def verified_client(client, user):
    """Log ``user`` in on the test client as if they had passed the TOTP step."""
    device = user.totpdevice_set.first() or TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def make_member(db):
    def make(role=Role.PROFESSIONAL, organisation=None, **kwargs):
        organisation = organisation or OrganisationFactory()
        return MembershipFactory(role=role, organisation=organisation, **kwargs)

    return make


@pytest.fixture
def login(client):
    def do(membership_or_user):
        user = getattr(membership_or_user, "user", membership_or_user)
        return verified_client(client, user)

    return do
