"""Shared fixtures: members per role, clients logged in with a verified second factor."""

import pytest

# Django-dependent imports stay inside the fixtures, so the pure-library suites
# (estimation, simulation, linkage encoding) also run with ``-p no:django``.


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = True
    # Audit checkpoints (the daily task, audit_checkpoint) go to this test's own directory.
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    # A request to an /en/ page leaves English active in this thread; start every test in
    # the default language so reverse() and messages do not depend on test order.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def verified_client(client, user):
    """Log ``user`` in on the test client as if they had passed the TOTP step."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.factories import TOTPDeviceFactory

    device = user.totpdevice_set.first() or TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def organisation(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory()


@pytest.fixture
def make_member(db):
    from tests.factories import MembershipFactory, OrganisationFactory
    from zicht.accounts.constants import OrganisationType, Role

    def make(role=Role.PROFESSIONAL, organisation=None, **kwargs):
        if organisation is None:
            # An organisation whose type may have this role (accounts.constants.roles_for).
            organisation = OrganisationFactory(
                type={
                    Role.COORDINATOR: OrganisationType.COORDINATION_CENTRE,
                    Role.COUNSELLOR: OrganisationType.COORDINATION_CENTRE,
                    Role.ANALYST: OrganisationType.OTHER,
                }.get(role, OrganisationType.POLICE)
            )
        return MembershipFactory(role=role, organisation=organisation, **kwargs)

    return make


@pytest.fixture
def login(client):
    def do(membership_or_user):
        user = getattr(membership_or_user, "user", membership_or_user)
        return verified_client(client, user)

    return do


REFERENCE_DATA_MIGRATIONS = (
    ("zicht.accounts.migrations.0002_municipalities", "load"),
    ("zicht.intake.migrations.0002_catalogue_v1", "publish"),
    ("zicht.core.migrations.0001_site_name", "name_site"),
    ("zicht.help.migrations.0002_seed_content", "seed"),
)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Reference data (municipalities, indicator list, site name, help content) comes from
    data migrations. A transactional test (browser tests) flushes it at teardown, so any
    later test in the same worker would find it gone: reload it (idempotent) first."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    )
    if not uses_db:
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or "live_server" in set(
        request.fixturenames
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from zicht.accounts.models import Municipality

    if Municipality.objects.exists():
        return
    import importlib

    from django.apps import apps

    for module, function in REFERENCE_DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Test on an SQLite *file*, as the platform runs, not on a shared in-memory one.

    A file lets real threads open their own connections, so the concurrency tests
    run on SQLite as well (``BEGIN IMMEDIATE`` queues the writers) instead of
    being skipped there.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        path = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real Redis server for this test session (tests/redis_server.py): its URL."""
    from tests.redis_server import running_redis

    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(params=["database", "redis"])
def shared_store(request, settings):
    """Each rate-limit store in turn: the database table (default), then a real Redis
    server as ``ZICHT_CACHE_URL=redis://…`` configures it."""
    if request.param == "redis":
        from django.core.cache import caches

        url = request.getfixturevalue("redis_url")
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
        caches["default"].clear()
        yield request.param
        caches["default"].clear()
        return
    yield request.param
