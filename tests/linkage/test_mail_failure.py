"""A mail server that fails never fails or undoes the signal that made a match."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from tests.factories import OrganisationFactory
from tests.intake.conftest import signal_post
from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.intake.models import Signal
from zicht.linkage.models import Match, Notification

# Real commits, so ``transaction.on_commit`` runs the mail task as in production (the
# immediate task backend of the tests runs it at once, inside the request).
pytestmark = pytest.mark.django_db(transaction=True)

IDENTITY_STRINGS = ("Mohamed", "Mohammed", "Amrani", "2010-04-03")


class RefusingBackend(BaseEmailBackend):
    """An e-mail backend whose server hangs up on every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_failing_mail_server_neither_fails_nor_rolls_back_the_signal(
    make_member, login, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    police = make_member(role=Role.PROFESSIONAL, organisation=OrganisationFactory(name="Politie"))
    care = make_member(role=Role.PROFESSIONAL, organisation=OrganisationFactory(name="Jeugdzorg"))

    with caplog.at_level(logging.INFO):
        for member, given in ((police, "Mohamed"), (care, "Mohammed")):
            response = login(member).post(
                reverse("intake:signal_create"), signal_post(given_names=given)
            )
            assert response.status_code == 302

    # The signals, the match, its audit event and the in-app notifications are committed.
    assert Signal.objects.count() == 2
    match = Match.objects.get()
    assert match.status == "confirmed"
    assert AuditEvent.objects.filter(action="linkage.match_found").count() == 1
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [police.user_id, care.user_id]
    )
    assert mail.outbox == []

    # Each contact's mail failed and was logged, by purpose and error only.
    failures = [r.getMessage() for r in caplog.records if r.name == "zicht.core.tasks"]
    assert failures == ["E-mail linkage.match_new not sent: SMTPServerDisconnected"] * 2
    for plain in (*IDENTITY_STRINGS, police.user.email, care.user.email):
        assert plain not in caplog.text
