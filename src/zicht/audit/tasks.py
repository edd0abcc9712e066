"""Scheduled work: ``audit_checkpoint_task`` anchors the audit chain daily (django-tasks)."""

from django_tasks import task

from zicht.audit.checkpoints import checkpoint_write


@task()
def audit_checkpoint_task() -> int:
    """Append a signed checkpoint; a broken chain fails the task (and is logged)."""
    return checkpoint_write().seq
