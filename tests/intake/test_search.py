"""Finding the organisation's own signals by name, date of birth and BSN (issue 11).

The identity is encrypted at rest; search goes through keyed blind-index tokens, per
organisation, so these tests also check what is *not* possible: finding another
organisation's signal, reading a name in a URL, the session or the audit log.
"""

import json

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.intake import search
from zicht.intake.models import Signal, SignalSearchToken
from zicht.intake.services import purge_expired, search_tokens_rebuild

pytestmark = pytest.mark.django_db


def record(client, post_data, **overrides):
    response = client.post(reverse("intake:signal_create"), post_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Signal.objects.order_by("-created_at").first()


def find(client, **query):
    """Search as the page does (POST, then the list), returning the references found."""
    response = client.post(reverse("intake:signal_search"), query)
    assert response.status_code == 302
    listing = client.get(reverse("intake:signal_list"))
    return [row.signal.reference for row in listing.context["rows"]]


@pytest.fixture
def client_a(professional, login):
    return login(professional)


@pytest.fixture
def three(client_a, post_data):
    """Three young people of one organisation."""
    sanne = record(
        client_a,
        post_data,
        given_names="Sanne",
        surname="van der Berg",
        date_of_birth="2009-03-14",
        bsn="111222333",
        alias="Sassie",
    )
    amrani = record(client_a, post_data, given_names="Mohamed", surname="El Amrani")
    berger = record(client_a, post_data, given_names="Lotte", surname="Bergers")
    return sanne, amrani, berger


def test_name_with_a_typo_and_a_particle_finds_the_signal(client_a, three):
    sanne, amrani, berger = three
    assert find(client_a, name="Sanne van den Berh") == [sanne.reference]
    assert find(client_a, name="berg") == [sanne.reference]  # particles dropped, exact first
    assert find(client_a, name="Vanderberg") == [sanne.reference]
    assert find(client_a, name="Sánne") == [sanne.reference]  # diacritics
    assert find(client_a, name="Sasie") == [sanne.reference]  # alias, with a typo
    assert find(client_a, name="Elamrani") == [amrani.reference]
    assert find(client_a, name="Muhammad el amrani") == [amrani.reference]  # transliteration


def test_ranking_puts_the_exact_spelling_first(client_a, three):
    sanne, _amrani, berger = three
    # "Bergers" is itself a name, and two edits from "Berg": only Lotte.
    assert find(client_a, name="Bergers") == [berger.reference]
    # "Berger" is one edit from "Bergers" and two from "Berg"; "Berge" the other way round.
    assert find(client_a, name="Berger") == [berger.reference]
    assert find(client_a, name="Berge") == [sanne.reference]


def test_every_word_must_agree(client_a, three):
    assert find(client_a, name="Sanne Bergers") == []
    listing = client_a.get(reverse("intake:signal_list")).content.decode()
    assert "Geen signaal van je organisatie past bij deze zoekopdracht" in listing


def test_date_of_birth_and_bsn(client_a, three):
    sanne, _amrani, _berger = three
    assert find(client_a, date_of_birth="2009-03-14") == [sanne.reference]
    assert find(client_a, bsn="1112.22.333") == [sanne.reference]
    assert find(client_a, name="Sanne", date_of_birth="2009-03-15") == []


def test_the_list_shows_name_age_municipality_and_reads_dates_like_dates(client_a, three):
    sanne, _amrani, _berger = three
    content = client_a.get(reverse("intake:signal_list")).content.decode()
    assert "Sanne van der Berg" in content and "Rotterdam" in content
    detail = client_a.get(reverse("intake:signal_detail", args=[sanne.pk])).content.decode()
    assert "14 maart 2009" in detail and "2009-03-14" not in detail


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"bsn": "123456789"}, "Dit is geen geldig BSN"),
        ({"date_of_birth": "14-maart"}, "Vul de geboortedatum in als datum"),
        ({"name": "!!!"}, "Zoek met letters"),
        ({}, "Vul een naam, een geboortedatum of een BSN in"),
    ],
)
def test_bad_search_input_gets_a_clear_message_and_holds_nothing(client_a, three, query, message):
    response = client_a.post(reverse("intake:signal_search"), query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "intake.search" not in client_a.session


def test_the_query_is_in_no_url_and_not_readable_in_the_session(client_a, three):
    response = client_a.post(reverse("intake:signal_search"), {"name": "Sanne"})
    assert "Sanne" not in response["Location"] and "?" not in response["Location"]
    held = client_a.session["intake.search"]
    assert "Sanne" not in held and "sanne" not in held.lower()
    # Clearing the search shows the whole list again.
    client_a.post(reverse("intake:signal_search"), {"clear": "1"})
    assert len(client_a.get(reverse("intake:signal_list")).context["rows"]) == 3


def test_list_view_is_audited_with_ids_and_no_names(client_a, three):
    find(client_a, name="Sanne")
    event = AuditEvent.objects.filter(action="intake.signal_list_viewed").latest("seq")
    assert event.details["signals"] == [str(three[0].pk)] and event.details["search"] is True
    assert "Sanne" not in json.dumps(event.details)


def test_tokens_hold_no_plaintext_and_differ_per_organisation(three, make_member, login, post_data):
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM intake_signalsearchtoken")
        stored = " ".join(row[0] for row in cursor.fetchall())
    for plain in ("sanne", "berg", "2009-03-14", "111222333"):
        assert plain not in stored
    other = make_member(role=Role.PROFESSIONAL)
    theirs = record(login(other), post_data, given_names="Sanne", surname="van der Berg")
    mine = set(
        SignalSearchToken.objects.filter(signal=three[0], kind="name").values_list(
            "token", flat=True
        )
    )
    assert mine.isdisjoint(theirs.search_tokens.values_list("token", flat=True))


def test_another_organisation_finds_nothing(three, make_member, login):
    other = make_member(role=Role.PROFESSIONAL)
    client_b = login(other)
    for query in ({"name": "Sanne van der Berg"}, {"bsn": "111222333"}, {"name": "Amrani"}):
        assert find(client_b, **query) == []
        listing = client_b.get(reverse("intake:signal_list")).content.decode()
        assert three[0].reference not in listing and "El Amrani" not in listing
    client_b.post(reverse("intake:signal_search"), {"clear": "1"})
    listing = client_b.get(reverse("intake:signal_list")).content.decode()
    assert "Sanne" not in listing and "Amrani" not in listing


def test_changed_withdrawn_and_purged_signals_follow(client_a, three, professional):
    sanne, amrani, berger = three
    # A change of name: the old name no longer finds the signal, the new one does.
    from tests.intake.conftest import signal_post

    client_a.post(
        reverse("intake:signal_edit", args=[amrani.pk]),
        signal_post(given_names="Youssef", surname="El Amrani"),
    )
    assert find(client_a, name="Mohamed") == []
    assert find(client_a, name="Yusuf") == [amrani.reference]
    client_a.post(reverse("intake:signal_withdraw", args=[berger.pk]), {"reason": "Onterecht."})
    assert find(client_a, name="Bergers") == []
    assert not SignalSearchToken.objects.filter(signal=berger).exists()
    Signal.objects.filter(pk=sanne.pk).update(expires_on="2000-01-01")
    purge_expired()
    assert not SignalSearchToken.objects.filter(signal=sanne).exists()
    assert find(client_a, name="Sanne") == []


def test_rebuild_and_key_rotation(client_a, three, settings):
    sanne = three[0]
    SignalSearchToken.objects.filter(signal=sanne).delete()  # as before search existed
    assert find(client_a, name="Sanne") == []
    assert search_tokens_rebuild() == 1
    assert find(client_a, name="Sanne") == [sanne.reference]
    old_key_id = search.current_key_id()
    # A new field-encryption key listed first: old tokens are still found, and the
    # rebuild moves every signal to the new key.
    with override_settings(
        FIELD_ENCRYPTION_KEY=f"new-key-{'x' * 40},{settings.FIELD_ENCRYPTION_KEY}"
    ):
        assert search.current_key_id() != old_key_id
        assert find(client_a, name="Sanne") == [sanne.reference]
        assert search_tokens_rebuild() == 3
        assert set(SignalSearchToken.objects.values_list("key_id", flat=True)) == {
            search.current_key_id()
        }
        assert find(client_a, name="Sanne") == [sanne.reference]


def test_name_terms_normalise_like_the_person_index():
    assert search.name_terms("Van der Berg") == [("berg", "vanderberg")]
    assert search.name_terms("van der") == [("van",), ("der",)]
    assert search.name_terms("Mohamed El-Amrani") == [("mohammed",), ("amrani", "elamrani")]


def test_match_list_names_only_the_own_young_person(client_a, three, make_member, login, post_data):
    other = make_member(role=Role.PROFESSIONAL)
    login(other).post(
        reverse("intake:signal_create"),
        post_data(
            given_names="Sanna", surname="Bergh", date_of_birth="2009-03-14", bsn="111222333"
        ),
    )
    client_a = login(three[0].author.memberships.get())
    page = client_a.get(reverse("linkage:match_list")).content.decode()
    assert "Sanne van der Berg" in page and "Bergh" not in page and "Sanna" not in page
    event = AuditEvent.objects.filter(action="intake.signal_list_viewed").latest("seq")
    assert event.details == {"signals": [str(three[0].pk)], "page": 1, "list": "matches"}


def test_search_and_filters_together(client_a, three, post_data):
    urgent = record(
        client_a, post_data, given_names="Sanne", surname="Bakker", immediate_danger="on"
    )
    client_a.post(reverse("intake:signal_search"), {"name": "Sanne"})
    rows = client_a.get(reverse("intake:signal_list"), {"immediate_danger": "on"}).context["rows"]
    assert [r.signal.pk for r in rows] == [urgent.pk]


def test_rebuild_command_prints_counts_only(three, capsys):
    from django.core.management import call_command

    SignalSearchToken.objects.all().delete()
    call_command("rebuild_search_tokens")
    out = capsys.readouterr().out
    assert "3 signal(s)" in out and "Sanne" not in out
    assert SignalSearchToken.objects.values("signal").distinct().count() == 3


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _plain(word: str) -> bool:
    from zicht.pprl import normalise

    return word not in normalise.TRANSLITERATIONS and word not in normalise.PARTICLES


@given(
    word=st.text(alphabet=_LETTERS, min_size=3, max_size=12).filter(_plain),
    position=st.integers(min_value=0, max_value=11),
    letter=st.sampled_from(_LETTERS),
    edit=st.sampled_from(["substitute", "delete", "insert", "swap"]),
)
@hypothesis_settings(max_examples=200, deadline=None)
def test_every_single_typo_of_a_name_word_is_found(word, position, letter, edit):
    """The claim "within one typo": any one edit of a word of three letters or more shares
    a token with the word (SymSpell's deletion neighbourhood)."""
    i = position % len(word)
    typo = {
        "substitute": word[:i] + letter + word[i + 1 :],
        "delete": word[:i] + word[i + 1 :],
        "insert": word[:i] + letter + word[i:],
        "swap": word[:i] + word[i + 1 : i + 2] + word[i] + word[i + 2 :],
    }[edit]
    assume(len(typo) >= 3 and _plain(typo))
    stored = {
        t for _kind, t in search.identity_tokens(organisation_id=1, given_names="Jan", surname=word)
    }
    query = search.query_tokens(search.SearchQuery(name=typo), organisation_id=1)
    assert stored & set(query.lookup)
