"""Core's one table: the fixed-window counters behind every rate limit (``ratelimit``)."""

from django.db import models


class RateCounter(models.Model):
    """A fixed-window counter for rate limits, keyed by a name or a keyed hash, never by an
    IP address.

    Keys are e.g. ``login:<HMAC of case code>``, ``msg:<conversation id>``, ``start``,
    ``pow:<HMAC of challenge>`` (a solved challenge may be used once), ``lessons-join:…``
    and ``api:<key prefix>``; see ``ratelimit.hashed``. One row per key and window: the
    unique constraint lets two processes that both find no row agree on one.
    """

    key = models.CharField(max_length=100)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="core_rate_key_window")
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self):
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M:%S}: {self.count}"
