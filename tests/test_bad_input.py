"""Bad input on the web side: a body over the limit answers a plain 413, never a 500,
and records nothing (issue 10, "Bad input")."""

import pytest
from django.test import Client

from tests.conftest import verified_client
from tests.intake.conftest import signal_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("enforce_csrf", [False, True], ids=["view-reads", "csrf-reads"])
def test_a_form_body_over_the_limit_is_a_plain_413(make_member, settings, enforce_csrf):
    from zicht.intake.models import Signal

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = verified_client(Client(enforce_csrf_checks=enforce_csrf), make_member().user)
    client.get("/signalen/nieuw/")  # the CSRF cookie, so the middleware reads the body
    response = client.post("/signalen/nieuw/", signal_post(account="x" * 20_000))
    assert response.status_code == 413
    assert "Too much data" in response.content.decode()
    assert not Signal.objects.exists()


def test_a_deeply_nested_body_to_a_web_form_is_no_500(make_member):
    from zicht.intake.models import Signal

    client = verified_client(Client(), make_member().user)
    for body, content_type in (
        ("[" * 100_000, "application/json"),
        ("a" + "[" * 100_000 + "=1", "application/x-www-form-urlencoded"),
    ):
        response = client.post("/signalen/nieuw/", body, content_type=content_type)
        assert response.status_code == 200  # the form again
        assert not response.context["form"].is_valid()
    assert not Signal.objects.exists()


def test_an_oversize_body_to_a_public_help_form_is_a_plain_413(settings):
    from zicht.help.models import Conversation

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = Client().post("/hulp/gesprek/nieuw/", {"message": "x" * 20_000})
    assert response.status_code == 413
    assert "Te veel gegevens" in response.content.decode()
    assert not Conversation.objects.exists()
