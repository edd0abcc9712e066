"""What ``/readyz`` checks: can this process serve requests right now?

``/healthz`` only asks whether the database answers (a liveness probe: restart me if
not). Readiness asks more, because a server that is up but would fail every request
should be taken out of the load balancer rather than restarted:

* ``database``: a query answers;
* ``migrations``: every migration this code ships is applied (a new version started
  before ``migrate`` ran would fail on missing columns);
* ``cache``: the shared cache (database table or Redis) takes a write and gives it back:
  sessions, idempotency and, with Redis, the rate limits depend on it;
* ``tasks``: whether the background queue keeps up: ``late`` when a task has been due for
  more than ``QUEUE_LATE_MINUTES``. Reported, not counted against readiness: a stopped
  worker does not make the web server unfit, and taking every web server out of the
  load balancer for it would turn a delay into an outage. Monitoring alerts on it.

The answer names no person, key, host or version: the probe is public.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.utils import timezone

QUEUE_LATE_MINUTES = 15

# Migrations are only ever applied while a process runs, never taken back: once all are
# applied, this process need not load the migration graph on every probe again.
_migrated = {"done": False}


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _migrations() -> bool:
    if not _migrated["done"]:
        executor = MigrationExecutor(connection)
        _migrated["done"] = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated["done"]


def _cache() -> bool:
    token = secrets.token_hex(8)
    cache.set("zicht-readyz", token, timeout=60)
    return cache.get("zicht-readyz") == token


def _tasks() -> str:
    from django_tasks_db.models import (  # noqa: PLC0415 - models need the app registry
        DBTaskResult,
        get_date_max,
    )

    due_before = timezone.now() - timedelta(minutes=QUEUE_LATE_MINUTES)
    # A task without a start time carries the largest date as run_after: its wait counts
    # from when it was queued.
    late = (
        DBTaskResult.objects.ready()
        .filter(
            Q(run_after__lte=due_before) | Q(run_after=get_date_max(), enqueued_at__lte=due_before)
        )
        .exists()
    )
    return "late" if late else "ok"


def _passes(check) -> bool:
    try:
        return bool(check())
    except Exception:  # noqa: BLE001 - any failure of a check means "not ready"
        return False


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, what each check found), e.g. ``{"database": "ok", "migrations": "pending"}``."""
    found = {
        "database": "ok" if _passes(_database) else "error",
        "migrations": "pending",
        "cache": "error",
        "tasks": "unknown",
    }
    if found["database"] == "ok":
        found["migrations"] = "ok" if _passes(_migrations) else "pending"
        found["cache"] = "ok" if _passes(_cache) else "error"
        try:
            found["tasks"] = _tasks()
        except Exception:  # noqa: BLE001 - the queue table missing is reported as unknown
            found["tasks"] = "unknown"
    else:
        found["cache"] = "ok" if _passes(_cache) else "error"
    ready = all(found[name] == "ok" for name in ("database", "migrations", "cache"))
    return ready, found
