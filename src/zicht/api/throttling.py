"""Rate limit per API key (DRF throttling on the default cache).

The rate is ``settings.ZICHT_API_RATE_LIMIT`` if set, else
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_key"]`` (environment variable
``ZICHT_API_RATE_LIMIT``, default ``120/minute``), read on every request.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from zicht.api.models import OrganisationAPIKey

DEFAULT_RATE = "120/minute"


class APIKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_rate(self) -> str:
        return (
            getattr(settings, "ZICHT_API_RATE_LIMIT", None)
            or api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
            or DEFAULT_RATE
        )

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, OrganisationAPIKey):
            return None  # unauthenticated requests are refused before they do any work
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}
