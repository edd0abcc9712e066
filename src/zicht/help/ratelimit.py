"""Fixed-window rate limits stored in the database, keyed without IP addresses.

The keys name what is limited: a case code or a proof-of-work challenge (through
a keyed hash, see ``hashed``), a conversation, or the whole start form. Windows are whole minutes from the
Unix epoch, so counting needs one row per key and window. Old rows are removed by
``purge_inactive_conversations``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac

from zicht.help.models import RateCounter

__all__ = ["hashed", "hit", "count", "purge_older_than"]


def hashed(prefix: str, value: str) -> str:
    """The key for ``value`` (a case code, a challenge): an HMAC-SHA256 keyed with the
    server's ``SECRET_KEY`` (Django's ``salted_hmac``, salted per prefix).

    A plain SHA-256 of a case code could be reversed offline by trying all 31**8 codes;
    without the key, a copy of the rate-limit table says nothing about which codes exist
    or were tried. Rotating ``SECRET_KEY`` only resets the counters.
    """
    digest = salted_hmac(f"zicht.help.ratelimit.{prefix}", value, algorithm="sha256")
    return f"{prefix}:{digest.hexdigest()[:40]}"


def _window_start(now: datetime, minutes: int) -> datetime:
    epoch_minutes = int(now.timestamp() // 60)
    start = epoch_minutes - epoch_minutes % minutes
    return datetime.fromtimestamp(start * 60, tz=UTC)


def count(key: str, *, minutes: int, now: datetime | None = None) -> int:
    now = now or timezone.now()
    total = RateCounter.objects.filter(key=key, window_start=_window_start(now, minutes)).aggregate(
        total=Sum("count")
    )["total"]
    return total or 0


def hit(key: str, *, minutes: int, now: datetime | None = None) -> int:
    """Add one to the key's current window and return the new count."""
    now = now or timezone.now()
    start = _window_start(now, minutes)
    with transaction.atomic():
        updated = RateCounter.objects.filter(key=key, window_start=start).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:
                RateCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
    return count(key, minutes=minutes, now=now)


def purge_older_than(*, days: int, now: datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _ = RateCounter.objects.filter(window_start__lt=now - timedelta(days=days)).delete()
    return deleted
