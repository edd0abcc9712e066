"""Issue 11: what a professional is told when saving, and how a date of birth reads."""

import pytest
from django.urls import reverse

from zicht.accounts.constants import Role
from zicht.intake.models import Signal

pytestmark = pytest.mark.django_db

MATCH = "Match: een andere organisatie heeft ook een signaal over deze jongere vastgelegd."
POSSIBLE = "Mogelijke match: een andere organisatie heeft misschien een signaal"


def _saved(client, data):
    response = client.post(reverse("intake:signal_create"), data, follow=True)
    assert response.redirect_chain, response.content.decode()[:1000]
    return response.content.decode()


def test_message_after_saving_tells_a_match_from_a_possible_match(
    professional, make_member, login, post_data
):
    _saved(login(professional), post_data(bsn="111222333"))
    other = make_member(role=Role.PROFESSIONAL)
    page = _saved(login(other), post_data(bsn="111222333"))
    assert MATCH in page and POSSIBLE not in page
    third = make_member(role=Role.PROFESSIONAL)
    page = _saved(login(third), post_data(surname="Elamrani"))
    assert POSSIBLE in page


def test_no_match_no_match_message(professional, login, post_data):
    page = _saved(login(professional), post_data())
    assert "Match:" not in page and "Mogelijke match:" not in page


def test_date_of_birth_and_estimated_age_together_get_a_clear_error(professional, login, post_data):
    response = login(professional).post(
        reverse("intake:signal_create"), post_data(date_of_birth="2010-04-03", age_estimate="15")
    )
    assert response.status_code == 200
    assert "Je hebt een geboortedatum én een geschatte leeftijd ingevuld" in (
        response.content.decode()
    )
    assert not Signal.objects.exists()


def test_date_of_birth_reads_like_every_other_date(professional, login, post_data):
    page = _saved(login(professional), post_data(date_of_birth="2009-03-14"))
    assert "14 maart 2009" in page and "2009-03-14" not in page
    with_en = login(professional).get(
        "/en" + reverse("intake:signal_detail", args=[Signal.objects.get().pk])
    )
    assert "14 March 2009" in with_en.content.decode()
