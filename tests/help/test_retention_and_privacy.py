"""Deletion after inactivity, the self-check storing nothing, and no IP address or user
agent reaching the database or the logs."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from zicht.audit.models import AuditEvent
from zicht.help import selfcheck, services, tasks
from zicht.help.models import Conversation, Message

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
AGENT = "ProbeAgent/9.9 (marker-ua-81c2)"


def _aged(days):
    conversation = services.conversation_start(message="oud", language="nl").conversation
    Conversation.objects.filter(pk=conversation.pk).update(
        last_activity_at=timezone.now() - timedelta(days=days)
    )
    return conversation


def test_purge_deletes_only_conversations_past_retention(settings):
    settings.ZICHT_HELP_RETENTION_DAYS = 90
    old, recent = _aged(91), _aged(89)
    out = StringIO()
    call_command("purge_inactive_conversations", "--dry-run", stdout=out)
    assert "1 conversation(s) would be deleted" in out.getvalue()
    assert Conversation.objects.count() == 2

    call_command("purge_inactive_conversations", stdout=out)
    assert list(Conversation.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Message.objects.filter(conversation_id=old.pk).exists()
    event = AuditEvent.objects.get(action="help.conversation_purged")
    assert event.object_id == str(old.pk) and event.details == {"retention_days": 90}


def test_retention_is_configurable_and_runs_as_a_task(settings):
    settings.ZICHT_HELP_RETENTION_DAYS = 10
    _aged(11)
    result = tasks.purge_inactive_conversations.enqueue()
    assert result.return_value == 1
    assert Conversation.objects.count() == 0


def test_a_new_message_resets_the_clock(settings):
    settings.ZICHT_HELP_RETENTION_DAYS = 90
    conversation = _aged(95)
    services.visitor_message_send(conversation=conversation, body="Ik ben er nog.")
    assert services.conversations_purge_inactive() == 0


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ({}, "none"),
        ({"gifts": "no", "phone": "skip"}, "none"),
        ({"gifts": "sometimes"}, "some"),
        ({"gifts": "yes", "phone": "yes"}, "strong"),
        ({"threats": "sometimes"}, "strong"),
    ],
)
def test_self_check_advice(answers, level):
    assert selfcheck.evaluate(answers).level == level


def test_self_check_stores_nothing(client):
    def row_counts():
        return {m._meta.label: m.objects.count() for m in apps.get_models()}

    before = row_counts()
    response = client.post("/hulp/zelftest/", {"debt": "yes", "gifts": "sometimes"})
    html = response.content.decode()
    assert "iemand jou gebruikt" in html and "Bel 112" in html
    assert "slachtoffer, niet alleen verdachte" in html
    assert row_counts() == before
    assert "sessionid" not in response.cookies


def test_no_ip_address_or_user_agent_reaches_database_or_logs(
    client, make_member, login, caplog, start_conversation
):
    caplog.set_level(logging.DEBUG)
    headers = {"REMOTE_ADDR": IP, "HTTP_USER_AGENT": AGENT, "HTTP_X_FORWARDED_FOR": IP}
    client.defaults.update(headers)
    for path in ("/hulp/", "/hulp/jongeren/", "/hulp/zelftest/", "/hulp/bestaat-niet/"):
        client.get(path)
    client.post("/hulp/zelftest/", {"debt": "yes"})
    _, code, passphrase = start_conversation()
    client.post("/hulp/gesprek/schrijven/", {"body": "tweede bericht"})
    client.post("/hulp/gesprek/verlaten/")
    client.post("/hulp/gesprek/terug/", {"code": code, "passphrase": "fout fout"})
    client.post("/hulp/gesprek/terug/", {"code": code, "passphrase": passphrase})

    for model in apps.get_models():
        for row in model.objects.all().values_list():
            text = " ".join(str(value) for value in row)
            assert IP not in text and "marker-ua" not in text, model
    for record in caplog.records:
        line = f"{record.getMessage()} {record.args} {getattr(record, 'request', '')!r}"
        assert IP not in line and "marker-ua" not in line, line
