"""Signal hand-overs: only with consent, readable (read-only) by the professionals of the
counsellor's own organisation and by nobody else, taken up by one of them, counted for the
home page, audit-logged, and purged with the conversation."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import verified_client
from tests.factories import MembershipFactory, OrganisationFactory
from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.help import selectors, services
from zicht.help.models import Conversation, Message

pytestmark = pytest.mark.django_db

STORY = "Een oudere jongen laat mij pakketjes wegbrengen."


@pytest.fixture
def home(db):
    """The counsellor's organisation."""
    return OrganisationFactory(coordination=True)


@pytest.fixture
def counsellor(make_member, home):
    return make_member(role=Role.COUNSELLOR, organisation=home)


@pytest.fixture
def professional(make_member, home):
    return make_member(role=Role.PROFESSIONAL, organisation=home)


def _client(membership):
    return verified_client(Client(), membership.user)


def _consented(counsellor, message=STORY):
    conversation = services.conversation_start(message=message, language="nl").conversation
    services.counsellor_consent_request(membership=counsellor, conversation=conversation)
    services.visitor_consent_answer(conversation=conversation, agree=True)
    conversation.refresh_from_db()
    return conversation


def _signal(counsellor, message=STORY):
    conversation = _consented(counsellor, message)
    services.counsellor_hand_over(membership=counsellor, conversation=conversation, kind="signal")
    conversation.refresh_from_db()
    return conversation


def _denied(member):
    return AuditEvent.objects.filter(action="help.access_denied", actor_id=member.user.pk)


# --- the hand-over itself -------------------------------------------------------------


def test_no_signal_hand_over_without_consent(counsellor, professional, start_conversation):
    start_conversation()
    conversation = Conversation.objects.get()
    staff = _client(counsellor)
    staff.post(f"/hulp/gesprekken/{conversation.pk}/overdracht/", {"kind": "signal"})
    services.counsellor_consent_request(membership=counsellor, conversation=conversation)
    with pytest.raises(ValidationError):  # asked, but not (yet) answered
        services.counsellor_hand_over(
            membership=counsellor, conversation=conversation, kind="signal"
        )
    conversation.refresh_from_db()
    assert conversation.handed_over_at is None and conversation.handed_over_to is None
    assert selectors.handovers_waiting_count(membership=professional) == 0
    assert _client(professional).get(f"/hulp/overdrachten/{conversation.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="help.handed_over").exists()


def test_signal_hand_over_goes_to_the_counsellors_organisation(counsellor, home):
    conversation = _consented(counsellor)
    response = _client(counsellor).post(
        f"/hulp/gesprekken/{conversation.pk}/overdracht/", {"kind": "signal"}, follow=True
    )
    html = response.content.decode()
    assert "De professionals van je organisatie kunnen dit nu oppakken" in html
    assert f"De professionals van {home.name} kunnen dit gesprek lezen" in html
    assert "Dit is nog niet opgepakt door een professional." in html
    conversation.refresh_from_db()
    assert conversation.handover_kind == "signal"
    assert conversation.handed_over_to == home
    assert conversation.handed_over_by == counsellor.user
    event = AuditEvent.objects.get(action="help.handed_over")
    assert event.details["kind"] == "signal" and event.actor_id == counsellor.user.pk


def test_a_referral_is_not_shown_to_professionals(counsellor, professional):
    conversation = _consented(counsellor)
    services.counsellor_hand_over(membership=counsellor, conversation=conversation, kind="referral")
    conversation.refresh_from_db()
    assert conversation.handed_over_to is None
    assert selectors.handovers_waiting_count(membership=professional) == 0
    assert _client(professional).get(f"/hulp/overdrachten/{conversation.pk}/").status_code == 404


def test_the_visitor_reads_that_their_story_was_passed_on(client, counsellor, start_conversation):
    start_conversation()
    conversation = Conversation.objects.get()
    services.counsellor_consent_request(membership=counsellor, conversation=conversation)
    client.post("/hulp/gesprek/toestemming/", {"answer": "yes"})
    services.counsellor_hand_over(membership=counsellor, conversation=conversation, kind="signal")
    html = client.get("/hulp/gesprek/lezen/").content.decode()
    assert "je verhaal doorgegeven aan een collega die je verder kan helpen" in html
    assert "Je kunt hier gewoon verder schrijven" in html
    html = client.get("/en/hulp/gesprek/lezen/").content.decode()
    assert "passed your story on to a colleague who can help you further" in html


def test_the_counsellor_is_warned_when_nobody_can_take_a_signal_up(counsellor):
    conversation = _consented(counsellor)
    staff = _client(counsellor)
    html = staff.get(f"/hulp/gesprekken/{conversation.pk}/").content.decode()
    assert 'data-testid="no-professionals"' in html
    MembershipFactory(role=Role.PROFESSIONAL)  # a professional elsewhere does not count
    html = staff.get(f"/hulp/gesprekken/{conversation.pk}/").content.decode()
    assert 'data-testid="no-professionals"' in html
    MembershipFactory(role=Role.PROFESSIONAL, organisation=counsellor.organisation)
    html = staff.get(f"/hulp/gesprekken/{conversation.pk}/").content.decode()
    assert 'data-testid="no-professionals"' not in html


# --- who can read it ------------------------------------------------------------------


def test_a_professional_of_the_organisation_lists_and_reads_it(counsellor, professional):
    conversation = _signal(counsellor)
    client = _client(professional)
    html = client.get("/hulp/overdrachten/").content.decode()
    assert "1 overdracht wacht om opgepakt te worden." in html
    assert conversation.display_code in html
    assert counsellor.user.get_full_name() in html
    assert AuditEvent.objects.get(action="help.handovers_viewed").actor_id == professional.user.pk

    html = client.get(f"/hulp/overdrachten/{conversation.pk}/").content.decode()
    assert STORY in html
    assert "Volgende stap: leg een signaal vast" in html
    assert 'action="/hulp/gesprekken/' not in html  # no answer, consent or close forms
    assert 'name="body"' not in html
    event = AuditEvent.objects.get(action="help.conversation_viewed")
    assert event.actor_id == professional.user.pk
    assert event.object_id == str(conversation.pk)
    assert event.organisation_id == professional.organisation_id
    assert event.details == {"as": "professional"}


def test_the_signal_form_link_carries_nothing_from_the_conversation(counsellor, professional):
    conversation = _signal(counsellor)
    html = _client(professional).get(f"/hulp/overdrachten/{conversation.pk}/").content.decode()
    # A plain link: no query string, so nothing of the conversation reaches the form.
    assert f'href="{reverse("intake:signal_create")}"' in html
    assert f'href="{reverse("intake:signal_create")}?' not in html


def test_a_professional_of_another_organisation_gets_404_and_is_logged(
    make_member, counsellor, professional
):
    conversation = _signal(counsellor)
    outsider = make_member(role=Role.PROFESSIONAL)  # another organisation
    client = _client(outsider)
    html = client.get("/hulp/overdrachten/").content.decode()
    assert conversation.display_code not in html and 'data-testid="handovers-empty"' in html
    assert client.get(f"/hulp/overdrachten/{conversation.pk}/").status_code == 404
    assert client.post(f"/hulp/overdrachten/{conversation.pk}/opgepakt/").status_code == 404
    denied = _denied(outsider)
    assert denied.count() == 2
    assert {e.object_id for e in denied} == {str(conversation.pk)}
    assert selectors.handovers_waiting_count(membership=outsider) == 0
    conversation.refresh_from_db()
    assert conversation.taken_up_at is None
    assert not AuditEvent.objects.filter(
        action="help.conversation_viewed", actor_id=outsider.user.pk
    ).exists()


@pytest.mark.parametrize(
    ("role", "same_organisation"),
    [
        (Role.COORDINATOR, True),
        (Role.ANALYST, True),
        (Role.ORG_ADMIN, True),
        (Role.COUNSELLOR, True),
        (Role.COUNSELLOR, False),
        (Role.COORDINATOR, False),
    ],
)
def test_other_roles_get_403_and_are_logged(make_member, counsellor, role, same_organisation):
    conversation = _signal(counsellor)
    member = make_member(
        role=role, organisation=counsellor.organisation if same_organisation else None
    )
    client = _client(member)
    assert client.get("/hulp/overdrachten/").status_code == 403
    assert client.get(f"/hulp/overdrachten/{conversation.pk}/").status_code == 403
    assert client.post(f"/hulp/overdrachten/{conversation.pk}/opgepakt/").status_code == 403
    assert _denied(member).count() == 3
    conversation.refresh_from_db()
    assert conversation.taken_up_at is None
    assert selectors.handovers_waiting_count(membership=member) == 0


def test_an_inactive_professional_or_organisation_gets_nothing(counsellor, professional):
    conversation = _signal(counsellor)
    professional.is_active = False
    assert selectors.handovers_waiting_count(membership=professional) == 0
    with pytest.raises(PermissionDenied):
        selectors.handover_for_professional(membership=professional, pk=conversation.pk)
    professional.is_active = True
    professional.organisation.is_active = False
    assert selectors.handovers_waiting_count(membership=professional) == 0
    with pytest.raises(PermissionDenied):
        services.professional_take_up(membership=professional, conversation=conversation)


def test_anonymous_users_go_to_the_login(client, counsellor):
    conversation = _signal(counsellor)
    for url in ("/hulp/overdrachten/", f"/hulp/overdrachten/{conversation.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/login/" in response["Location"]
    response = client.post(f"/hulp/overdrachten/{conversation.pk}/opgepakt/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


# --- the list -------------------------------------------------------------------------


def test_empty_list(professional):
    html = _client(professional).get("/hulp/overdrachten/").content.decode()
    assert "Er wachten geen overdrachten." in html
    assert "0 overdrachten wachten om opgepakt te worden." in html
    html = _client(professional).get("/hulp/overdrachten/?toon=opgepakt").content.decode()
    assert "Er zijn nog geen overdrachten opgepakt." in html


def test_list_is_newest_first_and_paginated(counsellor, professional):
    now = timezone.now()
    conversations = [_signal(counsellor, message=f"verhaal {i}") for i in range(27)]
    for age, conversation in enumerate(conversations):
        Conversation.objects.filter(pk=conversation.pk).update(
            handed_over_at=now - timedelta(hours=age)
        )
    client = _client(professional)
    first = client.get("/hulp/overdrachten/").content.decode()
    assert "27 overdrachten wachten om opgepakt te worden." in first
    codes = [c.display_code for c in conversations]
    positions = [first.index(code) for code in codes[:25]]
    assert positions == sorted(positions)  # newest (age 0) on top
    assert codes[25] not in first and "Pagina 1 van 2" in first
    second = client.get("/hulp/overdrachten/?page=2").content.decode()
    assert codes[25] in second and codes[26] in second and codes[0] not in second


# --- taking it up ---------------------------------------------------------------------


def test_take_up_flow(counsellor, professional):
    conversation = _signal(counsellor)
    client = _client(professional)
    response = client.post(
        f"/hulp/overdrachten/{conversation.pk}/opgepakt/",
        {"signal_reference": " zs-2026-012345 "},
        follow=True,
    )
    html = response.content.decode()
    assert "Je hebt deze overdracht opgepakt." in html
    assert "Kenmerk van het signaal: ZS-2026-012345." in html
    assert STORY in html  # still readable for the record
    assert 'action="/hulp/overdrachten/' not in html  # no second take-up form
    conversation.refresh_from_db()
    assert conversation.taken_up_by == professional.user
    assert conversation.taken_up_at is not None
    assert conversation.signal_reference == "ZS-2026-012345"
    event = AuditEvent.objects.get(action="help.handover_taken_up")
    assert event.actor_id == professional.user.pk
    assert event.organisation_id == professional.organisation_id
    assert event.object_id == str(conversation.pk)
    assert event.details == {"signal_reference_given": True}

    # It leaves the waiting list, stays in the taken-up list and is still readable.
    assert selectors.handovers_waiting_count(membership=professional) == 0
    assert conversation.display_code not in client.get("/hulp/overdrachten/").content.decode()
    taken = client.get("/hulp/overdrachten/?toon=opgepakt").content.decode()
    assert conversation.display_code in taken
    assert client.get(f"/hulp/overdrachten/{conversation.pk}/").status_code == 200

    # The counsellor sees that (and when) it was taken up, not the signal or by whom.
    html = _client(counsellor).get(f"/hulp/gesprekken/{conversation.pk}/").content.decode()
    assert "Een professional heeft dit opgepakt op" in html
    assert "ZS-2026-012345" not in html
    assert professional.user.get_full_name() not in html

    # Taking it up twice is refused and not recorded twice.
    response = client.post(f"/hulp/overdrachten/{conversation.pk}/opgepakt/", follow=True)
    assert "Deze overdracht is al opgepakt." in response.content.decode()
    assert AuditEvent.objects.filter(action="help.handover_taken_up").count() == 1


def test_take_up_without_a_reference(counsellor, professional):
    conversation = _signal(counsellor)
    response = _client(professional).post(f"/hulp/overdrachten/{conversation.pk}/opgepakt/")
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.taken_up_at and conversation.signal_reference == ""
    event = AuditEvent.objects.get(action="help.handover_taken_up")
    assert event.details == {"signal_reference_given": False}


@pytest.mark.parametrize("reference", ["12345", "ZS-26-1", "ZS-2026-0123456", "Jan Jansen"])
def test_a_malformed_reference_is_refused(counsellor, professional, reference):
    conversation = _signal(counsellor)
    response = _client(professional).post(
        f"/hulp/overdrachten/{conversation.pk}/opgepakt/", {"signal_reference": reference}
    )
    assert response.status_code == 400
    assert "Een kenmerk van een signaal ziet eruit als ZS-2026-012345." in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.taken_up_at is None
    assert not AuditEvent.objects.filter(action="help.handover_taken_up").exists()
    with pytest.raises(ValidationError):
        services.professional_take_up(
            membership=professional, conversation=conversation, signal_reference=reference
        )


def test_take_up_needs_post_and_csrf(counsellor, professional):
    conversation = _signal(counsellor)
    url = f"/hulp/overdrachten/{conversation.pk}/opgepakt/"
    assert _client(professional).get(url).status_code == 405
    strict = verified_client(Client(enforce_csrf_checks=True), professional.user)
    assert strict.post(url).status_code == 403
    conversation.refresh_from_db()
    assert conversation.taken_up_at is None


def test_the_service_refuses_a_hand_over_of_another_organisation(make_member, counsellor):
    conversation = _signal(counsellor)
    outsider = make_member(role=Role.PROFESSIONAL)
    with pytest.raises(PermissionDenied):
        services.professional_take_up(membership=outsider, conversation=conversation)


# --- the count for the home page ------------------------------------------------------


def test_waiting_count(make_member, counsellor, professional):
    assert selectors.handovers_waiting_count(membership=professional) == 0
    first, second = _signal(counsellor), _signal(counsellor)
    _consented(counsellor)  # consent, but no hand-over
    referral = _consented(counsellor)
    services.counsellor_hand_over(membership=counsellor, conversation=referral, kind="referral")
    assert selectors.handovers_waiting_count(membership=professional) == 2
    services.professional_take_up(membership=professional, conversation=first)
    assert selectors.handovers_waiting_count(membership=professional) == 1
    assert second.pk in {c.pk for c in selectors.handovers_for(membership=professional)}
    assert selectors.handovers_waiting_count(membership=None) == 0
    assert selectors.handovers_waiting_count(membership=counsellor) == 0
    for role in (Role.COORDINATOR, Role.ANALYST, Role.ORG_ADMIN):
        member = make_member(role=role, organisation=counsellor.organisation)
        assert selectors.handovers_waiting_count(membership=member) == 0
    assert selectors.handovers_waiting_count(membership=make_member()) == 0


# --- audit and privacy ----------------------------------------------------------------


def test_audit_details_carry_no_text_code_or_reference(counsellor, professional):
    conversation = _signal(counsellor)
    client = _client(professional)
    client.get("/hulp/overdrachten/")
    client.get(f"/hulp/overdrachten/{conversation.pk}/")
    client.post(
        f"/hulp/overdrachten/{conversation.pk}/opgepakt/", {"signal_reference": "ZS-2026-000001"}
    )
    for event in AuditEvent.objects.all():
        text = str(event.details)
        assert "pakketjes" not in text
        assert conversation.code not in text and conversation.display_code not in text
        assert "ZS-2026-000001" not in text


# --- retention ------------------------------------------------------------------------


def test_purge_removes_a_handed_over_conversation_with_everything(
    settings, counsellor, professional
):
    settings.ZICHT_HELP_RETENTION_DAYS = 90
    conversation = _signal(counsellor)
    services.professional_take_up(
        membership=professional, conversation=conversation, signal_reference="ZS-2026-000002"
    )
    waiting = _signal(counsellor)
    Conversation.objects.filter(pk__in=[conversation.pk, waiting.pk]).update(
        last_activity_at=timezone.now() - timedelta(days=91)
    )
    assert services.conversations_purge_inactive() == 2
    assert not Conversation.objects.exists() and not Message.objects.exists()
    assert selectors.handovers_waiting_count(membership=professional) == 0
    client = _client(professional)
    assert client.get(f"/hulp/overdrachten/{conversation.pk}/").status_code == 404
    assert (
        conversation.display_code
        not in client.get("/hulp/overdrachten/?toon=opgepakt").content.decode()
    )
    # The people and the organisation stay; only the conversation went.
    counsellor.refresh_from_db()
    professional.refresh_from_db()
    assert AuditEvent.objects.filter(action="help.conversation_purged").count() == 2


def test_deleting_a_user_keeps_the_hand_over(counsellor, professional):
    conversation = _signal(counsellor)
    services.professional_take_up(membership=professional, conversation=conversation)
    counsellor.user.delete()
    conversation.refresh_from_db()
    assert conversation.handed_over_by is None
    assert conversation.handed_over_to == professional.organisation
    html = _client(professional).get(f"/hulp/overdrachten/{conversation.pk}/").content.decode()
    assert STORY in html


def test_english_pages(counsellor, professional):
    conversation = _signal(counsellor)
    client = _client(professional)
    html = client.get("/en/hulp/overdrachten/").content.decode()
    assert "1 hand-over is waiting to be taken up." in html
    html = client.get(f"/en/hulp/overdrachten/{conversation.pk}/").content.decode()
    assert "Next step: record a signal" in html and "Mark as taken up" in html


def test_a_closed_conversation_still_shows_the_hand_over_and_can_be_taken_up(
    counsellor, professional
):
    conversation = _signal(counsellor)
    services.counsellor_close(membership=counsellor, conversation=conversation, reason="finished")
    staff = _client(counsellor)
    html = staff.get(f"/hulp/gesprekken/{conversation.pk}/").content.decode()
    assert "Dit is nog niet opgepakt door een professional." in html
    _client(professional).post(f"/hulp/overdrachten/{conversation.pk}/opgepakt/")
    html = staff.get(f"/hulp/gesprekken/{conversation.pk}/").content.decode()
    assert "Een professional heeft dit opgepakt op" in html
