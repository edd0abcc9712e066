"""create_api_key: a key from the command line, printed once, only its hash stored."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation
from rest_framework.test import APIClient

from tests.factories import TOTPDeviceFactory
from zicht.accounts.constants import Role
from zicht.api.models import OrganisationAPIKey
from zicht.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_member):
    contact = make_member(role=Role.PROFESSIONAL)
    TOTPDeviceFactory(user=contact.user)
    admin = make_member(role=Role.ORG_ADMIN, organisation=contact.organisation)
    return contact, admin


def run(*args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("create_api_key", *args, stdout=out)
    return out.getvalue()


def base_args(contact, admin, scopes="signals:read"):
    return [
        "--organisation",
        contact.organisation.name,
        "--scopes",
        scopes,
        "--admin",
        admin.user.email,
        "--contact",
        contact.user.email,
    ]


def test_prints_a_working_key_once_and_stores_only_its_hash(people):
    contact, admin = people
    expires = (timezone.localdate().replace(day=1) + dt.timedelta(days=400)).isoformat()
    result = json.loads(run(*base_args(contact, admin), "--expires", expires, "--json"))
    assert result["expires"].startswith(expires)
    raw = result["key"]
    key = OrganisationAPIKey.objects.get(prefix=result["prefix"])
    assert key.scopes == ["signals:read"]
    assert raw not in key.hashed_key and key.is_valid(raw)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert client.get("/api/v1/signals/").status_code == 200
    event = AuditEvent.objects.get(action="api.key_created", object_id=key.prefix)
    assert event.actor_id == admin.user.pk and raw not in json.dumps(event.details)


def test_expiry_date_in_the_far_future_is_refused_by_the_service(people):
    contact, admin = people
    with pytest.raises(CommandError, match="at most two years"):
        run(*base_args(contact, admin), "--expires", "2099-01-01")
    assert not OrganisationAPIKey.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--organisation": "Bestaat niet"}, "No organisation named 'Bestaat niet'"),
        ({"--scopes": "signals:read,everything"}, "--scopes: unknown everything"),
        ({"--scopes": " , "}, "--scopes: unknown \\(none given\\)"),
        ({"--admin": "nobody@example.nl"}, "--admin: 'nobody@example.nl' is not an active"),
        ({"--contact": "ADMIN"}, "--contact: .* is not an active professional"),
        ({"--expires": "31-12-2026"}, "--expires must be a date as YYYY-MM-DD"),
        ({"--expires": "2001-01-01"}, "must be in the future"),
    ],
)
def test_bad_input_gets_one_clear_error_and_creates_nothing(people, change, message):
    contact, admin = people
    args = base_args(contact, admin)
    for option, value in change.items():
        value = admin.user.email if value == "ADMIN" else value
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not OrganisationAPIKey.objects.exists()


def test_a_contact_without_two_factor_is_refused(make_member):
    contact = make_member(role=Role.PROFESSIONAL)
    admin = make_member(role=Role.ORG_ADMIN, organisation=contact.organisation)
    with pytest.raises(CommandError, match="two-factor"):
        run(*base_args(contact, admin))
    assert not OrganisationAPIKey.objects.exists()
