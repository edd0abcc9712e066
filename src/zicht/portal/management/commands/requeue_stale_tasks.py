"""Queue again (or fail) background tasks left running by a worker that died.

``deploy/zicht-run worker`` runs this before the worker starts, and ``zicht-run daily`` /
``scheduler`` before queuing the daily tasks (so a machine whose worker never comes back
is covered too). What is requeued and what is failed, and why a rerun is safe, is in
``zicht.core.stale_tasks``. It prints counts only, never a task's arguments (they may hold
e-mail addresses), and records one audit event when it changed anything.
"""

from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand, CommandError

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.conf import registry
from zicht.core.stale_tasks import requeue_stale


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ArgumentTypeError(f"must be a whole number of minutes, at least 1, not {text!r}")
    return value


class Command(BaseCommand):
    help = (
        "Queue again the background tasks still 'running' after ZICHT_TASK_STALE_MINUTES "
        "(their worker died); tasks whose rerun is not known to be safe are marked failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=_minutes,
            default=None,
            metavar="MINUTES",
            help="Treat tasks running longer than this as abandoned "
            "(default: ZICHT_TASK_STALE_MINUTES).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be done; change nothing."
        )

    def handle(self, *args, older_than=None, dry_run=False, **options):
        try:
            outcome = requeue_stale(
                older_than_minutes=(
                    registry.value("ZICHT_TASK_STALE_MINUTES") if older_than is None else older_than
                ),
                dry_run=dry_run,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not dry_run and (outcome.requeued or outcome.failed):
            audit.record(
                action=AuditAction.SYSTEM_STALE_TASKS_REQUEUED,
                details={
                    "requeued": outcome.requeued,
                    "failed": outcome.failed,
                    "older_than_minutes": outcome.older_than_minutes,
                },
            )
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"Tasks running longer than {outcome.older_than_minutes} minutes: "
            f"{outcome.requeued} {verb} queued again, {outcome.failed} {verb} marked failed."
        )
