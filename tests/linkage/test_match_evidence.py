"""The match page: evidence in words, never a value or a score; undo within 24 hours."""

import datetime as dt
from unittest import mock

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from tests.linkage.test_matching_platform import record, two_professionals  # noqa: F401
from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.linkage import services
from zicht.linkage.models import Match

pytestmark = pytest.mark.django_db

IDENTITY_STRINGS = ("Mohamed", "Mohammed", "Amrani", "Elamrani", "2010-04-03", "111222333")
LEVELS = {
    "high",
    "medium",
    "low",
    "equal",
    "equal_or_swapped",
    "one_part_differs",
    "different",
    "not_compared",
    "other_given_name",
    "day_month_swapped",
    "one_part_typo",
    "digits_transposed",
    "two_parts_typo",
    "two_parts_differ",
    "differs",
}


@pytest.fixture
def possible(two_professionals, login, django_capture_on_commit_callbacks):  # noqa: F811
    """A possible match: same date of birth, the surname spelled differently, BSN on
    one side only."""
    police, care = two_professionals
    record(login, police, django_capture_on_commit_callbacks, bsn="111222333")
    record(login, care, django_capture_on_commit_callbacks, surname="Elamrani")
    match = Match.objects.get()
    assert match.status == "possible"
    return police, care, match


def test_evidence_is_stored_as_levels_when_the_match_is_made(possible):
    _police, _care, match = possible
    # Both signals have a full date of birth: compared with zicht-pprl-2, per field.
    assert match.evidence_given_name == "equal"
    assert match.evidence_surname in ("high", "medium")  # Elamrani / El Amrani
    assert match.evidence_dob == "equal"  # pprl-2 tells a swap from an equal date
    assert match.evidence_bsn == "not_compared"  # only one side has a BSN
    assert match.evidence_name == "not_compared"  # the pprl-1 combined level
    assert match.strong  # a pprl-2 ``match``, still shown to people to confirm
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT evidence_name, evidence_given_name, evidence_surname, evidence_dob, "
            "evidence_bsn FROM linkage_match"
        )
        for row in cursor.fetchall():
            assert set(row) <= LEVELS  # no score, no value


def test_the_match_page_shows_the_evidence_in_words(possible, login):
    police, _care, match = possible
    client = login(police)
    with translation.override("nl"):
        page = client.get(reverse("linkage:match_detail", args=[match.pk])).content.decode()
    assert "Voornaam" in page and "Achternaam" in page
    assert "Gelijkenis van de naam" not in page  # that is the pprl-1 level
    assert "gelijk" in page and "hoog" in page
    assert "niet vergeleken" in page and "betekent dat de pseudoniemen" in page
    assert "Jeugdzorg Test" in page  # the other organisation's contact
    assert "Mohamed" in page  # the organisation's own young person
    assert "Elamrani" not in page  # never the other file
    for score in ("0.8", "0.9", "1.0", "0,8", "0,9"):
        assert score not in page
    assert AuditEvent.objects.filter(
        action="linkage.match_viewed", actor_id=police.user_id, object_id=str(match.pk)
    ).exists()
    with translation.override("en"):
        page = client.get(reverse("linkage:match_detail", args=[match.pk])).content.decode()
    assert "Given name" in page and "Surname" in page and "high" in page


def test_a_pprl1_match_page_still_shows_the_name_similarity(possible, login):
    # A match recorded with zicht-pprl-1 levels (before the move, or with an entry that
    # has only an estimated age) keeps its one name level.
    police, _care, match = possible
    Match.objects.filter(pk=match.pk).update(
        evidence_name="medium",
        evidence_given_name="not_compared",
        evidence_surname="not_compared",
        evidence_dob="equal_or_swapped",
    )
    with translation.override("en"):
        page = login(police).get(reverse("linkage:match_detail", args=[match.pk])).content
    page = page.decode()
    assert "Name similarity" in page and "equal, or day and month swapped" in page
    assert "Given name" not in page


def test_the_list_says_what_its_counter_counts(possible, login):
    police, _care, _match = possible
    with translation.override("en"):
        page = login(police).get(reverse("linkage:match_list")).content.decode()
    assert "1 possible match waiting for your decision" in page


def _decide(client, match, decision="confirm"):
    return client.post(reverse("linkage:match_decide", args=[match.pk]), {"decision": decision})


def _undo(client, match, **data):
    return client.post(reverse("linkage:match_undo", args=[match.pk]), data or {"confirm": "yes"})


def test_duplicate_looking_rows_name_both_signals(
    two_professionals,  # noqa: F811
    login,
    django_capture_on_commit_callbacks,
):
    # The other organisation records the same young person twice: two rows with the same
    # organisation, contact and date, told apart by their signal numbers.
    police, care = two_professionals
    record(login, police, django_capture_on_commit_callbacks)
    first = record(login, care, django_capture_on_commit_callbacks, surname="Elamrani")
    second = record(login, care, django_capture_on_commit_callbacks, surname="Elamrani")
    page = login(police).get(reverse("linkage:match_list")).content.decode()
    assert first.reference in page and second.reference in page


def test_the_decider_can_undo_within_24_hours(possible, login, django_capture_on_commit_callbacks):
    _police, care, match = possible
    client = login(care)
    _decide(client, match, "reject")
    page = client.get(reverse("linkage:match_detail", args=[match.pk])).content.decode()
    assert reverse("linkage:match_undo", args=[match.pk]) in page
    # Without ticking the confirmation nothing happens.
    _undo(client, match, confirm="")
    match.refresh_from_db()
    assert match.status == "rejected"
    # Time travel: the decision was made 23 h 50 min ago.
    Match.objects.filter(pk=match.pk).update(
        decided_at=timezone.now() - dt.timedelta(hours=23, minutes=50)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _undo(client, match)
    assert response.status_code == 302
    assert response["Location"] == reverse("linkage:match_detail", args=[match.pk])
    assert len(mail.outbox) == 2  # both contacts are told
    assert all("teruggedraaid" in m.subject for m in mail.outbox)
    match.refresh_from_db()
    assert match.status == "possible" and match.decided_by is None and match.decided_at is None
    event = AuditEvent.objects.get(action="linkage.match_decision_undone")
    assert event.actor_id == care.user_id and event.object_id == str(match.pk)
    # It can be decided again.
    _decide(client, match, "confirm")
    match.refresh_from_db()
    assert match.status == "confirmed"


def test_after_24_hours_the_button_is_gone_and_undo_is_refused(possible, login):
    _police, care, match = possible
    client = login(care)
    _decide(client, match)
    match.refresh_from_db()
    # Time travel: 24 hours and a minute after the decision.
    later = match.decided_at + dt.timedelta(hours=24, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        with pytest.raises(ValidationError):
            services.match_undo(membership=care, match=match)
    Match.objects.filter(pk=match.pk).update(decided_at=timezone.now() - dt.timedelta(hours=25))
    response = client.get(reverse("linkage:match_detail", args=[match.pk]))
    assert response.status_code == 200
    assert reverse("linkage:match_undo", args=[match.pk]) not in response.content.decode()
    response = _undo(client, match)
    assert response.status_code == 302
    assert response["Location"] == reverse("linkage:match_detail", args=[match.pk])
    match.refresh_from_db()
    assert match.status == "confirmed"
    assert not AuditEvent.objects.filter(action="linkage.match_decision_undone").exists()


def test_only_the_decider_can_undo(possible, login, make_member):
    police, care, match = possible
    _decide(login(care), match)
    # The other organisation's professional sees the match but cannot undo it.
    page = login(police).get(reverse("linkage:match_detail", args=[match.pk])).content.decode()
    assert reverse("linkage:match_undo", args=[match.pk]) not in page
    _undo(login(police), match)
    # Nor can a colleague of the decider.
    colleague = make_member(role=Role.PROFESSIONAL, organisation=care.organisation)
    _undo(login(colleague), match)
    # An outsider does not even find it.
    outsider = make_member(role=Role.PROFESSIONAL)
    assert _undo(login(outsider), match).status_code == 404
    match.refresh_from_db()
    assert match.status == "confirmed" and match.decided_by_id == care.user_id
    assert not AuditEvent.objects.filter(action="linkage.match_decision_undone").exists()


def test_an_automatic_exact_match_has_no_decider_to_undo(
    two_professionals,  # noqa: F811
    login,
    django_capture_on_commit_callbacks,
):
    police, care = two_professionals
    record(login, police, django_capture_on_commit_callbacks)
    record(login, care, django_capture_on_commit_callbacks, given_names="Mohammed")
    match = Match.objects.get()
    assert match.status == "confirmed" and match.decided_by is None
    _undo(login(care), match)
    match.refresh_from_db()
    assert match.status == "confirmed"


def test_the_backfill_fills_levels_from_the_index_entries(possible):
    from importlib import import_module

    from zicht.linkage.models import BlockToken

    backfill = import_module("zicht.linkage.migrations.0003_match_evidence_backfill").backfill
    _police, _care, match = possible
    # The backfill ran when the index held zicht-pprl-1 block tokens only.
    BlockToken.objects.filter(bloom=b"").delete()
    Match.objects.update(evidence_name="not_compared", evidence_dob="not_compared")
    backfill(apps, None)
    match.refresh_from_db()
    assert match.evidence_name in ("high", "medium")
    assert match.evidence_dob == "equal_or_swapped"  # 3 April: swap-invariant tokens
    assert match.evidence_bsn == "not_compared"
