"""Inviting an e-mail address that already has an account grants nothing until its owner,
logged in, accepts; they may decline (issue 10, "Accounts and keys")."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from tests.accounts.test_login import code, post_auth, post_token
from tests.factories import MembershipFactory, OrganisationFactory, TOTPDeviceFactory
from zicht.accounts import services
from zicht.accounts.constants import Role
from zicht.accounts.models import Invitation, Membership
from zicht.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_member):
    return make_member(role=Role.ORG_ADMIN, organisation=OrganisationFactory(name="Gemeente Zuid"))


@pytest.fixture
def existing(make_member):
    """A professional of another organisation, with an account and an authenticator."""
    membership = make_member(role=Role.PROFESSIONAL)
    TOTPDeviceFactory(user=membership.user)
    return membership


def _invite(client, user, role=Role.PROFESSIONAL):
    return client.post(
        reverse("accounts:member_invite"),
        {"email": user.email.upper(), "first_name": "X", "last_name": "Y", "role": role},
    )


def test_inviting_an_existing_account_adds_no_membership_until_accepted(
    admin, existing, login, django_capture_on_commit_callbacks
):
    client = login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, existing.user)
    assert response.status_code == 302
    assert not Membership.objects.filter(
        user=existing.user, organisation=admin.organisation
    ).exists()
    invitation = Invitation.objects.get(user=existing.user)
    assert invitation.status == Invitation.Status.PENDING and invitation.role == Role.PROFESSIONAL
    event = AuditEvent.objects.get(action="accounts.member_invited")
    assert (event.object_type, event.object_id) == ("invitation", str(invitation.pk))

    # The e-mail asks to log in and answer; it carries no token and grants nothing.
    [message] = mail.outbox
    assert message.to == [existing.user.email]
    assert "Gemeente Zuid" in message.body
    assert "http://testserver/accounts/invitations/" in message.body
    assert "/accounts/invitation/" not in message.body

    # The administrator sees the account as invited, not as a member.
    listing = client.get(reverse("accounts:member_list"))
    assert [m.pk for m in listing.context["page"]] == [admin.pk]
    page = listing.content.decode()
    assert existing.user.username in page and "Uitgenodigd" in page

    # The same invitation twice is refused.
    again = _invite(client, existing.user)
    assert again.status_code == 200
    assert "al uitgenodigd" in again.content.decode()
    assert Invitation.objects.count() == 1


def test_the_invited_user_accepts_after_logging_in(admin, existing):
    invitation = services.member_invite(
        by=admin, email=existing.user.email, first_name="", last_name="", role=Role.PROFESSIONAL
    )
    client = Client()
    post_auth(client, existing.user.username)
    post_token(client, code(existing.user.totpdevice_set.get()))
    home = client.get(reverse("portal:home")).content.decode()
    assert "Gemeente Zuid nodigt je uit als Professional" in home
    page = client.get(reverse("accounts:invitation_list"))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Gemeente Zuid" in page.content.decode()

    response = client.post(reverse("accounts:invitation_join", args=[invitation.pk]))
    assert response.status_code == 302
    membership = Membership.objects.get(user=existing.user, organisation=admin.organisation)
    assert membership.role == Role.PROFESSIONAL and membership.is_active
    assert membership.invited_by == admin.user
    assert client.session["membership_id"] == membership.pk  # now working for it
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.decided_at
    assert AuditEvent.objects.filter(
        action="accounts.invitation_accepted", actor_id=existing.user_id, object_type="invitation"
    ).exists()
    # Answered once: a second answer changes nothing.
    client.post(reverse("accounts:invitation_decline", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert not list(client.get(reverse("accounts:invitation_list")).context["invitations"])
    # Both memberships are the user's now; the admin list shows the new member.
    admin_client = Client()
    from tests.conftest import verified_client

    verified_client(admin_client, admin.user)
    listing = admin_client.get(reverse("accounts:member_list"))
    assert membership in list(listing.context["page"])
    assert not list(listing.context["invitations"])


def test_the_invited_user_declines(admin, existing, login):
    invitation = services.member_invite(
        by=admin, email=existing.user.email, first_name="", last_name="", role=Role.PROFESSIONAL
    )
    client = login(existing)
    response = client.post(reverse("accounts:invitation_decline", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert not Membership.objects.filter(
        user=existing.user, organisation=admin.organisation
    ).exists()
    assert AuditEvent.objects.filter(
        action="accounts.invitation_declined", actor_id=existing.user_id
    ).exists()
    refused = client.post(reverse("accounts:invitation_join", args=[invitation.pk]))
    assert refused.status_code == 302
    assert not Membership.objects.filter(
        user=existing.user, organisation=admin.organisation
    ).exists()
    page = login(admin).get(reverse("accounts:member_list")).content.decode()
    assert "Afgewezen" in page
    # After a decline the administrator may invite again.
    services.member_invite(
        by=admin, email=existing.user.email, first_name="", last_name="", role=Role.PROFESSIONAL
    )
    assert Invitation.objects.filter(status=Invitation.Status.PENDING).count() == 1


def test_nobody_answers_someone_elses_invitation(admin, existing, make_member, login):
    invitation = services.member_invite(
        by=admin, email=existing.user.email, first_name="", last_name="", role=Role.PROFESSIONAL
    )
    # Neither a colleague of the invitee, nor the inviting administrator themselves.
    for intruder in (make_member(organisation=existing.organisation), admin):
        client = login(intruder)
        for name in ("accounts:invitation_join", "accounts:invitation_decline"):
            assert client.post(reverse(name, args=[invitation.pk])).status_code == 404
        assert AuditEvent.objects.filter(
            action="accounts.invitation_not_found", actor_id=intruder.user_id
        ).exists()
    with pytest.raises(PermissionDenied):
        services.invitation_accept(user=admin.user, invitation=invitation)
    assert AuditEvent.objects.filter(
        action="accounts.invitation_denied", actor_id=admin.user_id
    ).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert not Membership.objects.filter(
        user=existing.user, organisation=admin.organisation
    ).exists()


def test_an_account_whose_only_way_in_is_an_invitation_may_log_in_to_answer(admin):
    """Deactivated everywhere, invited somewhere new: login is allowed to accept."""
    former = MembershipFactory(is_active=False)
    device = TOTPDeviceFactory(user=former.user)
    client = Client()
    refused = post_auth(client, former.user.username)
    assert refused.status_code == 200  # no active organisation, no invitation: refused
    services.member_invite(
        by=admin, email=former.user.email, first_name="", last_name="", role=Role.PROFESSIONAL
    )
    client = Client()
    post_auth(client, former.user.username)
    post_token(client, code(device))
    assert client.get(reverse("accounts:invitation_list")).status_code == 200


def test_a_user_with_several_memberships_keeps_working_for_the_chosen_one(admin, existing, login):
    """Accepting switches to the new organisation; the other membership stays."""
    second = MembershipFactory(user=existing.user, role=Role.PROFESSIONAL)
    invitation = services.member_invite(
        by=admin, email=existing.user.email, first_name="", last_name="", role=Role.PROFESSIONAL
    )
    client = login(existing)
    client.post(reverse("accounts:organisation_select"), {"membership": second.pk})
    client.post(reverse("accounts:invitation_join", args=[invitation.pk]))
    assert set(existing.user.memberships.values_list("organisation", flat=True)) == {
        existing.organisation_id,
        second.organisation_id,
        admin.organisation_id,
    }
    response = client.post(reverse("accounts:organisation_select"), {"membership": second.pk})
    assert response.status_code == 302
    assert client.session["membership_id"] == second.pk


def test_a_deactivated_member_with_an_open_invitation_stays_logged_in_to_answer(admin, login):
    former = MembershipFactory()
    client = login(former)
    assert client.get(reverse("portal:home")).status_code == 200
    services.member_invite(
        by=admin, email=former.user.email, first_name="", last_name="", role=Role.PROFESSIONAL
    )
    Membership.objects.filter(pk=former.pk).update(is_active=False)
    response = client.get(reverse("accounts:invitation_list"))
    assert response.status_code == 200
    assert "_auth_user_id" in client.session
    assert len(response.context["invitations"]) == 1
