"""Anonymous conversations from the visitor's side: start, resume, write, consent, leave."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.help.conftest import solve
from zicht.audit.models import AuditEvent
from zicht.help import codes
from zicht.help.models import Conversation, Message

pytestmark = pytest.mark.django_db

MESSAGE = "Iemand wil dat ik pakketjes wegbreng."


def test_start_shows_code_and_passphrase_once_and_stores_neither_in_plain(
    client, start_conversation
):
    response, code, passphrase = start_conversation(MESSAGE)
    assert response.status_code == 200
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    words = passphrase.split()
    assert len(words) == 5 and all(w in codes.wordlist() for w in words)
    html = response.content.decode()
    assert "maar één keer" in html and "niet door jou, niet door ons" in html

    conversation = Conversation.objects.get()
    assert conversation.code == code.replace("-", "")
    assert passphrase not in conversation.passphrase_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM help_message")
        (stored,) = cursor.fetchone()
    assert MESSAGE not in stored and Message.objects.get().body == MESSAGE
    # The visitor is inside the conversation now; reloading does not show the passphrase.
    page = client.get("/hulp/gesprek/lezen/").content.decode()
    assert MESSAGE in page and passphrase not in page
    event = AuditEvent.objects.get(action="help.conversation_started")
    assert MESSAGE not in str(event.details) and code.replace("-", "") not in str(event.details)


def test_start_refuses_honeypot_replay_and_too_fast_without_javascript(client, settings):
    page = client.get("/hulp/gesprek/nieuw/").content.decode()
    challenge = re.search(r'name="challenge" value="([^"]+)"', page).group(1)
    data = {"message": MESSAGE, "challenge": challenge, "solution": "", "website": ""}

    settings.ZICHT_HELP_MIN_FORM_SECONDS = 60
    assert "heel snel" in client.post("/hulp/gesprek/nieuw/", data).content.decode()
    assert "Laat dit veld leeg" in page  # the honeypot's label, hidden from people
    response = client.post("/hulp/gesprek/nieuw/", {**data, "website": "http://spam.example"})
    assert "kon niet worden verstuurd" in response.content.decode()
    assert Conversation.objects.count() == 0

    settings.ZICHT_HELP_MIN_FORM_SECONDS = 0
    assert 'data-testid="case-code"' in client.post("/hulp/gesprek/nieuw/", data).content.decode()
    # The same form cannot start a second conversation.
    assert "verlopen" in client.post("/hulp/gesprek/nieuw/", data).content.decode()
    assert Conversation.objects.count() == 1


def test_start_refuses_wrong_or_reused_proof_of_work(client):
    page = client.get("/hulp/gesprek/nieuw/").content.decode()
    challenge = re.search(r'name="challenge" value="([^"]+)"', page).group(1)
    good = solve(challenge)
    data = {"message": MESSAGE, "challenge": challenge, "website": ""}
    bad = next(str(n) for n in range(100000) if str(n) != good and not _solves(challenge, str(n)))
    assert (
        "verlopen"
        in client.post("/hulp/gesprek/nieuw/", {**data, "solution": bad}).content.decode()
    )
    assert Conversation.objects.count() == 0
    client.post("/hulp/gesprek/nieuw/", {**data, "solution": good})
    assert Conversation.objects.count() == 1
    client.post("/hulp/gesprek/nieuw/", {**data, "solution": good})
    assert Conversation.objects.count() == 1


def _solves(challenge, solution):
    import hashlib

    from zicht.help import pow as proof

    digest = hashlib.sha256(f"{challenge}:{solution}".encode()).digest()
    return proof.leading_zero_bits(digest) >= proof._payload(challenge)["b"]


def test_resume_accepts_what_people_write_down(client, start_conversation):
    _, code, passphrase = start_conversation()
    client.post("/hulp/gesprek/verlaten/")
    assert client.get("/hulp/gesprek/lezen/").status_code == 302
    typed_code = code.lower().replace("-", " ")
    typed_phrase = "  " + passphrase.upper().replace(" ", " - ") + " "
    response = client.post("/hulp/gesprek/terug/", {"code": typed_code, "passphrase": typed_phrase})
    assert response.status_code == 302 and response["Location"] == "/hulp/gesprek/lezen/"
    assert "pakketjes" in client.get("/hulp/gesprek/lezen/").content.decode()


def test_unknown_code_gets_the_same_answer(client):
    response = client.post("/hulp/gesprek/terug/", {"code": "ABCD-EFGH", "passphrase": "a b c d e"})
    assert "passen niet bij elkaar" in response.content.decode()


def test_messages_are_rate_limited_per_conversation(client, start_conversation, settings):
    settings.ZICHT_HELP_MESSAGES_PER_HOUR = 2
    start_conversation()
    for text in ("een", "twee"):
        assert client.post("/hulp/gesprek/schrijven/", {"body": text}).status_code == 302
    response = client.post("/hulp/gesprek/schrijven/", {"body": "drie"})
    assert response.status_code == 400 and "veel berichten" in response.content.decode()
    assert Message.objects.count() == 3


def test_leaving_removes_the_session_cookie(client, start_conversation):
    start_conversation()
    assert "sessionid" in client.cookies
    response = client.post("/hulp/gesprek/verlaten/")
    assert response["Location"] == "/hulp/gesprek/tot-ziens/"
    assert response.cookies["sessionid"].value == ""
    assert client.get("/hulp/gesprek/verlaten/").status_code == 405


def test_visitor_can_delete_everything(client, start_conversation):
    start_conversation()
    client.get("/hulp/gesprek/verwijderen/")
    response = client.post("/hulp/gesprek/verwijderen/")
    assert "is verwijderd" in response.content.decode()
    assert Conversation.objects.count() == 0 and Message.objects.count() == 0
    assert AuditEvent.objects.filter(action="help.conversation_deleted_by_visitor").exists()


def test_deletion_warning_appears_inside_the_conversation(client, start_conversation, settings):
    settings.ZICHT_HELP_RETENTION_DAYS = 90
    settings.ZICHT_HELP_WARNING_DAYS = 14
    start_conversation()
    assert (
        'data-testid="deletion-warning"' not in client.get("/hulp/gesprek/lezen/").content.decode()
    )
    Conversation.objects.update(last_activity_at=timezone.now() - timedelta(days=80))
    html = client.get("/hulp/gesprek/lezen/").content.decode()
    assert 'data-testid="deletion-warning"' in html and "wordt op" in html


def test_english_conversation_is_recorded_in_english(client, settings):
    page = client.get("/en/hulp/gesprek/nieuw/").content.decode()
    challenge = re.search(r'name="challenge" value="([^"]+)"', page).group(1)
    response = client.post(
        "/en/hulp/gesprek/nieuw/",
        {"message": "Help", "challenge": challenge, "solution": solve(challenge)},
    )
    assert "Write this down now" in response.content.decode()
    assert Conversation.objects.get().language == "en"


def test_quick_exit_endpoint_ends_the_conversation_without_a_csrf_token(client, start_conversation):
    """What help.js's beacon sends on quick exit: a bare POST, without CSRF token."""
    from django.test import Client

    start_conversation()
    beacon = Client(enforce_csrf_checks=True)
    beacon.cookies = client.cookies
    stolen = beacon.cookies["sessionid"].value
    assert beacon.get("/hulp/gesprek/lezen/").status_code == 200
    assert beacon.get("/hulp/gesprek/snel-weg/").status_code == 405
    response = beacon.post("/hulp/gesprek/snel-weg/")
    assert response.status_code == 204 and "no-store" in response["Cache-Control"]
    assert response.cookies["sessionid"].value == "" and response.cookies["csrftoken"].value == ""
    # Every conversation page asks for the code and passphrase again, also with the old
    # cookie replayed: the session is gone on the server, not only in the browser.
    replay = Client()
    replay.cookies["sessionid"] = stolen
    for path in ("/hulp/gesprek/lezen/", "/hulp/gesprek/verwijderen/"):
        response = replay.get(path)
        assert response.status_code == 302 and response["Location"] == "/hulp/gesprek/terug/"
    assert replay.post("/hulp/gesprek/schrijven/", {"body": "hoi"}).status_code == 302
    # Without a conversation it changes nothing and sets no cookie.
    assert not Client().post("/hulp/gesprek/snel-weg/").cookies


def test_quick_exit_endpoint_keeps_a_staff_login(client, make_member, login, start_conversation):
    from zicht.accounts.constants import Role

    member = make_member(role=Role.PROFESSIONAL)
    login(member)
    start_conversation()
    assert client.post("/hulp/gesprek/snel-weg/").status_code == 204
    assert client.get("/hulp/gesprek/lezen/").status_code == 302
    assert client.get("/").wsgi_request.user == member.user


def test_the_neutral_page_ends_the_conversation_without_javascript(client, start_conversation):
    """Without JavaScript the quick-exit button is a plain link to the neutral page: arriving
    there ends the conversation session on the server, as the beacon does."""
    from django.test import Client

    start_conversation()
    stolen = client.cookies["sessionid"].value
    assert client.get("/hulp/gesprek/lezen/").status_code == 200
    response = client.get("/pannenkoeken/")
    assert response.status_code == 200 and response.cookies["sessionid"].value == ""
    assert client.get("/hulp/gesprek/lezen/").status_code == 302
    replay = Client()
    replay.cookies["sessionid"] = stolen
    assert replay.get("/hulp/gesprek/lezen/")["Location"] == "/hulp/gesprek/terug/"
    # A visitor without a conversation gets the page and no cookie.
    assert not Client().get("/pannenkoeken/").cookies
