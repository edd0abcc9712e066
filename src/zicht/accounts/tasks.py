"""Background work of the accounts app, through Django's tasks API (django-tasks).

``send_invitation`` is queued by ``services.member_invite`` after commit. It takes ids,
not the rendered e-mail: the one-time link to choose a password is made in the worker,
so it is never stored in the task table.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from zicht.accounts import services
from zicht.accounts.models import Membership
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
        context = {"organisation": membership.organisation.name, "link": link, "inviter": inviter}
        body = render_to_string("accounts/email/invitation.txt", context)
        subject = _("Invitation to Zicht")
    return deliver(purpose="accounts.invitation", subject=subject, body=body, recipients=[email])
