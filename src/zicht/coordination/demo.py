"""Demo referrals: a share of the demo signals referred by their authors, so the
coordination inbox of the demo is not empty. Never in production."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test.utils import override_settings

from zicht.coordination import services
from zicht.coordination.constants import Consent, ParentConsent, Urgency
from zicht.coordination.models import Referral


def demo_referrals_ensure(*, every: int = 12, limit: int = 90) -> int:
    """Refer every ``every``-th active demo signal (by reference), at most ``limit``."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded in production.")
    if Referral.objects.exists():
        return 0
    from zicht.accounts.models import Membership
    from zicht.intake.models import Signal

    signals = list(
        Signal.objects.filter(status="active").select_related("author").order_by("reference")
    )[::every][:limit]
    made = 0
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for i, signal in enumerate(signals):
            membership = (
                Membership.objects.filter(
                    user=signal.author, organisation_id=signal.organisation_id, is_active=True
                )
                .select_related("organisation", "user")
                .first()
            )
            if membership is None:
                continue
            minor = (signal.age_at_contact or 0) < 18
            try:
                services.referral_create(
                    membership=membership,
                    signal=signal,
                    reason="Meerdere signalen van criminele uitbuiting; graag beoordeling.",
                    urgency=Urgency.URGENT if signal.immediate_danger else Urgency.NORMAL,
                    consent_young_person=Consent.GIVEN if i % 3 else Consent.NOT_ASKED,
                    consent_parents=ParentConsent.NOT_ASKED
                    if minor
                    else ParentConsent.NOT_APPLICABLE,
                )
            except ValidationError:
                continue
            made += 1
    return made
