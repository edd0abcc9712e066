"""/readyz: 200 when this process can serve (database, migrations, shared cache), 503 with
the failing check named when it cannot; the task queue's delay is reported, not fatal."""

import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from zicht.core import readiness

pytestmark = pytest.mark.django_db

READY = {"status": "ok", "database": "ok", "migrations": "ok", "cache": "ok", "tasks": "ok"}


@pytest.fixture(autouse=True)
def _check_migrations_every_time(monkeypatch):
    monkeypatch.setitem(readiness._migrated, "done", False)


def test_ready_says_so_without_login_and_names_nothing_else(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == READY
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies


def test_pending_migrations_make_it_not_ready(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("0099", False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"
    assert response.json()["status"] == "error"


def test_an_unreachable_cache_makes_it_not_ready(client, settings):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == READY | {"status": "error", "cache": "error"}


def test_an_unreachable_database_makes_it_not_ready(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, *args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"] == "error"
    assert body["migrations"] == "pending" and body["cache"] == "error"


def test_a_queue_nobody_works_on_is_reported_but_still_ready(client):
    from django_tasks_db.models import DBTaskResult, get_date_max

    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="zicht.core.tasks.enqueue_daily",
        backend_name="default",
        run_after=get_date_max(),
    )
    assert client.get("/readyz").json()["tasks"] == "ok"  # queued just now
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=readiness.QUEUE_LATE_MINUTES + 1)
    )
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == READY | {"tasks": "late"}
