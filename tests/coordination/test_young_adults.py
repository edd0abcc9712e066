"""Young adults (18 to 27) end to end: recorded, indexed, referred under the adult consent
rules and counted in their own age group (issue 16, "Age scope")."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.intake.conftest import signal_post
from zicht.coordination.constants import ReferralKind
from zicht.coordination.models import Referral
from zicht.insight import selectors as insight_selectors
from zicht.intake.models import Signal
from zicht.linkage.models import IndexEntry

pytestmark = pytest.mark.django_db


def _born_years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return (
        dt.date(today.year - years - 1, 12, 31)
        if (today.month, today.day) != (12, 31)
        else (dt.date(today.year - years, 1, 1))
    )


def _record_24_year_old(client) -> Signal:
    response = client.post(
        reverse("intake:signal_create"),
        signal_post(
            given_names="Sanne",
            surname="de Vries",
            date_of_birth=_born_years_ago(24).isoformat(),
            forms=["drug_dealing"],
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    return Signal.objects.get()


def test_a_24_year_old_is_recorded_indexed_and_referred_with_consent(
    professional, coordinator, login
):
    client = login(professional)
    signal = _record_24_year_old(client)
    assert signal.age_at_contact == 24
    assert IndexEntry.objects.filter(signal_id=signal.pk).exists()
    url = reverse("coordination:referral_create", args=[signal.pk])
    page = client.get(url)
    # An adult: parental consent does not apply, and the form says so by default.
    assert page.context["form"].initial["consent_parents"] == "not_applicable"
    response = client.post(
        url,
        {
            "reason": "Sinds haar zestiende aan het dealen voor een oudere man.",
            "urgency": "normal",
            "consent_young_person": "given",
            "consent_parents": "not_applicable",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.kind == ReferralKind.REFERRAL and not referral.is_minor
    assert referral.file.age_at_referral == 24
    file_page = login(coordinator).get(reverse("coordination:file_detail", args=[referral.file.pk]))
    assert file_page.status_code == 200
    assert "Sanne" in file_page.content.decode()


def test_a_24_year_old_without_consent_is_an_anonymous_counted_notification(professional, login):
    client = login(professional)
    signal = _record_24_year_old(client)
    client.post(
        reverse("coordination:referral_create", args=[signal.pk]),
        {
            "reason": "Zorgen.",
            "urgency": "normal",
            "consent_young_person": "refused",
            "consent_parents": "not_applicable",
        },
    )
    referral = Referral.objects.get()
    assert referral.kind == ReferralKind.ANONYMOUS and referral.file is None


@pytest.mark.parametrize(
    ("age", "group"),
    [(8, "8-11"), (17, "16-17"), (18, "18-22"), (22, "18-22"), (23, "23-27"), (27, "23-27")],
)
def test_insight_counts_young_adults_in_their_own_age_groups(age, group):
    assert insight_selectors.age_group(age) == group


def test_age_groups_read_young_to_old():
    data = insight_selectors.Dataset(
        [
            {"age_at_contact": a, "id": i, "contact_date": timezone.localdate()}
            for i, a in enumerate([24, 9, 19, 16, None])
        ],
        {i: i for i in range(5)},  # five signals, five young people
    )
    assert list(insight_selectors.counts_by(data, "age")) == [
        "8-11",
        "16-17",
        "18-22",
        "23-27",
        "?",
    ]


def test_the_referral_form_and_the_file_show_that_the_young_person_is_also_a_suspect(
    professional, coordinator, login
):
    client = login(professional)
    client.post(
        reverse("intake:signal_create"),
        signal_post(justice_status="prosecuted", justice_offences="Geld doorsluizen"),
    )
    signal = Signal.objects.get()
    url = reverse("coordination:referral_create", args=[signal.pk])
    form_page = client.get(url).content.decode()
    assert "Vervolgd" in form_page and "Geld doorsluizen" in form_page
    client.post(
        url,
        {
            "reason": "Zorgen.",
            "urgency": "normal",
            "consent_young_person": "given",
            "consent_parents": "not_asked",
        },
    )
    file = Referral.objects.get().file
    page = login(coordinator).get(reverse("coordination:file_detail", args=[file.pk]))
    assert "Vervolgd: Geld doorsluizen" in page.content.decode()


def test_the_file_shows_the_nationality_category(professional, coordinator, login):
    client = login(professional)
    client.post(reverse("intake:signal_create"), signal_post(nationality_category="non_eu"))
    signal = Signal.objects.get()
    client.post(
        reverse("coordination:referral_create", args=[signal.pk]),
        {
            "reason": "Zorgen.",
            "urgency": "normal",
            "consent_young_person": "given",
            "consent_parents": "not_asked",
        },
    )
    file = Referral.objects.get().file
    page = login(coordinator).get(reverse("coordination:file_detail", args=[file.pk]))
    assert '<dd data-testid="nationality">Buiten de EU</dd>' in page.content.decode()


def test_the_assessment_asks_and_records_whether_the_prosecutor_was_told(
    screened_file, coordinator, login
):
    client = login(coordinator)
    url = reverse("coordination:file_detail", args=[screened_file.pk])
    assert "non-punishmentbeginsel" in client.get(url).content.decode()
    client.post(
        reverse("coordination:file_assess", args=[screened_file.pk]),
        {"version": screened_file.version, "prosecutor_told_non_punishment": "on"},
    )
    screened_file.refresh_from_db()
    assert screened_file.assessment.answers["prosecutor_told_non_punishment"] is True
