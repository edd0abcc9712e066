"""Public pages set no cookie without a form: neither the browser's automatic
``/favicon.ico`` request nor a page that does not exist may set the CSRF cookie."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_favicon_is_a_real_icon_without_a_cookie(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00", "an ICO file"
    assert not response.cookies
    assert not client.cookies


@pytest.mark.parametrize("path", ["/", "/hulp/", "/lessen/", "/lessen/pakketje-en-bankpas/"])
def test_pages_point_to_the_svg_icon(client, path):
    page = client.get(path).content.decode()
    assert '<link rel="icon" href="/static/zicht/favicon.svg"' in page


@pytest.mark.parametrize("path", ["/lessen/bestaat-niet/", "/hulp/bestaat/niet/", "/en/nope/"])
def test_the_404_page_sets_no_csrf_cookie_for_visitors(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    assert not response.cookies
    page = response.content.decode()
    assert "Page not found" in page or "Pagina niet gevonden" in page
    # The language switch is a link instead of a form that would need the cookie.
    assert 'action="/i18n/setlang/"' not in page
    assert 'hreflang="en"' in page or 'hreflang="nl"' in page


def test_a_logged_in_user_keeps_the_language_form_on_the_404_page(client, make_member):
    from tests.conftest import verified_client

    verified_client(client, make_member().user)
    response = client.get("/lessen/bestaat-niet/")
    assert response.status_code == 404
    assert 'action="/i18n/setlang/"' in response.content.decode()
