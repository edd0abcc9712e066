"""The home page tells each member what waits for them: counts with a link, no content."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from zicht.accounts.constants import OrganisationType, Role
from zicht.coordination import services
from zicht.help import services as help_services
from zicht.portal.attention import items_for

pytestmark = pytest.mark.django_db


def texts(membership):
    with translation.override("en"):
        return [item.text for item in items_for(membership=membership)]


def test_coordinator_sees_waiting_overdue_and_unassigned_files_most_urgent_first(
    referred_file, coordinator, make_signal, refer, make_member, login
):
    """Two referrals, one past its deadline, neither assigned."""
    teacher = make_member(role=Role.PROFESSIONAL)
    refer(teacher, make_signal(teacher, given="Daan", surname="de Vries", age=14))
    type(referred_file).objects.filter(pk=referred_file.pk).update(
        screening_deadline=dt.date(2020, 1, 6)
    )
    assert texts(coordinator) == [
        "1 file is past its screening deadline.",
        "2 files wait for screening.",
        "2 open files have no coordinator assigned.",
    ]
    html = login(coordinator).get(reverse("portal:home")).content.decode()
    assert "1 dossier is over de screeningstermijn." in html
    assert reverse("coordination:inbox") in html


def test_care_provider_sees_requests_to_answer(screened_file, coordinator, provider, shelter):
    assert texts(provider) == []
    services.care_referral_create(
        membership=coordinator,
        file=screened_file,
        provider=shelter,
        care_type="categorical_shelter",
    )
    assert texts(provider) == ["1 care request waits for your organisation's answer."]


def test_counsellor_sees_conversations_waiting_and_not_their_text(make_member, login):
    counsellor = make_member(role=Role.COUNSELLOR)
    help_services.conversation_start(message="Ik moet pakketjes wegbrengen.", language="nl")
    assert texts(counsellor) == ["1 conversation waits for an answer."]
    html = login(counsellor).get(reverse("portal:home")).content.decode()
    assert "1 gesprek wacht op antwoord." in html
    assert "pakketjes" not in html


def test_professionals_see_possible_matches_of_their_own_organisation_only(
    make_member, make_signal, login
):
    police = make_member(role=Role.PROFESSIONAL)
    care = make_member(role=Role.PROFESSIONAL)
    bystander = make_member(role=Role.PROFESSIONAL)
    make_signal(police, given="Mohamed", surname="El Amrani")
    make_signal(care, given="Mohammed", surname="Elamrani")
    assert texts(police) == ["1 possible match waits for a decision."]
    assert texts(care) == ["1 possible match waits for a decision."]
    assert texts(bystander) == []
    html = login(bystander).get(reverse("portal:home")).content.decode()
    assert "Er wacht nu niets op je." in html


def test_professionals_see_help_conversations_handed_over_to_their_organisation(make_member, login):
    from tests.factories import OrganisationFactory

    # An organisation type that may have counsellors (accounts.constants.roles_for).
    home = OrganisationFactory(name="Chat met Fier", type=OrganisationType.OTHER)
    counsellor = make_member(role=Role.COUNSELLOR, organisation=home)
    colleague = make_member(role=Role.PROFESSIONAL, organisation=home)
    elsewhere = make_member(role=Role.PROFESSIONAL)
    conversation = help_services.conversation_start(
        message="Ik moet pakketjes wegbrengen.", language="nl"
    ).conversation
    # The coordination centre answers new conversations; it passes this one to ``home``.
    centre = make_member(role=Role.COUNSELLOR)
    help_services.counsellor_route(membership=centre, conversation=conversation, to=str(home.pk))
    help_services.counsellor_consent_request(membership=counsellor, conversation=conversation)
    help_services.visitor_consent_answer(conversation=conversation, agree=True)
    help_services.counsellor_hand_over(
        membership=counsellor, conversation=conversation, kind="signal"
    )
    assert texts(colleague) == ["1 help conversation was handed over for a signal."]
    assert texts(elsewhere) == []
    html = login(colleague).get(reverse("portal:home")).content.decode()
    assert "1 hulpgesprek is aan je organisatie overgedragen voor een signaal." in html
    assert reverse("help:handover_list") in html


def test_administrators_are_not_sent_to_matches_they_cannot_open(make_member, make_signal):
    """Regression: an organisation administrator saw 'possible matches wait' linking to a
    page that refuses them."""
    police = make_member(role=Role.PROFESSIONAL)
    admin = make_member(role=Role.ORG_ADMIN, organisation=police.organisation)
    make_signal(police, given="Mohamed", surname="El Amrani")
    make_signal(make_member(role=Role.PROFESSIONAL), given="Mohammed", surname="Elamrani")
    assert texts(police) == ["1 possible match waits for a decision."]
    assert texts(admin) == []
