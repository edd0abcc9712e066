"""Tasks left running by a killed worker are queued again and run; a live one is left alone."""

import datetime
import importlib
import pkgutil

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.compat import Task, TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

import zicht
from zicht.audit.models import AuditEvent
from zicht.core import stale_tasks, tasks

# The worker closes connections between tasks, which a test wrapped in one transaction
# does not survive: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _claimed(*, minutes_ago: int, worker_id: str, recipient: str, claims: int = 1):
    """A queued mail claimed by ``worker_id`` ``minutes_ago`` and never finished, as a
    worker killed with kill -9 leaves it."""
    result = tasks.send_email.enqueue(
        purpose="test", subject="Nieuwe match", body="Log in.", recipients=[recipient]
    )
    row = DBTaskResult.objects.get(pk=result.id)
    for n in range(claims):
        row.claim(f"{worker_id}-{n}" if claims > 1 else worker_id)
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return row.pk


def _run_worker():
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="restarted",
        excluded_queue_names=[],
    ).run()


def test_a_task_of_a_dead_worker_is_queued_again_and_sent_a_live_one_is_left(capsys):
    stale = _claimed(minutes_ago=90, worker_id="killed", recipient="stale@example.org")
    live = _claimed(minutes_ago=5, worker_id="other-machine", recipient="live@example.org")

    call_command("requeue_stale_tasks")

    out = capsys.readouterr().out
    assert "1 were queued again, 0 were marked failed" in out
    assert "stale@example.org" not in out
    assert DBTaskResult.objects.get(pk=stale).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=live).status == TaskResultStatus.RUNNING
    event = AuditEvent.objects.get(action="system.stale_tasks_requeued")
    assert event.details == {"requeued": 1, "failed": 0, "older_than_minutes": 60}

    _run_worker()

    done = DBTaskResult.objects.get(pk=stale)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.worker_ids == ["killed", "restarted"]
    assert [m.to for m in mail.outbox] == [["stale@example.org"]]
    # The other machine's task is still its own: not run a second time.
    assert DBTaskResult.objects.get(pk=live).status == TaskResultStatus.RUNNING


def test_older_than_and_dry_run(capsys):
    row = _claimed(minutes_ago=20, worker_id="killed", recipient="a@example.org")

    call_command("requeue_stale_tasks", "--older-than", "15", "--dry-run")
    assert "1 would be queued again" in capsys.readouterr().out
    assert DBTaskResult.objects.get(pk=row).status == TaskResultStatus.RUNNING
    assert not AuditEvent.objects.filter(action="system.stale_tasks_requeued").exists()

    call_command("requeue_stale_tasks", "--older-than", "30")
    assert "0 were queued again, 0 were marked failed" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(action="system.stale_tasks_requeued").exists()

    call_command("requeue_stale_tasks", "--older-than", "15")
    assert DBTaskResult.objects.get(pk=row).status == TaskResultStatus.READY


def test_the_default_timeout_comes_from_the_environment(monkeypatch, capsys):
    row = _claimed(minutes_ago=20, worker_id="killed", recipient="a@example.org")
    monkeypatch.setenv("ZICHT_TASK_STALE_MINUTES", "15")
    call_command("requeue_stale_tasks")
    assert "longer than 15 minutes: 1 were queued again" in capsys.readouterr().out
    assert DBTaskResult.objects.get(pk=row).status == TaskResultStatus.READY


@pytest.mark.parametrize("bad", ["0", "-5", "soon"])
def test_a_bad_older_than_is_refused_and_nothing_changes(bad):
    row = _claimed(minutes_ago=90, worker_id="killed", recipient="a@example.org")
    with pytest.raises(CommandError, match="at least 1"):
        call_command("requeue_stale_tasks", "--older-than", bad)
    assert DBTaskResult.objects.get(pk=row).status == TaskResultStatus.RUNNING


def test_a_task_whose_rerun_is_unchecked_or_that_killed_its_worker_thrice_is_failed(capsys):
    unknown = _claimed(minutes_ago=90, worker_id="killed", recipient="a@example.org")
    DBTaskResult.objects.filter(pk=unknown).update(task_path="zicht.elsewhere.tasks.new_task")
    thrice = _claimed(minutes_ago=90, worker_id="killed", recipient="b@example.org", claims=3)

    call_command("requeue_stale_tasks")

    assert "0 were queued again, 2 were marked failed" in capsys.readouterr().out
    for pk in (unknown, thrice):
        row = DBTaskResult.objects.get(pk=pk)
        assert row.status == TaskResultStatus.FAILED
        assert row.exception_class_path == "zicht.core.stale_tasks.WorkerLost"
        assert "worker stopped" in row.traceback
    _run_worker()
    assert mail.outbox == []


def test_every_task_of_zicht_says_why_a_rerun_is_safe():
    found = set()
    for module in pkgutil.walk_packages(zicht.__path__, "zicht."):
        if module.name.endswith(".tasks"):
            for value in vars(importlib.import_module(module.name)).values():
                if isinstance(value, Task):
                    found.add(value.module_path)
    assert found and found == set(stale_tasks.RERUN_SAFE)
