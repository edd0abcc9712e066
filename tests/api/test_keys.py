"""API keys: created and revoked by organisation administrators, stored hashed, scoped."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.api.conftest import key_client
from zicht.access.policy import API_ENDPOINTS, Audience, Scope, action_for_endpoint
from zicht.accounts.constants import Role
from zicht.api import scopes
from zicht.api.models import OrganisationAPIKey
from zicht.api.urls import router
from zicht.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SIGNALS = "/api/v1/signals/"


@pytest.fixture
def admin_and_professional(make_member):
    from tests.factories import TOTPDeviceFactory

    admin = make_member(role=Role.ORG_ADMIN)
    professional = make_member(role=Role.PROFESSIONAL, organisation=admin.organisation)
    TOTPDeviceFactory(user=professional.user)
    return admin, professional


def test_admin_creates_a_key_shown_once_and_stored_hashed(admin_and_professional, login):
    admin, professional = admin_and_professional
    client = login(admin)
    form = client.get(reverse("api:key_create"))
    assert form.status_code == 200
    response = client.post(
        reverse("api:key_create"),
        {"name": "Zaaksysteem", "contact": professional.pk, "scopes": ["signals:read"]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw_key"]
    assert raw in response.content.decode()
    key = OrganisationAPIKey.objects.get()
    assert key.organisation == admin.organisation and key.contact == professional
    assert key.scopes == ["signals:read"] and key.created_by == admin.user
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_organisationapikey")
        stored = " ".join(str(v) for v in cursor.fetchone())
    assert raw not in stored and raw.split(".", 1)[1] not in stored
    listing = client.get(reverse("api:key_list")).content.decode()
    assert key.prefix in listing and raw not in listing
    assert AuditEvent.objects.filter(action="api.key_created", object_id=key.prefix).exists()
    assert key_client(raw).get(SIGNALS).status_code == 200


def test_home_links_to_the_key_pages(admin_and_professional, login):
    admin, _ = admin_and_professional
    assert reverse("api:key_list") in login(admin).get(reverse("portal:home")).content.decode()


def test_revoked_key_stops_working(admin_and_professional, login, make_key):
    admin, professional = admin_and_professional
    key, raw = make_key(professional)
    client = key_client(raw)
    assert client.get(SIGNALS).status_code == 200
    response = login(admin).post(reverse("api:key_revoke", args=[key.prefix]))
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked and key.revoked_by == admin.user
    refused = client.get(SIGNALS)
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["WWW-Authenticate"].startswith("Api-Key")
    assert AuditEvent.objects.filter(action="api.key_revoked", object_id=key.prefix).exists()


def test_only_own_organisations_admin_manages_keys(make_member, login, make_key):
    professional = make_member(role=Role.PROFESSIONAL)
    key, _ = make_key(professional)
    outsider_admin = make_member(role=Role.ORG_ADMIN)
    response = login(outsider_admin).post(reverse("api:key_revoke", args=[key.prefix]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action="api.key_not_found", actor_id=outsider_admin.user_id
    ).exists()
    assert login(professional).get(reverse("api:key_list")).status_code == 403
    assert AuditEvent.objects.filter(
        action="api.key_admin_denied", actor_id=professional.user_id
    ).exists()
    key.refresh_from_db()
    assert not key.revoked


def test_contact_must_be_a_professional_of_the_organisation(
    admin_and_professional, make_member, login
):
    admin, _ = admin_and_professional
    stranger = make_member(role=Role.PROFESSIONAL)
    response = login(admin).post(
        reverse("api:key_create"),
        {"name": "X", "contact": stranger.pk, "scopes": ["signals:read"]},
    )
    assert response.status_code == 200 and "contact" in response.context["form"].errors
    assert not OrganisationAPIKey.objects.exists()


@pytest.mark.parametrize(
    "header", ["", "Api-Key ", "Api-Key nope.nope", "Bearer abc", "Api-Key{raw}x"]
)
def test_missing_or_bad_key_is_401(make_member, make_key, client, header):
    _, raw = make_key(make_member())
    kwargs = {"HTTP_AUTHORIZATION": header.format(raw=raw)} if header else {}
    response = client.get(SIGNALS, **kwargs)
    assert response.status_code == 401
    assert response.json()["type"] in (
        "urn:zicht:problem:not-authenticated",
        "about:blank",
    )


def test_expired_key_and_inactive_contact_are_refused(make_member, make_key):
    professional = make_member()
    _, expired = make_key(professional, expiry_date=timezone.now() + dt.timedelta(seconds=1))
    OrganisationAPIKey.objects.update(expiry_date=timezone.now() - dt.timedelta(minutes=1))
    assert key_client(expired).get(SIGNALS).status_code == 401
    _, raw = make_key(professional)
    assert key_client(raw).get(SIGNALS).status_code == 200
    professional.is_active = False
    professional.save()
    assert key_client(raw).get(SIGNALS).status_code == 401


def test_scope_is_required_per_action(partner):
    _, _, client = partner(scopes=["signals:read"])
    assert client.get(SIGNALS).status_code == 200
    response = client.post(SIGNALS, {}, format="json")
    assert response.status_code == 403
    assert response.json()["type"] == "urn:zicht:problem:insufficient-scope"
    assert "signals:write" in response.json()["detail"]
    assert client.get("/api/v1/matches/").status_code == 403
    assert AuditEvent.objects.filter(action="api.scope_denied").count() == 2


def _endpoints() -> list[tuple[str, str, str]]:
    """(endpoint, method, path) of every routed viewset action of the partner API."""
    # No such objects: the scope is checked before the object is looked up. Fixed ids,
    # so that every pytest-xdist worker collects the same tests.
    ids = {"signal": "00000000-0000-4000-8000-000000000000", "match": "999999"}
    found = []
    for _prefix, viewset, basename in router.registry:
        for route in router.get_routes(viewset):
            name = "api:" + route.name.format(basename=basename)
            kwargs = {"pk": ids[basename]} if "{lookup}" in route.url else {}
            for method, action in route.mapping.items():
                if hasattr(viewset, action):
                    found.append((f"{basename}.{action}", method, reverse(name, kwargs=kwargs)))
    return found


def test_every_routed_action_has_a_scope_in_the_access_policy():
    routed = {endpoint for endpoint, _method, _path in _endpoints()}
    assert routed == set(API_ENDPOINTS), "give each endpoint an action in policy.API_ENDPOINTS"
    for endpoint in routed:
        rule = action_for_endpoint(*endpoint.split("."))
        assert rule.audience is Audience.API_KEY, endpoint
        assert rule.scope in set(Scope), endpoint
        # HasRequiredScope records this event for every refusal.
        assert rule.denied_event == "api.scope_denied", endpoint
    # The key form words every scope the policy knows, and no other.
    assert list(scopes.SCOPES) == [scope.value for scope in Scope]


@pytest.mark.parametrize(("endpoint", "method", "path"), _endpoints())
def test_a_key_without_the_policy_scope_is_refused_and_audited(partner, endpoint, method, path):
    required = action_for_endpoint(*endpoint.split(".")).scope
    member, key, client = partner(scopes=[s for s in scopes.SCOPES if s != required])
    response = getattr(client, method)(path, {}, format="json")
    assert response.status_code == 403
    assert response.json()["type"] == "urn:zicht:problem:insufficient-scope"
    assert required in response.json()["detail"]
    event = AuditEvent.objects.get(action="api.scope_denied")
    assert event.object_id == key.prefix
    assert event.details == {"action": endpoint, "scope": required}
    # The same request with the scope gets past the check (to the view's own answer).
    _, _, allowed = partner(scopes=[required])
    assert getattr(allowed, method)(path, {}, format="json").status_code != 403


@pytest.mark.parametrize(
    ("expires_on", "ok"),
    [
        ("9999-12-31", False),  # was an OverflowError: 500
        ("far", False),
        ("years+1", False),
        ("years", True),
        ("today", True),
        ("yesterday", False),
    ],
)
def test_key_expiry_is_today_up_to_two_years_ahead(admin_and_professional, login, expires_on, ok):
    from zicht.api.forms import latest_expiry

    admin, professional = admin_and_professional
    today = timezone.localdate()
    day = {
        "far": today + dt.timedelta(days=5 * 365),
        "years+1": latest_expiry(today) + dt.timedelta(days=1),
        "years": latest_expiry(today),
        "today": today,
        "yesterday": today - dt.timedelta(days=1),
    }.get(expires_on)
    response = login(admin).post(
        reverse("api:key_create"),
        {
            "name": "Zaaksysteem",
            "contact": professional.pk,
            "scopes": ["signals:read"],
            "expires_on": day.isoformat() if day else expires_on,
        },
    )
    assert response.status_code == 200
    if ok:
        assert "raw_key" in response.context
        expiry = timezone.localtime(OrganisationAPIKey.objects.get().expiry_date)
        assert expiry.date() == day + dt.timedelta(days=1)
    else:
        errors = response.context["form"].errors
        assert list(errors) == ["expires_on"]
        if day is None or day > today:
            assert "hoogstens twee jaar" in errors["expires_on"][0]
        assert not OrganisationAPIKey.objects.exists()


def test_the_service_refuses_a_key_valid_for_longer_than_two_years(admin_and_professional):
    from django.core.exceptions import ValidationError

    from zicht.api import services as api_services

    admin, professional = admin_and_professional
    with pytest.raises(ValidationError):
        api_services.api_key_create(
            by=admin,
            name="X",
            contact=professional,
            scopes=["signals:read"],
            expiry_date=timezone.now() + dt.timedelta(days=3 * 365),
        )
    assert not OrganisationAPIKey.objects.exists()


def test_a_contact_who_has_not_enrolled_two_factor_is_refused(make_member, login):
    """The contact authors what the key records: only a member who enrolled two-factor.
    The form does not offer them, and a forged POST is refused with nothing written."""
    from django.core.exceptions import ValidationError

    from tests.factories import TOTPDeviceFactory
    from zicht.api import services as api_services

    admin = make_member(role=Role.ORG_ADMIN)
    unenrolled = make_member(role=Role.PROFESSIONAL, organisation=admin.organisation)
    enrolled = make_member(role=Role.PROFESSIONAL, organisation=admin.organisation)
    TOTPDeviceFactory(user=enrolled.user)
    unconfirmed = make_member(role=Role.PROFESSIONAL, organisation=admin.organisation)
    TOTPDeviceFactory(user=unconfirmed.user, confirmed=False)
    client = login(admin)
    form = client.get(reverse("api:key_create")).content.decode()
    assert f'value="{enrolled.pk}"' in form
    assert f'value="{unenrolled.pk}"' not in form and f'value="{unconfirmed.pk}"' not in form
    for contact in (unenrolled, unconfirmed):
        response = client.post(
            reverse("api:key_create"),
            {"name": "Zaaksysteem", "contact": contact.pk, "scopes": ["signals:read"]},
        )
        assert response.status_code == 200
        assert "contact" in response.context["form"].errors
        with pytest.raises(ValidationError, match="twee"):
            api_services.api_key_create(
                by=admin, name="X", contact=contact, scopes=["signals:read"]
            )
    assert not OrganisationAPIKey.objects.exists()


def test_a_deactivated_contact_is_refused(make_member):
    from django.core.exceptions import ValidationError

    from tests.factories import TOTPDeviceFactory
    from zicht.api import services as api_services

    admin = make_member(role=Role.ORG_ADMIN)
    contact = make_member(role=Role.PROFESSIONAL, organisation=admin.organisation)
    TOTPDeviceFactory(user=contact.user)
    contact.is_active = False
    contact.save()
    with pytest.raises(ValidationError):
        api_services.api_key_create(by=admin, name="X", contact=contact, scopes=["signals:read"])
    assert not OrganisationAPIKey.objects.exists()
