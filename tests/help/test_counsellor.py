"""The counsellor inbox: only counsellors, every read audit-logged, unanswered first,
templates, consent before hand-over, closing abusive conversations."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tests.conftest import verified_client
from tests.help.content import load_shipped_help_content
from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.help import services
from zicht.help.models import Conversation, ReplyTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation():
    return services.conversation_start(message="Ik word bedreigd.", language="nl").conversation


@pytest.fixture
def counsellor(make_member):
    return make_member(role=Role.COUNSELLOR)


@pytest.fixture
def staff_client(counsellor):
    """A second browser: the counsellor, next to the visitor's ``client``."""
    return verified_client(Client(), counsellor.user)


@pytest.mark.parametrize(
    "role", [Role.PROFESSIONAL, Role.COORDINATOR, Role.ORG_ADMIN, Role.ANALYST]
)
def test_other_roles_get_403_and_the_attempt_is_logged(make_member, login, conversation, role):
    member = make_member(role=role)
    client = login(member)
    assert client.get("/hulp/gesprekken/").status_code == 403
    assert client.get(f"/hulp/gesprekken/{conversation.pk}/").status_code == 403
    assert (
        client.post(f"/hulp/gesprekken/{conversation.pk}/antwoord/", {"body": "x"}).status_code
        == 403
    )
    assert (
        AuditEvent.objects.filter(action="help.access_denied", actor_id=member.user.pk).count() == 3
    )
    assert not conversation.messages.filter(author="counsellor").exists()


def test_anonymous_visitor_is_sent_to_login(client, conversation):
    response = client.get("/hulp/gesprekken/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_inbox_lists_unanswered_first_longest_waiting_on_top(login, counsellor):
    now = timezone.now()
    answered = services.conversation_start(message="a", language="nl").conversation
    services.counsellor_reply(membership=counsellor, conversation=answered, body="Hoi")
    newer = services.conversation_start(message="b", language="nl").conversation
    older = services.conversation_start(message="c", language="en").conversation
    Conversation.objects.filter(pk=older.pk).update(awaiting_since=now - timedelta(hours=5))
    Conversation.objects.filter(pk=newer.pk).update(awaiting_since=now - timedelta(hours=1))
    html = login(counsellor).get("/hulp/gesprekken/").content.decode()
    positions = [html.index(c.display_code) for c in (older, newer, answered)]
    assert positions == sorted(positions)
    assert "2 gesprekken wachten op antwoord" in html
    assert AuditEvent.objects.filter(action="help.inbox_viewed").count() == 1


def test_inbox_pages_through_every_conversation(login, counsellor, settings):
    """No conversation falls off the end of the inbox: 30 open ones on two pages."""
    settings.ZICHT_HELP_STARTS_PER_HOUR = 1000
    codes = [
        services.conversation_start(message=f"vraag {i}", language="nl").conversation.display_code
        for i in range(30)
    ]
    client = login(counsellor)
    first = client.get("/hulp/gesprekken/").content.decode()
    second = client.get("/hulp/gesprekken/?page=2").content.decode()
    assert "Pagina 1 van 2" in first
    assert sorted(c for c in codes if c in first or c in second) == sorted(codes)


def test_reading_is_audit_logged_and_reply_reaches_the_visitor(login, counsellor, conversation):
    client = login(counsellor)
    html = client.get(f"/hulp/gesprekken/{conversation.pk}/").content.decode()
    assert "Ik word bedreigd." in html
    event = AuditEvent.objects.get(action="help.conversation_viewed")
    assert event.actor_id == counsellor.user.pk and event.object_id == str(conversation.pk)
    response = client.post(
        f"/hulp/gesprekken/{conversation.pk}/antwoord/",
        {"body": "Bel 112 als het nu gevaarlijk is."},
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert not conversation.awaiting_reply
    reply = conversation.messages.get(author="counsellor")
    assert reply.body == "Bel 112 als het nu gevaarlijk is." and reply.counsellor == counsellor.user
    assert "Bel 112" not in str(AuditEvent.objects.get(action="help.counsellor_reply").details)


def test_templates_prefill_the_answer_in_the_conversation_language(login, counsellor, conversation):
    load_shipped_help_content()
    template = ReplyTemplate.objects.get(language="nl", title="Direct gevaar")
    client = login(counsellor)
    html = client.get(f"/hulp/gesprekken/{conversation.pk}/").content.decode()
    assert "Direct gevaar" in html and "Immediate danger" not in html
    html = client.get(
        f"/hulp/gesprekken/{conversation.pk}/?sjabloon={template.pk}"
    ).content.decode()
    assert "Bel alsjeblieft meteen 112" in html.split("<textarea")[1]


def test_hand_over_needs_consent_recorded_in_the_conversation(
    client, staff_client, start_conversation
):
    start_conversation()  # the visitor's client is now inside the conversation
    conversation = Conversation.objects.get()
    url = f"/hulp/gesprekken/{conversation.pk}"
    staff_client.post(f"{url}/overdracht/", {"kind": "referral"})
    conversation.refresh_from_db()
    assert conversation.handed_over_at is None
    assert "Om toestemming vragen" in staff_client.get(f"{url}/").content.decode()

    staff_client.post(f"{url}/toestemming/")
    html = client.get("/hulp/gesprek/lezen/").content.decode()
    assert "Mogen we je verhaal doorgeven?" in html
    client.post("/hulp/gesprek/toestemming/", {"answer": "yes"})
    conversation.refresh_from_db()
    assert conversation.consent_given_at is not None
    assert conversation.messages.filter(kind="consent_given", author="visitor").exists()

    response = staff_client.post(f"{url}/overdracht/", {"kind": "referral"}, follow=True)
    assert "Het coördinatiecentrum kan dit nu oppakken" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.handover_kind == "referral" and conversation.handed_over_at
    assert AuditEvent.objects.filter(action="help.handed_over").count() == 1
    # The referral opened a coordination file, without any identity.
    from zicht.coordination.models import Referral

    referral = Referral.objects.get()
    assert referral.signal_id is None and referral.file is not None
    assert conversation.code in referral.reason
    assert referral.file.status == "screening"
    assert (
        "doorgegeven aan het coördinatiecentrum"
        in client.get("/hulp/gesprek/lezen/").content.decode()
    )


def test_declining_consent_blocks_hand_over(client, counsellor, start_conversation):
    start_conversation()
    conversation = Conversation.objects.get()
    services.counsellor_consent_request(membership=counsellor, conversation=conversation)
    client.post("/hulp/gesprek/toestemming/", {"answer": "no"})
    conversation.refresh_from_db()
    assert conversation.consent_given_at is None
    with pytest.raises(ValidationError):
        services.counsellor_hand_over(
            membership=counsellor, conversation=conversation, kind="signal"
        )


def test_closing_an_abusive_conversation_stops_the_visitor(
    client, staff_client, start_conversation
):
    start_conversation()
    conversation = Conversation.objects.get()
    staff_client.post(f"/hulp/gesprekken/{conversation.pk}/sluiten/", {"reason": "abusive"})
    conversation.refresh_from_db()
    assert conversation.status == "closed" and conversation.close_reason == "abusive"
    html = client.get("/hulp/gesprek/lezen/").content.decode()
    assert "Dit gesprek is gesloten" in html and 'name="body"' not in html
    response = client.post("/hulp/gesprek/schrijven/", {"body": "nog een"})
    assert response.status_code == 400
    assert conversation.messages.filter(author="visitor").count() == 1
    assert AuditEvent.objects.get(action="help.conversation_closed").details == {
        "reason": "abusive"
    }
