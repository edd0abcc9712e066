"""Victim and suspect at once (issue 16): a signal records whether the young person is
(also) a suspect, arrested or prosecuted for the acts seen, and the referral and the
coordination file show it."""

import pytest
from django.urls import reverse

from zicht.intake.models import Signal
from zicht.intake.services import purge_expired

pytestmark = pytest.mark.django_db


def _create(client, post_data, **overrides):
    return client.post(reverse("intake:signal_create"), post_data(**overrides))


def test_a_signal_records_that_the_young_person_is_also_a_suspect(professional, login, post_data):
    client = login(professional)
    response = _create(
        client, post_data, justice_status="arrested", justice_offences="Drugs verkopen"
    )
    assert response.status_code == 302, response.context["form"].errors
    signal = Signal.objects.get()
    assert (signal.justice_status, signal.justice_offences) == ("arrested", "Drugs verkopen")
    page = client.get(response["Location"]).content.decode()
    assert "Aangehouden: Drugs verkopen" in page


def test_the_default_is_none_and_acts_without_a_status_are_refused(professional, login, post_data):
    client = login(professional)
    response = _create(client, post_data, justice_offences="Inbraak")
    assert response.status_code == 200
    assert response.context["form"].errors["justice_offences"]
    assert not Signal.objects.exists()
    _create(client, post_data)
    assert Signal.objects.get().justice_status == "none"


def test_a_purge_removes_the_acts_but_keeps_the_status_for_statistics(
    professional, login, post_data
):
    _create(login(professional), post_data, justice_status="suspect", justice_offences="Geldezel")
    Signal.objects.update(expires_on="2020-01-01")
    purge_expired()
    signal = Signal.objects.get()
    assert (signal.justice_status, signal.justice_offences) == ("suspect", "")
