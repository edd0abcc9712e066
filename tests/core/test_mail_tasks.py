"""The shared mail task: every recipient tried, failures logged without the content."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from zicht.core import tasks

pytestmark = pytest.mark.django_db


class RefusingOneBackend(EmailBackend):
    """The in-memory backend, except that the server refuses one address."""

    def send_messages(self, messages):
        if any("refused@example.org" in m.to for m in messages):
            raise smtplib.SMTPRecipientsRefused({"refused@example.org": (550, b"no")})
        return super().send_messages(messages)


def test_send_email_is_queued_only_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.send_email_on_commit(
            purpose="test", subject="Onderwerp", body="Tekst", recipients=["a@example.org"]
        )
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


def test_a_refused_recipient_is_logged_and_the_others_still_get_their_mail(settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingOneBackend"
    recipients = ["a@example.org", "refused@example.org", "b@example.org"]
    with caplog.at_level(logging.INFO):
        result = tasks.send_email.enqueue(
            purpose="test.purpose",
            subject="Geheim onderwerp",
            body="Geheime tekst",
            recipients=recipients,
        )
    assert result.status == "FAILED"
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["b@example.org"]]
    failures = [r.getMessage() for r in caplog.records if r.name == "zicht.core.tasks"]
    assert failures == ["E-mail test.purpose not sent: SMTPRecipientsRefused"]
    for secret in ("Geheim", "refused@example.org"):
        assert secret not in caplog.text
