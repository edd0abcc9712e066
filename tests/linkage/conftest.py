import datetime as dt
import uuid

from django.utils import timezone


def make_matches(member_a, member_b, n_a: int, n_b: int, status: str = "possible") -> list:
    """n_a signals of member_a's organisation, n_b of member_b's, and a match between every
    pair (n_a * n_b matches, oldest first). Written directly: only the list is tested."""
    from zicht.intake.models import Signal
    from zicht.intake.selectors import current_catalogue
    from zicht.linkage.models import Match

    today = timezone.localdate()
    catalogue = current_catalogue()

    def signals(member, n, tag):
        return Signal.objects.bulk_create(
            Signal(
                reference=f"ZS-T{tag}-{uuid.uuid4().hex[:12]}",
                organisation=member.organisation,
                author=member.user,
                contact_date=today,
                setting="school",
                catalogue=catalogue,
                expires_on=today + dt.timedelta(days=365),
            )
            for i in range(n)
        )

    a_signals, b_signals = signals(member_a, n_a, "A"), signals(member_b, n_b, "B")
    return Match.objects.bulk_create(
        Match(
            signal_a_id=a.pk,
            organisation_a_id=member_a.organisation_id,
            signal_b_id=b.pk,
            organisation_b_id=member_b.organisation_id,
            kind="fuzzy",
            status=status,
        )
        for a in a_signals
        for b in b_signals
    )
