"""Match notifications go out over real SMTP (an aiosmtpd catcher on localhost)."""

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from tests.factories import OrganisationFactory
from tests.intake.conftest import signal_post
from zicht.accounts.constants import Role

pytestmark = pytest.mark.django_db


class Catcher:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    catcher = Catcher()
    port = free_port()
    controller = Controller(catcher, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    yield catcher
    controller.stop()


def test_both_contacts_receive_an_smtp_mail_without_identity(
    smtp, make_member, login, django_capture_on_commit_callbacks
):
    police = make_member(
        role=Role.PROFESSIONAL, organisation=OrganisationFactory(name="Politie SMTP")
    )
    care = make_member(
        role=Role.PROFESSIONAL, organisation=OrganisationFactory(name="Jeugdzorg SMTP")
    )
    for member, given in ((police, "Mohamed"), (care, "Mohammed")):
        with django_capture_on_commit_callbacks(execute=True):
            login(member).post(reverse("intake:signal_create"), signal_post(given_names=given))
    recipients = sorted(r for rcpts, _ in smtp.messages for r in rcpts)
    assert recipients == sorted([police.user.email, care.user.email])
    for _rcpts, message in smtp.messages:
        body = message.get_payload(decode=True).decode()
        assert "Amrani" not in body and "Mohamed" not in body and "2010" not in body
        assert "SMTP" in body  # names the other organisation
