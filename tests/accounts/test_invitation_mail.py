"""An invitation is committed even when the mail server fails; the link is made in the task."""

import logging
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from zicht.accounts.constants import Role
from zicht.accounts.models import Membership
from zicht.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_failing_mail_server_does_not_undo_the_invitation(
    make_member, login, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    admin = make_member(role=Role.ORG_ADMIN)
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        response = login(admin).post(
            reverse("accounts:member_invite"),
            {
                "email": "nieuw@example.org",
                "first_name": "Noor",
                "last_name": "Visser",
                "role": Role.PROFESSIONAL,
            },
        )
    assert response.status_code == 302
    assert Membership.objects.filter(
        user__email="nieuw@example.org", organisation=admin.organisation
    ).exists()
    assert AuditEvent.objects.filter(action="accounts.member_invited").exists()
    failures = [r.getMessage() for r in caplog.records if r.name == "zicht.core.tasks"]
    assert failures == ["E-mail accounts.invitation not sent: SMTPServerDisconnected"]
    assert "nieuw@example.org" not in caplog.text and "/invitation/" not in caplog.text


def test_the_queued_invitation_holds_ids_not_the_one_time_link(
    make_member, login, mailoutbox, django_capture_on_commit_callbacks
):
    from django_tasks.signals import task_enqueued

    queued = []

    def keep(sender, task_result, **kwargs):
        queued.append(task_result)

    admin = make_member(role=Role.ORG_ADMIN)
    task_enqueued.connect(keep)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            login(admin).post(
                reverse("accounts:member_invite"),
                {
                    "email": "nieuw@example.org",
                    "first_name": "Noor",
                    "last_name": "Visser",
                    "role": Role.PROFESSIONAL,
                },
            )
    finally:
        task_enqueued.disconnect(keep)
    [result] = queued
    assert result.task.module_path == "zicht.accounts.tasks.send_invitation"
    assert result.kwargs["site_url"] == "http://testserver/"
    assert "invitation" not in repr(result.kwargs)
    assert "http://testserver/accounts/invitation/" in mailoutbox[0].body
