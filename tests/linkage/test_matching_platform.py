"""Matching on save: both organisations are told who to contact - never the other file."""

import logging

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from tests.intake.conftest import signal_post
from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.intake.models import Signal
from zicht.linkage.models import Match, Notification

pytestmark = pytest.mark.django_db

IDENTITY_STRINGS = ("Mohamed", "Mohammed", "Amrani", "Elamrani", "2010-04-03", "111222333")


@pytest.fixture
def two_professionals(make_member):
    from tests.factories import OrganisationFactory

    police = make_member(
        role=Role.PROFESSIONAL, organisation=OrganisationFactory(name="Politie Test")
    )
    care = make_member(
        role=Role.PROFESSIONAL,
        organisation=OrganisationFactory(name="Jeugdzorg Test", youth_care=True),
    )
    return police, care


def record(login, member, capture, **overrides):
    client = login(member)
    with capture(execute=True):
        response = client.post(reverse("intake:signal_create"), signal_post(**overrides))
    assert response.status_code == 302, (
        response.context["form"].errors if response.context else response
    )
    return Signal.objects.filter(organisation=member.organisation).latest("created_at")


def test_exact_match_notifies_both_without_identity(
    two_professionals, login, django_capture_on_commit_callbacks
):
    police, care = two_professionals
    record(login, police, django_capture_on_commit_callbacks)
    record(login, care, django_capture_on_commit_callbacks, given_names="Mohammed")
    match = Match.objects.get()
    assert match.status == "confirmed" and match.kind == "exact"
    assert Notification.objects.filter(match=match).count() == 2
    assert len(mail.outbox) == 2
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([police.user.email, care.user.email])
    for message in mail.outbox:
        for plain in IDENTITY_STRINGS:
            assert plain not in message.body and plain not in message.subject
        assert "0.9" not in message.body  # no similarity score
    police_mail = next(m for m in mail.outbox if m.to == [police.user.email])
    assert "Jeugdzorg Test" in police_mail.body and care.user.email in police_mail.body


def test_possible_match_is_confirmed_by_one_side(
    two_professionals, login, client, django_capture_on_commit_callbacks
):
    police, care = two_professionals
    police_signal = record(login, police, django_capture_on_commit_callbacks)
    record(login, care, django_capture_on_commit_callbacks, surname="Elamrani")
    match = Match.objects.get()
    assert match.status == "possible"
    # Both see it, with the other organisation and contact, not the other file.
    page = login(police).get(reverse("linkage:match_list")).content.decode()
    assert "Jeugdzorg Test" in page and care.user.email in page
    assert "Elamrani" not in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(care).post(
            reverse("linkage:match_decide", args=[match.pk]), {"decision": "confirm"}
        )
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == "confirmed"
    assert len(mail.outbox) == 2
    # Neither can open the other's signal.
    assert (
        login(care).get(reverse("intake:signal_detail", args=[police_signal.pk])).status_code == 404
    )
    assert AuditEvent.objects.filter(action="linkage.match_confirmed").exists()


def test_third_party_cannot_decide_a_match(
    two_professionals, make_member, login, django_capture_on_commit_callbacks
):
    police, care = two_professionals
    record(login, police, django_capture_on_commit_callbacks)
    record(login, care, django_capture_on_commit_callbacks, surname="Elamrani")
    match = Match.objects.get()
    outsider = make_member(role=Role.PROFESSIONAL)
    response = login(outsider).post(
        reverse("linkage:match_decide", args=[match.pk]), {"decision": "reject"}
    )
    assert response.status_code == 404
    match.refresh_from_db()
    assert match.status == "possible"
    assert AuditEvent.objects.filter(
        action="linkage.match_not_found", actor_id=outsider.user_id
    ).exists()


def test_different_people_do_not_match(
    two_professionals, login, django_capture_on_commit_callbacks
):
    police, care = two_professionals
    record(login, police, django_capture_on_commit_callbacks)
    record(
        login,
        care,
        django_capture_on_commit_callbacks,
        given_names="Daan",
        surname="de Vries",
        date_of_birth="2009-11-20",
    )
    assert Match.objects.count() == 0


def test_same_organisation_link_is_statistics_only(
    two_professionals, login, django_capture_on_commit_callbacks
):
    police, _care = two_professionals
    record(login, police, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    record(login, police, django_capture_on_commit_callbacks)
    match = Match.objects.get()
    assert match.status == "internal" and match.strong
    assert Notification.objects.count() == 0 and len(mail.outbox) == 0
    page = login(police).get(reverse("linkage:match_list"))
    assert page.context["matches"] == []


def test_withdrawal_ends_the_match(two_professionals, login, django_capture_on_commit_callbacks):
    police, care = two_professionals
    signal = record(login, police, django_capture_on_commit_callbacks)
    record(login, care, django_capture_on_commit_callbacks, given_names="Mohammed")
    login(police).post(reverse("intake:signal_withdraw", args=[signal.pk]), {"reason": "Onterecht"})
    assert Match.objects.get().status == "ended"


def test_no_identity_plaintext_in_logs_index_or_audit(
    two_professionals, login, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    police, care = two_professionals
    record(login, police, django_capture_on_commit_callbacks, bsn="111222333")
    record(login, care, django_capture_on_commit_callbacks, surname="Elamrani")
    login(police).get(reverse("linkage:match_list"))
    for plain in IDENTITY_STRINGS:
        assert plain not in caplog.text
    tables = [
        "linkage_indexentry",
        "linkage_exacttoken",
        "linkage_blocktoken",
        "linkage_match",
        "linkage_notification",
        "audit_auditevent",
        "intake_signalidentity",
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dump = " ".join(str(v) for row in cursor.fetchall() for v in row)
            for plain in IDENTITY_STRINGS:
                assert plain not in dump, (table, plain)


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        ("/matches/?status=possible", "/matches/?status=possible"),
        ("https://evil.example/phish", "/matches/"),
        ("//evil.example/phish", "/matches/"),
        ("", "/matches/"),
    ],
)
def test_after_a_decision_only_a_local_next_address_is_followed(
    two_professionals, login, django_capture_on_commit_callbacks, back, expected
):
    police, care = two_professionals
    record(login, police, django_capture_on_commit_callbacks)
    record(login, care, django_capture_on_commit_callbacks, surname="Elamrani")
    match = Match.objects.get()
    response = login(care).post(
        reverse("linkage:match_decide", args=[match.pk]), {"decision": "reject", "next": back}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(expected)
    assert "evil" not in response["Location"]
