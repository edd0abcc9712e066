"""The audit log page and its export as an organisation administrator reads them."""

import pytest
from django.urls import reverse
from django.utils import translation

from zicht.accounts.constants import Role
from zicht.audit import services
from zicht.audit.catalogue import AuditAction
from zicht.audit.models import AuditEvent


def _named(member, first, last):
    member.user.first_name, member.user.last_name = first, last
    member.user.save()
    return member


def _url(name, language="en"):
    with translation.override(language):
        return reverse(name)


def _page(client, **params):
    """The events table of the page (without the filter's choice lists)."""
    content = client.get(_url("audit:list"), params).content.decode()
    return content[content.index("<table") : content.index("</table>")]


@pytest.mark.django_db
def test_org_admin_sees_only_own_organisation_events(make_member, login):
    admin = make_member(role=Role.ORG_ADMIN)
    other = make_member(role=Role.ORG_ADMIN)
    services.record(
        action=AuditAction.INTAKE_SIGNAL_VIEWED, object_id=4711, organisation=admin.organisation
    )
    services.record(
        action=AuditAction.INTAKE_SIGNAL_VIEWED, object_id=4712, organisation=other.organisation
    )
    content = login(admin).get(reverse("audit:list")).content.decode()
    assert "#4711" in content
    assert "#4712" not in content


@pytest.mark.django_db
def test_a_members_login_reads_as_a_sentence_in_both_languages(make_member, login):
    admin = make_member(role=Role.ORG_ADMIN)
    priya = _named(make_member(organisation=admin.organisation), "Priya", "Pinas")
    services.record(
        action=AuditAction.AUTH_LOGIN, actor=priya.user, object_type="user", object_id=1
    )
    client = login(admin)
    assert "Priya Pinas logged in" in _page(client)
    dutch = client.get(_url("audit:list", "nl")).content.decode()
    assert "Priya Pinas is ingelogd" in dutch


@pytest.mark.django_db
def test_login_events_of_other_organisations_stay_out_of_sight(make_member, login):
    admin = make_member(role=Role.ORG_ADMIN)
    _named(make_member(organisation=admin.organisation), "Priya", "Pinas")
    stranger = _named(make_member(role=Role.PROFESSIONAL), "Sam", "Vreemd")
    services.record(action=AuditAction.AUTH_LOGIN, actor=stranger.user, object_type="user")
    services.record(action=AuditAction.AUTH_OTP_FAILED, actor=stranger.user, object_type="user")
    services.record(action=AuditAction.AUTH_LOGIN_FAILED, object_type="user")  # nobody known
    content = _page(login(admin))
    assert "Sam Vreemd" not in content and stranger.user.username not in content
    assert "Failed login" not in content


@pytest.mark.django_db
def test_a_viewed_signal_is_named_by_reference_never_by_identity(make_member, login, make_signal):
    admin = make_member(role=Role.ORG_ADMIN)
    priya = _named(make_member(organisation=admin.organisation), "Priya", "Pinas")
    signal = make_signal(priya, given="Mohamed", surname="El Amrani")
    services.record(
        action="intake.signal_viewed",
        actor=priya.user,
        organisation=admin.organisation,
        object_type="signal",
        object_id=signal.pk,
        details={"given_names": "Mohamed"},  # even a careless caller: details stay unread
    )
    client = login(admin)
    content = _page(client)
    assert f"Priya Pinas viewed signal {signal.reference}" in content
    export = client.get(_url("audit:export")).content.decode()
    assert f"Priya Pinas viewed signal {signal.reference}" in export
    for text in (content, export):
        assert "Mohamed" not in text and "El Amrani" not in text


@pytest.mark.django_db
def test_another_organisations_signal_is_not_named(make_member, login, make_signal):
    admin = make_member(role=Role.ORG_ADMIN)
    other = make_member()
    signal = make_signal(other)
    services.record(
        action="intake.signal_viewed",
        organisation=admin.organisation,
        object_type="signal",
        object_id=signal.pk,
    )
    assert signal.reference not in _page(login(admin))


@pytest.mark.django_db
def test_a_role_change_reads_with_both_roles(make_member, login):
    admin = _named(make_member(role=Role.ORG_ADMIN), "Anna", "Admin")
    member = _named(make_member(organisation=admin.organisation), "Sam", "Jansen")
    services.record(
        action="accounts.role_changed",
        actor=admin.user,
        organisation=admin.organisation,
        object_type="membership",
        object_id=member.pk,
        details={"from": "professional", "to": "org_admin"},
    )
    assert (
        "Anna Admin changed the role of member Sam Jansen from professional to "
        "organisation administrator"
    ) in _page(login(admin))


@pytest.mark.django_db
def test_filters_by_person_kind_and_period(make_member, login):
    admin = make_member(role=Role.ORG_ADMIN)
    priya = _named(make_member(organisation=admin.organisation), "Priya", "Pinas")
    sam = _named(make_member(organisation=admin.organisation), "Sam", "Jansen")
    org = admin.organisation
    services.record(action=AuditAction.AUTH_LOGIN, actor=priya.user, object_type="user")
    services.record(action=AuditAction.AUTH_LOGOUT, actor=priya.user, object_type="user")
    services.record(action=AuditAction.INTAKE_SIGNAL_LIST_VIEWED, actor=sam.user, organisation=org)
    client = login(admin)
    by_person = _page(client, actor=priya.user.pk)
    assert "Priya Pinas logged in" in by_person and "Sam Jansen" not in by_person
    by_kind = _page(client, kind="auth.logout")
    assert "Priya Pinas logged out" in by_kind and "logged in" not in by_kind
    by_group = _page(client, kind="login")
    assert "logged in" in by_group and "logged out" in by_group and "Sam Jansen" not in by_group
    assert "No events match" in _page(client, date_from="2001-01-01", date_to="2001-01-31")


@pytest.mark.django_db
def test_bad_filters_get_a_clear_error_not_a_crash(make_member, login):
    admin = make_member(role=Role.ORG_ADMIN)
    stranger = make_member()
    client = login(admin)
    for params in (
        {"date_from": "2026-02-02", "date_to": "2026-01-01"},
        {"date_from": "not a date"},
        {"kind": "no.such_event"},
        {"actor": stranger.user.pk},  # not a member of this organisation
        {"actor": "x"},
    ):
        response = client.get(reverse("audit:list"), params)
        assert response.status_code == 200
        assert "form-errors" in response.content.decode() or "field-errors" in (
            response.content.decode()
        )
        assert client.get(reverse("audit:export"), params).status_code == 400


@pytest.mark.django_db
def test_the_export_is_audit_logged_scoped_and_spreadsheet_ready(make_member, login):
    admin = make_member(role=Role.ORG_ADMIN)
    priya = _named(make_member(organisation=admin.organisation), "Priya", "Pinas")
    other = make_member(role=Role.ORG_ADMIN)
    services.record(action=AuditAction.AUTH_LOGIN, actor=priya.user, object_type="user")
    services.record(
        action=AuditAction.INTAKE_SIGNAL_VIEWED, object_id=4712, organisation=other.organisation
    )
    client = login(admin)
    dutch = client.get(_url("audit:export", "nl"))
    assert dutch["Content-Type"].startswith("text/csv")
    body = dutch.content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert "Priya Pinas is ingelogd" in body and "#4712" not in body
    assert body.splitlines()[0].count(";") == 4
    english = client.get(_url("audit:export"), {"kind": "login"}).content.decode("utf-8")
    assert english.splitlines()[0].count(",") == 4
    exports = AuditEvent.objects.filter(action="audit.exported")
    assert exports.count() == 2
    assert set(exports.values_list("organisation_id", flat=True)) == {admin.organisation_id}
    assert exports.order_by("seq").last().details == {"kind": "login"}
    # The export of the export is in the log the administrator reads.
    assert "exported the audit log" in _page(client)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.COORDINATOR, Role.ANALYST])
def test_only_administrators_read_or_export(make_member, login, role):
    member = make_member(role=role)
    client = login(member)
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.exported").exists()
    assert AuditEvent.objects.filter(action="audit.browse_denied").count() == 2


@pytest.mark.django_db
def test_a_system_administrator_reads_every_organisation(make_member, client):
    from tests.conftest import verified_client
    from tests.factories import UserFactory

    root = UserFactory(is_superuser=True, is_staff=True)
    one = _named(make_member(), "Priya", "Pinas")
    two = _named(make_member(), "Sam", "Jansen")
    services.record(action=AuditAction.AUTH_LOGIN, actor=one.user, object_type="user")
    services.record(
        action="intake.signal_list_viewed", actor=two.user, organisation=two.organisation
    )
    table = _page(verified_client(client, root))
    assert "Priya Pinas logged in" in table
    assert "Sam Jansen viewed the list of signals" in table
