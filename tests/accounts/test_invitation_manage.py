"""An administrator sees who is still "invited", can resend and withdraw an invitation,
and the invitation e-mail tells a new member that their user name is their e-mail."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from zicht.accounts.constants import Role
from zicht.accounts.models import Invitation, Membership
from zicht.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NOOR = {"email": "noor@example.org", "first_name": "Noor", "last_name": "Visser"}


def _invite(client, capture, **fields):
    with capture(execute=True):
        return client.post(
            reverse("accounts:member_invite"), {**NOOR, "role": Role.PROFESSIONAL, **fields}
        )


def _members_page(client):
    with translation.override("en"):
        return client.get(reverse("accounts:member_list")).content.decode()


def test_a_new_member_shows_as_invited_until_they_choose_a_password(
    make_member, login, mailoutbox, django_capture_on_commit_callbacks
):
    admin = make_member(role=Role.ORG_ADMIN)
    client = login(admin)
    _invite(client, django_capture_on_commit_callbacks)
    noor = Membership.objects.get(user__email="noor@example.org")
    row = _members_page(client).split("<td>noor@example.org</td>", 1)[1].split("</tr>")[0]
    assert "Invited" in row and "Resend invitation" in row and "Withdraw invitation" in row
    noor.user.set_password("een-lang-wachtwoord-42")
    noor.user.save()
    row = _members_page(client).split("<td>noor@example.org</td>", 1)[1].split("</tr>")[0]
    assert "Active" in row and "Resend invitation" not in row


def test_the_invitation_mail_says_the_user_name_is_the_email_address(
    make_member, login, mailoutbox, django_capture_on_commit_callbacks
):
    admin = make_member(role=Role.ORG_ADMIN)
    _invite(login(admin), django_capture_on_commit_callbacks)
    (mail,) = mailoutbox
    assert "Je gebruikersnaam is je e-mailadres: noor@example.org" in mail.body
    assert "tweestapsverificatie" in mail.body


def test_resend_sends_a_fresh_mail_and_is_audit_logged(
    make_member, login, mailoutbox, django_capture_on_commit_callbacks
):
    admin = make_member(role=Role.ORG_ADMIN)
    client = login(admin)
    _invite(client, django_capture_on_commit_callbacks)
    noor = Membership.objects.get(user__email="noor@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:member_invitation_resend", args=[noor.pk]))
    assert response.status_code == 302
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["noor@example.org"]
    event = AuditEvent.objects.get(action="accounts.invitation_resent")
    assert event.organisation_id == admin.organisation_id


def test_withdraw_removes_the_membership_and_kills_the_link(
    make_member, login, mailoutbox, django_capture_on_commit_callbacks, client
):
    admin = make_member(role=Role.ORG_ADMIN)
    client = login(admin)
    _invite(client, django_capture_on_commit_callbacks)
    noor = Membership.objects.get(user__email="noor@example.org")
    link = next(line for line in mailoutbox[0].body.splitlines() if "/invitation/" in line)
    path = link[link.index("/") if "://" not in link else link.index("/", link.index("://") + 3) :]
    response = client.post(reverse("accounts:member_invitation_withdraw", args=[noor.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=noor.pk).exists()
    assert AuditEvent.objects.filter(action="accounts.invitation_withdrawn").exists()
    client.logout()
    assert client.get(path).status_code == 400  # the one-time link no longer works
    assert "noor@example.org" not in _members_page(login(admin))


def test_an_accepted_member_cannot_be_withdrawn_or_sent_again(make_member, login):
    admin = make_member(role=Role.ORG_ADMIN)
    colleague = make_member(organisation=admin.organisation)  # has a password
    client = login(admin)
    for view in ("accounts:member_invitation_resend", "accounts:member_invitation_withdraw"):
        response = client.post(reverse(view, args=[colleague.pk]), follow=True)
        assert "already accepted" in response.content.decode() or "al geaccepteerd" in (
            response.content.decode()
        )
    assert Membership.objects.filter(pk=colleague.pk, is_active=True).exists()


def test_an_existing_accounts_invitation_can_be_resent_and_withdrawn(
    make_member, login, mailoutbox, django_capture_on_commit_callbacks
):
    admin = make_member(role=Role.ORG_ADMIN)
    existing = UserFactory(email="bestaand@example.org")
    client = login(admin)
    _invite(client, django_capture_on_commit_callbacks, email="bestaand@example.org")
    invitation = Invitation.objects.get(user=existing)
    assert "Resend invitation" in _members_page(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert len(mailoutbox) == 2
    client.post(reverse("accounts:invitation_withdraw", args=[invitation.pk]))
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert "bestaand@example.org" not in _members_page(client)


def test_another_organisations_invitation_is_out_of_reach(
    make_member, login, django_capture_on_commit_callbacks
):
    admin = make_member(role=Role.ORG_ADMIN)
    other_admin = make_member(role=Role.ORG_ADMIN)
    _invite(login(other_admin), django_capture_on_commit_callbacks)
    theirs = Membership.objects.get(user__email="noor@example.org")
    client = login(admin)
    for view in ("accounts:member_invitation_resend", "accounts:member_invitation_withdraw"):
        assert client.post(reverse(view, args=[theirs.pk])).status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()
    assert AuditEvent.objects.filter(action="accounts.member_not_found").count() == 2
