"""Issue 11: a help conversation handed over as a referral is something to screen.

The coordinator the file is assigned to reads the consented conversation (read-only,
audit-logged); nobody else does, and the file shows the case code as the visitor sees it.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import verified_client
from tests.factories import OrganisationFactory
from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.coordination import services
from zicht.coordination.models import CoordinationFile
from zicht.help import services as help_services

pytestmark = pytest.mark.django_db

STORY = "Een oudere jongen laat mij pakketjes wegbrengen."


@pytest.fixture
def handed_over(make_member, centre):
    counsellor = make_member(role=Role.COUNSELLOR, organisation=centre)
    started = help_services.conversation_start(message=STORY, language="nl")
    conversation = started.conversation
    help_services.counsellor_consent_request(membership=counsellor, conversation=conversation)
    help_services.visitor_consent_answer(conversation=conversation, agree=True)
    conversation.refresh_from_db()
    help_services.counsellor_hand_over(
        membership=counsellor, conversation=conversation, kind="referral"
    )
    conversation.refresh_from_db()
    return conversation, CoordinationFile.objects.get()


def _client(membership):
    return verified_client(Client(), membership.user)


def _assign(file, coordinator, to):
    file.refresh_from_db()
    from zicht.coordination import selectors

    member = next(m for m in selectors.coordinators() if m.user_id == to.user_id)
    services.file_assign(
        membership=coordinator, file=file, coordinator=member, expected_version=file.version
    )


def test_the_file_shows_the_case_code_as_the_visitor_sees_it(handed_over, coordinator):
    conversation, file = handed_over
    html = _client(coordinator).get(reverse("coordination:file_detail", args=[file.pk]))
    assert conversation.display_code in html.content.decode()
    assert "-" in conversation.display_code


def test_the_assigned_coordinator_reads_the_conversation_and_the_read_is_logged(
    handed_over, coordinator
):
    conversation, file = handed_over
    _assign(file, coordinator, coordinator)
    client = _client(coordinator)
    page = client.get(reverse("coordination:file_detail", args=[file.pk])).content.decode()
    url = reverse("help:coordinator_conversation", args=[file.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert STORY in html and conversation.display_code in html and "Hulpgesprek" in html
    assert "<textarea" not in html  # read-only: nothing to write in
    event = AuditEvent.objects.filter(action="help.conversation_viewed").latest("seq")
    assert event.object_id == str(conversation.pk)
    assert event.details == {"as": "coordinator", "file": file.pk}


def test_the_coordinator_of_another_file_cannot_read_it(
    handed_over, coordinator, other_coordinator, professional, make_signal, refer
):
    conversation, file = handed_over
    _assign(file, coordinator, coordinator)
    other_file = refer(professional, make_signal(professional)).file
    _assign(other_file, other_coordinator, other_coordinator)
    response = _client(other_coordinator).get(
        reverse("help:coordinator_conversation", args=[file.pk])
    )
    assert response.status_code == 403 and STORY not in response.content.decode()
    # Nor through their own file, which was not opened from a conversation.
    response = _client(other_coordinator).get(
        reverse("help:coordinator_conversation", args=[other_file.pk])
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="help.access_denied").count() == 2


def test_an_unassigned_file_keeps_the_conversation_closed(handed_over, coordinator):
    _conversation, file = handed_over
    response = _client(coordinator).get(reverse("help:coordinator_conversation", args=[file.pk]))
    assert response.status_code == 403
    page = _client(coordinator).get(reverse("coordination:file_detail", args=[file.pk]))
    assert "De coördinator aan wie het dossier is toegewezen" in page.content.decode()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PROFESSIONAL, Role.COUNSELLOR])
def test_no_one_outside_the_centre_and_the_file_reads_it(
    handed_over, coordinator, make_member, role
):
    _conversation, file = handed_over
    _assign(file, coordinator, coordinator)
    if role == Role.COORDINATOR:
        # A coordinator of another coordination centre.
        outsider = make_member(role=role, organisation=OrganisationFactory(coordination=True))
    else:
        outsider = make_member(role=role)
    response = _client(outsider).get(reverse("help:coordinator_conversation", args=[file.pk]))
    assert response.status_code == 403 and STORY not in response.content.decode()
