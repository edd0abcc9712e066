"""Public content: both languages, the victim statement, contacts, safe rendering, cookies."""

import pytest

from zicht.help.markup import render
from zicht.help.models import HelpPage, ServiceContact

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/hulp/",
    "/hulp/jongeren/",
    "/hulp/ouders-en-vrienden/",
    "/hulp/professionals/",
    "/hulp/veilig-gebruiken/",
    "/hulp/contact/",
    "/hulp/gesprek/",
    "/hulp/gesprek/terug/",
    "/hulp/gesprek/nieuw/",
    "/hulp/zelftest/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_public_page_has_quick_exit_and_other_language(client, path, prefix):
    response = client.get(prefix + path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="quick-exit"' in html and 'href="/pannenkoeken/"' in html
    other = "/en" + path if not prefix else path
    assert f'href="{other}"' in html
    assert "no-store" in response["Cache-Control"]
    # No staff navigation on public pages.
    assert "/account/login/" not in html


def test_front_page_links_to_help(client):
    html = client.get("/").content.decode()
    assert 'href="/hulp/"' in html


def test_content_states_victim_not_only_suspect_in_both_languages(client):
    nl = client.get("/hulp/jongeren/").content.decode()
    en = client.get("/en/hulp/jongeren/").content.decode()
    assert "slachtoffer</strong>, niet alleen verdachte" in nl
    assert "<strong>victim</strong>, not only a suspect" in en
    assert '<html lang="en">' in en and '<html lang="nl">' in nl


def test_professionals_page_lists_the_five_meldcode_steps(client):
    html = client.get("/hulp/professionals/").content.decode()
    section = html.split("vijf stappen van de Meldcode")[1].split("</ol>")[0]
    assert section.count("<li>") == 5


def test_contacts_are_configurable_content(client):
    ServiceContact.objects.filter(name="Veilig Thuis").update(phone="0800-1234")
    html = client.get("/hulp/contact/").content.decode()
    assert (
        "0800-1234" in html
        and "0800-2000" not in html.split("<main")[1].split("Veilig Thuis")[1][:400]
    )
    ServiceContact.objects.filter(name="Veilig Thuis").update(is_active=False)
    assert (
        "Veilig Thuis"
        not in client.get("/hulp/contact/")
        .content.decode()
        .split("<main")[1]
        .split("<footer")[0]
        .split("contact-list")[1]
    )


def test_staff_edit_of_a_page_shows_without_deploy(client):
    page = HelpPage.objects.get(slug="jongeren", language="nl")
    page.body = "## Nieuw kopje\n\nNieuwe tekst met **nadruk**."
    page.save()
    html = client.get("/hulp/jongeren/").content.decode()
    assert "<h2>Nieuw kopje</h2>" in html and "<strong>nadruk</strong>" in html


def test_unpublished_or_unknown_page_is_404(client):
    HelpPage.objects.filter(slug="jongeren").update(is_published=False)
    assert client.get("/hulp/jongeren/").status_code == 404
    assert client.get("/hulp/bestaat-niet/").status_code == 404


def test_markup_never_passes_html_or_unsafe_links_through():
    html = render(
        "<script>alert(1)</script>\n\n[klik](javascript:alert(1)) [ok](https://example.org) "
        "[tel](tel:112) [x](//evil.example)"
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and 'href="//evil' not in html
    assert '<a href="https://example.org" rel="noreferrer">ok</a>' in html
    assert '<a href="tel:112">tel</a>' in html


def test_markup_lists_and_headings():
    html = render("## Kop\n- een\n- twee\n\n1. stap\n2. stap")
    assert (
        html
        == "<h2>Kop</h2>\n<ul><li>een</li><li>twee</li></ul>\n<ol><li>stap</li><li>stap</li></ol>"
    )


@pytest.mark.parametrize(
    "path", ["/hulp/", "/hulp/jongeren/", "/hulp/contact/", "/hulp/gesprek/", "/pannenkoeken/"]
)
def test_pages_without_a_form_set_no_cookie(client, path):
    response = client.get(path)
    assert response.cookies == {} or not list(response.cookies.keys()), list(response.cookies)
    assert 'csrfmiddlewaretoken" value=""' in response.content.decode() or path.endswith(
        "pannenkoeken/"
    )


def test_form_page_sets_only_the_csrf_cookie(client):
    response = client.get("/hulp/zelftest/")
    assert set(response.cookies.keys()) == {"csrftoken"}


def test_neutral_page_has_no_help_branding(client):
    html = client.get("/pannenkoeken/").content.decode()
    assert "Pannenkoeken" in html
    for word in ("Zicht", "hulp", "uitbuiting", "quick-exit", "help.js"):
        assert word not in html.replace("/static/help/neutral.css", "")


def test_exit_url_is_configurable(client, settings):
    settings.ZICHT_HELP_EXIT_URL = "https://www.example.org/weer"
    html = client.get("/hulp/").content.decode()
    assert 'data-exit-url="https://www.example.org/weer"' in html


def test_the_young_peoples_page_speaks_to_young_adults_in_both_languages(client):
    nl = client.get("/hulp/jongeren/").content.decode()
    en = client.get("/en/hulp/jongeren/").content.decode()
    assert "Ben je 18 of ouder?" in nl and "tot en met 27 jaar" in nl
    assert "Are you 18 or older?" in en and "up to 27" in en


def test_the_young_adults_update_leaves_a_staff_edit_alone():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("zicht.help.migrations.0006_young_adults_content")
    HelpPage.objects.filter(slug="jongeren", language="nl").update(body="Eigen tekst.\n")
    migration.update(apps, None)
    assert HelpPage.objects.get(slug="jongeren", language="nl").body == "Eigen tekst.\n"


def test_the_self_check_speaks_to_young_adults(client):
    form = client.get("/hulp/zelftest/").content.decode()
    assert "niet naar school of werk" in form
    result = client.post("/hulp/zelftest/", {"debt": "yes"}).content.decode()
    assert "Ben je 18 of ouder? Dit advies is ook voor jou" in result
