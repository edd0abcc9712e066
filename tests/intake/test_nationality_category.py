"""A coarse nationality category on the signal (issue 16, the register of possible
victims): Dutch, other EU country, outside the EU or unknown; never a country."""

import pytest
from django.urls import reverse

from zicht.intake.models import Signal

pytestmark = pytest.mark.django_db


def test_the_form_records_the_category_and_defaults_to_unknown(professional, login, post_data):
    client = login(professional)
    response = client.post(reverse("intake:signal_create"), post_data(nationality_category="eu"))
    assert response.status_code == 302, response.context["form"].errors
    assert Signal.objects.get().nationality_category == "eu"
    client.post(reverse("intake:signal_create"), post_data(given_names="Sem"))
    assert sorted(Signal.objects.values_list("nationality_category", flat=True)) == [
        "eu",
        "unknown",
    ]


def test_a_country_is_refused_and_nothing_is_written(professional, login, post_data):
    client = login(professional)
    response = client.post(reverse("intake:signal_create"), post_data(nationality_category="MA"))
    assert response.status_code == 200
    assert response.context["form"].errors["nationality_category"]
    assert not Signal.objects.exists()


def test_the_signal_page_shows_the_category(professional, login, post_data):
    client = login(professional)
    response = client.post(reverse("intake:signal_create"), post_data(nationality_category="eu"))
    page = client.get(response["Location"]).content.decode()
    assert '<dd data-testid="nationality">Ander EU-land</dd>' in page
