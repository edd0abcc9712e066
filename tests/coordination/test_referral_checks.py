"""Issue 11: referral checks and names in "My referrals" (for the referrer's organisation only)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.coordination.models import Referral

pytestmark = pytest.mark.django_db


def test_a_minor_cannot_be_referred_with_parental_consent_not_applicable(
    professional, make_signal, refer, login
):
    signal = make_signal(professional, age=15)
    with pytest.raises(ValidationError) as caught:
        refer(professional, signal, consent_parents="not_applicable")
    assert "consent_parents" in caught.value.error_dict
    response = login(professional).post(
        reverse("coordination:referral_create", args=[signal.pk]),
        {
            "reason": "Zorgen.",
            "urgency": "normal",
            "consent_young_person": "refused",
            "consent_parents": "not_applicable",
        },
    )
    assert response.status_code == 200
    assert "Deze jongere is minderjarig" in response.content.decode()
    assert not Referral.objects.exists()


def test_an_adult_may_still_be_referred_with_not_applicable(professional, make_signal, refer):
    signal = make_signal(professional, age=19)
    referral = refer(professional, signal, consent_parents="not_applicable")
    assert referral.pk is not None


def test_referral_is_the_primary_action_of_step_five(professional, make_signal, login):
    signal = make_signal(professional)
    page = login(professional).get(reverse("intake:signal_detail", args=[signal.pk]))
    url = reverse("coordination:referral_create", args=[signal.pk])
    assert f'<a class="button primary" href="{url}">' in page.content.decode()


def test_my_referrals_name_the_young_person_and_are_audited(
    professional, make_signal, refer, login
):
    signal = make_signal(professional, given="Sanne", surname="van der Berg", age=15)
    refer(professional, signal)
    page = login(professional).get(reverse("coordination:my_referrals")).content.decode()
    assert "Sanne van der Berg" in page and "Rotterdam" in page
    event = AuditEvent.objects.filter(action="intake.signal_list_viewed").latest("seq")
    assert event.details["signals"] == [str(signal.pk)] and event.details["list"] == "referrals"
    assert "Sanne" not in str(event.details)


def test_analysts_see_no_names_in_lists(professional, make_member, make_signal, refer, login):
    # Coordinators do see the name in their inbox (issue 11): test_daily_work.py.
    signal = make_signal(professional, given="Sanne", surname="van der Berg", age=15)
    refer(professional, signal)
    analyst = make_member(role=Role.ANALYST)
    for name in ("insight:dashboard",):
        page = login(analyst).get(reverse(name))
        assert page.status_code == 200 and "Sanne" not in page.content.decode()
    assert login(analyst).get(reverse("intake:signal_list")).status_code == 403
