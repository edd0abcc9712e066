"""Matches through the API: the other organisation and its contact, never identity or score."""

import pytest
from django.core import mail

from tests.api.conftest import IDENTITY_STRINGS, api_signal
from zicht.audit.models import AuditEvent
from zicht.linkage.models import Match

pytestmark = pytest.mark.django_db

MATCHES = "/api/v1/matches/"


@pytest.fixture
def possible_match(partner, django_capture_on_commit_callbacks):
    police, _, police_client = partner("Politie Test")
    care, _, care_client = partner("Jeugdzorg Test")
    # Fixed names for the professionals: a random factory name ("Mohamed ...") in the
    # e-mail's greeting would read as the young person's identity to the checks below.
    for member, (first, last) in ((police, ("Sanne", "Visser")), (care, ("Kees", "Bakker"))):
        member.user.first_name, member.user.last_name = first, last
        member.user.save(update_fields=["first_name", "last_name"])
    with django_capture_on_commit_callbacks(execute=True):
        police_client.post("/api/v1/signals/", api_signal(), format="json")
        care_client.post("/api/v1/signals/", api_signal(surname="Elamrani"), format="json")
    match = Match.objects.get()
    assert match.status == "possible"
    return match, (police, police_client), (care, care_client)


def test_both_sides_see_only_the_other_contact(possible_match):
    match, (police, police_client), (care, care_client) = possible_match
    response = police_client.get(MATCHES)
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == match.pk and item["status"] == "possible"
    assert item["other"] == {
        "organisation": "Jeugdzorg Test",
        "contact_person": care.user.get_full_name() or care.user.username,
        "contact_email": care.user.email,
        "recorded_on": item["other"]["recorded_on"],
    }
    text = response.content.decode()
    for plain in (*IDENTITY_STRINGS, "Elamrani", "score", "kind"):
        assert plain not in text
    assert set(item) == {"id", "status", "found_at", "decided_at", "own_signal", "other"}
    assert police_client.get(f"{MATCHES}{match.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="api.match_viewed", object_id=str(match.pk)).exists()
    # The notification e-mails carry no identity either.
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        for plain in (*IDENTITY_STRINGS, "Elamrani"):
            assert plain not in message.body


def test_confirm_then_conflict(possible_match):
    match, (police, police_client), _ = possible_match
    response = police_client.post(f"{MATCHES}{match.pk}/confirm/")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    match.refresh_from_db()
    assert match.status == "confirmed" and match.decided_by == police.user
    again = police_client.post(f"{MATCHES}{match.pk}/reject/")
    assert again.status_code == 409
    assert AuditEvent.objects.filter(action="api.match_confirmed").exists()


def test_reject(possible_match):
    match, _, (care, care_client) = possible_match
    response = care_client.post(f"{MATCHES}{match.pk}/reject/", HTTP_IDEMPOTENCY_KEY="r-1")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    retry = care_client.post(f"{MATCHES}{match.pk}/reject/", HTTP_IDEMPOTENCY_KEY="r-1")
    assert retry.status_code == 200 and retry["Idempotent-Replayed"] == "true"
    filtered = care_client.get(MATCHES, {"status": "possible"}).json()
    assert filtered["count"] == 0


def test_outsider_gets_404_and_is_audited(possible_match, partner):
    match, *_ = possible_match
    outsider, key, client = partner()
    assert client.get(MATCHES).json()["count"] == 0
    for response in (
        client.get(f"{MATCHES}{match.pk}/"),
        client.post(f"{MATCHES}{match.pk}/confirm/"),
    ):
        assert response.status_code == 404
    match.refresh_from_db()
    assert match.status == "possible"
    assert (
        AuditEvent.objects.filter(
            action="linkage.match_not_found", actor_id=outsider.user_id, object_id=str(match.pk)
        ).count()
        == 2
    )


def test_list_has_the_true_count_and_every_page(partner, django_assert_max_num_queries):
    from tests.linkage.conftest import make_matches
    from zicht.linkage.selectors import possible_match_count

    police, _, police_client = partner("Politie Test")
    care, _, _ = partner("Jeugdzorg Test")
    made = make_matches(police, care, 23, 23)  # 529 > the old cap of 500
    oldest = min(made, key=lambda m: m.pk)
    with django_assert_max_num_queries(15):  # not ~2 per match
        body = police_client.get(MATCHES).json()
    assert body["count"] == 529 and len(body["results"]) == 25 and body["next"]
    last = police_client.get(MATCHES, {"page_size": 100, "page": 6}).json()
    assert last["count"] == 529 and last["next"] is None
    assert len(last["results"]) == 29 and last["results"][-1]["id"] == oldest.pk
    event = AuditEvent.objects.filter(action="api.match_list").latest("pk")
    assert len(event.details["match_ids"]) == 29
    # The oldest pending match can still be decided; the counts follow.
    assert police_client.post(f"{MATCHES}{oldest.pk}/reject/").status_code == 200
    possible = police_client.get(MATCHES, {"status": "possible"}).json()
    assert possible["count"] == 528 == possible_match_count(membership=police)
