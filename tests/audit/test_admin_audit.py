"""Changes through the Django admin are audit events, with field names and no values."""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.db import connection

from tests.conftest import verified_client
from tests.factories import MembershipFactory, TOTPDeviceFactory, UserFactory
from zicht.accounts.constants import Role
from zicht.accounts.models import Membership, Organisation
from zicht.audit.admin_audit import AuditedAdminMixin
from zicht.audit.models import AuditEvent
from zicht.audit.selectors import verify_chain


class _FormFields(HTMLParser):
    """The values a browser would submit for the admin's change form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if a.get("type") == "checkbox" else ""
            self.data.setdefault(name, []).append(a.get("value") or default)
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data.lstrip("\n")


def form_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.content.decode())
    return {k: v if len(v) > 1 else v[0] for k, v in parser.data.items() if v}


@pytest.fixture
def superuser_client(db, client):
    user = UserFactory(is_superuser=True, is_staff=True, username="beheerder")
    return verified_client(client, user), user


def events_after(seq, action=None):
    qs = AuditEvent.objects.filter(seq__gt=seq).order_by("seq")
    return list(qs.filter(action=action) if action else qs)


def last_seq():
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def audit_table_text():
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent")
        return " ".join(str(v) for row in cursor.fetchall() for v in row)


def test_promoting_a_member_to_administrator_in_the_admin_is_an_audit_event(superuser_client):
    client, admin_user = superuser_client
    membership = MembershipFactory(role=Role.PROFESSIONAL)
    url = f"/admin/accounts/membership/{membership.pk}/change/"
    data = form_of(client, url)
    data["role"] = Role.ORG_ADMIN
    start = last_seq()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.role == Role.ORG_ADMIN
    [event] = events_after(start, "admin.object_changed")
    assert event.actor_id == admin_user.pk
    assert event.object_type == "accounts.membership"
    assert event.object_id == str(membership.pk)
    assert event.organisation_id == membership.organisation_id
    assert event.details == {"fields": ["role"]}
    assert verify_chain()[1] is None


def test_a_user_change_records_field_names_never_identity_values(superuser_client):
    client, _ = superuser_client
    membership = MembershipFactory(role=Role.PROFESSIONAL)
    user = membership.user
    old = (user.first_name, user.last_name, user.email)
    url = f"/admin/accounts/user/{user.pk}/change/"
    data = form_of(client, url)
    data.update(first_name="Zeynep", last_name="Oudewater", email="z.oudewater@example.org")
    data["memberships-0-role"] = Role.ORG_ADMIN  # the membership inline on the same page
    start = last_seq()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.last_name == "Oudewater"
    events = events_after(start)
    assert [(e.action, e.object_type) for e in events] == [
        ("admin.object_changed", "accounts.user"),
        ("admin.object_changed", "accounts.membership"),
    ]
    assert events[0].details == {"fields": ["email", "first_name", "last_name"]}
    assert events[1].details == {
        "fields": ["role"],
        "parent_type": "accounts.user",
        "parent_id": str(user.pk),
    }
    assert events[1].organisation_id == membership.organisation_id
    text = audit_table_text()
    for value in (*old, "Zeynep", "Oudewater", "z.oudewater@example.org"):
        assert value not in text


def test_a_password_set_in_the_admin_is_recorded_as_one_field(superuser_client):
    client, _ = superuser_client
    user = UserFactory()
    start = last_seq()
    response = client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "Nieuw-wachtwoord-456!", "password2": "Nieuw-wachtwoord-456!"},
    )
    assert response.status_code == 302
    [event] = events_after(start)
    assert event.details == {"fields": ["password"]}
    assert "Nieuw-wachtwoord" not in audit_table_text()


def test_organisation_add_change_and_delete_in_the_admin_are_audit_events(superuser_client):
    client, _ = superuser_client
    data = form_of(client, "/admin/accounts/organisation/add/")
    data.update(name="Jeugdzorg Noord", type="youth_care", municipality="GM0599")
    from zicht.accounts.models import Municipality

    data["municipality"] = str(Municipality.objects.get(code="GM0599").pk)
    start = last_seq()
    response = client.post("/admin/accounts/organisation/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    organisation = Organisation.objects.get(name="Jeugdzorg Noord")
    [added] = events_after(start)
    assert (added.action, added.object_type, added.object_id) == (
        "admin.object_added",
        "accounts.organisation",
        str(organisation.pk),
    )
    assert added.organisation_id == organisation.pk
    assert "name" in added.details["fields"]

    url = f"/admin/accounts/organisation/{organisation.pk}/change/"
    data = form_of(client, url)
    data["name"] = "Jeugdzorg Zuid"
    start = last_seq()
    assert client.post(url, data).status_code == 302
    [changed] = events_after(start)
    assert changed.action == "admin.object_changed" and changed.details == {"fields": ["name"]}

    start = last_seq()
    response = client.post(
        f"/admin/accounts/organisation/{organisation.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    [deleted] = events_after(start)
    assert (deleted.action, deleted.object_id) == ("admin.object_deleted", str(organisation.pk))
    text = audit_table_text()
    assert "Jeugdzorg" not in text
    assert verify_chain()[1] is None


def test_removing_a_membership_inline_records_its_id(superuser_client):
    client, _ = superuser_client
    membership = MembershipFactory()
    user = membership.user
    url = f"/admin/accounts/user/{user.pk}/change/"
    data = form_of(client, url)
    data["memberships-0-DELETE"] = "on"
    start = last_seq()
    assert client.post(url, data).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    deleted = events_after(start, "admin.object_deleted")
    assert [(e.object_type, e.object_id) for e in deleted] == [
        ("accounts.membership", str(membership.pk))
    ]


def test_every_admin_records_audit_events_including_the_libraries(superuser_client):
    assert admin.site._registry
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedAdminMixin), model._meta.label
    # A library's admin: removing someone's authenticator through /admin/.
    client, _ = superuser_client
    device = TOTPDeviceFactory()
    start = last_seq()
    response = client.post(
        "/admin/otp_totp/totpdevice/",
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )
    assert response.status_code == 302
    [event] = events_after(start)
    assert (event.action, event.object_type, event.object_id) == (
        "admin.object_deleted",
        "otp_totp.totpdevice",
        str(device.pk),
    )
