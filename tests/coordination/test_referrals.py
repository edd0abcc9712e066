"""Referral by the signal's author, consent rules, one file per person, what each sees."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.coordination import selectors
from zicht.coordination.constants import FileStatus, ReferralKind
from zicht.coordination.models import CoordinationFile, Referral
from zicht.linkage.constants import MatchStatus
from zicht.linkage.models import Match

pytestmark = pytest.mark.django_db

POST = {
    "reason": "Zorgen over uitbuiting.",
    "urgency": "urgent",
    "consent_young_person": "refused",
    "consent_parents": "not_asked",
}


def test_signal_page_links_to_the_referral_form(professional, login, make_signal):
    signal = make_signal(professional)
    client = login(professional)
    url = reverse("coordination:referral_create", args=[signal.pk])
    assert url.startswith("/coordinatie/")
    assert url in client.get(reverse("intake:signal_detail", args=[signal.pk])).content.decode()
    page = client.get(url)
    assert page.status_code == 200
    # The rule is shown in the form.
    assert "minderjarige" in page.content.decode().lower()


def test_home_page_links_for_professional_and_coordinator(professional, coordinator, client):
    from zicht.accounts.selectors import home_actions_for

    urls = [a.url for a in home_actions_for(user=professional.user, membership=professional)]
    assert reverse("coordination:my_referrals") in urls
    urls = [a.url for a in home_actions_for(user=coordinator.user, membership=coordinator)]
    assert reverse("coordination:inbox") in urls


def test_minor_is_referred_without_consent_with_identity(
    professional, coordinator, login, make_signal
):
    signal = make_signal(professional, age=15)
    response = login(professional).post(
        reverse("coordination:referral_create", args=[signal.pk]), POST
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.kind == ReferralKind.REFERRAL and referral.is_minor
    assert referral.file.status == FileStatus.SCREENING
    assert referral.file.urgency == "urgent"
    sources = selectors.file_sources(membership=coordinator, file=referral.file)
    assert sources[0].identity_shown and sources[0].signal.surname == "El Amrani"
    event = AuditEvent.objects.get(action="coordination.referral_created")
    assert "Amrani" not in str(event.details) and "uitbuiting" not in str(event.details)


def test_adult_without_consent_gives_an_anonymous_counted_notification(
    professional, coordinator, login, make_signal
):
    signal = make_signal(professional, age=19)
    client = login(professional)
    page = client.get(reverse("coordination:referral_create", args=[signal.pk]))
    assert 'value="not_applicable" checked' in page.content.decode().replace("\n", " ") or (
        page.context["form"].initial["consent_parents"] == "not_applicable"
    )
    client.post(
        reverse("coordination:referral_create", args=[signal.pk]),
        {**POST, "consent_parents": "not_applicable"},
    )
    referral = Referral.objects.get()
    assert referral.kind == ReferralKind.ANONYMOUS
    assert referral.file is None and referral.reason == ""
    assert not CoordinationFile.objects.exists()
    assert selectors.anonymous_notification_count(membership=coordinator) == 1
    inbox = login(coordinator).get(reverse("coordination:inbox"))
    assert "Amrani" not in inbox.content.decode()
    # The professional sees it in their list as counted, without a file.
    assert (
        "Anoniem" in login(professional).get(reverse("coordination:my_referrals")).content.decode()
    )


def test_adult_with_consent_is_referred_with_identity(professional, make_signal, refer):
    signal = make_signal(professional, age=20)
    referral = refer(professional, signal, consent_young_person="given")
    assert referral.kind == ReferralKind.REFERRAL and not referral.is_minor


def test_only_the_author_can_refer(professional, make_member, make_signal, login, refer):
    colleague = make_member(role=Role.PROFESSIONAL, organisation=professional.organisation)
    signal = make_signal(professional)
    response = login(colleague).get(reverse("coordination:referral_create", args=[signal.pk]))
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        refer(colleague, signal)
    assert AuditEvent.objects.filter(action="coordination.referral_denied").exists()


def test_other_organisation_gets_404(professional, make_member, make_signal, login):
    stranger = make_member(role=Role.PROFESSIONAL)
    signal = make_signal(professional)
    response = login(stranger).get(reverse("coordination:referral_create", args=[signal.pk]))
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_a_signal_is_referred_once(professional, make_signal, refer, login):
    signal = make_signal(professional)
    referral = refer(professional, signal)
    with pytest.raises(ValidationError):
        refer(professional, signal)
    response = login(professional).get(reverse("coordination:referral_create", args=[signal.pk]))
    assert response["Location"] == reverse("coordination:referral_detail", args=[referral.pk])


def test_reason_is_required(professional, make_signal, login):
    signal = make_signal(professional)
    response = login(professional).post(
        reverse("coordination:referral_create", args=[signal.pk]), {**POST, "reason": " "}
    )
    assert response.status_code == 200 and not Referral.objects.exists()


def _confirm(a, b):
    match = Match.objects.get(signal_a_id__in=[a.pk, b.pk], signal_b_id__in=[a.pk, b.pk])
    match.status = MatchStatus.CONFIRMED
    match.save()


def test_referrals_of_the_same_person_join_one_file(
    professional, make_member, make_signal, refer, coordinator
):
    care = make_member(role=Role.PROFESSIONAL)
    third = make_member(role=Role.PROFESSIONAL)
    a = make_signal(professional)
    b = make_signal(care, surname="Elamrani")
    c = make_signal(third, surname="Amrani-El")  # known to the index but never referred
    _confirm(a, b)
    Match.objects.update_or_create(
        signal_a_id=b.pk,
        signal_b_id=c.pk,
        defaults={
            "organisation_a_id": care.organisation_id,
            "organisation_b_id": third.organisation_id,
            "kind": "fuzzy",
            "status": MatchStatus.CONFIRMED,
        },
    )
    first = refer(professional, a)
    second = refer(care, b, urgency="acute")
    assert first.file_id == second.file_id
    file = CoordinationFile.objects.get()
    assert file.urgency == "acute"
    sources = selectors.file_sources(membership=coordinator, file=file)
    assert [s.identity_shown for s in sources] == [True, True, False]
    assert sources[2].contact.organisation_name == third.organisation.name
    assert sources[2].signal is None  # no identity, no content for the unreferred signal


def test_unmatched_referrals_get_separate_files(professional, make_member, make_signal, refer):
    other = make_member(role=Role.PROFESSIONAL)
    refer(professional, make_signal(professional, given="Anna", surname="Jansen"))
    refer(other, make_signal(other, given="Piet", surname="de Vries"))
    assert CoordinationFile.objects.count() == 2


def test_professional_follows_status_but_never_sees_the_assessment(
    professional, coordinator, screened_file, login
):
    from zicht.coordination import services

    services.assessment_complete(
        membership=coordinator,
        file=screened_file,
        answers={"intimidation": True},
        note="Geheime notitie",
    )
    client = login(professional)
    listing = client.get(reverse("coordination:my_referrals")).content.decode()
    assert "Bescherming en zorg worden geregeld" in listing
    referral = screened_file.referrals.get()
    detail = client.get(reverse("coordination:referral_detail", args=[referral.pk]))
    text = detail.content.decode()
    assert "Geheime notitie" not in text and "Afscherming" not in text
    assert "Mogelijk slachtoffer" in text
    assert (
        client.get(reverse("coordination:file_detail", args=[screened_file.pk])).status_code == 403
    )


def test_others_cannot_see_a_referral(professional, make_member, referred_file, login):
    colleague = make_member(role=Role.PROFESSIONAL, organisation=professional.organisation)
    referral = referred_file.referrals.get()
    response = login(colleague).get(reverse("coordination:referral_detail", args=[referral.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_audit_log_names_a_referral_by_its_signals_reference(
    professional, make_member, make_signal, refer, login
):
    """A referral event's sentence reads "referred signal ZS-…": the referral's own id (a
    UUID) would read as if it were the signal's reference, so the log names the signal."""
    signal = make_signal(professional)
    referral = refer(professional, signal)
    admin = make_member(role=Role.ORG_ADMIN, organisation=professional.organisation)
    with translation.override("en"):
        content = login(admin).get(reverse("audit:list")).content.decode()
    assert f"referred signal {signal.reference}" in content
    assert str(referral.pk) not in content
    assert "Mohamed" not in content and "El Amrani" not in content
    # Another organisation's administrator is not told which signal it was.
    outsider = make_member(role=Role.ORG_ADMIN)
    assert (
        selectors.referral_references([str(referral.pk)], organisation_id=outsider.organisation_id)
        == {}
    )
