"""Fixed-window rate limits that every process shares, counted atomically, keyed without
IP addresses.

The keys name what is limited: a case code or a proof-of-work challenge (through a keyed
hash, see ``hashed``), a conversation, an API key's prefix, or a whole form. Windows are
whole multiples of their length from the Unix epoch, so counting needs one number per key
and window.

Where the numbers live: the table ``core.RateCounter`` by default; the Redis server of
``ZICHT_CACHE_URL`` when the default cache is Redis (``settings.CACHES``). Never in
process memory: with several gunicorn workers each would count on its own.

Why ``hit`` is atomic, so that a limit of N admits exactly N even when requests arrive at
the same moment on different servers:

* database: one statement, ``INSERT … ON CONFLICT (key, window_start) DO UPDATE SET
  count = count + 1 RETURNING count``, creates the window's row or adds one to it and
  returns the new value; the unique constraint makes simultaneous first hits agree on
  one row (``_hit_row``).
* Redis: ``SET … NX EX`` creates the window's key, ``INCR`` adds one and returns the new
  value in one server-side step.

Reading with ``count`` and writing with ``hit`` afterwards is *not* atomic: a burst can
pass the check together. A limit that must hold takes its unit first with ``take`` (which
gives it back when the limit is reached) and, where only failures should count, gives it
back with ``undo`` after a success.

Old database rows are removed by ``purge_older_than`` (the help app's daily purge); Redis
keys expire a minute after their window ends.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connections, router
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from zicht.core.models import RateCounter

__all__ = ["hashed", "hit", "take", "undo", "count", "seconds_left", "purge_older_than"]

# Backends whose ``incr`` is one atomic server command (Redis INCRBY). Django's database
# cache is not among them: its ``incr`` is a read followed by a write.
_ATOMIC_CACHE_BACKENDS = ("django.core.cache.backends.redis.RedisCache",)


def hashed(prefix: str, value: str) -> str:
    """The key for ``value`` (a case code, a challenge): an HMAC-SHA256 keyed with the
    server's ``SECRET_KEY`` (Django's ``salted_hmac``, salted per prefix).

    A plain SHA-256 of a case code could be reversed offline by trying all 31**8 codes;
    without the key, a copy of the rate-limit table says nothing about which codes exist
    or were tried. Rotating ``SECRET_KEY`` only resets the counters.
    """
    digest = salted_hmac(f"zicht.help.ratelimit.{prefix}", value, algorithm="sha256")
    return f"{prefix}:{digest.hexdigest()[:40]}"


def _length(minutes: int, seconds: int) -> int:
    length = minutes * 60 + seconds
    if length < 1:
        raise ValueError("a rate-limit window lasts at least one second")
    return length


def _window_start(now: datetime, length: int) -> datetime:
    epoch_seconds = int(now.timestamp())
    return datetime.fromtimestamp(epoch_seconds - epoch_seconds % length, tz=UTC)


def _in_redis() -> bool:
    return settings.CACHES["default"]["BACKEND"] in _ATOMIC_CACHE_BACKENDS


def _cache_key(key: str, start: datetime) -> str:
    return f"zicht-rate:{key}:{int(start.timestamp())}"


def hit(key: str, *, minutes: int = 0, seconds: int = 0, now: datetime | None = None) -> int:
    """Add one to the key's current window and return the count including this hit; no
    two simultaneous hits get the same number."""
    length = _length(minutes, seconds)
    start = _window_start(now or timezone.now(), length)
    if _in_redis():
        cache, name = caches["default"], _cache_key(key, start)
        # The key outlives its window by a minute, so it cannot expire between the two calls.
        cache.add(name, 0, timeout=length + 60)
        return cache.incr(name)
    return _hit_row(key, start)


def _hit_row(key: str, start: datetime) -> int:
    """One statement adds the hit and returns the new count: an insert that, when the
    window's row exists, adds one to it instead (``ON CONFLICT … DO UPDATE … RETURNING``,
    PostgreSQL 9.5+, SQLite 3.35+). The database does the read and the write as one step
    under the unique constraint, so no two hits see the same number, and a request pays
    one round trip instead of an update, a read and sometimes an insert."""
    connection = connections[router.db_for_write(RateCounter)]
    quote = connection.ops.quote_name
    table = quote(RateCounter._meta.db_table)
    key_col, start_col, count_col = (quote(name) for name in ("key", "window_start", "count"))
    # Only quoted identifiers from the model go into the text; the values are parameters.
    sql = (
        f"INSERT INTO {table} ({key_col}, {start_col}, {count_col}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({key_col}, {start_col}) "
        f"DO UPDATE SET {count_col} = {table}.{count_col} + 1 RETURNING {count_col}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, connection.ops.adapt_datetimefield_value(start)])
        return int(cursor.fetchone()[0])


def undo(key: str, *, minutes: int = 0, seconds: int = 0, now: datetime | None = None) -> None:
    """Give back one unit taken by ``hit`` in the same window (never below zero)."""
    length = _length(minutes, seconds)
    start = _window_start(now or timezone.now(), length)
    if _in_redis():
        try:
            if caches["default"].decr(_cache_key(key, start)) < 0:
                caches["default"].incr(_cache_key(key, start))
        except ValueError:  # the window's key has expired: nothing left to give back
            pass
        return
    RateCounter.objects.filter(key=key, window_start=start).update(
        count=Greatest(F("count") - 1, 0)
    )


def take(
    key: str, *, limit: int, minutes: int = 0, seconds: int = 0, now: datetime | None = None
) -> bool:
    """Take one of the ``limit`` units of the key's current window: True if one was left.
    A refused call takes nothing, so it does not lengthen anyone's wait."""
    now = now or timezone.now()
    if hit(key, minutes=minutes, seconds=seconds, now=now) <= limit:
        return True
    undo(key, minutes=minutes, seconds=seconds, now=now)
    return False


def count(key: str, *, minutes: int = 0, seconds: int = 0, now: datetime | None = None) -> int:
    """The key's count in the current window (a reading; see the module's note on bursts)."""
    length = _length(minutes, seconds)
    start = _window_start(now or timezone.now(), length)
    if _in_redis():
        return int(caches["default"].get(_cache_key(key, start), 0))
    found = RateCounter.objects.filter(key=key, window_start=start).values_list("count", flat=True)
    return found.first() or 0


def seconds_left(*, minutes: int = 0, seconds: int = 0, now: datetime | None = None) -> int:
    """Whole seconds until the current window ends (at least 1): a Retry-After value."""
    length = _length(minutes, seconds)
    now = now or timezone.now()
    end = _window_start(now, length) + timedelta(seconds=length)
    return max(1, int((end - now).total_seconds() + 0.999))


def purge_older_than(*, days: int, now: datetime | None = None) -> int:
    """Delete database counters of windows that began more than ``days`` days ago."""
    now = now or timezone.now()
    deleted, _ = RateCounter.objects.filter(window_start__lt=now - timedelta(days=days)).delete()
    return deleted
