"""The two-factor pages speak like the rest of Zicht: "je", one word for two-step
verification ("tweestapsverificatie"), "reservecode", and the project's buttons - the
library's own templates and Dutch messages (formal "u", "tweestapsauthenticatie",
"backuptoken") never reach a member."""

import pathlib
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.accounts.test_login import code, post_auth, post_token
from tests.factories import MembershipFactory, TOTPDeviceFactory
from zicht.accounts import services
from zicht.accounts.constants import Role

FORMAL = re.compile(r"\b(u|uw|U|Uw|alstublieft)\b|tweestapsauthenticatie|backuptoken|token", re.I)
TEMPLATES = pathlib.Path(settings.BASE_DIR) / "templates" / "two_factor"


def _text(response) -> str:
    """The visible text of the page's main content (not the markup)."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", main, flags=re.S)
    return re.sub(r"<[^>]+>", " ", main)


@pytest.fixture
def member(db):
    membership = MembershipFactory(role=Role.PROFESSIONAL)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.mark.django_db
def test_the_login_steps_use_our_words_and_the_backup_button_is_a_button(member):
    services.backup_codes_generate(user=member.user)
    client = Client()
    first = client.get("/account/login/")
    assert "Je gebruikersnaam is je e-mailadres." in _text(first)
    token_step = post_auth(client, member.user.username)
    text = _text(token_step)
    assert "Vul de code van zes cijfers uit je authenticator-app in." in text
    assert "Gebruik een reservecode" in text
    assert 'class="button secondary">Reservecode gebruiken</button>' in token_step.content.decode()
    right = int(code(member.user.totpdevice_set.get()))
    wrong = post_token(client, f"{(right + 1) % 1_000_000:06d}")
    assert "Deze code klopt niet" in _text(wrong)
    for response in (first, token_step, wrong):
        assert not FORMAL.search(_text(response)), _text(response)
    assert re.search(r'<label for="id_token-otp_token">Code\b', token_step.content.decode())


@pytest.mark.django_db
def test_the_code_field_is_called_code_on_login_and_enrolment_in_both_languages():
    membership = MembershipFactory()
    client = Client()
    post_auth(client, membership.user.username)
    setup = reverse("two_factor:setup")
    generator = client.post(setup, {"setup_view-current_step": "welcome"})
    html = generator.content.decode()
    assert re.search(r'<label for="id_generator-token">Code\b', html), html
    assert not FORMAL.search(_text(generator)), _text(generator)
    with translation.override("en"):
        english = client.post(
            setup, {"setup_view-current_step": "welcome"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "Token" not in _text(english)


@pytest.mark.django_db
def test_the_settings_page_in_dutch_and_english(member, login):
    client = login(member)
    dutch = _text(client.get("/account/two_factor/"))
    assert "Tweestapsverificatie" in dutch and "reservecodes" in dutch
    assert not FORMAL.search(dutch)
    with translation.override("en"):
        url = reverse("two_factor:profile")
    english = _text(client.get(url))
    assert "Two-step verification" in english and "two-factor" not in english.lower()


def test_no_library_button_classes_are_left():
    for template in TEMPLATES.rglob("*.html"):
        assert "btn" not in template.read_text(encoding="utf-8"), template
