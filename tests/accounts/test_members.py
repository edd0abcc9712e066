"""Organisation administrators manage their own members - and nobody else's."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import MembershipFactory
from zicht.accounts.constants import Role
from zicht.accounts.models import Membership, User
from zicht.audit.models import AuditEvent


@pytest.fixture
def admin(make_member):
    return make_member(role=Role.ORG_ADMIN)


@pytest.mark.django_db
def test_admin_invites_colleague_who_sets_password(
    admin, login, client, django_capture_on_commit_callbacks
):
    login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:member_invite"),
            {
                "email": "Nieuw@Example.org",
                "first_name": "Noor",
                "last_name": "El Amrani",
                "role": Role.PROFESSIONAL,
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nieuw@example.org")
    assert membership.organisation == admin.organisation
    assert not membership.user.has_usable_password()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", mail.outbox[0].body).group(0)
    assert AuditEvent.objects.filter(action="accounts.member_invited").exists()

    client.post(reverse("accounts:logout"))
    path = link.split("testserver", 1)[1]
    response = client.post(
        path,
        {"new_password1": "Lang-genoeg-wachtwoord-9", "new_password2": "Lang-genoeg-wachtwoord-9"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=membership.user_id).check_password("Lang-genoeg-wachtwoord-9")
    # The link is one-time.
    assert client.get(path).status_code == 400


@pytest.mark.django_db
def test_invite_rejects_weak_data_and_changes_nothing(admin, login):
    client = login(admin)
    before = Membership.objects.count()
    response = client.post(
        reverse("accounts:member_invite"),
        {"email": "not-an-email", "first_name": "", "last_name": "X", "role": "king"},
    )
    assert response.status_code == 200
    assert Membership.objects.count() == before
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_invitation_password_validators_apply(
    db, client, admin, django_capture_on_commit_callbacks
):
    from zicht.accounts import services

    with django_capture_on_commit_callbacks(execute=True):
        membership = services.member_invite(
            by=admin, email="a@b.nl", first_name="A", last_name="B", role=Role.PROFESSIONAL
        )
    link = re.search(r"/accounts/invitation/\S+/", mail.outbox[0].body).group(0)
    response = client.post(link, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert not User.objects.get(pk=membership.user_id).has_usable_password()


@pytest.mark.django_db
def test_admin_changes_role_and_deactivates(admin, login):
    colleague = MembershipFactory(organisation=admin.organisation, role=Role.PROFESSIONAL)
    client = login(admin)
    client.post(reverse("accounts:member_role", args=[colleague.pk]), {"role": Role.ORG_ADMIN})
    colleague.refresh_from_db()
    assert colleague.role == Role.ORG_ADMIN
    client.post(reverse("accounts:member_active", args=[colleague.pk]), {"active": "0"})
    colleague.refresh_from_db()
    assert not colleague.is_active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"accounts.role_changed", "accounts.member_deactivated"} <= actions


@pytest.mark.django_db
def test_admin_of_a_cannot_manage_member_of_b(admin, make_member, login):
    other = make_member(role=Role.PROFESSIONAL)
    client = login(admin)
    response = client.post(
        reverse("accounts:member_role", args=[other.pk]), {"role": Role.ORG_ADMIN}
    )
    assert response.status_code == 404
    response = client.post(reverse("accounts:member_active", args=[other.pk]), {"active": "0"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.role == Role.PROFESSIONAL and other.is_active
    assert (
        AuditEvent.objects.filter(
            action="accounts.member_not_found", object_id=str(other.pk)
        ).count()
        == 2
    )


@pytest.mark.django_db
def test_non_admin_cannot_change_roles(make_member, login):
    member = make_member(role=Role.PROFESSIONAL)
    colleague = MembershipFactory(organisation=member.organisation)
    response = login(member).post(
        reverse("accounts:member_role", args=[colleague.pk]), {"role": Role.ORG_ADMIN}
    )
    assert response.status_code == 403
    colleague.refresh_from_db()
    assert colleague.role == Role.PROFESSIONAL
    assert AuditEvent.objects.filter(
        action="accounts.member_admin_denied", actor_id=member.user_id
    ).exists()


@pytest.mark.django_db
def test_admin_cannot_demote_or_deactivate_self(admin, login):
    client = login(admin)
    client.post(reverse("accounts:member_role", args=[admin.pk]), {"role": Role.PROFESSIONAL})
    client.post(reverse("accounts:member_active", args=[admin.pk]), {"active": "0"})
    admin.refresh_from_db()
    assert admin.role == Role.ORG_ADMIN and admin.is_active


@pytest.mark.django_db
def test_service_refuses_non_admin_and_records_it(make_member):
    from django.core.exceptions import PermissionDenied

    from zicht.accounts import services

    member = make_member(role=Role.PROFESSIONAL)
    colleague = MembershipFactory(organisation=member.organisation)
    with pytest.raises(PermissionDenied):
        services.membership_change_role(by=member, membership=colleague, role=Role.ORG_ADMIN)
    assert AuditEvent.objects.filter(action="accounts.role_change_denied").exists()


@pytest.mark.django_db
def test_user_in_two_organisations_chooses_active_one(make_member, login, client):
    first = make_member(role=Role.PROFESSIONAL)
    second = MembershipFactory(user=first.user, role=Role.ANALYST)
    login(first)
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("accounts:organisation_select") in home
    client.post(reverse("accounts:organisation_select"), {"membership": second.pk})
    assert client.session["membership_id"] == second.pk
    # A membership of somebody else cannot be chosen.
    stranger = make_member()
    response = client.post(reverse("accounts:organisation_select"), {"membership": stranger.pk})
    assert response.status_code == 400
    assert client.session["membership_id"] == second.pk


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "1 OR 1=1", "", "9" * 40, "-1"])
def test_switching_to_a_membership_that_is_no_number_answers_400(make_member, login, value, caplog):
    """A tampered form (no whole number) gets the form again with 400, not a server error;
    nothing changes and the submitted value appears in no log line."""
    first = make_member(role=Role.PROFESSIONAL)
    second = MembershipFactory(user=first.user, role=Role.ANALYST)
    client = login(first)
    client.post(reverse("accounts:organisation_select"), {"membership": second.pk})
    response = client.post(reverse("accounts:organisation_select"), {"membership": value})
    assert response.status_code == 400
    assert "Kies een van je eigen organisaties" in response.content.decode()
    assert client.session["membership_id"] == second.pk
    if value:
        assert all(value not in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_deactivated_member_is_logged_out_mid_session(admin, login, client):
    colleague = MembershipFactory(organisation=admin.organisation)
    login(colleague)
    assert client.get(reverse("portal:home")).status_code == 200
    Membership.objects.filter(pk=colleague.pk).update(is_active=False)
    response = client.get(reverse("accounts:organisation_select"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.COORDINATOR, Role.ANALYST])
def test_a_police_administrator_cannot_hand_out_roles_police_does_not_have(admin, login, role):
    """A counsellor reads every anonymous help conversation and an analyst sees national
    figures: roles only organisations of certain types may give (roles_for)."""
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from zicht.accounts import services

    colleague = MembershipFactory(organisation=admin.organisation, role=Role.PROFESSIONAL)
    client = login(admin)
    response = client.post(reverse("accounts:member_role", args=[colleague.pk]), {"role": role})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == Role.PROFESSIONAL
    page = client.get(reverse("accounts:member_invite")).content.decode()
    assert f'value="{role}"' not in page
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="not available in an organisation of the type"),
    ):
        services.membership_change_role(by=admin, membership=colleague, role=role)


@pytest.mark.django_db
def test_a_counsellor_role_in_the_wrong_kind_of_organisation_opens_no_conversation(login):
    """Set by mistake (e.g. in the database): the help inbox still refuses it."""
    from tests.factories import OrganisationFactory

    police_counsellor = MembershipFactory(
        organisation=OrganisationFactory(type="police"), role=Role.COUNSELLOR
    )
    assert login(police_counsellor).get("/hulp/gesprekken/").status_code == 403
