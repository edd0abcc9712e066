"""Demo referrals: a share of the demo signals referred by their authors, so the
coordination inbox of the demo is not empty. Never in production."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError

from zicht.coordination import services
from zicht.coordination.constants import Consent, ParentConsent, Urgency
from zicht.coordination.models import Referral
from zicht.core.tasks import mail_discarded


def demo_referrals_ensure(*, every: int = 12, limit: int = 90) -> int:
    """Refer every ``every``-th active demo signal (by reference), at most ``limit``."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded in production.")
    if Referral.objects.exists():
        return 0
    from zicht.accounts import selectors as account_selectors
    from zicht.intake import selectors as intake_selectors

    signals = list(intake_selectors.signals_active())[::every][:limit]
    made = 0
    with mail_discarded():
        for i, signal in enumerate(signals):
            membership = (
                account_selectors.active_members(organisation_id=signal.organisation_id)
                .filter(user=signal.author)
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
