"""Tasks left "running" by a worker that died are queued again (or failed, with a reason).

The database task backend (``django_tasks_db``) marks a task RUNNING when a worker claims
it and SUCCESSFUL or FAILED when the worker finishes it. A worker killed in between (``kill
-9``, out of memory, a machine that went away) never finishes it: the row stays RUNNING for
ever and no worker picks it up again, so a match e-mail is never sent. The backend records
no heartbeat, only the ids of the workers that claimed a task (``worker_ids``) and when the
last one did (``started_at``). A worker on another machine may be running a task right now,
so the only safe sign that a worker is gone is time: a task claimed longer ago than
``ZICHT_TASK_STALE_MINUTES`` (default 60; it must exceed the longest run of any task on
the installation's data, or a slow task still running is started a second time;
``manage.py requeue_stale_tasks`` reads it) is taken to be abandoned. :func:`requeue_stale`
then, per task:

- puts it back in the queue (READY) when its kind is in :data:`RERUN_SAFE`, which says why
  running it again is safe;
- marks it FAILED with :class:`WorkerLost` as the reason when its kind is not listed (a task
  added later whose rerun nobody has checked: better a visible failure than a double effect),
  or when it was claimed :data:`MAX_ATTEMPTS` times already (a task that kills its worker
  each time must not do so at every restart).

The rows are locked (``SELECT ... FOR UPDATE SKIP LOCKED``) and changed only while still
RUNNING, so two workers starting at once do not both handle a task, and a task that
finishes meanwhile keeps its result. ``manage.py requeue_stale_tasks`` runs this before
every worker starts (``deploy/zicht-run worker``) and before the daily tasks are queued.
Nothing here reads or logs a task's arguments: they may hold e-mail addresses.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

__all__ = ["MAX_ATTEMPTS", "RERUN_SAFE", "StaleOutcome", "WorkerLost", "requeue_stale"]

# After this many claims (each claim appends a worker id) a stale task is failed, not rerun.
MAX_ATTEMPTS = 3

_MAIL = (
    "Renders and sends again: the recipients may get the same e-mail twice. Accepted: a "
    "notice twice is better than a notice never (the e-mails hold no personal data)."
)

# Task path -> why running it again after a worker died mid-way is safe. Every task under
# ``zicht`` must be listed (tests/core/test_stale_tasks.py checks); one that is not is failed.
RERUN_SAFE: dict[str, str] = {
    "zicht.core.tasks.send_email": _MAIL,
    "zicht.coordination.tasks.send_notification": _MAIL
    + " It reads the file again and sends nothing once the file is anonymised.",
    "zicht.accounts.tasks.send_invitation": _MAIL
    + " A new account gets a second password link; both stay valid until one is used.",
    "zicht.accounts.tasks.send_invitation_to_existing_account": _MAIL
    + " It sends nothing once the invitation was answered or withdrawn.",
    "zicht.lessons.tasks.send_teacher_link": _MAIL
    + " The second link is as valid as the first and expires alike.",
    "zicht.coordination.tasks.screening_reminders_task": (
        "A reminder sent is recorded on its file for the day and not sent again that day; the "
        "one being sent when the worker died may go twice."
    ),
    "zicht.insight.tasks.refresh_estimates_task": "Recomputes and overwrites the cache.",
    "zicht.insight.tasks.refresh_estimate_task": "Skips a key that was computed meanwhile.",
    "zicht.insight.tasks.refresh_snapshot_task": "Skips a snapshot that is already current.",
    "zicht.audit.tasks.audit_checkpoint_task": (
        "Appends one more signed checkpoint of the same chain; an extra one is harmless."
    ),
    "zicht.intake.tasks.purge_expired_task": "Deletes what is past retention; nothing twice.",
    "zicht.api.tasks.purge_api_data_task": "Deletes what is past retention; nothing twice.",
    "zicht.help.tasks.purge_inactive_conversations": (
        "Deletes what is past retention; nothing twice."
    ),
    "zicht.coordination.tasks.anonymise_closed_files_task": (
        "Skips files that are anonymised already."
    ),
    "zicht.lessons.tasks.close_expired_class_sessions_task": (
        "Closes each class in its own transaction; a class closed already is gone."
    ),
}


class WorkerLost(Exception):
    """The worker running this task stopped before it finished (recorded as the reason)."""


@dataclass(frozen=True)
class StaleOutcome:
    """What :func:`requeue_stale` did (or, with ``dry_run``, would do): counts only."""

    requeued: int
    failed: int
    older_than_minutes: int


def requeue_stale(*, older_than_minutes: int, dry_run: bool = False) -> StaleOutcome:
    """Queue again, or fail, every task claimed more than ``older_than_minutes`` ago and
    still RUNNING (see the module docstring). ``dry_run`` counts and changes nothing."""
    minutes = older_than_minutes
    if minutes < 1:
        raise ValueError("older_than_minutes must be at least 1")
    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    requeued = failed = 0
    with transaction.atomic():
        stale = (
            DBTaskResult.objects.running()
            .filter(started_at__lt=cutoff)
            .select_for_update(skip_locked=True)
            .order_by("started_at")
        )
        for row in stale:
            reason = _failure_reason(row)
            if reason is None:
                requeued += 1
                if not dry_run:
                    DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
                        status=TaskResultStatus.READY, started_at=None
                    )
            else:
                failed += 1
                if not dry_run:
                    row.set_failed(WorkerLost(reason))
    return StaleOutcome(requeued=requeued, failed=failed, older_than_minutes=minutes)


def _failure_reason(row: DBTaskResult) -> str | None:
    """Why ``row`` must not run again, or ``None`` when it may."""
    if row.task_path not in RERUN_SAFE:
        return (
            "The worker stopped while running this task; it is not run again because "
            "nobody has checked that running it twice is safe (zicht.core.stale_tasks)."
        )
    if len(row.worker_ids) >= MAX_ATTEMPTS:
        return (
            f"The worker stopped while running this task {len(row.worker_ids)} times; "
            "it is not run again."
        )
    return None
