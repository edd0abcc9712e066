"""The optional neighbourhood on a signal: only a buurt of the imported CBS list."""

import pytest
from django.urls import reverse

from tests.intake.conftest import signal_post
from zicht.accounts.constants import Role
from zicht.intake.models import Signal

pytestmark = pytest.mark.django_db


def test_professional_may_record_a_known_buurt(make_member, login, neighbourhoods):
    client = login(make_member(role=Role.PROFESSIONAL))
    form = client.get(reverse("intake:signal_create")).content.decode()
    assert 'name="neighbourhood_code"' in form
    response = client.post(
        reverse("intake:signal_create"), signal_post(neighbourhood_code="bu05990101")
    )
    assert response.status_code == 302
    assert Signal.objects.get().neighbourhood_code == "BU05990101"


def test_an_unknown_or_wijk_code_is_refused(make_member, login, neighbourhoods):
    client = login(make_member(role=Role.PROFESSIONAL))
    for code in ("BU99999999", "WK059901", "Feijenoord"):
        response = client.post(
            reverse("intake:signal_create"), signal_post(neighbourhood_code=code)
        )
        assert response.status_code == 200
        assert "CBS" in response.content.decode()
    assert not Signal.objects.exists()


def test_the_neighbourhood_stays_optional(make_member, login):
    client = login(make_member(role=Role.PROFESSIONAL))
    response = client.post(reverse("intake:signal_create"), signal_post())
    assert response.status_code == 302
    assert Signal.objects.get().neighbourhood_code == ""
