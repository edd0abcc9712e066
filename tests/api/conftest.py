"""Fixtures for the partner API: keys per organisation and clients that use them."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.intake.conftest import signal_post
from zicht.accounts.constants import Role
from zicht.api import scopes
from zicht.api import services as api_services

ALL_SCOPES = list(scopes.SCOPES)
# Strings of the example identity (tests/intake/conftest.py) that must never leak.
IDENTITY_STRINGS = ("Mohamed", "Amrani", "2010-04-03", "111222333")


@pytest.fixture(autouse=True)
def _fresh_throttle_cache(db):
    # Nothing of the API lives in the cache now (rate limits: core.RateCounter, rolled back
    # with each test); cleared so a test never sees what an earlier one cached.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_key(make_member):
    """make_key(professional, scopes=[...]) -> (OrganisationAPIKey, raw key)."""

    def make(contact, scopes=None, **kwargs):
        from tests.factories import TOTPDeviceFactory

        if not contact.user.totpdevice_set.filter(confirmed=True).exists():
            TOTPDeviceFactory(user=contact.user)  # a key's contact has enrolled two-factor
        admin = make_member(role=Role.ORG_ADMIN, organisation=contact.organisation)
        return api_services.api_key_create(
            by=admin,
            name=kwargs.pop("name", "Case system"),
            contact=contact,
            scopes=ALL_SCOPES if scopes is None else scopes,
            **kwargs,
        )

    return make


def key_client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture
def partner(make_member, make_key):
    """A professional, an all-scopes key for them and a client using it."""
    from tests.factories import OrganisationFactory

    def make(name=None, scopes=None):
        organisation = OrganisationFactory(**({"name": name} if name else {}))
        member = make_member(role=Role.PROFESSIONAL, organisation=organisation)
        key, raw = make_key(member, scopes=scopes)
        return member, key, key_client(raw)

    return make


def api_signal(**overrides) -> dict:
    """A create-signal request body with a plaintext identity (the web example data)."""
    flat = signal_post(**overrides)
    identity_fields = (
        "given_names",
        "surname",
        "date_of_birth",
        "age_estimate",
        "sex",
        "bsn",
        "municipality",
        "alias",
        "phone",
    )
    identity = {k: flat.pop(k) for k in identity_fields if k in flat}
    return {**flat, "identity": identity}
