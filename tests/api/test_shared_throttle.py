"""The API rate limit is counted in a store every process shares, not in process memory."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from zicht.api.models import OrganisationAPIKey
from zicht.api.throttling import APIKeyRateThrottle
from zicht.core.models import RateCounter


def test_no_cache_is_per_process_memory():
    for alias, config in settings.CACHES.items():
        assert "locmem" not in config["BACKEND"].lower(), alias
        assert "dummy" not in config["BACKEND"].lower(), alias
        assert not isinstance(caches[alias], LocMemCache)


def test_default_cache_is_the_database_table():
    assert settings.CACHES["default"] == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "zicht_cache",
    }


class _Request:
    """What the throttle reads of a request authenticated with an API key."""

    def __init__(self, key):
        self.auth = key
        self.META = {"REMOTE_ADDR": "192.0.2.1"}


@pytest.mark.django_db
def test_the_throttle_counts_in_the_shared_store_not_in_the_throttle(settings):
    settings.ZICHT_API_RATE_LIMIT = "3/minute"
    key = OrganisationAPIKey(prefix="shared01")
    # DRF makes a new throttle per request: the count lives in the shared store
    # (tests/core/test_ratelimit.py checks it under simultaneous requests).
    admitted = [APIKeyRateThrottle().allow_request(_Request(key), view=None) for _ in range(6)]
    assert admitted == [True, True, True, False, False, False]
    assert RateCounter.objects.get(key="api:shared01").count == 3


@pytest.mark.django_db
def test_another_key_has_its_own_count(settings):
    settings.ZICHT_API_RATE_LIMIT = "1/minute"
    one, other = OrganisationAPIKey(prefix="keyone01"), OrganisationAPIKey(prefix="keytwo01")
    assert APIKeyRateThrottle().allow_request(_Request(one), view=None)
    assert not APIKeyRateThrottle().allow_request(_Request(one), view=None)
    assert APIKeyRateThrottle().allow_request(_Request(other), view=None)


@pytest.mark.django_db
def test_migrate_creates_the_cache_table():
    from django.db import connection

    assert "zicht_cache" in connection.introspection.table_names()


def _cache_settings(tmp_path, **environment):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZICHT_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        ZICHT_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="zicht.conf.settings",
        **environment,
    )
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
    )


def test_redis_is_chosen_by_url_and_other_urls_are_refused(tmp_path):
    redis = _cache_settings(tmp_path, ZICHT_CACHE_URL="redis://127.0.0.1:6379/1")
    assert redis.returncode == 0, redis.stderr
    assert redis.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/1",
    ]
    wrong = _cache_settings(tmp_path, ZICHT_CACHE_URL="locmem://")
    assert wrong.returncode != 0
    assert "ZICHT_CACHE_URL must be empty" in wrong.stderr
