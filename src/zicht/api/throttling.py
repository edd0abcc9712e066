"""Rate limit per API key: a fixed window counted atomically in the shared rate-limit
store (``zicht.core.ratelimit``: the database, or Redis when it is the cache).

DRF's own ``SimpleRateThrottle`` keeps a list of request times in the cache and reads,
appends and writes it back: two requests at the same moment both read the same list, so
a limit of N can admit more than N. Here each request takes a unit with one atomic
increment instead.

The rate is ``settings.ZICHT_API_RATE_LIMIT`` if set, else
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_key"]`` (environment variable
``ZICHT_API_RATE_LIMIT``, default ``120/minute``), read on every request.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from zicht.api.models import OrganisationAPIKey
from zicht.core import ratelimit

DEFAULT_RATE = "120/minute"


class APIKeyRateThrottle(SimpleRateThrottle):
    """DRF makes one per request; its ``__init__`` parses the rate into ``num_requests``
    per ``duration`` seconds (``120/minute``, also ``/second``, ``/hour``, ``/day``)."""

    scope = "api_key"

    def get_rate(self) -> str:
        return (
            getattr(settings, "ZICHT_API_RATE_LIMIT", None)
            or api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
            or DEFAULT_RATE
        )

    def allow_request(self, request, view) -> bool:
        if not isinstance(request.auth, OrganisationAPIKey):
            return True  # unauthenticated requests are refused before they do any work
        self.now = timezone.now()
        return ratelimit.take(
            f"api:{request.auth.prefix}",
            limit=self.num_requests,
            seconds=self.duration,
            now=self.now,
        )

    def wait(self) -> int:
        """Seconds until the window ends: the Retry-After header of a 429."""
        return ratelimit.seconds_left(seconds=self.duration, now=self.now)
