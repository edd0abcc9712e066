"""Every view × every role: who may reach what (organisation scoping included)."""

import pytest
from django.urls import reverse

from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent

ALL_ROLES = list(Role.values)

# view name -> roles that get 200; all other roles get 403.
VIEW_ACCESS = {
    "portal:home": ALL_ROLES,
    "accounts:organisation_select": ALL_ROLES,
    "two_factor:profile": ALL_ROLES,
    "accounts:member_list": [Role.ORG_ADMIN],
    "accounts:member_invite": [Role.ORG_ADMIN],
    "audit:list": [Role.ORG_ADMIN],
}


@pytest.mark.django_db
@pytest.mark.parametrize("view_name", sorted(VIEW_ACCESS))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_view_access_per_role(view_name, role, make_member, login):
    member = make_member(role=role)
    client = login(member)
    response = client.get(reverse(view_name))
    expected = 200 if role in VIEW_ACCESS[view_name] else 403
    assert response.status_code == expected
    if expected == 403:
        assert AuditEvent.objects.filter(
            actor_id=member.user_id, action__contains="denied"
        ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("view_name", sorted(VIEW_ACCESS))
def test_anonymous_is_sent_to_login(view_name, client):
    response = client.get(reverse(view_name))
    if view_name == "portal:home":
        assert response.status_code == 200
        assert b"Zicht" in response.content
    else:
        assert response.status_code == 302
        assert reverse("two_factor:login") in response["Location"]


@pytest.mark.django_db
def test_home_lists_role_specific_actions(make_member, login):
    admin = make_member(role=Role.ORG_ADMIN)
    response = login(admin).get(reverse("portal:home"))
    assert reverse("accounts:member_list") in response.content.decode()
    assert reverse("audit:list") in response.content.decode()


@pytest.mark.django_db
def test_professional_home_does_not_offer_member_management(make_member, login):
    member = make_member(role=Role.PROFESSIONAL)
    response = login(member).get(reverse("portal:home"))
    assert reverse("accounts:member_list") not in response.content.decode()


@pytest.mark.django_db
def test_home_in_english(make_member, login):
    member = make_member(role=Role.PROFESSIONAL)
    client = login(member)
    nl = client.get("/").content.decode()
    en = client.get("/en/").content.decode()
    assert "Wat je kunt doen" in nl or "Wat u kunt doen" in nl
    assert "What you can do" in en
