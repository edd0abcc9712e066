"""Conversations belong to the counsellor service that answers them: the coordination
centre by default; another organisation's counsellors only see what is passed to them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.conftest import verified_client
from tests.factories import OrganisationFactory
from zicht.accounts.constants import OrganisationType, Role
from zicht.audit.models import AuditEvent
from zicht.help import selectors, services
from zicht.help.models import Conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre_counsellor(make_member):
    return make_member(
        role=Role.COUNSELLOR, organisation=OrganisationFactory(name="Centrum", coordination=True)
    )


@pytest.fixture
def care_counsellor(make_member):
    """A counsellor their own administrator made in a health-care organisation."""
    care = OrganisationFactory(name="Zorg Zuid", type=OrganisationType.HEALTH_CARE)
    return make_member(role=Role.COUNSELLOR, organisation=care)


@pytest.fixture
def conversation():
    return services.conversation_start(message="Ik word bedreigd.", language="nl").conversation


def _staff(member):
    return verified_client(Client(), member.user)


def test_other_organisations_counsellors_see_nothing_that_is_not_passed_to_them(
    care_counsellor, centre_counsellor, conversation
):
    staff = _staff(care_counsellor)
    inbox = staff.get("/hulp/gesprekken/")
    assert inbox.status_code == 200 and "Ik word bedreigd" not in inbox.content.decode()
    assert conversation.display_code not in inbox.content.decode()
    assert selectors.waiting_count(membership=care_counsellor) == 0
    assert selectors.waiting_count(membership=centre_counsellor) == 1
    for path in ("", "antwoord/", "toestemming/", "sluiten/", "doorgeven/"):
        method = staff.get if not path else staff.post
        assert method(f"/hulp/gesprekken/{conversation.pk}/{path}").status_code == 404
    refused = AuditEvent.objects.filter(
        action="help.access_denied", actor_id=care_counsellor.user_id
    )
    assert refused.count() == 5 and refused.first().object_id == str(conversation.pk)
    with pytest.raises(PermissionDenied):
        services.counsellor_reply(membership=care_counsellor, conversation=conversation, body="x")
    assert not conversation.messages.filter(author="counsellor").exists()


def test_passing_on_moves_the_conversation_and_the_visitor_is_told(
    client, care_counsellor, centre_counsellor, start_conversation
):
    start_conversation()
    conversation = Conversation.objects.get()
    centre = _staff(centre_counsellor)
    page = centre.get(f"/hulp/gesprekken/{conversation.pk}/").content.decode()
    assert "Zorg Zuid" in page  # offered as a counsellor service
    response = centre.post(
        f"/hulp/gesprekken/{conversation.pk}/doorgeven/",
        {"to": str(care_counsellor.organisation_id)},
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.routed_to_id == care_counsellor.organisation_id
    event = AuditEvent.objects.get(action="help.conversation_routed")
    assert event.actor_id == centre_counsellor.user_id
    assert event.details == {"to": str(care_counsellor.organisation_id)}
    # The person reads who answers them now.
    visitor_page = client.get("/hulp/gesprek/lezen/").content.decode()
    assert "doorgegeven aan de hulpverleners van Zorg Zuid" in visitor_page
    # Now the health-care counsellors read and answer it, and the centre no longer does.
    care = _staff(care_counsellor)
    assert conversation.display_code in care.get("/hulp/gesprekken/").content.decode()
    care.post(f"/hulp/gesprekken/{conversation.pk}/antwoord/", {"body": "Wij helpen je verder."})
    assert "Wij helpen je verder." in client.get("/hulp/gesprek/lezen/").content.decode()
    assert centre.get(f"/hulp/gesprekken/{conversation.pk}/").status_code == 404
    assert conversation.display_code not in centre.get("/hulp/gesprekken/").content.decode()
    # And back to the centre.
    services.counsellor_route(
        membership=care_counsellor, conversation=conversation, to=selectors.CENTRE
    )
    assert centre.get(f"/hulp/gesprekken/{conversation.pk}/").status_code == 200
    assert care.get(f"/hulp/gesprekken/{conversation.pk}/").status_code == 404
    assert "landelijk coördinatiecentrum" in client.get("/hulp/gesprek/lezen/").content.decode()


def test_only_organisations_that_counsel_with_an_active_counsellor_can_receive(
    make_member, centre_counsellor, conversation
):
    police = OrganisationFactory(name="Politie Noord", type=OrganisationType.POLICE)
    make_member(role=Role.PROFESSIONAL, organisation=police)
    empty = OrganisationFactory(name="Opvang Leeg", type=OrganisationType.SHELTER)
    asleep = OrganisationFactory(name="Jeugdzorg Slaap", youth_care=True)
    make_member(role=Role.COUNSELLOR, organisation=asleep, is_active=False)
    offered = selectors.counsellor_services_for(
        membership=centre_counsellor, conversation=conversation
    )
    assert offered == []
    for organisation in (police, empty, asleep, centre_counsellor.organisation):
        with pytest.raises(ValidationError):
            services.counsellor_route(
                membership=centre_counsellor, conversation=conversation, to=str(organisation.pk)
            )
    conversation.refresh_from_db()
    assert conversation.routed_to is None and conversation.messages.count() == 1
