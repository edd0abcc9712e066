"""Background work of the accounts app, through Django's tasks API (django-tasks).

``send_invitation`` (a new account) and ``send_invitation_to_existing_account`` are queued
by ``services.member_invite`` after commit. It takes ids,
not the rendered e-mail: the one-time link to choose a password is made in the worker,
so it is never stored in the task table.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from zicht.accounts import services
from zicht.accounts.models import Invitation, Membership
from zicht.core.tasks import deliver


@task()
def send_invitation(
    *, membership_id: int, email: str, new_account: bool, site_url: str, language: str
) -> int:
    """E-mail the invitation of one membership to ``email``; return the number of mails.

    ``new_account``: include the one-time link to choose a password, made now, under
    ``site_url`` (the site's root as the inviting request saw it; empty: a path only).
    ``language``: the inviting request's. A failure is logged by
    ``zicht.core.tasks.deliver`` and fails the task.
    """
    membership = (
        Membership.objects.select_related("user", "organisation", "invited_by")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        return 0
    inviter = membership.invited_by.get_full_name() if membership.invited_by else ""
    with translation.override(language):
        link = (
            services.invitation_url(user=membership.user, site_url=site_url)
            if new_account
            else None
        )
        context = {
            "organisation": membership.organisation.name,
            "link": link,
            "inviter": inviter,
            "email": email,
        }
        body = render_to_string("accounts/email/invitation.txt", context)
        subject = _("Invitation to Zicht")
    return deliver(purpose="accounts.invitation", subject=subject, body=body, recipients=[email])


@task()
def send_invitation_to_existing_account(*, invitation_id: int, site_url: str, language: str) -> int:
    """E-mail an open invitation to the existing account it is addressed to: log in and
    accept or decline it. Nothing is granted by the e-mail itself, so it carries a plain
    link to the invitations page, no token. Returns the number of mails (0 when the
    invitation was answered or withdrawn in the meantime)."""
    invitation = (
        Invitation.objects.select_related("user", "organisation", "invited_by")
        .filter(pk=invitation_id, status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        return 0
    inviter = invitation.invited_by.get_full_name() if invitation.invited_by else ""
    with translation.override(language):
        path = reverse("accounts:invitation_list")
        link = site_url + path.removeprefix(get_script_prefix()) if site_url else path
        context = {
            "organisation": invitation.organisation.name,
            "inviter": inviter,
            "role": invitation.get_role_display(),
            "link": link,
        }
        body = render_to_string("accounts/email/invitation_existing_account.txt", context)
        subject = _("Invitation to Zicht")
    return deliver(
        purpose="accounts.invitation",
        subject=subject,
        body=body,
        recipients=[invitation.user.email],
    )
